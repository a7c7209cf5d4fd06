// CM status (clinical-spec §4), reasoned by hand. Start 2025-01-06; day(n) = start + n days; week k = days
// 7(k−1) … 7k−1. Pattern letters: N = a negative opioid test on day 2 of that week, P = positive, M = no test.
import type { CarePlan, CarePlanActivity } from "fhir/r4.js";
import { describe, expect, it } from "vitest";
import { cmEnrolmentFromCarePlans, cmStatus } from "../../src/clinical/cm.ts";
import { defaultCmParams } from "../../src/clinical/cm-schedules.ts";
import { parseCmTarget, resolveCmTarget, type CmTargetInput } from "../../src/clinical/cm-target.ts";
import { CM_SCHEDULE_EXTENSION, CM_TARGET_EXTENSION, RECOMMENDATION_SYSTEM } from "../../src/clinical/codes.ts";
import { addDays } from "../../src/clinical/dates.ts";
import { evaluate } from "../../src/clinical/evaluate.ts";
import { recordFromBundle } from "../../src/clinical/record.ts";
import type { Analyte, AnalyteReading, CmParams, CmScheduleKind, CmTarget, CmTargetAnalyte, UdsTest, WeekOutcome } from "../../src/clinical/types.ts";
import { collection, oudCondition, patient, udsDay } from "../helpers/resources.ts";

const START = "2025-01-06";
const day = (n: number) => addDays(START, n);
const test = (n: number, opioid: UdsTest["opioid"], fentanylTested = true): UdsTest => ({
  date: day(n),
  opioid,
  fentanylTested,
  analytes: [],
});
const fromPattern = (pattern: string): UdsTest[] =>
  [...pattern].flatMap((ch, i) => (ch === "N" ? [test(7 * i + 2, "negative")] : ch === "P" ? [test(7 * i + 2, "positive")] : []));
const params = (schedule: CmScheduleKind, patch: (x: CmParams) => void = () => {}) => {
  const x = defaultCmParams(schedule);
  patch(x);
  return x;
};
const status = (tests: UdsTest[], nowDay: number, p: CmParams = params("escalating")) =>
  cmStatus({ tests, now: day(nowDay), enrolment: { startDate: START, source: "input:cm-start" }, params: p });

