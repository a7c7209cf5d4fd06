// Phase 2 of a population run: the Medications the MedicationRequests reference, sent to the buckets of the
// patients whose requests need them. Medications are shared (a formulary, or one per request), so they are joined
// by their id's partition: one partition's Medications and needs at a time, whatever the export's size.
import { SpillReader, type SpillRecord, type SpillWriter } from "./lines.ts";
import { spill, writersFiles, type RunShape } from "./partition.ts";

export interface JoinTask {
  kind: "join";
  partition: number;
  /** Workers of phase 1 (their spill files are read). */
  writers: number;
}

const medReader = new SpillReader();
const needReader = new SpillReader();

export function join(task: JoinTask, shape: RunShape, worker: number, out: SpillWriter): { joined: number } {
  // id → its first occurrence in the export (a record keeps the first of a repeated id).
  const meds = new Map<string, SpillRecord>();
  out.plan(shape.buckets);
  medReader.read(writersFiles(task.writers, (w) => spill.meds(shape.tmp, w, task.partition)), (r) => {
    const prior = meds.get(r.id);
    if (!prior || r.key < prior.key) meds.set(r.id, r);
  });
  const sent = new Set<string>();
  let joined = 0;
  // A need: "0 \t medication id \t bucket".
  needReader.read(writersFiles(task.writers, (w) => spill.needs(shape.tmp, w, task.partition)), (need) => {
    const bucket = need.buf.toString("latin1", need.from, need.to);
    const pair = `${need.id}\t${bucket}`;
    if (sent.has(pair)) return;
    sent.add(pair);
    const med = meds.get(need.id);
    if (!med) return; // not in the export: the engine says so for each request that points at it
    out.write(spill.joined(shape.tmp, worker, Number(bucket)), `${med.key}\t${need.id}\t`, med.buf, med.from, med.to);
    joined++;
  });
  return { joined };
}
