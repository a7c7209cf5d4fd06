// Phase 1 of a population run: read a byte range of an export file and send each line where it belongs — the
// patient's bucket (for this shard's patients), the Medication join (Medications, and the Medications each
// MedicationRequest needs) — in spill files of this worker. Each spilled line carries its place in the export
// (file number, byte offset), so a patient's resources are put back in export order whatever the worker count.
import { join } from "node:path";
import { bucketOf, bucketOfHash, idHashBytes, medPartitionOf, READ_TYPES, shardOf, shardOfHash } from "./layout.ts";
import { exportKey, forEachLine, SpillWriter } from "./lines.ts";
import { topLevelSpans, withinDepth } from "./scan.ts";

export interface PartitionTask {
  kind: "partition";
  file: string;
  fileIndex: number;
  start: number;
  end: number;
}

export interface RunShape {
  tmp: string;
  shardIndex: number;
  shardCount: number;
  buckets: number;
  medPartitions: number;
}

export interface PartitionCounts {
  lines: number;
  /** Lines of this shard's patients. */
  kept: number;
  /** Lines that are not JSON, or not a resource: where (file:line is not known here; byte offsets are). */
  unreadable: { file: string; offset: number }[];
  /** Resources that name no patient (and are not Medications). */
  unattributed: number;
  /** Lines longer than a run reads (MAX_LINE_BYTES), passed by unread: where, and their length. */
  long: { file: string; offset: number; bytes: number }[];
}

/** Spill file names (w: the worker that wrote it). */
export const spill = {
  patients: (tmp: string, w: number, bucket: number) => join(tmp, `p-${w}-${bucket}.tsv`),
  meds: (tmp: string, w: number, part: number) => join(tmp, `m-${w}-${part}.tsv`),
  needs: (tmp: string, w: number, part: number) => join(tmp, `n-${w}-${part}.tsv`),
  joined: (tmp: string, w: number, bucket: number) => join(tmp, `j-${w}-${bucket}.tsv`),
};

/** One spill file per phase-1 worker. */
export function writersFiles(writers: number, name: (w: number) => string): string[] {
  return Array.from({ length: writers }, (_, w) => name(w));
}

const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;

/** The id in a reference to a Patient ("Patient/1", "https://x/fhir/Patient/1", with or without _history). */
export function patientIdOfReference(reference: unknown): string | undefined {
  if (typeof reference !== "string") return undefined;
  const m = /(?:^|\/)Patient\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/.exec(reference);
  return m?.[1];
}

/** The id of the Medication a MedicationRequest references as a resource ("Medication/x" or an absolute URL). */
export function medicationIdOfReference(reference: unknown): string | undefined {
  if (typeof reference !== "string" || reference.startsWith("#")) return undefined;
  const m = /(?:^|\/)Medication\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/.exec(reference);
  return m?.[1];
}

/** The patient a resource belongs to: its own id for a Patient, else its subject (or patient) reference. */
export function ownerOf(r: Record<string, unknown>): string | undefined {
  if (r.resourceType === "Patient") return typeof r.id === "string" && FHIR_ID.test(r.id) ? r.id : undefined;
  const subject = (r.subject ?? r.patient) as { reference?: unknown } | undefined;
  return subject && typeof subject === "object" ? patientIdOfReference(subject.reference) : undefined;
}

interface Routed {
  type: string;
  /** The patient it belongs to (undefined: none named). */
  owner: string | undefined;
  /** A Medication's id; the Medication a MedicationRequest references. */
  medId: string | undefined;
}

const ROUTING_KEYS = ["resourceType", "id", "subject", "patient"] as const;
const [TYPE, ID, SUBJECT, PATIENT] = [0, 2, 4, 6];
const spans = new Int32Array(2 * ROUTING_KEYS.length);

/** The JSON value b[from, to): a plain ASCII string straight from its bytes, anything else through JSON.parse. */
function valueAt(b: Buffer, from: number, to: number): unknown {
  if (from < 0) return undefined;
  if (b[from] === 0x22 && b[to - 1] === 0x22 && to - from >= 2) {
    let plain = true;
    for (let i = from + 1; i < to - 1; i++) {
      const c = b[i]!;
      if (c === 0x5c || c < 0x20 || c > 0x7e) {
        plain = false;
        break;
      }
    }
    if (plain) return b.toString("latin1", from + 1, to - 1);
  }
  return JSON.parse(b.toString("utf8", from, to)) as unknown;
}

/** The resource types the engine reads, as bytes: a line's type is matched against them without making a string. */
const KNOWN_TYPES = READ_TYPES.map((name) => ({ name, bytes: Buffer.from(`"${name}"`, "latin1") }));

/** The type b[from, to) names (a JSON string): one of READ_TYPES as its constant, else through valueAt. */
function typeAt(b: Buffer, from: number, to: number): unknown {
  if (from < 0) return undefined;
  const length = to - from;
  for (const t of KNOWN_TYPES) if (t.bytes.length === length && sameBytes(b, from, t.bytes)) return t.name;
  return valueAt(b, from, to);
}