describe("cmStatus: schedules over whole weeks", () => {
  it.each([
    // now = day(49): week 8, pending. Earned 10+11.5+13+0+10+14.5+16 = 75; week 8 would earn 17.50.
    {
      name: "escalating worked example",
      p: params("escalating"),
      pattern: "NNNPNNN",
      now: 49,
      earned: [10, 11.5, 13, 0, 10, 14.5, 16, 0],
      total: 75,
      next: 17.5,
      capRemaining: 675,
    },
    {
      name: "escalating: second reset before restoration",
      p: params("escalating"),
      pattern: "NNNPNPNN",
      now: 56,
      earned: [10, 11.5, 13, 0, 10, 0, 10, 14.5, 0],
      total: 69,
      next: 16,
      capRemaining: 681,
    },
    // now = day(83), last day of week 12 (judged): 10 … 26.50, total 12 × 36.5 / 2 = 219; no week 13 → next null.
    {
      name: "escalating: 26.50 reached after 12 negatives",
      p: params("escalating"),
      pattern: "NNNNNNNNNNNN",
      now: 83,
      earned: [10, 11.5, 13, 14.5, 16, 17.5, 19, 20.5, 22, 23.5, 25, 26.5],
      total: 219,
      next: null,
      capRemaining: 531,
    },
    // 4 draws in 3 negatives and a miss; value 4 × 2.218 = 8.872 → cap left 741.128 → 741.13.
    {
      name: "prize: draws across a missed week",
      p: params("prize"),
      pattern: "NNMN",
      now: 28,
      earned: [1, 2, 0, 1, 0],
      total: 4,
      next: 2,
      capRemaining: 741.13,
    },
    // 1+…+8 + 8 + 8 = 52 draws; 52 × 2.218 = 115.336 → 634.664 left → 634.66.
    {
      name: "prize: at most 8 draws",
      p: params("prize", (x) => (x.programWeeks = 20)),
      pattern: "NNNNNNNNNN",
      now: 70,
      earned: [1, 2, 3, 4, 5, 6, 7, 8, 8, 8, 0],
      total: 52,
      next: 8,
      capRemaining: 634.66,
    },
    {
      name: "fixed",
      p: params("fixed"),
      pattern: "NPMN",
      now: 28,
      earned: [10, 0, 0, 10, 0],
      total: 20,
      next: 10,
      capRemaining: 730,
    },
  ])("$name", ({ p, pattern, now, earned, total, next, capRemaining }) => {
    const s = status(fromPattern(pattern), now, p);
    expect(s.weeks.map((w) => w.earned)).toEqual(earned);
    expect(s.earnedTotal).toBe(total);
    expect(s.nextIfNegative).toBe(next);
    expect(s.capRemaining).toBe(capRemaining);
    expect(s.capReached).toBe(false);
    expect(s.weeks.some((w) => w.capped)).toBe(false);
  });

  it("escalating worked example: the rest of the status", () => {
    const s = status(fromPattern("NNNPNNN"), 49);
    expect(s).toMatchObject({
      enrolled: true,
      schedule: "escalating",
      source: "input:cm-start",
      startDate: START,
      currentWeek: 8,
      programWeeks: 12,
      currentStreak: 3,
      longestStreak: 3,
      earnedThisWeek: 0,
      earnedValue: 75,
      completed: false,
      counts: { negative: 6, positive: 1, missed: 0, pending: 1 },
    });
    expect(s.weeks.map((w) => w.outcome).join(",")).toBe(
      "negative,negative,negative,positive,negative,negative,negative,pending",
    );
    expect(s.weeks[3]).toMatchObject({ week: 4, start: day(21), end: day(27), tests: [day(23)] });
    expect(s.expectedValuePerDraw).toBeUndefined();
    expect(s.capMessage).toBeUndefined();
  });

  it("prize: reports the expected value per draw and the value counted against the cap", () => {
    const s = status(fromPattern("NNMN"), 28, params("prize"));
    expect(s.expectedValuePerDraw).toBe(2.218);
    expect(s.earnedValue).toBe(8.87);
  });
});

