// Phase 1 of a population run: read a byte range of an export file and send each line where it belongs — the
// patient's bucket (for this shard's patients), the Medication join (Medications, and the Medications each
// MedicationRequest needs) — in spill files of this worker. Each spilled line carries its place in the export
// (file number, byte offset), so a patient's resources are put back in export order whatever the worker count.
import { join } from "node:path";
import { bucketOf, medPartitionOf, READ_TYPES, shardOf } from "./layout.ts";
import { exportKey, forEachLine, SpillWriter } from "./lines.ts";
import { topLevelFields } from "./scan.ts";

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
}

/** Spill file names (w: the worker that wrote it). */
export const spill = {
  patients: (tmp: string, w: number, bucket: number) => join(tmp, `p-${w}-${bucket}.tsv`),
  meds: (tmp: string, w: number, part: number) => join(tmp, `m-${w}-${part}.tsv`),
  needs: (tmp: string, w: number, part: number) => join(tmp, `n-${w}-${part}.tsv`),
  joined: (tmp: string, w: number, bucket: number) => join(tmp, `j-${w}-${bucket}.tsv`),
  output: (tmp: string, bucket: number) => join(tmp, `out-${bucket}.ndjson`),
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

/** Where a line goes; null when it is not a FHIR resource in JSON. `utf8` gives the line decoded, to parse it whole. */
export function route(line: string, utf8: () => string = () => line): Routed | null {
  try {
    const f = topLevelFields(line, ROUTING_KEYS);
    const type = f?.resourceType !== undefined ? (JSON.parse(f.resourceType) as unknown) : undefined;
    if (f && typeof type === "string" && type !== "Medication" && type !== "MedicationRequest") {
      if (type === "Patient") {
        const id = f.id !== undefined ? (JSON.parse(f.id) as unknown) : undefined;
        return { type, owner: typeof id === "string" && FHIR_ID.test(id) ? id : undefined, medId: undefined };
      }
      let subject = f.subject !== undefined ? (JSON.parse(f.subject) as unknown) : undefined;
      subject ??= f.patient !== undefined ? (JSON.parse(f.patient) as unknown) : undefined;
      const reference = subject && typeof subject === "object" ? (subject as { reference?: unknown }).reference : undefined;
      return { type, owner: patientIdOfReference(reference), medId: undefined };
    }
    // Medications and MedicationRequests (few) and lines the scanner cannot follow: parsed whole.
    const r = JSON.parse(utf8()) as unknown;
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

/** A spill file name per bucket or partition, made once (not once per line). */
function names(count: number, name: (i: number) => string): string[] {
  return Array.from({ length: count }, (_, i) => name(i));
}

export function partition(task: PartitionTask, shape: RunShape, worker: number, out: SpillWriter): PartitionCounts {
  const counts: PartitionCounts = { lines: 0, kept: 0, unreadable: [], unattributed: 0 };
  const patientFiles = names(shape.buckets, (b) => spill.patients(shape.tmp, worker, b));
  const medFiles = names(shape.medPartitions, (m) => spill.meds(shape.tmp, worker, m));
  const needFiles = names(shape.medPartitions, (m) => spill.needs(shape.tmp, worker, m));
  forEachLine(task.file, task.start, task.end, (buf, from, to, offset) => {
    counts.lines++;
    // Latin-1 keeps one character per byte: the JSON structure and the ASCII fields routing needs read the same
    // as in UTF-8, and the line's bytes are spilled as they are (lines parsed whole are decoded as UTF-8).
    const r = route(buf.toString("latin1", from, to), () => buf.toString("utf8", from, to));
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
  });
  return counts;
}
