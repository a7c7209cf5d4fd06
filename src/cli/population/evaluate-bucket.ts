// Phase 3 of a population run: one bucket's patients, each put back together in export order (its own resources,
// then the Medications its requests reference, by their place in the export) and evaluated by the same engine and
// the same §6 output as `cli evaluate --bundle` on that patient's resources. A patient whose data cannot be
// evaluated gets a line with the error; the others go on.
import { closeSync, existsSync, openSync, readSync, statSync } from "node:fs";
import { evaluate } from "../../clinical/evaluate.ts";
import { recordFromEntries, type RecordEntry } from "../../clinical/record.ts";
import { toCliJson } from "../output.ts";
import { BUCKET_BYTES } from "./layout.ts";
import { scanSpilled, SpillReader, type OnSpilledRecord, type SpillRecord } from "./lines.ts";
import { medicationIdOfReference, spill, writersFiles, type RunShape } from "./partition.ts";

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

/**
 * A patient whose resources hold more text than this gets an error line instead of an evaluation (a 20-year weekly
 * history is about 7 MB): a worker's memory stays bounded whatever one record holds. Evaluate such a record alone
 * with evaluate --bundle.
 */
export const MAX_PATIENT_BYTES = 8 * 1024 * 1024;

function parse(r: SpillRecord): unknown {
  return JSON.parse(r.buf.toString("utf8", r.from, r.to));
}

/** The Medications a bucket's requests may reference, by id (a Map, or records read from disk when asked for). */
export interface Medications {
  get(id: string): SpillRecord | undefined;
}

/** Marks a line that is not JSON in parseLines' answer. */
const UNREADABLE = Symbol("unreadable");

/**
 * Text per JSON.parse call: a patient's lines are parsed in arrays of about this much text. Not one string per
 * patient: a string over 128 KB is a large object to V8, allocated and freed with pages of its own, and on this
 * machine that cost more than the parse (a tenth of the patients have more than 128 KB of resources).
 */
const PARSE_BYTES = 64 * 1024;

/** Where lines are joined into one JSON array (grown for a line longer than PARSE_BYTES). */
let joined = Buffer.allocUnsafe(PARSE_BYTES + 2);

/**
 * Each line's JSON value (UNREADABLE for a line that is not JSON): one JSON.parse per PARSE_BYTES of lines, joined as
 * an array, and one per line in an array that does not parse (it holds a line that is not JSON). The same values
 * either way: every spilled line is one JSON object's text with nothing but whitespace around it, or was parsed
 * whole (phase 1's scan refuses anything else), so when the array parses, its items are the lines' texts one for one
 * (counted too).
 */
function parseLines(lines: SpillRecord[]): unknown[] {
  const values: unknown[] = [];
  let first = 0;
  while (first < lines.length) {
    let end = first;
    let bytes = 2;
    while (end < lines.length && (end === first || bytes + lines[end]!.to - lines[end]!.from + 1 <= PARSE_BYTES)) {
      bytes += lines[end]!.to - lines[end]!.from + 1;
      end++;
    }
    if (joined.length < bytes) joined = Buffer.allocUnsafe(bytes);
    let at = 0;
    for (let i = first; i < end; i++) {
      joined[at] = i === first ? 0x5b : 0x2c; // "[", then "," between lines
      at = 1 + at + lines[i]!.buf.copy(joined, at + 1, lines[i]!.from, lines[i]!.to);
    }
    joined[at++] = 0x5d; // "]"
    let group: unknown[] | undefined;
    try {
      group = JSON.parse(joined.toString("utf8", 0, at)) as unknown[];
    } catch {
      // a line that is not JSON: each is parsed alone
    }
    if (group && group.length === end - first) for (const v of group) values.push(v);
    else
      for (let i = first; i < end; i++) {
        try {
          values.push(parse(lines[i]!));
        } catch {
          values.push(UNREADABLE);
        }
      }
    first = end;
  }
  return values;
}

/** `{"key":` (the first member) or `,"key":`, kept: the §6 object has the same few keys on every line. */
const heads = new Map<string, readonly [string, string]>();
function memberHead(key: string, first: boolean): string {
  let head = heads.get(key);
  if (!head) {
    const name = JSON.stringify(key);
    head = [`{${name}:`, `,${name}:`];
    if (heads.size >= 256) heads.clear();
    heads.set(key, head);
  }
  return head[first ? 0 : 1];
}