describe("cmStatus: the yearly cap", () => {
  it.each([
    // 25 on fixed 10: 10, 10, then 5 left, then nothing.
    {
      name: "cap 25 on fixed 10 cuts week 3 to 5.00",
      p: params("fixed", (x) => (x.yearlyCap = 25)),
      pattern: "NNNN",
      now: 28,
      earned: [10, 10, 5, 0, 0],
      capped: [false, false, true, true, false],
      total: 25,
      value: 25,
      next: 0,
      capRemaining: 0,
    },
    // 599 over 28 weeks: 219 in weeks 1–12, then 26.50 a week: 219 + 14 × 26.5 = 590 after week 26,
    // week 27 gets the 9.00 left, week 28 nothing.
    {
      name: "configured cap 599.00",
      p: params("escalating", (x) => {
        x.yearlyCap = 599;
        x.programWeeks = 28;
      }),
      pattern: "N".repeat(28),
      now: 196,
      earned: [10, 11.5, 13, 14.5, 16, 17.5, 19, 20.5, 22, 23.5, 25, ...Array<number>(15).fill(26.5), 9, 0],
      capped: [...Array<boolean>(26).fill(false), true, true],
      total: 599,
      value: 599,
      next: null,
      capRemaining: 0,
    },
    // 10.00 in draws at 2.218: weeks 1–2 use 3 draws (6.654); 3.346 left fits 1 of week 3's 3 draws;
    // 1.128 left fits none of week 4's 4 (or the 5 a week 5 would earn).
    {
      name: "prize: cap counted in draws at the expected value",
      p: params("prize", (x) => (x.yearlyCap = 10)),
      pattern: "NNNN",
      now: 28,
      earned: [1, 2, 1, 0, 0],
      capped: [false, false, true, true, false],
      total: 4,
      value: 8.87,
      next: 0,
      capRemaining: 1.13,
    },
  ])("$name", ({ p, pattern, now, earned, capped, total, value, next, capRemaining }) => {
    const s = status(fromPattern(pattern), now, p);
    expect(s.weeks.map((w) => w.earned)).toEqual(earned);
    expect(s.weeks.map((w) => w.capped === true)).toEqual(capped);
    expect(s.earnedTotal).toBe(total);
    expect(s.earnedValue).toBe(value);
    expect(s.nextIfNegative).toBe(next);
    expect(s.capRemaining).toBe(capRemaining);
    expect(s.capReached).toBe(true);
    expect(s.capMessage).toContain(p.yearlyCap.toFixed(2));
    expect(s.capMessage).toMatch(/reached/);
  });

  it("599.00 over 24 weeks of negatives is not reached (537.00 earned, 62.00 left)", () => {
    const p = params("escalating", (x) => {
      x.yearlyCap = 599;
      x.programWeeks = 24;
    });
    const s = status(fromPattern("N".repeat(24)), 168, p);
    expect(s.earnedTotal).toBe(537);
    expect(s.capRemaining).toBe(62);
    expect(s.capReached).toBe(false);
  });

  it("counts the cap per program year from the start date", () => {
    // 60 weeks of fixed 10 with a 100 cap: weeks 1–10 pay 100, then nothing. Program year 2 starts 2026-01-06
    // = day 365. A week counts in the year it starts in: week 53 (days 364–370) is in year 1 and pays 0;
    // weeks 54–60 (from day 371) are in year 2 and pay 10 each.
    const p = params("fixed", (x) => {
      x.yearlyCap = 100;
      x.programWeeks = 60;
    });
    const s = status(fromPattern("N".repeat(60)), 420, p);
    expect(s.weeks.slice(0, 10).every((w) => w.earned === 10)).toBe(true);
    expect(s.weeks[10]!.earned).toBe(0);
    expect(s.weeks[52]!.earned).toBe(0);
    expect(s.weeks[53]!.earned).toBe(10);
    expect(s.earnedTotal).toBe(100 + 7 * 10);
    // the last program week (60) is in year 2: 70 of 100 used.
    expect(s.capRemaining).toBe(30);
    expect(s.capReached).toBe(false);
  });
});

