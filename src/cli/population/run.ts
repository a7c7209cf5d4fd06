// `cli population --bulk DIR [--shard I/N] [--now DATE] [--out FILE] [--workers N] [--tmp DIR]`: every patient
// of a FHIR Bulk Data export through the engine, one NDJSON line per patient (docs: README "Population runs").
//
// Memory does not grow with the export: the export is read once, in byte ranges, by the worker threads, and each
// line is spilled to its patient's bucket in a temporary folder (phase 1); Medications are joined to the buckets
// that need them by id partition (phase 2); then each worker evaluates one bucket at a time (phase 3) and hands its
// output to the main thread, which writes the buckets' outputs in bucket order as they come (no temporary file).
// Buckets hold about 8 MB of export text, whatever its size.
// The output depends only on the export, the shard and --now (not on the worker count), and it is written to a
// temporary name and renamed at the end: a shard's file is complete or absent, and a re-run writes the same bytes.
import { availableParallelism, constants, tmpdir } from "node:os";
import { closeSync, mkdtempSync, openSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { isValidDateOrDateTime } from "../../clinical/dates.ts";
import { UsageError } from "../args.ts";
import type { BucketCounts, BucketResult } from "./evaluate-bucket.ts";
import { BUCKET_BYTES, bucketCount, exportFiles, ranges } from "./layout.ts";
import { MAX_LINE_BYTES } from "./lines.ts";
import type { PartitionCounts, RunShape } from "./partition.ts";
import { Pool } from "./pool.ts";
import type { Task } from "./worker.ts";
import { javascriptCopy } from "../js-copy.mjs";

export const POPULATION_USAGE = `  npm run --silent cli -- population --bulk DIR [--shard I/N] [--now DATE] [--out FILE] [--workers N] [--tmp DIR]

Evaluates every patient of a FHIR Bulk Data export (a folder of NDJSON files, one per resource type, as $export
writes them; lines in any order) and writes one NDJSON line per patient: the same object as evaluate --bundle on
that patient's resources, or {"patient", "error"} for a patient whose data cannot be evaluated.

  --bulk DIR      the export folder (Patient, Observation, MedicationRequest, Medication, Condition, CarePlan and
                  Goal files are read; other types are passed by)
  --shard I/N     only the patients whose id hashes to shard I of N (0 ≤ I < N); default 0/1 (everyone)
  --now DATE      "today" for every patient (YYYY-MM-DD); default: the real date (give it for repeatable output)
  --out FILE      where to write (complete or not at all: written under a temporary name, renamed at the end);
                  default: stdout
  --workers N     worker threads; default: this machine's processors
  --tmp DIR       where the run's temporary files go (about the size of the shard's share of the export)`;

export interface PopulationArgs {
  bulk: string;
  shard: { index: number; count: number };
  now: string;
  out: string | null;
  workers: number;
  tmp: string;
}

function localToday(): string {
  const t = new Date();
  return `${t.getFullYear()}-${String(t.getMonth() + 1).padStart(2, "0")}-${String(t.getDate()).padStart(2, "0")}`;
}

export function parsePopulationArgs(argv: string[]): PopulationArgs {
  let v: Record<string, string | boolean | undefined>;
  try {
    v = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        bulk: { type: "string" },
        shard: { type: "string" },
        now: { type: "string" },
        out: { type: "string" },
        workers: { type: "string" },
        tmp: { type: "string" },
      },
    }).values;
  } catch (e) {
    const message = e instanceof Error ? e.message.split(". To specify")[0]! : String(e);
    throw new UsageError(message.replace(/\.$/, ""));
  }
  if (typeof v.bulk !== "string" || v.bulk === "") throw new UsageError("population needs --bulk DIR (a FHIR Bulk Data export folder)");
  let shard = { index: 0, count: 1 };
  if (v.shard !== undefined) {
    const m = /^(\d+)\/(\d+)$/.exec(String(v.shard));
    if (!m || Number(m[2]) < 1 || Number(m[1]) >= Number(m[2]))
      throw new UsageError(`--shard "${String(v.shard)}" is not I/N with 0 ≤ I < N (e.g. 0/4 … 3/4)`);
    shard = { index: Number(m[1]), count: Number(m[2]) };
  }
  if (v.now !== undefined && !isValidDateOrDateTime(String(v.now)))
    throw new UsageError(`--now "${String(v.now)}" is not a valid date (expected YYYY-MM-DD or an ISO date-time)`);
  let workers = availableParallelism();
  if (v.workers !== undefined) {
    workers = Number(v.workers);
    if (!Number.isInteger(workers) || workers < 1 || workers > 256) throw new UsageError(`--workers "${String(v.workers)}" is not a number from 1 to 256`);
  }
  if (v.out === "") throw new UsageError("--out needs a file name");
  return {
    bulk: v.bulk,
    shard,
    now: typeof v.now === "string" ? v.now : localToday(),
    out: typeof v.out === "string" ? v.out : null,
    workers,
    tmp: typeof v.tmp === "string" ? v.tmp : tmpdir(),
  };
}

/** Bytes per partition task: files are split so that every worker has work. */
const RANGE_BYTES = 16 * 1024 * 1024;

