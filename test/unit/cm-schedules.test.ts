// Reward schedules as state machines, reasoned by hand from clinical-spec §4.
import { describe, expect, it } from "vitest";
import {
  defaultCmParams,
  describeSchedule,
  expectedValuePerDraw,
  initialScheduleState,
  stepSchedule,
  validateCmParams,
} from "../../src/clinical/cm-schedules.ts";
import type { CmParams, CmScheduleKind, PrizeBowlSlip, WeekOutcome } from "../../src/clinical/types.ts";

const OUTCOME: Record<string, WeekOutcome> = { N: "negative", P: "positive", M: "missed", _: "pending" };

/** Runs a pattern like "NNP_" and returns each week's reward (money or draws) and the next negative week's. */
function run(params: CmParams, pattern: string): { earned: number[]; next: number } {
  const money = params.schedule !== "prize";
  let state = initialScheduleState(params);
  const earned: number[] = [];
  for (const ch of pattern) {
    const step = stepSchedule(params, state, OUTCOME[ch]!);
    state = step.state;
    earned.push(money ? step.earned / 100 : step.earned);
  }
  const next = stepSchedule(params, state, "negative").earned;
  return { earned, next: money ? next / 100 : next };
}

const p = (schedule: CmScheduleKind, patch: (x: CmParams) => void = () => {}) => {
  const x = defaultCmParams(schedule);
  patch(x);
  return x;
};

describe("escalating schedule (§4 pseudo-code)", () => {
  it.each([
    // next 10 → 11.5 → 13 → 14.5; P saves 14.5; N earns 10 (next stays 10); N earns 14.5 (next 16); N earns 16.
    ["worked example N N N P N N N", "NNNPNNN", [10, 11.5, 13, 0, 10, 14.5, 16], 17.5],
    // the second P comes before restoration: 14.5 stays saved, and the second N of the new run earns it.
    ["second reset before restoration keeps the saved value", "NNNPNPNN", [10, 11.5, 13, 0, 10, 0, 10, 14.5], 16],
    // restored once (13), reset again at 14.5, restored again.
    ["two separate restorations", "NNPNNPNN", [10, 11.5, 0, 10, 13, 0, 10, 14.5], 16],
    // 10 + 11 × 1.50 = 26.50 at week 12, and never more.
    ["max reached after 12 negatives", "NNNNNNNNNNNNN", [10, 11.5, 13, 14.5, 16, 17.5, 19, 20.5, 22, 23.5, 25, 26.5, 26.5], 26.5],
    // a missed week resets like a positive; what was saved is the 10.00 the next voucher had.
    ["missed first week", "MNN", [0, 10, 10], 11.5],
    ["reset at the maximum restores 26.50", "NNNNNNNNNNNNPNN", [10, 11.5, 13, 14.5, 16, 17.5, 19, 20.5, 22, 23.5, 25, 26.5, 0, 10, 26.5], 26.5],
    // a pending week is not a week at all for the schedule: N _ N is N N.
    ["pending week changes nothing", "N_N", [10, 0, 11.5], 13],
  ])("%s", (_name, pattern, earned, next) => {
    const r = run(p("escalating"), pattern);
    expect(r.earned).toEqual(earned);
    expect(r.next).toBe(next);
  });

  it("the worked example totals 75.00", () => {
    expect(run(p("escalating"), "NNNPNNN").earned.reduce((a, b) => a + b, 0)).toBe(75);
  });

  it("uses configured step, max and restore rule", () => {
    // start 5, step 2.25, max 9.5: 5, 7.25, 9.5, 9.5; P saves 9.5; restoreAfter 3: N 5, N 5, N 9.5.
    const params = p("escalating", (x) => (x.escalating = { start: 5, step: 2.25, max: 9.5, restoreAfter: 3 }));
    expect(run(params, "NNNNPNNN")).toEqual({ earned: [5, 7.25, 9.5, 9.5, 0, 5, 5, 9.5], next: 9.5 });
  });

  it("does not drift in floating point (0.10 steps)", () => {
    const params = p("escalating", (x) => (x.escalating = { start: 0.1, step: 0.1, max: 100, restoreAfter: 2 }));
    expect(run(params, "NNN")).toEqual({ earned: [0.1, 0.2, 0.3], next: 0.4 });
  });
});

describe("prize schedule (draws)", () => {
  it.each([
    ["N N M N: the missed week resets draws to 1", "NNMN", [1, 2, 0, 1], 2],
    ["a positive week resets draws to 1", "NNNPN", [1, 2, 3, 0, 1], 2],
    ["at most 8 draws", "NNNNNNNNNN", [1, 2, 3, 4, 5, 6, 7, 8, 8, 8], 8],
    ["pending week changes nothing", "N_N", [1, 0, 2], 3],
  ])("%s", (_name, pattern, earned, next) => {
    expect(run(p("prize"), pattern)).toEqual({ earned, next });
  });
});

describe("fixed schedule", () => {
  it.each([
    ["10.00 for every negative week", "NPNMN", [10, 0, 10, 0, 10], 10],
    ["first week missed", "MN", [0, 10], 10],
  ])("%s", (_name, pattern, earned, next) => {
    expect(run(p("fixed"), pattern)).toEqual({ earned, next });
  });

  it("uses the configured amount", () => {
    expect(run(p("fixed", (x) => (x.fixed.amount = 12.34)), "NN")).toEqual({ earned: [12.34, 12.34], next: 12.34 });
  });
});

