// `npm run bench:profile`: where the engine's time goes on a 20-year weekly record (about 10,000 Observations).
// Runs JSON.parse + evaluate 60 times under the V8 sampling profiler (node:inspector, in this process) and prints the
// functions with the most self time, grouped by file and line, with JSON.parse for scale. The garbage collector's
// samples are split by what was running just before them (JSON.parse or the engine): each side's own garbage.
// Then what the engine allocates, from V8's sampling heap profiler over 20 evaluations, by function.
import { Session } from "node:inspector/promises";
import { evaluate } from "../src/clinical/evaluate.ts";
import { recordFromBundle } from "../src/clinical/record.ts";
import { weeklyHistory } from "./history.ts";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const now = "2026-11-23";
const text = JSON.stringify(weeklyHistory(20, now));
const runs = 60;
for (let i = 0; i < 5; i++) evaluate(recordFromBundle(JSON.parse(text)), { now }); // warm-up

const session = new Session();
session.connect();
await session.post("Profiler.enable");
await session.post("Profiler.setSamplingInterval", { interval: 100 });
await session.post("Profiler.start");
for (let i = 0; i < runs; i++) {
  const parsed = parseForProfile(text);
  evaluate(recordFromBundle(parsed), { now });
}
const { profile } = (await session.post("Profiler.stop")) as unknown as { profile: Profile };
session.disconnect();

/** JSON.parse under its own name in the profile. */
function parseForProfile(json: string): unknown {
  return JSON.parse(json);
}

// Each node's place ("name  file:line") and whether it runs inside JSON.parse or the engine.
const parent = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const phaseOf = new Map<number, "parse" | "engine" | undefined>();
function phase(id: number): "parse" | "engine" | undefined {
  if (phaseOf.has(id)) return phaseOf.get(id);
  const { functionName, url } = byId.get(id)!.callFrame;
  const p =
    functionName === "parseForProfile"
      ? "parse"
      : /\/src\/clinical\//.test(url)
        ? "engine"
        : parent.has(id)
          ? phase(parent.get(id)!)
          : undefined;
  phaseOf.set(id, p);
  return p;
}
function placeOf(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url ? url.replace(/^.*\/(src|bench)\//, "$1/") : "";
  const name = functionName === "parseForProfile" ? "JSON.parse" : functionName || "(anonymous)";
  return file ? `${name}  ${file}:${lineNumber + 1}` : name;
}

const byPlace = new Map<string, number>();
const byPhase = { parse: 0, engine: 0 };
let total = 0;
let last: "parse" | "engine" | undefined;
profile.samples.forEach((id, i) => {
  const us = profile.timeDeltas[i] ?? 0;
  const node = byId.get(id)!;
  total += us;
  let place = placeOf(node);
  if (place === "(garbage collector)") place = `(garbage collector, during ${last === "parse" ? "JSON.parse" : last === "engine" ? "the engine" : "other work"})`;
  else last = phase(id) ?? last;
  if (last && (place.startsWith("(garbage") || phase(id) === last)) byPhase[last] += us;
  byPlace.set(place, (byPlace.get(place) ?? 0) + us);
});
const ms = (us: number) => `${(us / 1000 / runs).toFixed(2)} ms`;
console.log(`engine profile: JSON.parse + evaluate of ${runs} copies of a 20-year record, self time per run`);
console.log(`  JSON.parse with its garbage collection ${ms(byPhase.parse)}; the engine with its own ${ms(byPhase.engine)} (${(byPhase.engine / byPhase.parse).toFixed(2)}×)`);
for (const [place, us] of [...byPlace].sort((a, b) => b[1] - a[1]).slice(0, 20))
  console.log(`  ${(us / 1000 / runs).toFixed(2).padStart(6)} ms  ${((100 * us) / total).toFixed(1).padStart(5)} %  ${place}`);

// What the engine allocates (JSON.parse outside the sampling: the record is parsed first).
interface HeapNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: HeapNode[];
}
const copies = 20;
const parsedCopies = Array.from({ length: copies }, () => JSON.parse(text) as unknown);
const heap = new Session();
heap.connect();
await heap.post("HeapProfiler.startSampling", {
  samplingInterval: 256,
  includeObjectsCollectedByMajorGC: true,
  includeObjectsCollectedByMinorGC: true,
});
for (const parsed of parsedCopies) evaluate(recordFromBundle(parsed), { now });
const { profile: sampled } = (await heap.post("HeapProfiler.stopSampling")) as unknown as { profile: { head: HeapNode } };
heap.disconnect();
const bytesByPlace = new Map<string, number>();
let bytes = 0;
/** Builtins (no file) are charged to the engine function that called them. */
function walk(node: HeapNode, caller: string): void {
  const here = placeOf(node as unknown as ProfileNode);
  const place = node.callFrame.url ? here : `${here} <- ${caller}`;
  if (caller !== "" || /\/src\/clinical\//.test(node.callFrame.url)) {
    bytes += node.selfSize;
    bytesByPlace.set(place, (bytesByPlace.get(place) ?? 0) + node.selfSize);
  }
  const next = /\/src\/clinical\//.test(node.callFrame.url) ? here : caller;
  for (const child of node.children) walk(child, next);
}
walk(sampled.head, "");
console.log(`engine allocation: ${(bytes / copies / 1e6).toFixed(2)} MB per evaluation (sampled over ${copies}), by function`);
for (const [place, b] of [...bytesByPlace].sort((x, y) => y[1] - x[1]).slice(0, 8))
  console.log(`  ${(b / copies / 1000).toFixed(0).padStart(6)} KB  ${place}`);
