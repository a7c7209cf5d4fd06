// Engine speed: evaluate a 20-year weekly history (about 10,000 Observations), as a time and as a ratio to
// JSON.parse of the same record (a baseline measured in the same run, so a noisy machine cancels out). Each is
// measured as elapsed time and as this process's CPU time (the machine is shared: CPU time does not count the
// moments another process had the core); the medians of both are reported.
//
// Every sample starts from a collected heap (a full GC before it, not timed), so each side pays for collecting its
// own garbage and nothing else. Without that, the collector ran wherever the other side's garbage happened to fill
// the heap: the same engine code read 0.78× one day and 1.1 to 2.5× (6× inside `npm run bench`, after the other
// benches' garbage) the next.
import { performance } from "node:perf_hooks";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { evaluate } from "../src/clinical/evaluate.ts";
import { recordFromBundle } from "../src/clinical/record.ts";
import { weeklyHistory } from "./history.ts";

export interface EngineBench {
  observations: number;
  medianMs: number;
  p95Ms: number;
  parseMedianMs: number;
  ratioToParse: number;
  /** The same from CPU time. */
  cpuMedianMs: number;
  cpuParseMedianMs: number;
  cpuRatioToParse: number;
}

function stats(samples: number[]): { median: number; p95: number } {
  const s = [...samples].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)]!, p95: s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)]! };
}

/** A full garbage collection, without starting Node with --expose-gc. */
const collect: () => void = (() => {
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
})();

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

export function benchEngine(runs = 30, years = 20): EngineBench {
  const now = "2026-11-23";
  const bundle = weeklyHistory(years, now);
  const text = JSON.stringify(bundle);
  const observations = bundle.entry!.filter((e) => e.resource?.resourceType === "Observation").length;
  const engine: number[] = [];
  const parse: number[] = [];
  const engineCpu: number[] = [];
  const parseCpu: number[] = [];
  for (let i = 0; i < runs + 5; i++) {
    collect();
    const c0 = cpuMs();
    const t0 = performance.now();
    const parsed = JSON.parse(text) as unknown;
    const t1 = performance.now();
    const c1 = cpuMs();
    collect();
    const c2 = cpuMs();
    const t2 = performance.now();
    evaluate(recordFromBundle(parsed), { now });
    const t3 = performance.now();
    const c3 = cpuMs();
    if (i >= 5) {
      parse.push(t1 - t0);
      engine.push(t3 - t2);
      parseCpu.push(c1 - c0);
      engineCpu.push(c3 - c2);
    }
  }
  const e = stats(engine);
  const p = stats(parse);
  const ec = stats(engineCpu).median;
  const pc = stats(parseCpu).median;
  return {
    observations,
    medianMs: e.median,
    p95Ms: e.p95,
    parseMedianMs: p.median,
    ratioToParse: e.median / p.median,
    cpuMedianMs: ec,
    cpuParseMedianMs: pc,
    cpuRatioToParse: ec / pc,
  };
}
