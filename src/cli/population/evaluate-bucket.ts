// Phase 3 of a population run: one bucket's patients, each put back together in export order (its own resources,
// then the Medications its requests reference, by their place in the export) and evaluated by the same engine and
// the same §6 output as `cli evaluate --bundle` on that patient's resources. A patient whose data cannot be
// evaluated gets a line with the error; the others go on.
import { evaluate } from "../../clinical/evaluate.ts";
import { recordFromEntries, type RecordEntry } from "../../clinical/record.ts";
import { toCliJson } from "../output.ts";
import { SpillReader, type SpillRecord } from "./lines.ts";
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

/** The line a patient gets in the output: the §6 object, or its error. */
export function patientLine(
  patientId: string,
  lines: SpillRecord[],
  meds: Map<string, SpillRecord>,
  now: string,
): { text: string; error: boolean; unreadable: number } {
  let unreadable = 0;
  const bytes = lines.reduce((n, l) => n + (l.to - l.from), 0);
  if (bytes > MAX_PATIENT_BYTES) {
    const error = `the record holds ${(bytes / 1048576).toFixed(1)} MB of resources, more than a population run reads for one patient (${MAX_PATIENT_BYTES / 1048576} MB); evaluate it alone with evaluate --bundle`;
    return { text: JSON.stringify({ patient: `Patient/${patientId}`, error }), error: true, unreadable };
  }
  try {
    const all: { key: number; resource: unknown }[] = [];
    const used = new Set<string>();
    for (const l of lines) {
      let resource: Record<string, unknown>;
      try {
        resource = parse(l) as Record<string, unknown>;
      } catch {
        unreadable++;
        continue;
      }
      all.push({ key: l.key, resource });
      if (resource && resource.resourceType === "MedicationRequest") {
        const id = medicationIdOfReference((resource.medicationReference as { reference?: unknown } | undefined)?.reference);
        const med = id ? meds.get(id) : undefined;
        if (id && med && !used.has(id)) {
          used.add(id);
          all.push({ key: med.key, resource: parse(med) });
        }
      }
    }
    all.sort((a, b) => a.key - b.key);
    const entries: RecordEntry[] = all.map((x) => ({ resource: x.resource }));
    const evaluation = evaluate(recordFromEntries(entries, { patientId }), { now });
    return { text: JSON.stringify(toCliJson(evaluation)), error: false, unreadable };
  } catch (e) {
    return { text: JSON.stringify({ patient: `Patient/${patientId}`, error: e instanceof Error ? e.message : String(e) }), error: true, unreadable };
  }
}

const medReader = new SpillReader();
const patientReader = new SpillReader();

export interface BucketResult {
  counts: BucketCounts;
  /** The bucket's output lines, in chunks that own their memory (sent to the main thread without a copy). */
  output: Uint8Array[];
}

export function evaluateBucket(task: BucketTask, shape: RunShape): BucketResult {
  const meds = new Map<string, SpillRecord>();
  medReader.read(writersFiles(task.writers, (w) => spill.joined(shape.tmp, w, task.bucket)), (r) => {
    const prior = meds.get(r.id);
    if (!prior || r.key < prior.key) meds.set(r.id, r);
  });
  const patients = new Map<string, SpillRecord[]>();
  patientReader.read(writersFiles(task.writers, (w) => spill.patients(shape.tmp, w, task.bucket)), (r) => {
    const list = patients.get(r.id);
    if (list) list.push(r);
    else patients.set(r.id, [r]);
  });
  const output = new OutputChunks();
  const counts: BucketCounts = { patients: 0, errors: 0, unreadable: 0 };
  for (const id of [...patients.keys()].sort()) {
    const lines = patients.get(id)!.sort((a, b) => a.key - b.key);
    const line = patientLine(id, lines, meds, task.now);
    patients.delete(id);
    counts.patients++;
    if (line.error) counts.errors++;
    counts.unreadable += line.unreadable;
    output.add(line.text);
  }
  return { counts, output: output.done() };
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

  add(text: string): void {
    const most = 3 * text.length + 1; // UTF-8 bytes of a UTF-16 string, at most, and the newline
    if (this.used + most > this.buf.length) {
      this.cut();
      this.buf = OutputChunks.take(most);
    }
    this.used += this.buf.write(text, this.used, "utf8");
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
