// Series of urine drug screens for the synthetic patients: test dates on a schedule, and the analyte Observations
// of each test in one result form. Deterministic (a seeded PRNG is passed in).
import type { Observation } from "fhir/r4.js";
import { addDays, daysBetween } from "../../src/clinical/dates.ts";
import {
  ago,
  at,
  udsComponentPanel,
  udsMemberPanel,
  udsObservation,
  type AnalyteKey,
  type Result,
  type ResultForm,
  type UdsOptions,
  type Zone,
} from "./builders.ts";

export type Results = Partial<Record<AnalyteKey, Result>>;

export interface PlannedTest {
  /** YYYY-MM-DD, local to the patient's zone. */
  date: string;
  /** Analytes not named here are negative. */
  positive: AnalyteKey[];
  /** Collection time "hh:mm"; a random morning/afternoon slot when absent. */
  time?: string;
}

/** Dates from `fromAgo` days before the anchor to `toAgo` days before it, every `step` days, oldest first. */
export function scheduleDates(fromAgo: number, toAgo: number, step: number): string[] {
  const out: string[] = [];
  for (let d = fromAgo; d >= toAgo; d -= step) out.push(ago(d));
  return out;
}

/** Drops dates at random with probability `skip` (a missed visit), keeping any date in `keep`. */
export function withMissedVisits(dates: string[], skip: number, rand: () => number, keep: string[] = []): string[] {
  return dates.filter((d) => keep.includes(d) || rand() >= skip);
}

/** A clinic collection time between 08:00 and 16:45 on the quarter hour. */
export function clinicTime(rand: () => number): string {
  const slot = Math.floor(rand() * 36); // 36 quarter hours from 08:00
  const h = 8 + Math.floor(slot / 4);
  const m = (slot % 4) * 15;
  return `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`;
}

/** Days from `date` back to the anchor (positive in the past). */
export function daysAgo(date: string): number {
  return daysBetween(date, ago(0));
}

export interface SeriesOptions extends UdsOptions {
  zone: Zone;
  form: ResultForm;
  analytes: AnalyteKey[];
}

/** Each planned test as one Observation per analyte. */
export function analyteSeries(patientId: string, tests: PlannedTest[], rand: () => number, o: SeriesOptions): Observation[] {
  const out: Observation[] = [];
  for (const t of tests) {
    const collected = at(t.date, t.time ?? clinicTime(rand), o.zone);
    for (const key of o.analytes) {
      const result: Result = t.positive.includes(key) ? "pos" : "neg";
      out.push(udsObservation(patientId, collected, key, result, o.form, rand, o));
    }
  }
  return out;
}

/** Each planned test as one panel Observation with component[] per analyte. */
export function componentPanelSeries(
  patientId: string,
  tests: PlannedTest[],
  rand: () => number,
  o: { zone: Zone; form: "snomed" | "detected" | "interpretation"; analytes: AnalyteKey[]; panel: { code: string; display: string } },
): Observation[] {
  return tests.map((t) => {
    const collected = at(t.date, t.time ?? clinicTime(rand), o.zone);
    const results = o.analytes.map((k): [AnalyteKey, Result] => [k, t.positive.includes(k) ? "pos" : "neg"]);
    return udsComponentPanel(patientId, collected, o.panel, results, o.form, rand);
  });
}

/** Each planned test as a panel Observation with hasMember references to one Observation per analyte. */
export function memberPanelSeries(
  patientId: string,
  tests: PlannedTest[],
  rand: () => number,
  o: SeriesOptions & { panel: { code: string; display: string } },
): Observation[] {
  const out: Observation[] = [];
  for (const t of tests) {
    const collected = at(t.date, t.time ?? clinicTime(rand), o.zone);
    const members = o.analytes.map((key) =>
      udsObservation(patientId, collected, key, t.positive.includes(key) ? "pos" : "neg", o.form, rand, o),
    );
    out.push(udsMemberPanel(patientId, collected, o.panel, members), ...members);
  }
  return out;
}

/** Positive analytes for a history test, each with its own probability. */
export function randomPositives(rand: () => number, chances: Partial<Record<AnalyteKey, number>>): AnalyteKey[] {
  const out: AnalyteKey[] = [];
  for (const [key, p] of Object.entries(chances) as [AnalyteKey, number][]) if (rand() < p) out.push(key);
  return out;
}

/** The date `days` after `date` (re-exported for the cases). */
export function plus(date: string, days: number): string {
  return addDays(date, days);
}
