// One row of the care coordinator's caseload: what a coordinator checks for each patient on a Monday, from the
// patient's record and "now". Pure: the engine's own answers (evaluate.ts) summarised, plus the plan's review date.
//
// - stage and staleness: the latest stage assessment; stale after 90 days, or never assessed (stage.ts).
// - MOUD: the active medications for OUD (on-hold ones listed apart).
// - last urine test: its date and the illicit-opioid result as the engine judged it (prescribed positives are not
//   illicit; preliminary results are not counted).
// - CM: the week of the program and this week's outcome; earned minus given = owed, as the engine reads the reward
//   log on the CM plan (reward-log.ts, cm.ts: given first in, first out; never below 0).
// - urine test due this week: enrolled in CM and the current CM week has no test yet (CM judges each week on its
//   tests: the review's contingency management section, weekly for 12 weeks), or, outside CM, no test in the last
//   28 days (or none at all). The 28-day interval outside CM is this app's choice, not the source's: monthly
//   testing is the least frequent schedule the clinic runs; shown in the table as the reason.
// - plan status and review date: the newest active CarePlan; its review date is its period.end (Stagewise writes
//   the plan's end as the date to review it; EHR plans that carry an end are read the same way). Review due: that
//   date lies within the next 7 days or has passed, or there is no active plan.
// - safety flags: a recent overdose (within 6 months), no naloxone kit in 12 months, and the engine's
//   lost-tolerance warning (overdose-risk-lost-tolerance).
import { readCarePlan, supersededByActive } from "./careplan-resource.ts";
import { addDays, datePart, daysBetween } from "./dates.ts";
import { evaluate, type EvaluateOptions } from "./evaluate.ts";
import type { PatientRecord } from "./record.ts";
import type { CmScheduleKind, Evaluation, MoudMedication, StageValue, UdsTest, WeekOutcome } from "./types.ts";

/** Days without a urine test after which one is due outside CM (see the header). */
export const TEST_INTERVAL_DAYS = 28;
/** A plan's review is due when its date is this close (or past). */
export const REVIEW_WINDOW_DAYS = 7;

export interface CaseloadRow {
  /** "Patient/ID". */
  patient: string;
  /** "Family, Given" (sorts by family name); "Unnamed patient" when the record has no name. */
  name: string;
  stage: { value: StageValue; date: string | null; ageDays: number | null; stale: boolean };
  moud: { active: MoudMedication[]; onHold: MoudMedication[] };
  lastTest: { date: string; opioid: UdsTest["opioid"]; daysAgo: number } | null;
  urineTest: { due: boolean; reason: string };
  cm: {
    enrolled: boolean;
    schedule: CmScheduleKind;
    /** 1-based week of the program; null when not enrolled. */
    week: number | null;
    programWeeks: number;
    completed: boolean;
    /** This week's outcome; null when not enrolled or the program is over. */
    outcome: WeekOutcome | null;
    /** Money for escalating/fixed schedules, draws for prize draws. */
    unit: "money" | "draws";
    earned: number;
    given: number;
    owed: number;
  };
  plan: { status: "active" | "none"; title: string | null; reviewDate: string | null; reviewDue: boolean };
  safety: { recentOverdose: string | null; noNaloxoneKit: boolean; lostTolerance: boolean };
}

export interface CaseloadRowOptions {
  now: string;
  /**
   * The first day whose laboratory results the record holds, when only recent ones were read (the caseload reads
   * the last 90 days or from a CM start): "no test" then says "in the last N days".
   */
  labsFrom?: string;
  /** Passed to the engine (e.g. a CM schedule override); normally empty. */
  evaluate?: Omit<EvaluateOptions, "now">;
}

function sortName(record: PatientRecord): string {
  const names = record.patient.name ?? [];
  const n = names.find((x) => x.use === "official") ?? names.find((x) => x.use !== "old") ?? names[0];
  if (!n) return "Unnamed patient";
  const given = (n.given ?? []).join(" ").trim();
  const family = (n.family ?? "").trim();
  if (family && given) return `${family}, ${given}`;
  return family || given || n.text?.trim() || "Unnamed patient";
}