/**
 * JSON.stringify(o) of a plain object in parts, each member's name and value (`{"patient":`, `"Patient/…"`,
 * `,"now":`, …, `}`): their text joined is JSON.stringify's, byte for byte. The §6 object's recommendations hold a character outside Latin-1 (the
 * dash in reference ranges, "[44–49]"); stringified whole, the whole line becomes a two-byte string, which took about
 * 1.5× as long to build and longer to encode than the members one by one, where only that member is two-byte.
 */
export function jsonParts(o: Record<string, unknown>): string[] {
  if (typeof o.toJSON === "function") return [JSON.stringify(o)];
  const parts: string[] = [];
  for (const key of Object.keys(o)) {
    const value = JSON.stringify(o[key]);
    if (value === undefined) continue; // undefined, a function or a symbol: left out, as JSON.stringify does
    parts.push(memberHead(key, parts.length === 0), value);
  }
  parts.push(parts.length === 0 ? "{}" : "}");
  return parts;
}

/** The line of a patient whose resources are more than a run reads for one (MAX_PATIENT_BYTES of text). */
function tooLarge(patientId: string, bytes: number): { parts: string[]; error: boolean; unreadable: number } {
  const error = `the record holds ${(bytes / 1048576).toFixed(1)} MB of resources, more than a population run reads for one patient (${MAX_PATIENT_BYTES / 1048576} MB); evaluate it alone with evaluate --bundle`;
  return { parts: [JSON.stringify({ patient: `Patient/${patientId}`, error })], error: true, unreadable: 0 };
}

/**
 * The line a patient gets in the output: the §6 object, or its error. `lines` are the patient's spilled lines in
 * export order; `meds` the Medications its requests may reference.
 */
export function patientLine(
  patientId: string,
  lines: SpillRecord[],
  meds: Medications,
  now: string,
): { parts: string[]; error: boolean; unreadable: number } {
  let unreadable = 0;
  let bytes = 0;
  for (const l of lines) bytes += l.to - l.from;
  if (bytes > MAX_PATIENT_BYTES) return tooLarge(patientId, bytes);
  try {
    const values = parseLines(lines);
    const entries: RecordEntry[] = [];
    // The Medications the requests reference, each once, by their place in the export.
    let medications: { key: number; resource: unknown }[] | undefined;
    for (let i = 0; i < lines.length; i++) {
      const resource = values[i];
      if (resource === UNREADABLE) {
        unreadable++;
        continue;
      }
      entries.push({ resource });
      if (resource && (resource as Record<string, unknown>).resourceType === "MedicationRequest") {
        const id = medicationIdOfReference(((resource as Record<string, unknown>).medicationReference as { reference?: unknown } | undefined)?.reference);
        const med = id ? meds.get(id) : undefined;
        if (id && med && !medications?.some((m) => m.key === med.key)) {
          // The Medications count in what the run reads for the patient (a Medication may be large, too).
          bytes += med.to - med.from;
          if (bytes > MAX_PATIENT_BYTES) return tooLarge(patientId, bytes);
          (medications ??= []).push({ key: med.key, resource: parse(med) });
        }
      }
    }
    if (medications) placeInExportOrder(entries, lines, values, medications);
    const evaluation = evaluate(recordFromEntries(entries, { patientId }), { now });
    return { parts: jsonParts(toCliJson(evaluation)), error: false, unreadable };
  } catch (e) {
    return { parts: [JSON.stringify({ patient: `Patient/${patientId}`, error: e instanceof Error ? e.message : String(e) })], error: true, unreadable };
  }
}

/** Puts the Medications among the patient's entries (which are in export order) at their own places in the export. */
function placeInExportOrder(entries: RecordEntry[], lines: SpillRecord[], values: unknown[], medications: { key: number; resource: unknown }[]): void {
  const all: { key: number; resource: unknown }[] = [...medications];
  for (let i = 0; i < lines.length; i++) if (values[i] !== UNREADABLE) all.push({ key: lines[i]!.key, resource: values[i] });
  all.sort((a, b) => a.key - b.key);
  entries.length = 0;
  for (const x of all) entries.push({ resource: x.resource });
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
  medReader.streamAt(paths, (buf, key, idFrom, idTo, from, to, path, base) => {
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
