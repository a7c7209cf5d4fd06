// Population speed and memory: a generated Bulk Data export (scripts/generate-bulk-export.ts, about 100 resources
// per patient) through `cli population`, as a child process, with 1 and then 2 worker threads. From the run's own
// summary line: patients per second (elapsed), patients per CPU-second (what one core does, whatever else the
// machine is running), and the process's peak memory (max RSS, every thread included).
//
// Each worker count runs twice, alternating (1, 2, 1, 2), and the faster run of each is the figure, the other
// printed beside it: on this virtual machine the memory a run writes (738 MB of spill and 348 MB of output for
// 10,000 patients) costs far more system time when the host has taken the free pages back, which it does between
// runs at its own pace (the same export gave 633 then 840 patients per CPU-second in back-to-back runs).
//
//   node bench/population.ts [--patients 10000] [--workers 1,2] [--repeat 2] [--keep DIR]
import { execFile } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs, promisify } from "node:util";
import { generateBulkExport } from "../scripts/generate-bulk-export.ts";

const exec = promisify(execFile);
const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** The Node flags of `npm run cli` (package.json), so the bench runs the command as users run it. */
/** `npm run cli`'s node arguments (its flags and its start script), without npm's own process. */
function cliNodeArgs(): string[] {
  const script = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts.cli ?? "";
  const words = script.split(/\s+/).slice(1);
  return words.map((word) => (word.startsWith("--") ? word : join(ROOT, word)));
}

/** Lines of the export's NDJSON files (one resource each), for an export made by an earlier run (--keep). */
function countLines(dir: string): number {
  const buf = Buffer.allocUnsafe(1 << 20);
  let lines = 0;
  for (const name of readdirSync(dir).filter((n) => n.endsWith(".ndjson"))) {
    const fd = openSync(join(dir, name), "r");
    try {
      for (let n = readSync(fd, buf); n > 0; n = readSync(fd, buf)) for (let at = buf.indexOf(10); at >= 0 && at < n; at = buf.indexOf(10, at + 1)) lines++;
    } finally {
      closeSync(fd);
    }
  }
  return lines;
}

export interface PopulationRun {
  workers: number;
  patients: number;
  seconds: number;
  cpuSeconds: number;
  peakMb: number;
  perSecond: number;
  perCpuSecond: number;
  /** CPU milliseconds per patient by where they went (the summary line's split: worker tasks, main thread, other threads). */
  cpuPerPatientMs: Record<string, number>;
}

export interface PopulationBench {
  patients: number;
  resources: number;
  exportMb: number;
  /** The faster run (least CPU time) of each worker count. */
  runs: PopulationRun[];
  /** Every run, in the order made. */
  all: PopulationRun[];
}

function parseSummary(stderr: string, workers: number): PopulationRun {
  const m = /population: (\d+) patients .* in ([\d.]+) s \(CPU ([\d.]+) s\).*peak memory (\d+) MB/.exec(stderr);
  if (!m) throw new Error(`no summary line in: ${stderr}`);
  const [patients, seconds, cpuSeconds, peakMb] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])];
  const cpuPerPatientMs: Record<string, number> = {};
  const split = /; CPU (.*)$/m.exec(stderr)?.[1] ?? "";
  for (const [, kind, s] of split.matchAll(/(\w+) ([\d.]+) s/g)) cpuPerPatientMs[kind!] = (1000 * Number(s)) / patients;
  return { workers, patients, seconds, cpuSeconds, peakMb, perSecond: patients / seconds, perCpuSecond: patients / cpuSeconds, cpuPerPatientMs };
}

export async function benchPopulation(options: { patients?: number; workers?: number[]; repeat?: number; dir?: string } = {}): Promise<PopulationBench> {
  const patients = options.patients ?? 10_000;
  const base = options.dir ?? mkdtempSync(join(tmpdir(), "stagewise-bench-population-"));
  const exportDir = join(base, `export-${patients}`);
  try {
    const gen = existsSync(exportDir) ? null : generateBulkExport({ patients, out: exportDir, now: "2026-11-23" });
    const du = await exec("du", ["-sm", exportDir]);
    const counts = options.workers ?? [1, 2];
    const all: PopulationRun[] = [];
    for (let round = 0; round < (options.repeat ?? 2); round++) {
      for (const workers of counts) {
        const out = join(base, `out-${workers}.ndjson`);
        const { stderr } = await exec(
          process.execPath,
          [...cliNodeArgs(), "population", "--bulk", exportDir, "--now", "2026-11-23", "--out", out, "--workers", String(workers)],
          { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 },
        );
        all.push(parseSummary(stderr, workers));
        rmSync(out, { force: true });
      }
    }
    const runs = counts.map((w) => all.filter((r) => r.workers === w).reduce((a, b) => (b.cpuSeconds < a.cpuSeconds ? b : a)));
    return { patients, resources: gen?.resources ?? countLines(exportDir), exportMb: Number(du.stdout.split("\t")[0]), runs, all };
  } finally {
    if (!options.dir) rmSync(base, { recursive: true, force: true });
  }
}

export function populationReport(b: PopulationBench): string[] {
  const lines = [
    `population: ${b.patients.toLocaleString("en-US")} patients${Number.isFinite(b.resources) ? ` (${(b.resources / b.patients).toFixed(0)} resources each)` : ""}, a ${b.exportMb} MB export`,
  ];
  for (const r of b.runs) {
    const others = b.all.filter((o) => o.workers === r.workers && o !== r).map((o) => Math.round(o.perCpuSecond));
    lines.push(
      `  ${r.workers} worker${r.workers === 1 ? " " : "s"}: ${r.seconds.toFixed(1)} s, ${Math.round(r.perSecond)} patients/s; ` +
        `${Math.round(r.perCpuSecond)} patients per CPU-second${others.length ? ` (faster of ${others.length + 1} runs; other${others.length > 1 ? "s" : ""}: ${others.join(", ")})` : ""} (goal ≥ 1,000 per core); ` +
        `peak memory ${Math.max(...b.all.filter((o) => o.workers === r.workers).map((o) => o.peakMb))} MB (goal < 300 MB)`,
    );
    const split = Object.entries(r.cpuPerPatientMs).filter(([, ms]) => ms >= 0.005);
    if (split.length) lines.push(`    CPU ms per patient: ${split.map(([kind, ms]) => `${kind} ${ms.toFixed(2)}`).join(", ")}`);
  }
  const [one, two] = b.runs;
  if (one && two) lines.push(`  2 workers / 1 worker: ${(one.seconds / two.seconds).toFixed(2)}× faster`);
  return lines;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({ options: { patients: { type: "string" }, workers: { type: "string" }, repeat: { type: "string" }, keep: { type: "string" } } });
  const b = await benchPopulation({
    ...(values.patients ? { patients: Number(values.patients) } : {}),
    ...(values.repeat ? { repeat: Number(values.repeat) } : {}),
    ...(values.workers ? { workers: values.workers.split(",").map(Number) } : {}),
    ...(values.keep ? { dir: values.keep } : {}),
  });
  for (const line of populationReport(b)) console.log(line);
}
