import { evaluate } from "../src/clinical/evaluate.ts";
import { recordFromBundle } from "../src/clinical/record.ts";
import { weeklyHistory } from "./history.ts";
const now = "2026-11-23";
const text = JSON.stringify(weeklyHistory(20, now));
for (let i = 0; i < 60; i++) evaluate(recordFromBundle(JSON.parse(text)), { now });
