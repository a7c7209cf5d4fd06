// `npm run bench`: the speed figures the issues ask for. The machine is shared and noisy (2 cores): each figure
// comes with its goal, and ratios to baselines measured in the same run.
import { benchAppLaunch, launchReport } from "./app-launch.ts";
import { benchCaseload, caseloadReport } from "./caseload.ts";
import { benchEngine } from "./engine.ts";
import { benchPopulation, populationReport } from "./population.ts";
import { benchSandbox } from "./sandbox.ts";

const fmt = (n: number) => n.toFixed(1);

const e = benchEngine();
console.log(`engine: evaluate ${e.observations.toLocaleString("en-US")} Observations (20 years weekly)`);
console.log(`  median ${fmt(e.medianMs)} ms, p95 ${fmt(e.p95Ms)} ms (budget: well under 100 ms)`);
console.log(
  `  ratio to JSON.parse of the same record: ${e.ratioToParse.toFixed(2)}× elapsed (${fmt(e.parseMedianMs)} ms), ` +
    `${e.cpuRatioToParse.toFixed(2)}× CPU time (${fmt(e.cpuMedianMs)} / ${fmt(e.cpuParseMedianMs)} ms) (goal ≤ 1.2×)`,
);
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

for (const line of launchReport(await benchAppLaunch())) console.log(line);
for (const line of populationReport(await benchPopulation())) console.log(line);
for (const line of caseloadReport(await benchCaseload())) console.log(line);
