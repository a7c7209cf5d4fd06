// Contingency-management (CM) status (clinical-spec §4): weeks judged on the urine tests of the CM target
// (cm-target.ts: illicit opioids, plus stimulants when the target includes them, §7.6), rewards from the chosen
// schedule (cm-schedules.ts), the yearly cap, streaks, and the next reward. Pure: `now` is passed in.
//
// Choices where §4 is silent (documented here and in describeSchedule):
// - Week k covers days [start + 7(k−1), start + 7k). currentWeek = floor((now − start)/7) + 1; before the start
//   date currentWeek is 0, no week is listed, and nextIfNegative is week 1's reward.
// - Only tests where a target class (illicit opioids; stimulants when targeted) is read positive or negative judge a
//   week (cm-target.ts targetOutcome). Tests with no target analyte read negative or positive (not tested, or only
//   indeterminate) are ignored: such a week with no other test is missed (week over) or pending (current week).
//   A week is positive when any judging test is positive, negative when every judging test is negative.
// - Tests dated after `now` or before the start date are ignored.
// - The yearly cap is counted per program year from the start date (year n = [start + n years, start + n+1
//   years)); a week counts in the program year in which it starts. capRemaining/capReached are for the program
//   year of the current week (of the last program week once the program is over; year 1 before the start).
// - Not enrolled: capRemaining is the full yearly cap (nothing has been spent).
// - Rewards handed out (the reward log, reward-log.ts): entries dated from the start date to today that are not
//   entered-in-error. They pay the weeks' earnings first in, first out within a program year (an entry pays the
//   earliest earned week not yet paid); what no entry pays is owed. The yearly cap counts what was really given:
//   a paid week counts at what its entries cost (prize draws: the prizes' recorded values; draws whose prizes were
//   not recorded at the bowl's expected value), an unpaid week at what it earned, and entries beyond what the
//   weeks earned count too (in the program year of their date). An entry of the other kind (a voucher under the
//   prize schedule, draws under a money schedule, e.g. after the schedule changed) counts against the cap only.
import type { CarePlan } from "fhir/r4.js";
import { readCmActivity } from "./careplan-resource.ts";
import {
  expectedValuePerDraw,
  fromCents,
  initialScheduleState,
  isCmScheduleKind,
  stepSchedule,
  toCents,
  type ScheduleState,
} from "./cm-schedules.ts";
import { targetOutcome } from "./cm-target.ts";
import { addDays, addMonths, datePart, daysBetween } from "./dates.ts";
import type { CmParams, CmScheduleKind, CmStatus, CmTarget, CmTargetAnalyte, CmWeek, UdsTest, WeekOutcome } from "./types.ts";
import { refOf } from "./record.ts";
import type { RewardEntry } from "./reward-log.ts";
import { applyCap, capMeter, givenLots, payFromLots, programYear } from "./cm-cap.ts";

export interface CmEnrolment {
  /** YYYY-MM-DD (a date-time is cut to its date part). */
  startDate: string;
  /** "CarePlan/ID" when read from a plan written by the app, null when the user gave the date. */
  source: string | null;
}

export interface CmInput {
  tests: UdsTest[];
  /** Today, YYYY-MM-DD. */
  now: string;
  enrolment: CmEnrolment | null;
  params: CmParams;
  /** What the weeks are scored on (cm-target.ts resolveCmTarget); default: illicit opioids only. */
  target?: CmTarget;
  /** The reward log (reward-log.ts readRewardLog): what was handed out. */
  rewards?: RewardEntry[];
}

const emptyCounts = (): Record<WeekOutcome, number> => ({ negative: 0, positive: 0, missed: 0, pending: 0 });


function notEnrolled(params: CmParams, target: CmTarget): CmStatus {
  return {
    enrolled: false,
    schedule: params.schedule,
    source: null,
    startDate: null,
    currentWeek: null,
    programWeeks: params.programWeeks,
    weeks: [],
    currentStreak: 0,
    longestStreak: 0,
    earnedThisWeek: 0,
    earnedTotal: 0,
    earnedValue: 0,
    capRemaining: fromCents(toCents(params.yearlyCap)),
    capReached: false,
    nextIfNegative: null,
    completed: false,
    counts: emptyCounts(),
    target,
    ...(params.schedule === "prize" ? { expectedValuePerDraw: expectedValuePerDraw(params.prize.bowl) } : {}),
    givenTotal: 0,
    givenValue: 0,
    owed: 0,
    givenBeyondEarned: 0,
    params,
  };
}