describe("expectedValuePerDraw", () => {
  const slip = (value: number, count: number): PrizeBowlSlip => ({ label: `${value}`, value, count });
  it.each([
    // (250 × 0 + 209 × 1 + 40 × 20 + 1 × 100) / 500 = 1109 / 500
    ["default bowl", defaultCmParams("prize").prize.bowl, 2.218],
    ["one 5.00 slip", [slip(5, 1)], 5],
    ["1 blank + 2 × 3.00", [slip(0, 1), slip(3, 2)], 2],
    ["empty bowl", [], 0],
  ])("%s", (_name, bowl, ev) => {
    expect(expectedValuePerDraw(bowl)).toBe(ev);
  });
});

describe("defaultCmParams", () => {
  it("holds the §4 defaults", () => {
    const d = defaultCmParams();
    expect(d.schedule).toBe("escalating");
    expect(d.programWeeks).toBe(12);
    expect(d.yearlyCap).toBe(750);
    expect(d.escalating).toEqual({ start: 10, step: 1.5, max: 26.5, restoreAfter: 2 });
    expect(d.prize).toMatchObject({ firstDraws: 1, stepDraws: 1, maxDraws: 8 });
    expect(d.prize.bowl.map((s) => [s.value, s.count])).toEqual([
      [0, 250],
      [1, 209],
      [20, 40],
      [100, 1],
    ]);
    expect(d.prize.bowl[0]!.label).toBe("Good job");
    expect(d.fixed.amount).toBe(10);
    expect(defaultCmParams("prize").schedule).toBe("prize");
  });

  it("returns a fresh copy each time", () => {
    const a = defaultCmParams();
    a.escalating.start = 99;
    a.prize.bowl[0]!.count = 1;
    expect(defaultCmParams().escalating.start).toBe(10);
    expect(defaultCmParams().prize.bowl[0]!.count).toBe(250);
  });
});

describe("describeSchedule", () => {
  const flags = (params: CmParams) =>
    Object.fromEntries(describeSchedule(params).map((l) => [l.parameter, l.unverified]));

  it.each([
    [
      "escalating defaults: step, reset and restore rules are unverified; start, max, cap are sourced",
      p("escalating"),
      { programWeeks: false, "escalating.start": false, "escalating.step": true, "escalating.max": false, schedule: true, "escalating.restoreAfter": true, yearlyCap: false },
    ],
    [
      "prize defaults: draws and bowl unverified; the reset after a lapse is sourced",
      p("prize"),
      { programWeeks: false, "prize.firstDraws": true, "prize.stepDraws": true, "prize.maxDraws": true, schedule: false, "prize.bowl": true, "prize.expectedValue": true, yearlyCap: false },
    ],
    ["fixed", p("fixed"), { programWeeks: false, "fixed.amount": false, yearlyCap: false }],
    [
      "a configured step is the program's own, not an unverified default",
      p("escalating", (x) => (x.escalating.step = 2)),
      { programWeeks: false, "escalating.start": false, "escalating.step": false, "escalating.max": false, schedule: true, "escalating.restoreAfter": true, yearlyCap: false },
    ],
  ])("%s", (_name, params, expected) => {
    expect(flags(params)).toEqual(expected);
  });

  it("states each parameter in plain words", () => {
    const text = describeSchedule(p("escalating")).map((l) => l.text).join("\n");
    expect(text).toContain("12 weeks");
    expect(text).toContain("10.00");
    expect(text).toContain("1.50");
    expect(text).toContain("26.50");
    expect(text).toContain("2 negative weeks in a row");
    expect(text).toContain("750.00");
    expect(text).toMatch(/never cash/);
    const prize = describeSchedule(p("prize")).map((l) => l.text).join("\n");
    expect(prize).toContain("500 slips");
    expect(prize).toContain("2.218");
    expect(prize).toContain("8 draws");
  });

  it.each([
    [750, /SAMHSA/],
    [599, /California/],
    [400, /set for this program/],
  ])("names the source of a %s cap", (cap, source) => {
    const line = describeSchedule(p("fixed", (x) => (x.yearlyCap = cap))).find((l) => l.parameter === "yearlyCap")!;
    expect(line.source).toMatch(source);
    expect(line.text).toContain(cap.toFixed(2));
  });
});

describe("validateCmParams", () => {
  it.each([
    ["defaults", (_x: CmParams) => {}, []],
    ["zero program weeks", (x: CmParams) => (x.programWeeks = 0), [/programWeeks/]],
    ["negative cap", (x: CmParams) => (x.yearlyCap = -1), [/yearlyCap/]],
    ["max below start", (x: CmParams) => (x.escalating.max = 5), [/escalating\.max \(5\) is below escalating\.start/]],
    ["fractional draws", (x: CmParams) => (x.prize.maxDraws = 2.5), [/prize\.maxDraws/]],
    ["empty bowl", (x: CmParams) => (x.prize.bowl = []), [/prize\.bowl has no slips/]],
    ["NaN amount", (x: CmParams) => (x.fixed.amount = Number.NaN), [/fixed\.amount/]],
  ])("%s", (_name, patch, expected) => {
    const problems = validateCmParams(p("escalating", patch));
    expect(problems).toHaveLength(expected.length);
    expected.forEach((re, i) => expect(problems[i]).toMatch(re));
  });
});