describe("cmStatus: weeks, streaks and the current week", () => {
  it.each([
    // weeks 1–3 negative; now day 23 = week 4 with no test yet.
    { name: "pending current week keeps the streak", tests: fromPattern("NNN"), now: 23, outcomes: "N N N _", streak: 3, longest: 3, thisWeek: 0, next: 14.5 },
    { name: "current week judged negative", tests: [...fromPattern("NNN"), test(22, "negative")], now: 23, outcomes: "N N N N", streak: 4, longest: 4, thisWeek: 14.5, next: 16 },
    { name: "current week judged positive", tests: [...fromPattern("NNN"), test(22, "positive")], now: 23, outcomes: "N N N P", streak: 0, longest: 3, thisWeek: 0, next: 10 },
    // week 2 (days 7–13) is over on day 14: missed. Escalating N then M: the next voucher drops to 10.
    { name: "a week with no test is missed once over", tests: fromPattern("N"), now: 14, outcomes: "N M _", streak: 0, longest: 1, thisWeek: 0, next: 10 },
    // on day 13, week 2's last day, it is still the current week: pending.
    { name: "…and pending on its last day", tests: fromPattern("N"), now: 13, outcomes: "N _", streak: 1, longest: 1, thisWeek: 0, next: 11.5 },
    // day 6 is week 1's last day, day 7 is week 2's first.
    { name: "test on day start+6 counts in week 1", tests: [test(6, "negative")], now: 14, outcomes: "N M _", streak: 0, longest: 1, thisWeek: 0, next: 10 },
    { name: "test on day start+7 counts in week 2", tests: [test(7, "negative")], now: 14, outcomes: "M N _", streak: 1, longest: 1, thisWeek: 0, next: 10 },
    { name: "a test before the start date is ignored", tests: [test(-1, "positive")], now: 7, outcomes: "M _", streak: 0, longest: 0, thisWeek: 0, next: 10 },
    { name: "a test after now is ignored", tests: [test(10, "positive")], now: 8, outcomes: "M _", streak: 0, longest: 0, thisWeek: 0, next: 10 },
    // indeterminate and "none" tests do not judge a week.
    {
      name: "indeterminate-only and no-opioid weeks are missed; pending when current",
      tests: [test(1, "indeterminate"), test(8, "none"), test(15, "indeterminate"), test(16, "negative"), test(22, "indeterminate")],
      now: 23,
      outcomes: "M M N _",
      streak: 1,
      longest: 1,
      thisWeek: 0,
      // M M N: M saves 10, M keeps it, N earns 10 (run 1) → week 4 would be the 2nd negative: restores 10.
      next: 10,
    },
    { name: "a positive beats negatives in the same week", tests: [test(1, "negative"), test(3, "positive"), test(5, "negative")], now: 7, outcomes: "P _", streak: 0, longest: 0, thisWeek: 0, next: 10 },
  ])("$name", ({ tests, now, outcomes, streak, longest, thisWeek, next }) => {
    const s = status(tests, now);
    const letter = { negative: "N", positive: "P", missed: "M", pending: "_" } as const;
    expect(s.weeks.map((w) => letter[w.outcome]).join(" ")).toBe(outcomes);
    expect(s.currentStreak).toBe(streak);
    expect(s.longestStreak).toBe(longest);
    expect(s.earnedThisWeek).toBe(thisWeek);
    expect(s.nextIfNegative).toBe(next);
  });

  it("lists only the judging tests of a week", () => {
    const s = status([test(15, "indeterminate"), test(16, "negative"), test(18, "negative")], 23);
    expect(s.weeks[2]!.tests).toEqual([day(16), day(18)]);
  });

  it.each([
    ["negative test without fentanyl", [test(2, "negative", false)], true, "negative"],
    ["one of two tests with fentanyl", [test(1, "negative", false), test(3, "negative", true)], false, "negative"],
    ["positive test without fentanyl keeps its outcome", [test(2, "positive", false)], true, "positive"],
    ["an indeterminate test with fentanyl does not count", [test(1, "indeterminate", true), test(2, "negative", false)], true, "negative"],
    ["no test: nothing to flag", [], false, "missed"],
  ])("fentanylNotTested: %s", (_name, tests, flag, outcome) => {
    const w = status(tests, 7).weeks[0]!;
    expect(w.outcome).toBe(outcome);
    expect(w.fentanylNotTested).toBe(flag);
  });

  it.each([
    // day 84 = week 13: the program of 12 weeks is over.
    { name: "completed the day after week 12", now: 84, currentWeek: 13, completed: true },
    { name: "long after", now: 200, currentWeek: 29, completed: true },
    // day 83: still week 12 (judged), but there is no week 13 to earn.
    { name: "last day of week 12", now: 83, currentWeek: 12, completed: false },
  ])("completed program: $name", ({ now, currentWeek, completed }) => {
    const s = status(fromPattern("N".repeat(12)), now);
    expect(s.currentWeek).toBe(currentWeek);
    expect(s.completed).toBe(completed);
    expect(s.weeks).toHaveLength(12);
    expect(s.nextIfNegative).toBeNull();
    expect(s.earnedTotal).toBe(219);
    expect(s.counts).toEqual({ negative: 12, positive: 0, missed: 0, pending: 0 });
    expect(s.currentStreak).toBe(12);
  });

  it("a completed program with no tests has 12 missed weeks and earns nothing this week", () => {
    const s = status([], 100);
    expect(s.counts).toEqual({ negative: 0, positive: 0, missed: 12, pending: 0 });
    expect(s.earnedThisWeek).toBe(0);
  });

  it("before the start date: week 0, nothing listed, week 1 would earn the first voucher", () => {
    const s = status([test(-2, "negative")], -3);
    expect(s).toMatchObject({ enrolled: true, currentWeek: 0, weeks: [], completed: false, nextIfNegative: 10, earnedTotal: 0 });
  });

  it("not enrolled", () => {
    const s = cmStatus({ tests: fromPattern("NNN"), now: day(30), enrolment: null, params: params("prize") });
    expect(s).toMatchObject({
      enrolled: false,
      schedule: "prize",
      source: null,
      startDate: null,
      currentWeek: null,
      weeks: [],
      currentStreak: 0,
      longestStreak: 0,
      earnedThisWeek: 0,
      earnedTotal: 0,
      earnedValue: 0,
      capRemaining: 750,
      capReached: false,
      nextIfNegative: null,
      completed: false,
      counts: { negative: 0, positive: 0, missed: 0, pending: 0 },
    });
  });

  it.each([
    ["an invalid start date", "2025-02-30", day(10)],
    ["an invalid now", START, "yesterday"],
  ])("%s reads as not enrolled (never throws)", (_name, startDate, now) => {
    const s = cmStatus({ tests: [], now, enrolment: { startDate, source: null }, params: params("escalating") });
    expect(s.enrolled).toBe(false);
  });

  it("accepts a date-time start (its date part)", () => {
    const s = cmStatus({
      tests: fromPattern("N"),
      now: day(3),
      enrolment: { startDate: `${START}T18:00:00-08:00`, source: null },
      params: params("escalating"),
    });
    expect(s.startDate).toBe(START);
    expect(s.weeks[0]!.outcome).toBe("negative");
  });
});