export interface PopulationSummary {
  /** Wall-clock seconds per phase: read (phase 1), join, evaluate and write (phase 3, the output written as it comes). */
  phases: Record<string, number>;
  patients: number;
  errors: number;
  lines: number;
  unreadable: { file: string; offset: number }[];
  /** Lines routed to a patient that turned out not to be JSON. */
  unreadableLater: number;
  /** Lines longer than a run reads (MAX_LINE_BYTES), passed by unread. */
  long: { file: string; offset: number; bytes: number }[];
  unattributed: number;
  seconds: number;
  /** CPU time of the whole run (every thread of this process). */
  cpuSeconds: number;
  /**
   * Where that CPU time went, in seconds: the worker threads' own time per kind of task (partition: phase 1, join,
   * bucket: phase 3, flush: spill writes at the end of a phase), the main thread's, and the rest (V8's helper
   * threads: garbage collection and compilation in the background).
   */
  cpuSplit: Record<string, number>;
  workers: number;
  buckets: number;
  peakRssMb: number;
}

export async function population(args: PopulationArgs, stdout: NodeJS.WritableStream): Promise<PopulationSummary> {
  const t0 = performance.now();
  let listing: ReturnType<typeof exportFiles>;
  try {
    if (!statSync(args.bulk).isDirectory()) throw new UsageError(`--bulk ${args.bulk} is not a folder`);
    listing = exportFiles(args.bulk);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`cannot read --bulk ${args.bulk}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such folder" : String(e)}`);
  }
  const { files } = listing;
  if (files.length === 0) throw new UsageError(`${args.bulk} holds no NDJSON file of the types the engine reads (Patient.ndjson, Observation.ndjson, …)`);
  const medBytes = files.filter((f) => f.type === "Medication").reduce((n, f) => n + f.bytes, 0);
  const patientBytes = files.reduce((n, f) => n + f.bytes, 0) - medBytes;
  const tmp = mkdtempSync(join(args.tmp, "stagewise-population-"));
  let partial: string | null = null;
  const stopCleanup = removeOnSignal(() => [tmp, ...(partial ? [partial] : [])]);
  const shape: RunShape = {
    tmp,
    shardIndex: args.shard.index,
    shardCount: args.shard.count,
    buckets: bucketCount(patientBytes, args.shard.count),
    medPartitions: Math.max(1, Math.ceil(medBytes / BUCKET_BYTES)),
  };
  // The workers' code as JavaScript (js-copy.mjs): a thread that loads TypeScript loads Node's type stripper first.
  // Run from start.mjs, this module is itself in a copy that holds the worker's.
  const workerScript = import.meta.url.endsWith(".js")
    ? new URL("./worker.js", import.meta.url)
    : javascriptCopy(new URL("./worker.ts", import.meta.url), { fallback: join(tmp, "js") });
  const pool = new Pool(args.workers, shape, workerScript);
  try {
    const partitionTasks: Task[] = files.flatMap((f, fileIndex) =>
      ranges(f.bytes, RANGE_BYTES).map(([start, end]) => ({ kind: "partition" as const, file: f.path, fileIndex, start, end })),
    );
    const phases: Record<string, number> = {};
    let mark = performance.now();
    const phase = (name: string) => {
      const t = performance.now();
      phases[name] = (t - mark) / 1000;
      mark = t;
    };
    const parts = await pool.run<PartitionCounts>(partitionTasks);
    await pool.each({ kind: "flush" });
    phase("read");
    await pool.run(Array.from({ length: shape.medPartitions }, (_, partition) => ({ kind: "join" as const, partition, writers: pool.size })));
    await pool.each({ kind: "flush" });
    phase("join");
    // Phase 3, and the buckets' outputs written in bucket order as they come (a few buckets' outputs held at once).
    const target = (partial = args.out ? `${args.out}.partial-${process.pid}` : null);
    const fd = target ? openSync(target, "w") : null;
    const buckets: BucketCounts[] = [];
    let rss: { maxRSS: number; cpu: Record<string, number> }[];
    let complete = false;
    try {
      await pool.runInOrder<BucketResult>(
        Array.from({ length: shape.buckets }, (_, bucket) => ({ kind: "bucket" as const, bucket, writers: pool.size, now: args.now })),
        async (r, _bucket, worker) => {
          buckets.push(r.counts);
          for (const chunk of r.output) {
            if (fd !== null) writeAll(fd, chunk);
            else await new Promise<void>((ok, fail) => stdout.write(chunk, (e) => (e ? fail(e) : ok())));
          }
          // Written: the chunks go back to their worker for the next buckets.
          const chunks = r.output.map((c) => c.buffer as ArrayBuffer);
          pool.give(worker, { kind: "chunks", chunks }, chunks);
        },
      );
      rss = await pool.each<{ maxRSS: number; cpu: Record<string, number> }>({ kind: "flush" });
      complete = true;
    } finally {
      if (fd !== null) {
        closeSync(fd);
        if (complete) renameSync(target!, args.out!);
        else rmSync(target!, { force: true });
      }
    }
    phase("evaluate and write");
    const cpuSplit: Record<string, number> = {};
    for (const w of rss) for (const [kind, us] of Object.entries(w.cpu)) cpuSplit[kind] = (cpuSplit[kind] ?? 0) + us / 1e6;
    const main = process.threadCpuUsage();
    cpuSplit.main = (main.user + main.system) / 1e6;
    const total = cpuSeconds();
    cpuSplit.other = total - Object.values(cpuSplit).reduce((a, b) => a + b, 0);
    return {
      phases,
      patients: buckets.reduce((n, b) => n + b.patients, 0),
      errors: buckets.reduce((n, b) => n + b.errors, 0),
      lines: parts.reduce((n, p) => n + p.lines, 0),
      unreadable: parts.flatMap((p) => p.unreadable),
      unreadableLater: buckets.reduce((n, b) => n + b.unreadable, 0),
      long: parts.flatMap((p) => p.long),
      unattributed: parts.reduce((n, p) => n + p.unattributed, 0),
      seconds: (performance.now() - t0) / 1000,
      cpuSeconds: total,
      cpuSplit,
      workers: pool.size,
      buckets: shape.buckets,
      peakRssMb: Math.max(process.resourceUsage().maxRSS, ...rss.map((r) => r.maxRSS)) / 1024,
    };
  } finally {
    await pool.close();
    rmSync(tmp, { recursive: true, force: true });
    stopCleanup();
  }
}