function latestTest(tests: readonly UdsTest[]): UdsTest | null {
  let last: UdsTest | null = null;
  for (const t of tests) if (!last || t.date > last.date) last = t;
  return last;
}

function urineTestDue(e: Evaluation, last: UdsTest | null, now: string, labsFrom?: string): { due: boolean; reason: string } {
  const cm = e.contingencyManagement;
  if (cm.enrolled && !cm.completed && cm.currentWeek !== null && cm.currentWeek >= 1) {
    const week = cm.weeks.find((w) => w.week === cm.currentWeek);
    const tested = week ? e.uds.tests.some((t) => t.date >= week.start && t.date <= week.end) : false;
    return tested ? { due: false, reason: `tested in CM week ${cm.currentWeek}` } : { due: true, reason: `CM week ${cm.currentWeek} has no test yet` };
  }
  if (!last) return { due: true, reason: labsFrom ? `no urine test in the last ${daysBetween(labsFrom, now)} days` : "no urine test on record" };
  const days = daysBetween(last.date, now);
  return days >= TEST_INTERVAL_DAYS ? { due: true, reason: `last test ${days} days ago` } : { due: false, reason: `last test ${days} days ago` };
}

function activePlan(record: PatientRecord, now: string): CaseloadRow["plan"] {
  const plans = record.carePlans.map(readCarePlan);
  // A plan a newer active plan takes over (CarePlan.replaces) is not the one under review.
  const replaced = supersededByActive(plans);
  const active = plans.filter((p) => p.status === "active" && !replaced.has(p.ref)).sort((a, b) => (b.period?.start ?? "").localeCompare(a.period?.start ?? ""));
  const plan = active[0];
  if (!plan) return { status: "none", title: null, reviewDate: null, reviewDue: true };
  const reviewDate = datePart(plan.period?.end ?? null);
  return {
    status: "active",
    title: plan.title ?? null,
    reviewDate,
    reviewDue: reviewDate !== null && reviewDate <= addDays(now, REVIEW_WINDOW_DAYS),
  };
}

/** The caseload row of one patient. */
export function caseloadRow(record: PatientRecord, options: CaseloadRowOptions): CaseloadRow {
  const e = evaluate(record, { ...options.evaluate, now: options.now });
  const now = e.now;
  const last = latestTest(e.uds.tests);
  const cm = e.contingencyManagement;
  const earned = cm.enrolled ? cm.earnedTotal : 0;
  const stageDate = datePart(e.stage.observedAt);
  const currentWeek = cm.enrolled && !cm.completed && cm.currentWeek !== null && cm.currentWeek >= 1 ? cm.currentWeek : null;
  return {
    patient: record.patientRef,
    name: sortName(record),
    stage: {
      value: e.stage.value,
      date: stageDate,
      ageDays: stageDate ? daysBetween(stageDate, now) : null,
      // never assessed counts as stale: reassessment is what the coordinator books
      stale: e.stage.value === "unknown" || e.stage.stale,
    },
    moud: { active: e.moud.active.map((m) => m.medication), onHold: e.moud.onHold.map((m) => m.medication) },
    lastTest: last ? { date: last.date, opioid: last.opioid, daysAgo: daysBetween(last.date, now) } : null,
    urineTest: urineTestDue(e, last, now, options.labsFrom),
    cm: {
      enrolled: cm.enrolled,
      schedule: cm.schedule,
      week: currentWeek,
      programWeeks: cm.programWeeks,
      completed: cm.enrolled && cm.completed,
      outcome: currentWeek !== null ? (cm.weeks.find((w) => w.week === currentWeek)?.outcome ?? "pending") : null,
      unit: cm.schedule === "prize" ? "draws" : "money",
      earned,
      given: cm.enrolled ? cm.givenTotal : 0,
      owed: cm.enrolled ? cm.owed : 0,
    },
    plan: activePlan(record, now),
    safety: {
      recentOverdose: e.conditions.recentOverdose?.date ?? null,
      noNaloxoneKit: e.recentNaloxoneKit === null,
      lostTolerance: e.warnings.some((w) => w.code === "overdose-risk-lost-tolerance"),
    },
  };
}