// ---------------------------------------------------------------- what the weeks are scored on (§7.6)

function reading(analyte: Analyte, result: AnalyteReading["result"], extra: Partial<AnalyteReading> = {}): AnalyteReading {
  return { analyte, result, prescribed: false, source: `Observation/${analyte}-${result}`, code: "x", status: "final", counted: true, preliminary: false, form: "string", ...extra };
}
/** A test on day n; `opioid` is its illicit-opioid summary, worked out by hand from the readings. */
const withReadings = (n: number, opioid: UdsTest["opioid"], analytes: AnalyteReading[]): UdsTest => ({ date: day(n), opioid, fentanylTested: true, analytes });
const OPIOIDS: CmTarget = { analytes: ["opioids"], source: "input", refs: [] };
const BOTH: CmTarget = { analytes: ["opioids", "stimulants"], source: "input", refs: [] };
const fenNeg = reading("fentanyl", "negative");

describe("cmStatus: a week is scored on exactly the target's analytes", () => {
  it.each([
    ["opioid-negative, cocaine positive; target opioids", [withReadings(2, "negative", [fenNeg, reading("cocaine", "positive")])], OPIOIDS, "negative"],
    ["opioid-negative, cocaine positive; target opioids and stimulants", [withReadings(2, "negative", [fenNeg, reading("cocaine", "positive")])], BOTH, "positive"],
    ["opioid-negative, amphetamine positive; target opioids and stimulants", [withReadings(2, "negative", [fenNeg, reading("amphetamine", "positive")])], BOTH, "positive"],
    ["opioid-negative, cocaine negative; target opioids and stimulants", [withReadings(2, "negative", [fenNeg, reading("cocaine", "negative")])], BOTH, "negative"],
    ["opioid-positive, cocaine negative; target opioids and stimulants", [withReadings(2, "positive", [reading("fentanyl", "positive"), reading("cocaine", "negative")])], BOTH, "positive"],
    ["only cocaine tested, negative; target opioids and stimulants", [withReadings(2, "none", [reading("cocaine", "negative")])], BOTH, "negative"],
    ["only cocaine tested, negative; target opioids: no judging test", [withReadings(2, "none", [reading("cocaine", "negative")])], OPIOIDS, "missed"],
    ["only cocaine tested, positive; target opioids: no judging test", [withReadings(2, "none", [reading("cocaine", "positive")])], OPIOIDS, "missed"],
    ["a preliminary cocaine positive is never counted", [withReadings(2, "negative", [fenNeg, reading("cocaine", "positive", { status: "preliminary", counted: false, preliminary: true })])], BOTH, "negative"],
    ["a preliminary fentanyl positive alone judges nothing", [withReadings(2, "none", [reading("fentanyl", "positive", { status: "preliminary", counted: false, preliminary: true })])], BOTH, "missed"],
    [
      "opioid-negative on day 1, cocaine positive on day 4 of the same week",
      [withReadings(1, "negative", [fenNeg]), withReadings(4, "none", [reading("cocaine", "positive")])],
      BOTH,
      "positive",
    ],
  ] as [string, UdsTest[], CmTarget, WeekOutcome][])("%s → week 1 %s", (_name, tests, target, outcome) => {
    const s = cmStatus({ tests, now: day(10), enrolment: { startDate: START, source: "input:cm-start" }, params: params("fixed"), target });
    expect(s.weeks[0]!.outcome).toBe(outcome);
    expect(s.target).toEqual(target);
    expect(s.earnedTotal).toBe(outcome === "negative" ? 10 : 0);
  });

  it("without a target, weeks are scored on illicit opioids only", () => {
    const s = status([withReadings(2, "negative", [fenNeg, reading("cocaine", "positive")])], 10);
    expect(s.target).toEqual({ analytes: ["opioids"], source: "default", refs: [] });
    expect(s.weeks[0]!.outcome).toBe("negative");
  });
});

