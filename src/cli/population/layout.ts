// How a population run lays out its work: which export files are read, which patient goes to which shard and
// bucket, and how big the buckets are. Pure (the file listing aside), so every worker and every machine agrees.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fnv1a } from "../../clinical/id-table.ts";

/** The resource types the engine reads; a file of another type is not read at all. */
export const READ_TYPES = ["Patient", "Observation", "MedicationRequest", "Medication", "Condition", "CarePlan", "Goal"] as const;

export interface ExportFile {
  path: string;
  name: string;
  /** The type the file's name gives ("Observation.ndjson", "Observation.2.ndjson", "Observation_1.ndjson", "1.Observation.ndjson"); null when it names none. */
  type: string | null;
  bytes: number;
}

/** The resource type a bulk-export file name names, if any. */
export function typeOfFileName(name: string): string | null {
  const base = name.replace(/\.ndjson$/i, "");
  for (const part of base.split(/[._-]/)) if (/^[A-Z][A-Za-z]+$/.test(part)) return part;
  return null;
}

/**
 * The NDJSON files of an export folder that can hold resources the engine reads, in name order (the order of a
 * patient's resources in the output is the export's: file by file in this order, line by line).
 */
export function exportFiles(dir: string): { files: ExportFile[]; skipped: string[] } {
  const names = readdirSync(dir).filter((n) => /\.ndjson$/i.test(n)).sort();
  const files: ExportFile[] = [];
  const skipped: string[] = [];
  for (const name of names) {
    const path = join(dir, name);
    const st = statSync(path);
    if (!st.isFile()) continue;
    const type = typeOfFileName(name);
    if (type !== null && !(READ_TYPES as readonly string[]).includes(type)) {
      skipped.push(name);
      continue;
    }
    files.push({ path, name, type, bytes: st.size });
  }
  return { files, skipped };
}

/**
 * FNV-1a (32-bit) over the id's UTF-16 code units: the same number on every machine and in every language runtime
 * (the engine's id table uses the same hash).
 */
export const idHash: (id: string) => number = fnv1a;

/** idHash of an ASCII id held as bytes b[from, to) (its UTF-16 code units are its bytes): no string made. */
export function idHashBytes(b: Uint8Array, from: number, to: number): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) {
    h ^= b[i]!;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export interface Shard {
  /** 0 … count − 1. */
  index: number;
  count: number;
}

export function shardOf(patientId: string, count: number): number {
  return shardOfHash(idHash(patientId), count);
}

/** shardOf a patient whose id hashes (idHash) to `hash`. */
export function shardOfHash(hash: number, count: number): number {
  return hash % count;
}

/** The bucket of a patient within its shard (buckets are evaluated one at a time per worker). */
export function bucketOf(patientId: string, shardCount: number, buckets: number): number {
  return bucketOfHash(idHash(patientId), shardCount, buckets);
}

/** bucketOf a patient whose id hashes (idHash) to `hash`. */
export function bucketOfHash(hash: number, shardCount: number, buckets: number): number {
  return Math.floor(hash / shardCount) % buckets;
}

/** Partitions of the Medication join, by the Medication's id. */
export function medPartitionOf(medId: string, partitions: number): number {
  return idHash(medId) % partitions;
}

/** Bytes of export text per bucket (a worker holds one bucket's text and one patient's resources at a time). */
export const BUCKET_BYTES = 8 * 1024 * 1024;

/** Bucket count for a shard: enough that a bucket holds about BUCKET_BYTES, whatever the export's size. */
export function bucketCount(patientBytes: number, shardCount: number): number {
  return Math.max(1, Math.min(65536, Math.ceil(patientBytes / shardCount / BUCKET_BYTES)));
}

/** Byte ranges (about `size` bytes each) that split a file for parallel reading; lines are assigned by start. */
export function ranges(bytes: number, size: number): [number, number][] {
  const out: [number, number][] = [];
  for (let start = 0; start < bytes; start += size) out.push([start, Math.min(bytes, start + size)]);
  return out;
}
