// The worker threads of a population run: each takes one task at a time (worker.ts); any failure stops the run.
import { Worker } from "node:worker_threads";
import type { RunShape } from "./partition.ts";
import type { Gift, Task } from "./worker.ts";

/**
 * Each worker's heap: enough for a bucket (BUCKET_BYTES of text, outside the heap), its patients' lines and one
 * patient's record (at most MAX_PATIENT_BYTES of text, patient-line.ts), small enough that memory stays flat
 * (V8 otherwise lets a busy heap grow far past what it holds).
 */
const WORKER_LIMITS = { maxOldGenerationSizeMb: 96, maxYoungGenerationSizeMb: 16 };

/** Worker threads that take tasks one at a time; any failure stops the run. */
export class Pool {
  private readonly workers: Worker[] = [];
  /** `script`: the worker's module (worker.ts, or its JavaScript copy: ../js-copy.mjs). */
  constructor(count: number, shape: RunShape, script: URL = new URL("./worker.ts", import.meta.url)) {
    for (let w = 0; w < count; w++) {
      this.workers.push(new Worker(script, { workerData: { shape, worker: w }, resourceLimits: WORKER_LIMITS }));
    }
  }

  get size(): number {
    return this.workers.length;
  }

  /** Runs the tasks on every worker; results in task order. */
  async run<R>(tasks: Task[]): Promise<R[]> {
    const results: R[] = new Array(tasks.length);
    let next = 0;
    await Promise.all(
      this.workers.map(async (worker) => {
        while (next < tasks.length) {
          const i = next++;
          results[i] = await this.one<R>(worker, tasks[i]!);
        }
      }),
    );
    return results;
  }

  /**
   * Runs the tasks on every worker and hands each result to `consume` in task order (one at a time, awaited); a task
   * starts only when fewer than `ahead` results are waiting or in flight ahead of the next one to consume, so the
   * results held at once stay few whatever the task count.
   */
  async runInOrder<R>(
    tasks: Task[],
    consume: (result: R, index: number, worker: number) => void | Promise<void>,
    ahead = 2 * this.size,
  ): Promise<void> {
    const done = new Map<number, { result: R; worker: number }>();
    let next = 0;
    let consumed = 0;
    let failure: { error: unknown } | null = null;
    const waiters: (() => void)[] = [];
    let draining = Promise.resolve();
    const drain = async () => {
      try {
        while (!failure && done.has(consumed)) {
          const r = done.get(consumed)!;
          done.delete(consumed);
          await consume(r.result, consumed, r.worker);
          consumed++;
          for (const wake of waiters.splice(0)) wake();
        }
      } catch (error) {
        failure = { error };
        for (const wake of waiters.splice(0)) wake();
      }
    };
    await Promise.all(
      this.workers.map(async (worker, w) => {
        while (next < tasks.length && !failure) {
          if (next - consumed >= ahead) {
            await new Promise<void>((wake) => waiters.push(wake));
            continue;
          }
          const i = next++;
          done.set(i, { result: await this.one<R>(worker, tasks[i]!), worker: w });
          draining = draining.then(drain);
          await draining;
        }
      }),
    );
    await draining;
    if (failure) throw (failure as { error: unknown }).error;
  }

  /** A message that needs no answer (buffers handed back for reuse), read by the worker before its next task. */
  give(worker: number, message: Gift, transfer: ArrayBuffer[]): void {
    this.workers[worker]!.postMessage(message, transfer);
  }

  /** The same task once on each worker (flush). */
  async each<R>(task: Task): Promise<R[]> {
    return Promise.all(this.workers.map((w) => this.one<R>(w, task)));
  }

  private one<R>(worker: Worker, task: Task): Promise<R> {
    return new Promise<R>((ok, fail) => {
      const onMessage = (m: { ok: boolean; result?: R; error?: string }) => {
        cleanup();
        if (m.ok) ok(m.result as R);
        else fail(new Error(m.error));
      };
      const onError = (e: Error) => {
        cleanup();
        fail(e);
      };
      const onExit = (code: number) => {
        cleanup();
        fail(new Error(`a worker stopped (exit ${code})`));
      };
      const cleanup = () => {
        worker.off("message", onMessage);
        worker.off("error", onError);
        worker.off("exit", onExit);
      };
      worker.on("message", onMessage);
      worker.on("error", onError);
      worker.on("exit", onExit);
      worker.postMessage(task);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