describe("resolveCmTarget: input, then plan, then the default judged on the 30 days up to the start", () => {
  const coc = (n: number, extra: Partial<AnalyteReading> = {}) =>
    withReadings(n, "negative", [fenNeg, { ...reading("cocaine", "positive", extra), source: `Observation/coc-${n}` }]);
  it.each([
    ["input wins over the plan", { input: ["opioids"], plan: ["opioids", "stimulants"], tests: [coc(-3)], start: START }, { analytes: ["opioids"], source: "input", refs: [] }],
    ["the plan's choice wins over the default", { plan: ["opioids"], tests: [coc(-3)], start: START }, { analytes: ["opioids"], source: "plan", refs: [] }],
    ["default: cocaine positive 3 days before the start → stimulants included", { tests: [coc(-3)], start: START }, { analytes: ["opioids", "stimulants"], source: "default", refs: ["Observation/coc--3"] }],
    ["default: cocaine positive exactly 30 days before → included", { tests: [coc(-30)], start: START }, { analytes: ["opioids", "stimulants"], source: "default", refs: ["Observation/coc--30"] }],
    ["default: cocaine positive 31 days before → not included", { tests: [coc(-31)], start: START }, { analytes: ["opioids"], source: "default", refs: [] }],
    ["default: cocaine positive on the start day → included", { tests: [coc(0)], start: START }, { analytes: ["opioids", "stimulants"], source: "default", refs: ["Observation/coc-0"] }],
    ["default: cocaine positive after the start → not included", { tests: [coc(5)], start: START }, { analytes: ["opioids"], source: "default", refs: [] }],
    ["default: a preliminary cocaine positive → not included", { tests: [coc(-3, { status: "preliminary", counted: false, preliminary: true })], start: START }, { analytes: ["opioids"], source: "default", refs: [] }],
    ["not enrolled: judged on the 30 days up to today", { tests: [coc(40)], start: null }, { analytes: ["opioids", "stimulants"], source: "default", refs: ["Observation/coc-40"] }],
  ] as [string, Omit<CmTargetInput, "now">, CmTarget][])("%s", (_name, x, expected) => {
    expect(resolveCmTarget({ ...x, now: day(50) })).toEqual(expected);
  });

  it.each([
    ["opioids", ["opioids"]],
    ["opioids,stimulants", ["opioids", "stimulants"]],
    [" Opioids , Stimulants ", ["opioids", "stimulants"]],
    ["stimulants", null],
    ["stimulants,opioids", null],
    ["opioids,opioids", null],
    ["opioids,alcohol", null],
    ["opioids,", null],
    ["", null],
  ])("parseCmTarget(%j) → %j", (text, expected) => {
    expect(parseCmTarget(text)).toEqual(expected);
  });
});

// ---------------------------------------------------------------- enrolment from a CarePlan