/** CM status at `now` (clinical-spec §4). Never throws: an unusable start date or `now` reads as not enrolled. */
export function cmStatus(input: CmInput): CmStatus {
  const { params } = input;
  const target: CmTarget = input.target ?? { analytes: ["opioids"], source: "default", refs: [] };
  const start = input.enrolment ? datePart(input.enrolment.startDate) : null;
  const now = datePart(input.now);
  if (!input.enrolment || start === null || now === null) return notEnrolled(params, target);

  const programWeeks = Number.isInteger(params.programWeeks) && params.programWeeks > 0 ? params.programWeeks : 12;
  const elapsed = daysBetween(start, now);
  const currentWeek = elapsed < 0 ? 0 : Math.floor(elapsed / 7) + 1;
  const listed = Math.min(currentWeek, programWeeks);
  const completed = currentWeek > programWeeks;
  const prize = params.schedule === "prize";
  const meter = capMeter(params);

  // Judging tests per week, with their outcome on the target.
  const byWeek = new Map<number, { test: UdsTest; outcome: "positive" | "negative" }[]>();
  for (const t of input.tests) {
    const d = datePart(t.date);
    if (d === null || d > now || d < start) continue;
    const week = Math.floor(daysBetween(start, d) / 7) + 1;
    if (week > listed) continue;
    const outcome = targetOutcome(t, target);
    if (outcome === null) continue;
    const list = byWeek.get(week) ?? [];
    list.push({ test: t, outcome });
    byWeek.set(week, list);
  }

  let state: ScheduleState = initialScheduleState(params);
  const usedUnits = new Map<number, number>(); // program year → units counted against the cap
  const lots = givenLots(input.rewards ?? [], params, meter, start, now);
  const givenUnits = [...lots.values()].flat().reduce((sum, l) => sum + l.units, 0);
  const givenCost = [...lots.values()].flat().reduce((sum, l) => sum + l.cost, 0);
  let owedUnits = 0;
  const weeks: CmWeek[] = [];
  for (let k = 1; k <= listed; k += 1) {
    const weekStart = addDays(start, 7 * (k - 1));
    const weekEnd = addDays(start, 7 * k - 1);
    const judged = (byWeek.get(k) ?? []).slice().sort((a, b) => (a.test.date < b.test.date ? -1 : a.test.date > b.test.date ? 1 : 0));
    const tests = judged.map((j) => j.test);
    const outcome: WeekOutcome = judged.some((j) => j.outcome === "positive")
      ? "positive"
      : judged.length > 0
        ? "negative"
        : weekEnd < now
          ? "missed"
          : "pending";
    const step = stepSchedule(params, state, outcome);
    state = step.state;
    const year = programYear(start, weekStart);
    const used = usedUnits.get(year) ?? 0;
    const earned = applyCap(meter, step.earned, used);
    const paid = payFromLots(lots.get(year) ?? [], earned);
    owedUnits += paid.unpaid;
    usedUnits.set(year, used + paid.paidCost + paid.unpaid * meter.unitCost);
    const week: CmWeek = {
      week: k,
      start: weekStart,
      end: weekEnd,
      outcome,
      earned: prize ? earned : fromCents(earned),
      tests: [...new Set(tests.map((t) => datePart(t.date) ?? t.date))],
      fentanylNotTested: tests.length > 0 && !tests.some((t) => t.fentanylTested),
    };
    if (earned < step.earned) week.capped = true;
    if (earned > 0) week.owed = prize ? paid.unpaid : fromCents(paid.unpaid);
    weeks.push(week);
  }

  // Streaks: a pending (current) week neither extends nor breaks a run.
  let run = 0;
  let longestStreak = 0;
  let currentStreak = 0;
  for (const w of weeks) {
    if (w.outcome === "pending") continue;
    run = w.outcome === "negative" ? run + 1 : 0;
    longestStreak = Math.max(longestStreak, run);
    currentStreak = run;
  }

  const counts = emptyCounts();
  for (const w of weeks) counts[w.outcome] += 1;
  const earnedUnits = weeks.reduce((sum, w) => sum + (prize ? w.earned : toCents(w.earned)), 0);
  const current = currentWeek >= 1 && currentWeek <= programWeeks ? weeks[currentWeek - 1] : undefined;

  // Entries beyond what the weeks earned count against the cap of their program year.
  let beyondUnits = 0;
  for (const [year, yearLots] of lots) {
    for (const lot of yearLots) {
      beyondUnits += lot.units;
      usedUnits.set(year, (usedUnits.get(year) ?? 0) + lot.cost);
    }
  }

  // Next reward: the current week when pending, otherwise the following week, simulated on a copy of the state.
  let nextIfNegative: number | null = null;
  const nextWeek = current?.outcome === "pending" ? currentWeek : currentWeek + 1;
  if (!completed && nextWeek <= programWeeks) {
    const reward = stepSchedule(params, state, "negative").earned;
    const year = programYear(start, addDays(start, 7 * (nextWeek - 1)));
    const fits = applyCap(meter, reward, usedUnits.get(year) ?? 0);
    nextIfNegative = prize ? fits : fromCents(fits);
  }

  // The cap for the program year of the current week (the last week once the program is over).
  const refWeek = Math.max(1, Math.min(currentWeek, programWeeks));
  const refYear = programYear(start, addDays(start, 7 * (refWeek - 1)));
  const remainingUnits = Math.max(0, meter.capUnits - (usedUnits.get(refYear) ?? 0));
  const capReached = meter.unitCost > 0 && remainingUnits < meter.unitCost;
  const ev = expectedValuePerDraw(params.prize.bowl);
  const status: CmStatus = {
    enrolled: true,
    schedule: params.schedule,
    source: input.enrolment.source,
    startDate: start,
    currentWeek,
    programWeeks,
    weeks,
    currentStreak,
    longestStreak,
    earnedThisWeek: current?.earned ?? 0,
    earnedTotal: prize ? earnedUnits : fromCents(earnedUnits),
    earnedValue: prize
      ? meter.unitCost === 0
        ? 0
        : fromCents((earnedUnits * meter.unitCost) / meter.unitsPerCent)
      : fromCents(earnedUnits),
    capRemaining: fromCents(remainingUnits / meter.unitsPerCent),
    capReached,
    nextIfNegative,
    completed,
    counts,
    target,
    ...(prize ? { expectedValuePerDraw: ev } : {}),
    givenTotal: prize ? givenUnits : fromCents(givenUnits),
    givenValue: fromCents(givenCost / meter.unitsPerCent),
    owed: prize ? owedUnits : fromCents(owedUnits),
    givenBeyondEarned: prize ? beyondUnits : fromCents(beyondUnits),
    params,
  };
  if (capReached) {
    const yearStart = addMonths(start, 12 * refYear);
    const nextYear = addMonths(start, 12 * (refYear + 1));
    status.capMessage =
      `The yearly cap of ${params.yearlyCap.toFixed(2)} for program year ${refYear + 1} (from ${yearStart}) has been ` +
      `reached${prize ? ` (draws counted at ${ev.toFixed(3)} each, the bowl's expected value)` : ""}: ` +
      `no further rewards can be earned before ${nextYear}. Keep testing and recognising progress without rewards.`;
  }
  return status;
}

// ---------------------------------------------------------------- enrolment from a CarePlan written by the app

export interface CmPlanEnrolment {
  startDate: string;
  /** "CarePlan/ID". */
  source: string;
  schedule: CmScheduleKind | null;
  /** The CM target recorded in the activity, or null when none is recorded. */
  target: CmTargetAnalyte[] | null;
}

const LIVE_PLAN_STATUSES = new Set(["active", "on-hold", "completed"]);
const DEAD_ACTIVITY_STATUSES = new Set(["cancelled", "entered-in-error", "stopped"]);

/**
 * The CM enrolment recorded by the app in a CarePlan: an activity coded RECOMMENDATION_SYSTEM
 * "contingency-management" (status not cancelled/entered-in-error/stopped) in a CarePlan that is active, on-hold
 * or completed. Start = the date part of detail.scheduledTiming.repeat.boundsPeriod.start, else
 * detail.scheduledPeriod.start, else CarePlan.period.start. Schedule = the activity's detail.extension
 * CM_SCHEDULE_EXTENSION valueCode (null when absent or unknown). Target = the activity's detail.extension
 * CM_TARGET_EXTENSION valueCodes ("opioids", "stimulants"; opioids always included; null when none is recorded or
 * none is known). The latest start wins (on a tie, the first found).
 */
export function cmEnrolmentFromCarePlans(carePlans: CarePlan[]): CmPlanEnrolment | null {
  let best: CmPlanEnrolment | null = null;
  for (const plan of carePlans) {
    if (!plan || plan.resourceType !== "CarePlan" || !LIVE_PLAN_STATUSES.has(plan.status)) continue;
    for (const activity of plan.activity ?? []) {
      if (!activity || DEAD_ACTIVITY_STATUSES.has(activity.detail?.status ?? "")) continue;
      const reading = readCmActivity(activity, plan.period?.start);
      if (!reading || reading.startDate === null) continue;
      const startDate = reading.startDate;
      if (best === null || startDate > best.startDate) {
        best = { startDate, source: refOf(plan), schedule: reading.schedule, target: reading.target };
      }
    }
  }
  return best;
}
