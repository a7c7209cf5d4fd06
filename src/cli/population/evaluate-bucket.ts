// Phase 3 of a population run: one bucket's patients, read from its spill and grouped by patient, each given its line
// (patient-line.ts: the same §6 object as `cli evaluate --bundle` on its resources, or its error; the others go on),
// in order of id, into output chunks the main thread writes. A bucket too large to hold is read in groups.
import { closeSync, existsSync, openSync, readSync, statSync } from "node:fs";
import { BUCKET_BYTES } from "./layout.ts";
import { scanSpilled, SpillReader, type OnSpilledRecord, type SpillRecord } from "./lines.ts";
import { spill, writersFiles, type RunShape } from "./partition.ts";
import { MAX_PATIENT_BYTES, patientLine, tooLarge, type Medications } from "./patient-line.ts";

export interface BucketTask {
  kind: "bucket";
  bucket: number;
  writers: number;
  /** Today for the engine, YYYY-MM-DD or an ISO date-time. */
  now: string;
}

export interface BucketCounts {
  patients: number;
  errors: number;
  /** Lines that were routed to a patient but are not JSON (passed by, as evaluate --bundle does). */
  unreadable: number;
}

const medReader = new SpillReader();
const patientReader = new SpillReader();

export interface BucketResult {
  counts: BucketCounts;
  /** The bucket's output lines, in chunks that own their memory (sent to the main thread without a copy). */
  output: Uint8Array[];
}

/**
 * A bucket's patient records grouped by patient without an object per record (a bucket holds about 12,000 lines, and
 * objects that live as long as the bucket would all be promoted to the old generation): per record its key, where
 * its json lies, and the next record of the same patient (−1: none). Kept and grown from bucket to bucket.
 */
class Grouped {
  key = new Float64Array(0);
  from = new Int32Array(0);
  to = new Int32Array(0);
  next = new Int32Array(0);

  /** Room for `records` records (what is held is kept). */
  reserve(records: number): void {
    if (records <= this.key.length) return;
    const size = Math.max(records, 2 * this.key.length, 1 << 14);
    const key = new Float64Array(size);
    key.set(this.key);
    this.key = key;
    for (const name of ["from", "to", "next"] as const) {
      const bigger = new Int32Array(size);
      bigger.set(this[name]);
      this[name] = bigger;
    }
  }
}
const grouped = new Grouped();

/**
 * A bucket's spill beyond this size (a patient with a very long history, or many in one bucket) is not read whole:
 * its patients are evaluated in groups of at most this many bytes (evaluateLargeBucket), so a worker's memory stays
 * bounded whatever the export holds.
 */
export const LARGE_BUCKET_BYTES = 4 * BUCKET_BYTES;

export function evaluateBucket(task: BucketTask, shape: RunShape): BucketResult {
  const meds = medications(writersFiles(task.writers, (w) => spill.joined(shape.tmp, w, task.bucket)));
  const paths = writersFiles(task.writers, (w) => spill.patients(shape.tmp, w, task.bucket));
  const output = new OutputChunks();
  const counts: BucketCounts = { patients: 0, errors: 0, unreadable: 0 };
  if (filesSize(paths) <= LARGE_BUCKET_BYTES) evaluateRecords((onRecord) => patientReader.scan(paths, onRecord), meds, task.now, output, counts);
  else evaluateLargeBucket(paths, meds, task.now, output, counts);
  return { counts, output: output.done() };
}

const filesSize = (paths: string[]) => paths.reduce((n, p) => n + (existsSync(p) ? statSync(p).size : 0), 0);

/**
 * The bucket's Medications (the first of each id in export order). Held in memory as one buffer when their files
 * are small, as they are; past LARGE_BUCKET_BYTES (many large Medications), only where each lies, and a Medication
 * is read from disk when a request asks for it.
 */
function medications(paths: string[]): Medications {
  if (filesSize(paths) <= LARGE_BUCKET_BYTES) {
    const meds = new Map<string, SpillRecord>();
    medReader.read(paths, (r) => {
      const prior = meds.get(r.id);
      if (!prior || r.key < prior.key) meds.set(r.id, r);
    });
    return meds;
  }
  const where = new Map<string, { key: number; path: string; at: number; bytes: number }>();
  medReader.stream(paths, (buf, key, idFrom, idTo, from, to, path, base) => {
    const id = buf.toString("latin1", idFrom, idTo);
    const prior = where.get(id);
    if (!prior || key < prior.key) where.set(id, { key, path, at: base + from, bytes: to - from });
  });
  return {
    get(id) {
      const w = where.get(id);
      if (!w) return undefined;
      const buf = Buffer.allocUnsafe(w.bytes);
      const fd = openSync(w.path, "r");
      try {
        for (let got = 0; got < w.bytes; ) {
          const n = readSync(fd, buf, got, w.bytes - got, w.at + got);
          if (n === 0) break;
          got += n;
        }
      } finally {
        closeSync(fd);
      }
      return { key: w.key, id, buf, from: 0, to: w.bytes };
    },
  };
}

function count(counts: BucketCounts, output: OutputChunks, line: { parts: string[]; error: boolean; unreadable: number }): void {
  counts.patients++;
  if (line.error) counts.errors++;
  counts.unreadable += line.unreadable;
  output.add(line.parts);
}