const cmCoding = { system: RECOMMENDATION_SYSTEM, code: "contingency-management", display: "Contingency management" };
function activity(detail: Partial<NonNullable<CarePlanActivity["detail"]>> = {}): CarePlanActivity {
  return {
    detail: {
      status: "scheduled",
      code: { coding: [cmCoding] },
      scheduledTiming: { repeat: { boundsPeriod: { start: "2025-01-06T09:00:00-05:00" }, frequency: 1, period: 1, periodUnit: "wk" } },
      extension: [{ url: CM_SCHEDULE_EXTENSION, valueCode: "prize" }],
      ...detail,
    },
  };
}
function plan(id: string, activities: CarePlanActivity[], extra: Partial<CarePlan> = {}): CarePlan {
  return {
    resourceType: "CarePlan",
    id,
    status: "active",
    intent: "plan",
    subject: { reference: "Patient/p1" },
    period: { start: "2024-12-01" },
    activity: activities,
    ...extra,
  };
}

describe("cmEnrolmentFromCarePlans", () => {
  it.each([
    ["boundsPeriod start (date part as written)", [plan("cp1", [activity()])], { startDate: "2025-01-06", source: "CarePlan/cp1", schedule: "prize" , target: null }],
    [
      "scheduledPeriod when there is no timing",
      [plan("cp1", [activity({ scheduledTiming: undefined, scheduledPeriod: { start: "2025-02-03" } })])],
      { startDate: "2025-02-03", source: "CarePlan/cp1", schedule: "prize" , target: null },
    ],
    [
      "the CarePlan period when the activity has no date",
      [plan("cp1", [activity({ scheduledTiming: undefined, extension: undefined })])],
      { startDate: "2024-12-01", source: "CarePlan/cp1", schedule: null , target: null },
    ],
    ["an on-hold plan", [plan("cp1", [activity()], { status: "on-hold" })], { startDate: "2025-01-06", source: "CarePlan/cp1", schedule: "prize" , target: null }],
    ["a completed plan", [plan("cp1", [activity()], { status: "completed" })], { startDate: "2025-01-06", source: "CarePlan/cp1", schedule: "prize" , target: null }],
    [
      "an unknown schedule code reads as no schedule",
      [plan("cp1", [activity({ extension: [{ url: CM_SCHEDULE_EXTENSION, valueCode: "lottery" }] })])],
      { startDate: "2025-01-06", source: "CarePlan/cp1", schedule: null , target: null },
    ],
    [
      "the latest start wins",
      [
        plan("old", [activity()]),
        plan("new", [activity({ scheduledTiming: { repeat: { boundsPeriod: { start: "2025-03-03" } } }, extension: [{ url: CM_SCHEDULE_EXTENSION, valueCode: "fixed" }] })]),
        plan("older", [activity({ scheduledTiming: { repeat: { boundsPeriod: { start: "2024-06-03" } } } })]),
      ],
      { startDate: "2025-03-03", source: "CarePlan/new", schedule: "fixed" , target: null },
    ],
    [
      "a cancelled CM activity is skipped, a live one in the same plan counts",
      [plan("cp1", [activity({ status: "cancelled", scheduledTiming: { repeat: { boundsPeriod: { start: "2025-05-05" } } } }), activity()])],
      { startDate: "2025-01-06", source: "CarePlan/cp1", schedule: "prize" , target: null },
    ],
  ])("%s", (_name, plans, expected) => {
    expect(cmEnrolmentFromCarePlans(plans)).toEqual(expected);
  });

  it.each([
    ["cancelled activity", [plan("cp1", [activity({ status: "cancelled" })])]],
    ["stopped activity", [plan("cp1", [activity({ status: "stopped" })])]],
    ["entered-in-error activity", [plan("cp1", [activity({ status: "entered-in-error" })])]],
    ["revoked plan", [plan("cp1", [activity()], { status: "revoked" })]],
    ["draft plan", [plan("cp1", [activity()], { status: "draft" })]],
    ["entered-in-error plan", [plan("cp1", [activity()], { status: "entered-in-error" })]],
    ["not ours: CM as text only", [plan("cp1", [activity({ code: { text: "Contingency management" } })])]],
    ["not ours: another system", [plan("cp1", [activity({ code: { coding: [{ system: "http://snomed.info/sct", code: "contingency-management" }] } })])]],
    ["our system, another recommendation", [plan("cp1", [activity({ code: { coding: [{ system: RECOMMENDATION_SYSTEM, code: "cbt" }] } })])]],
    ["no date anywhere", [plan("cp1", [activity({ scheduledTiming: undefined })], { period: undefined })]],
    ["a reference-only activity", [plan("cp1", [{ reference: { reference: "ServiceRequest/1" } }])]],
    ["no plans", []],
  ])("no enrolment: %s", (_name, plans) => {
    expect(cmEnrolmentFromCarePlans(plans as CarePlan[])).toBeNull();
  });

  it("feeds cmStatus: the CarePlan is the source", () => {
    const e = cmEnrolmentFromCarePlans([plan("cp1", [activity()])])!;
    const s = cmStatus({
      tests: fromPattern("NN"),
      now: day(14),
      enrolment: e,
      params: defaultCmParams(e.schedule ?? "escalating"),
    });
    expect(s).toMatchObject({ enrolled: true, source: "CarePlan/cp1", schedule: "prize", startDate: START, currentWeek: 3 });
    expect(s.weeks.map((w) => w.earned)).toEqual([1, 2, 0]);
    expect(s.nextIfNegative).toBe(3);
  });
});

