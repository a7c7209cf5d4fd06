// `npm run bench:profile`: where the engine's time goes on a 20-year weekly record (about 10,000 Observations).
// Runs JSON.parse + evaluate 60 times under the V8 sampling profiler (node:inspector, in this process) and prints the
// functions with the most self time, grouped by file and line, with JSON.parse and the garbage collector for scale.
import { Session } from "node:inspector/promises";
import { evaluate } from "../src/clinical/evaluate.ts";
import { recordFromBundle } from "../src/clinical/record.ts";
import { weeklyHistory } from "./history.ts";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
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

const self = new Map<number, number>();
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const byPlace = new Map<string, number>();
let total = 0;
for (const node of profile.nodes) {
  const us = self.get(node.id) ?? 0;
  total += us;
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url ? url.replace(/^.*\/(src|bench)\//, "$1/") : "";
  const name = functionName === "parseForProfile" ? "JSON.parse" : functionName || "(anonymous)";
  const place = file ? `${name}  ${file}:${lineNumber + 1}` : name;
  byPlace.set(place, (byPlace.get(place) ?? 0) + us);
}
console.log(`engine profile: JSON.parse + evaluate of ${runs} copies of a 20-year record, self time per run`);
for (const [place, us] of [...byPlace].sort((a, b) => b[1] - a[1]).slice(0, 20))
  console.log(`  ${(us / 1000 / runs).toFixed(2).padStart(6)} ms  ${((100 * us) / total).toFixed(1).padStart(5)} %  ${place}`);