/** The patients of the records `feed` gives (held until all are fed), each evaluated, in order of id. */
function evaluateRecords(
  feed: (onRecord: OnSpilledRecord) => void,
  meds: Medications,
  now: string,
  output: OutputChunks,
  counts: BucketCounts,
): void {
  // id → [first record, last record]
  const patients = new Map<string, { first: number; last: number }>();
  let records = 0;
  let bucketBuf: Buffer = Buffer.alloc(0);
  feed((buf, key, idFrom, idTo, from, to) => {
    bucketBuf = buf;
    const r = records++;
    grouped.reserve(records);
    grouped.key[r] = key;
    grouped.from[r] = from;
    grouped.to[r] = to;
    grouped.next[r] = -1;
    const id = buf.toString("latin1", idFrom, idTo);
    const p = patients.get(id);
    if (p) {
      grouped.next[p.last] = r;
      p.last = r;
    } else patients.set(id, { first: r, last: r });
  });
  for (const id of [...patients.keys()].sort()) {
    const lines: SpillRecord[] = [];
    let sorted = true;
    for (let r = patients.get(id)!.first; r >= 0; r = grouped.next[r]!) {
      if (lines.length > 0 && grouped.key[r]! < lines[lines.length - 1]!.key) sorted = false;
      lines.push({ key: grouped.key[r]!, id, buf: bucketBuf, from: grouped.from[r]!, to: grouped.to[r]! });
    }
    // In export order (each writer's file is; the records of several writers interleave).
    if (!sorted) lines.sort((a, b) => a.key - b.key);
    count(counts, output, patientLine(id, lines, meds, now));
  }
}

/**
 * A bucket too large to hold: a first pass through a fixed window counts each patient's bytes; a patient over
 * MAX_PATIENT_BYTES gets its error line unread; the others are read and evaluated in groups of at most
 * LARGE_BUCKET_BYTES (one more pass each), in order of id, as for any bucket.
 */
function evaluateLargeBucket(paths: string[], meds: Medications, now: string, output: OutputChunks, counts: BucketCounts): void {
  const sizes = new Map<string, { json: number; spilled: number }>();
  patientReader.stream(paths, (buf, key, idFrom, idTo, from, to) => {
    const id = buf.toString("latin1", idFrom, idTo);
    const size = sizes.get(id) ?? { json: 0, spilled: 0 };
    size.json += to - from;
    size.spilled += String(key).length + id.length + (to - from) + 3;
    sizes.set(id, size);
  });
  const group = new Set<string>();
  let groupBytes = 0;
  const flush = () => {
    if (group.size === 0) return;
    const held = Buffer.allocUnsafe(groupBytes);
    let at = 0;
    patientReader.stream(paths, (buf, key, idFrom, idTo, from, to) => {
      const id = buf.toString("latin1", idFrom, idTo);
      if (!group.has(id)) return;
      at += held.write(`${key}\t${id}\t`, at, "latin1");
      at += buf.copy(held, at, from, to);
      held[at++] = 0x0a;
    });
    evaluateRecords((onRecord) => scanSpilled(held, at, onRecord), meds, now, output, counts);
    group.clear();
    groupBytes = 0;
  };
  for (const id of [...sizes.keys()].sort()) {
    const size = sizes.get(id)!;
    if (size.json > MAX_PATIENT_BYTES) {
      flush();
      count(counts, output, tooLarge(id, size.json));
      continue;
    }
    if (groupBytes + size.spilled > LARGE_BUCKET_BYTES) flush();
    group.add(id);
    groupBytes += size.spilled;
  }
  flush();
}

/** Bytes per output chunk. */
const CHUNK_BYTES = 1 << 20;

/**
 * Chunks the main thread has written and handed back: a worker reuses them rather than making new ones, so the
 * chunks in circulation stay few (a transferred chunk is freed only when the main thread's heap is next collected,
 * and until then it counts in the process's memory).
 */
const spare: Buffer[] = [];
const MAX_SPARE = 16;

export function reuseChunks(chunks: ArrayBuffer[]): void {
  for (const c of chunks) if (c.byteLength === CHUNK_BYTES && spare.length < MAX_SPARE) spare.push(Buffer.from(c));
}

/**
 * Output lines encoded straight into 1 MB chunks (no joined string, no buffer per line): a bucket's output is a few
 * megabytes, handed to the main thread as it is, which writes the buckets in order and hands the chunks back.
 */
class OutputChunks {
  private readonly chunks: Uint8Array[] = [];
  private buf = OutputChunks.take(CHUNK_BYTES);
  private used = 0;

  private static take(bytes: number): Buffer {
    return bytes <= CHUNK_BYTES ? (spare.pop() ?? Buffer.allocUnsafeSlow(CHUNK_BYTES)) : Buffer.allocUnsafeSlow(bytes);
  }

  /** Appends one line: its parts, then a newline. */
  add(parts: string[]): void {
    let most = 1; // UTF-8 bytes of the UTF-16 parts, at most, and the newline
    for (const part of parts) most += 3 * part.length;
    if (this.used + most > this.buf.length) {
      this.cut();
      this.buf = OutputChunks.take(most);
    }
    for (const part of parts) this.used += this.buf.write(part, this.used, "utf8");
    this.buf[this.used++] = 0x0a;
  }

  private cut(): void {
    if (this.used > 0) this.chunks.push(this.buf.subarray(0, this.used));
    else if (this.buf.length === CHUNK_BYTES) spare.push(this.buf);
    this.used = 0;
  }

  done(): Uint8Array[] {
    this.cut();
    return this.chunks;
  }
}
