// `npm run bench`: the speed figures the issues ask for. The machine is shared and noisy (2 cores): each figure
// comes with its budget, and the engine also as a ratio to a baseline measured in the same run.
import { benchEngine } from "./engine.ts";
import { benchAppLaunch } from "./app-launch.ts";
import { benchSandbox } from "./sandbox.ts";

const fmt = (n: number) => n.toFixed(1);

const e = benchEngine();
console.log(`engine: evaluate ${e.observations.toLocaleString("en-US")} Observations (20 years weekly)`);
console.log(`  median ${fmt(e.medianMs)} ms, p95 ${fmt(e.p95Ms)} ms (budget: well under 100 ms)`);
console.log(`  ratio to JSON.parse of the same record (${fmt(e.parseMedianMs)} ms): ${e.ratioToParse.toFixed(2)}×`);
const half = benchEngine(30, 10);
console.log(
  `  linear: 10 years (${half.observations.toLocaleString("en-US")} Observations) median ${fmt(half.medianMs)} ms; ` +
    `20 years / 10 years = ${(e.medianMs / half.medianMs).toFixed(2)}× the time for ${(e.observations / half.observations).toFixed(2)}× the data`,
);

const s = await benchSandbox();
console.log(`sandbox: ${s.observations.toLocaleString("en-US")} Observations loaded (all synthetic patients)`);
console.log(`  start (spawn → listening): ${fmt(s.startMs)} ms (budget: under 3,000 ms)`);
console.log(
  `  patient-scoped searches over HTTP (${s.patientObservations.toLocaleString("en-US")}-Observation patient, ${s.searches} searches): ` +
    `median ${fmt(s.medianSearchMs)} ms, p95 ${fmt(s.p95SearchMs)} ms (budget: p95 under 100 ms)`,
);

for (const patient of ["pw-andre-cm-escalating", "pw-helen-five-year-history"]) {
  const a = await benchAppLaunch({ patient });
  console.log(`app: token response → recommendations on screen, built bundle in headless Chromium (${a.patient}, median of ${a.runs})`);
  console.log(`  Stagewise ${fmt(a.appMs)} ms; minimal SMART app (ready + one Patient read) ${fmt(a.minimalMs)} ms; ratio ${a.ratio.toFixed(1)}×`);
}
