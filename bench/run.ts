// `npm run bench`: the speed figures the issues ask for.
import { benchEngine } from "./engine.ts";

const fmt = (n: number) => n.toFixed(1);

const e = benchEngine();
console.log(`engine: evaluate ${e.observations.toLocaleString("en-US")} Observations (20 years weekly)`);
console.log(`  median ${fmt(e.medianMs)} ms, p95 ${fmt(e.p95Ms)} ms (budget: well under 100 ms)`);
console.log(`  ratio to JSON.parse of the same record (${fmt(e.parseMedianMs)} ms): ${e.ratioToParse.toFixed(2)}×`);