describe("round trip with the plan builder (src/clinical/plan.ts)", () => {
  it.each([
    ["active", undefined, { startDate: "2025-01-06", schedule: "escalating", target: null }],
    ["active", ["opioids"], { startDate: "2025-01-06", schedule: "escalating", target: ["opioids"] }],
    ["active", ["opioids", "stimulants"], { startDate: "2025-01-06", schedule: "escalating", target: ["opioids", "stimulants"] }],
    // a draft plan is not an enrolment (the brief reads active, on-hold or completed CarePlans only)
    ["draft", ["opioids"], null],
  ] as const)("a %s plan with CM, target %j", async (planStatus, target, expected) => {
    const { buildPlanBundle } = await import("../../src/clinical/plan.ts");
    const bundle = buildPlanBundle(
      {
        planId: "plan-1",
        status: planStatus,
        period: { start: "2025-01-01" },
        activities: [{ id: "contingency-management", title: "Contingency management", text: "" }],
        goals: [],
        cm: { schedule: "escalating", startDate: "2025-01-06", weeks: 12, description: [], ...(target ? { target: [...target] } : {}) },
      },
      { patient: "Patient/p1", author: null, now: "2025-01-01T10:00:00Z", app: { name: "Stagewise", version: "0" } },
    );
    const plans = (bundle.entry ?? [])
      .map((e) => e.resource)
      .filter((r): r is CarePlan => r?.resourceType === "CarePlan")
      .map((r) => ({ ...r, id: "saved" }));
    expect(plans).toHaveLength(1);
    const e = cmEnrolmentFromCarePlans(plans);
    expect(e).toEqual(expected && { ...expected, source: "CarePlan/saved" });
  });
});

describe("evaluate: the cmTarget option (what the app passes)", () => {
  const record = () =>
    recordFromBundle(collection(patient(), oudCondition(), ...udsDay("2025-01-08", { fentanyl: "neg", cocaine: "pos" })));
  it.each([
    [["opioids"], "negative"],
    [["opioids", "stimulants"], "positive"],
  ] as [CmTargetAnalyte[], WeekOutcome][])("cmTarget %j → source input, week 1 %s", (cmTarget, outcome) => {
    const cm = evaluate(record(), { now: day(10), cmStart: START, cmTarget }).contingencyManagement;
    expect(cm.target).toEqual({ analytes: cmTarget, source: "input", refs: [] });
    expect(cm.weeks[0]!.outcome).toBe(outcome);
  });

  it.each([[["stimulants"]], [["opioids", "alcohol"]], [[]]])("cmTarget %j is refused, naming it", (cmTarget) => {
    expect(() => evaluate(record(), { now: day(10), cmTarget: cmTarget as CmTargetAnalyte[] })).toThrow(/^CM target must be \["opioids"\] or \["opioids", "stimulants"\]/);
  });
});