const STOP_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/**
 * A run stopped by a signal (a batch runner's SIGTERM at a time limit or on pre-emption, Ctrl-C, a closed terminal)
 * leaves nothing behind: its temporary folder (the spilled export, as large as the shard's part of it) and its
 * partial output are removed before it exits with 128 + the signal's number, as a shell reports it. Returns the
 * function that removes the handlers once the run is over. (SIGKILL cannot be caught: a run killed that way leaves
 * its `stagewise-population-*` folder under --tmp.)
 */
function removeOnSignal(paths: () => string[]): () => void {
  const onSignal = (signal: NodeJS.Signals) => {
    for (const p of paths()) rmSync(p, { recursive: true, force: true });
    process.exit(128 + (constants.signals[signal] ?? 15));
  };
  for (const s of STOP_SIGNALS) process.once(s, onSignal);
  return () => {
    for (const s of STOP_SIGNALS) process.off(s, onSignal);
  };
}

function writeAll(fd: number, chunk: Uint8Array): void {
  let at = 0;
  while (at < chunk.length) at += writeSync(fd, chunk, at, chunk.length - at);
}

function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

export function summaryLine(s: PopulationSummary): string {
  const rate = s.seconds > 0 ? Math.round(s.patients / s.seconds) : s.patients;
  const parts = [
    `population: ${s.patients} patients (${s.errors} with an error) from ${s.lines} lines in ${s.seconds.toFixed(1)} s (CPU ${s.cpuSeconds.toFixed(1)} s)`,
    `${rate} patients/s with ${s.workers} worker${s.workers === 1 ? "" : "s"}`,
    `${s.buckets} bucket${s.buckets === 1 ? "" : "s"}`,
    `peak memory ${Math.round(s.peakRssMb)} MB`,
    `phases ${Object.entries(s.phases).map(([k, v]) => `${k} ${v.toFixed(1)} s`).join(", ")}`,
    `CPU ${Object.entries(s.cpuSplit).map(([k, v]) => `${k} ${v.toFixed(2)} s`).join(", ")}`,
  ];
  let line = parts.join("; ");
  if (s.unreadable.length)
    line += `\npopulation: ${s.unreadable.length} line(s) are not FHIR JSON and were passed by (${s.unreadable
      .slice(0, 5)
      .map((u) => `${basename(u.file)} at byte ${u.offset}`)
      .join(", ")}${s.unreadable.length > 5 ? ", …" : ""})`;
  if (s.long.length)
    line += `\npopulation: ${s.long.length} line(s) are longer than a population run reads (${MAX_LINE_BYTES / 1048576} MB) and were passed by unread (${s.long
      .slice(0, 5)
      .map((u) => `${basename(u.file)} at byte ${u.offset}, ${(u.bytes / 1048576).toFixed(1)} MB`)
      .join("; ")}${s.long.length > 5 ? "; …" : ""}); evaluate the patient alone with evaluate --bundle`;
  if (s.unreadableLater) line += `\npopulation: ${s.unreadableLater} line(s) of patients' resources are not JSON and were passed by`;
  if (s.unattributed) line += `\npopulation: ${s.unattributed} resource(s) name no patient and were passed by`;
  return line;
}

export async function runPopulation(argv: string[], err: (s: string) => void, stdout: NodeJS.WritableStream = process.stdout): Promise<number> {
  try {
    const args = parsePopulationArgs(argv);
    if (args.out) {
      try {
        if (!statSync(dirname(args.out)).isDirectory()) throw new Error();
      } catch {
        throw new UsageError(`--out ${args.out}: its folder does not exist`);
      }
    }
    const summary = await population(args, stdout);
    err(`${summaryLine(summary)}\n`);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      err(`error: ${e.message}\n`);
      return 2;
    }
    err(`error: population run failed: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}
