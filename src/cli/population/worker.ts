// A population worker thread: takes one task at a time from the run (partition a byte range, join a Medication
// partition, evaluate a bucket) and answers with its counts (a bucket's output travels with them, and comes back for
// reuse once written). Spill writes are buffered per worker and flushed at the end of each phase.
import { parentPort, workerData } from "node:worker_threads";
import { evaluateBucket, reuseChunks, type BucketTask } from "./evaluate-bucket.ts";
import { join, type JoinTask } from "./join.ts";
import { SpillWriter } from "./lines.ts";
import { partition, type PartitionTask, type RunShape } from "./partition.ts";

export type Task = PartitionTask | JoinTask | BucketTask | { kind: "flush" };

/** Output chunks the main thread has written, handed back for the next buckets (no answer is sent). */
export interface Gift {
  kind: "chunks";
  chunks: ArrayBuffer[];
}

const { shape, worker } = workerData as { shape: RunShape; worker: number };
const writer = new SpillWriter();
function threadCpu(): number {
  const u = process.threadCpuUsage();
  return u.user + u.system;
}
/** This thread's CPU time (µs): its start-up, then per kind of task, for the run's summary. */
const cpu: Record<string, number> = { start: threadCpu() };

parentPort!.on("message", (task: Task | Gift) => {
  if (task.kind === "chunks") {
    reuseChunks(task.chunks);
    return;
  }
  const start = threadCpu();
  try {
    let result: unknown;
    let transfer: ArrayBuffer[] = [];
    if (task.kind === "partition") result = partition(task, shape, worker, writer);
    else if (task.kind === "join") result = join(task, shape, worker, writer);
    else if (task.kind === "bucket") {
      const bucket = evaluateBucket(task, shape);
      result = bucket;
      transfer = bucket.output.map((chunk) => chunk.buffer as ArrayBuffer);
    } else {
      writer.flush();
    }
    cpu[task.kind] = (cpu[task.kind] ?? 0) + threadCpu() - start;
    if (task.kind === "flush") result = { maxRSS: process.resourceUsage().maxRSS, cpu: { ...cpu } };
    parentPort!.postMessage({ ok: true, result }, transfer);
  } catch (e) {
    parentPort!.postMessage({ ok: false, error: e instanceof Error ? e.message : String(e) });
  }
});