/** Whether b holds `bytes` at `at` (a few bytes: compared here rather than through a native call). */
function sameBytes(b: Buffer, at: number, bytes: Buffer): boolean {
  for (let i = 0; i < bytes.length; i++) if (b[at + i] !== bytes[i]) return false;
  return true;
}

const PATIENT_SLASH = Buffer.from("Patient/", "latin1");

/**
 * Where the patient id of a reference written `"Patient/ID"` (plain ASCII, a FHIR id) starts in b (it ends before the
 * closing quote, at to − 1); −1 when the reference is written any other way (the caller then reads it through
 * patientIdOfReference).
 */
function plainPatientIdStart(b: Buffer, from: number, to: number): number {
  const start = from + 1 + PATIENT_SLASH.length;
  if (b[from] !== 0x22 || b[to - 1] !== 0x22 || start >= to - 1 || to - 1 - start > 64) return -1;
  if (!sameBytes(b, from + 1, PATIENT_SLASH)) return -1;
  for (let i = start; i < to - 1; i++) {
    const c = b[i]!;
    // [A-Za-z0-9\-.]
    if (!((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e)) return -1;
  }
  return start;
}

/** The plain patient id of a reference written `"Patient/ID"`, as text; undefined when it is written any other way. */
function plainPatientId(b: Buffer, from: number, to: number): string | undefined {
  const start = plainPatientIdStart(b, from, to);
  return start < 0 ? undefined : b.toString("latin1", start, to - 1);
}

const REFERENCE = ["reference"] as const;
const referenceSpans = new Int32Array(2);

/** A subject's value: an object read for its reference alone (the common case, without JSON.parse), else as valueAt. */
function subjectAt(b: Buffer, from: number, to: number): unknown {
  if (from >= 0 && b[from] === 0x7b && topLevelSpans(b, from, to, REFERENCE, referenceSpans))
    return { reference: valueAt(b, referenceSpans[0]!, referenceSpans[1]!) };
  return valueAt(b, from, to);
}

/** The types the common case below routes: every type the engine reads but the Patient, Medication and MedicationRequest. */
const PLAIN_TYPES = KNOWN_TYPES.filter((t) => t.name !== "Patient" && t.name !== "Medication" && t.name !== "MedicationRequest");

/**
 * The common case of routing, without making a string: a line whose top-level resourceType is one of PLAIN_TYPES,
 * written as plain text, and whose top-level subject is `{"reference":"Patient/ID"}` with a plain FHIR id. Gives
 * where the id starts (it ends at `plainEnd`); −1 for any other line, which routeBytes then reads (the two agree:
 * routeBytes takes this same case first).
 */
let plainEnd = 0;
/** The type of plainRoute's line, when it routes it. */
let plainType: string | undefined;
/** Whether plainRoute's scan of its line succeeded (the spans then hold the line's routing keys, for routeScanned). */
let plainScanned = false;
function plainRoute(b: Buffer, from: number, to: number): number {
  plainScanned = topLevelSpans(b, from, to, ROUTING_KEYS, spans);
  if (!plainScanned) return -1;
  const typeFrom = spans[TYPE]!;
  if (typeFrom < 0) return -1;
  const length = spans[TYPE + 1]! - typeFrom;
  plainType = undefined;
  for (const t of PLAIN_TYPES) if (t.bytes.length === length && sameBytes(b, typeFrom, t.bytes)) plainType = t.name;
  if (plainType === undefined) return -1;
  const subjectFrom = spans[SUBJECT]!;
  if (subjectFrom < 0 || b[subjectFrom] !== 0x7b || !topLevelSpans(b, subjectFrom, spans[SUBJECT + 1]!, REFERENCE, referenceSpans)) return -1;
  const start = plainPatientIdStart(b, referenceSpans[0]!, referenceSpans[1]!);
  plainEnd = referenceSpans[1]! - 1;
  return start;
}

/** Where the line b[from, to) (UTF-8) goes; null when it is not a FHIR resource in JSON. */
export function routeBytes(b: Buffer, from: number, to: number): Routed | null {
  return routeScanned(b, from, to, topLevelSpans(b, from, to, ROUTING_KEYS, spans));
}

/** routeBytes once the line's top-level scan is done (`scanned`: whether it succeeded; its spans are in `spans`). */
function routeScanned(b: Buffer, from: number, to: number, scanned: boolean): Routed | null {
  try {
    const type = scanned ? typeAt(b, spans[TYPE]!, spans[TYPE + 1]!) : undefined;
    if (typeof type === "string" && type !== "Medication" && type !== "MedicationRequest") {
      if (type === "Patient") {
        const id = valueAt(b, spans[ID]!, spans[ID + 1]!);
        return { type, owner: typeof id === "string" && FHIR_ID.test(id) ? id : undefined, medId: undefined };
      }
      // The common case, `"subject":{"reference":"Patient/ID"}`, read from the bytes alone.
      if (spans[SUBJECT]! >= 0 && b[spans[SUBJECT]!] === 0x7b && topLevelSpans(b, spans[SUBJECT]!, spans[SUBJECT + 1]!, REFERENCE, referenceSpans)) {
        const owner = plainPatientId(b, referenceSpans[0]!, referenceSpans[1]!);
        if (owner !== undefined) return { type, owner, medId: undefined };
      }
      let subject = subjectAt(b, spans[SUBJECT]!, spans[SUBJECT + 1]!);
      subject ??= subjectAt(b, spans[PATIENT]!, spans[PATIENT + 1]!);
      const reference = subject && typeof subject === "object" ? (subject as { reference?: unknown }).reference : undefined;
      return { type, owner: patientIdOfReference(reference), medId: undefined };
    }
    // Medications and MedicationRequests (few) and lines the scanner cannot follow: parsed whole, unless they nest
    // deeper than any resource (MAX_DEPTH), which JSON.parse would turn into millions of arrays.
    if (!withinDepth(b, from, to)) return null;
    const r = JSON.parse(b.toString("utf8", from, to)) as unknown;
    if (typeof r !== "object" || r === null || Array.isArray(r)) return null;
    const res = r as Record<string, unknown>;
    if (typeof res.resourceType !== "string") return null;
    if (res.resourceType === "Medication")
      return { type: "Medication", owner: undefined, medId: typeof res.id === "string" && FHIR_ID.test(res.id) ? res.id : undefined };
    const medId =
      res.resourceType === "MedicationRequest"
        ? medicationIdOfReference((res.medicationReference as { reference?: unknown } | undefined)?.reference)
        : undefined;
    return { type: res.resourceType, owner: ownerOf(res), medId };
  } catch {
    return null;
  }
}

/** Where a line (text) goes, as partition routes its UTF-8 bytes (the common case first, then routeBytes). */
export function route(line: string): Routed | null {
  const b = Buffer.from(line, "utf8");
  const idStart = plainRoute(b, 0, b.length);
  if (idStart >= 0) return { type: plainType!, owner: b.toString("latin1", idStart, plainEnd), medId: undefined };
  return routeScanned(b, 0, b.length, plainScanned);
}

/** A spill file name per bucket or partition, made once (not once per line). */
function names(count: number, name: (i: number) => string): string[] {
  return Array.from({ length: count }, (_, i) => name(i));
}

export function partition(task: PartitionTask, shape: RunShape, worker: number, out: SpillWriter): PartitionCounts {
  const counts: PartitionCounts = { lines: 0, kept: 0, unreadable: [], unattributed: 0, long: [] };
  const patientFiles = names(shape.buckets, (b) => spill.patients(shape.tmp, worker, b));
  const medFiles = names(shape.medPartitions, (m) => spill.meds(shape.tmp, worker, m));
  const needFiles = names(shape.medPartitions, (m) => spill.needs(shape.tmp, worker, m));
  out.plan(shape.buckets + 2 * shape.medPartitions);
  forEachLine(task.file, task.start, task.end, (buf, from, to, offset) => {
    counts.lines++;
    // The common case (an Observation of "Patient/ID"), with no string and no object made.
    const idStart = plainRoute(buf, from, to);
    if (idStart >= 0) {
      const hash = idHashBytes(buf, idStart, plainEnd);
      if (shardOfHash(hash, shape.shardCount) !== shape.shardIndex) return;
      counts.kept++;
      const bucket = bucketOfHash(hash, shape.shardCount, shape.buckets);
      out.writeRecord(patientFiles[bucket]!, exportKey(task.fileIndex, offset), buf, idStart, plainEnd, buf, from, to);
      return;
    }
    // Any other line: routed from its bytes (it becomes a string only when it is parsed whole) and spilled as it is.
    const r = routeScanned(buf, from, to, plainScanned);
    if (!r) {
      counts.unreadable.push({ file: task.file, offset });
      return;
    }
    if (!(READ_TYPES as readonly string[]).includes(r.type)) return; // the engine would pass it by
    const key = exportKey(task.fileIndex, offset);
    if (r.type === "Medication") {
      if (r.medId) out.write(medFiles[medPartitionOf(r.medId, shape.medPartitions)]!, `${key}\t${r.medId}\t`, buf, from, to);
      return; // without an id no request can reference it
    }
    if (r.owner === undefined) {
      counts.unattributed++;
      return;
    }
    if (shardOf(r.owner, shape.shardCount) !== shape.shardIndex) return;
    counts.kept++;
    const bucket = bucketOf(r.owner, shape.shardCount, shape.buckets);
    out.write(patientFiles[bucket]!, `${key}\t${r.owner}\t`, buf, from, to);
    if (r.medId) out.write(needFiles[medPartitionOf(r.medId, shape.medPartitions)]!, `0\t${r.medId}\t${bucket}`);
  }, undefined, (offset, bytes) => {
    counts.lines++;
    counts.long.push({ file: task.file, offset, bytes });
  });
  return counts;
}
