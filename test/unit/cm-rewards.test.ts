// CM given / owed and the yearly cap counting what was really given (the reward log), reasoned by hand.
// Start 2025-01-06; day(n) = start + n days; pattern letters as in cm.test.ts (N negative on day 2 of the week,
// P positive, M no test). Rewards: v(day, dollars) a voucher, d(day, draws, prizeValue|null) prize draws.
import { describe, expect, it } from "vitest";
import { cmStatus } from "../../src/clinical/cm.ts";
import { defaultCmParams } from "../../src/clinical/cm-schedules.ts";
import { addDays } from "../../src/clinical/dates.ts";
import { evaluate } from "../../src/clinical/evaluate.ts";
import { recordFromBundle } from "../../src/clinical/record.ts";
import { writeRewardObservation, type RewardEntry } from "../../src/clinical/reward-log.ts";
import type { CmParams, CmScheduleKind, UdsTest } from "../../src/clinical/types.ts";
import { collection, oudCondition, patient, udsDay } from "../helpers/resources.ts";

const START = "2025-01-06";
const day = (n: number) => addDays(START, n);
const fromPattern = (pattern: string): UdsTest[] =>
  [...pattern].flatMap((ch, i) => (ch === "M" ? [] : [{ date: day(7 * i + 2), opioid: ch === "N" ? ("negative" as const) : ("positive" as const), fentanylTested: true, analytes: [] }]));
const params = (schedule: CmScheduleKind, patch: (x: CmParams) => void = () => {}) => {
  const x = defaultCmParams(schedule);
  patch(x);
  return x;
};
let n = 0;
const entry = (over: Partial<RewardEntry>): RewardEntry => ({
  ref: `Observation/r${++n}`, versionId: "1", date: day(0), status: "given", kind: "voucher", amount: null, draws: null, prizes: null, prizeValue: null,
  givenBy: null, givenByDisplay: null, carePlan: null, notes: [], errorReason: null, ours: true, ...over,
});
const v = (d: number, amount: number, status: RewardEntry["status"] = "given") => entry({ date: day(d), amount, status });
const dr = (d: number, draws: number, prizeValue: number | null) => entry({ date: day(d), kind: "draws", draws, prizes: prizeValue === null ? null : 1, prizeValue });

describe("cmStatus: given, owed and the cap with the reward log", () => {
  it.each([
    // Earned 75 (cm.test.ts worked example); 10 + 11.50 + 13 handed out → 34.50 given, 40.50 owed; cap as before.
    { name: "escalating: three vouchers handed out", p: params("escalating"), pattern: "NNNPNNN", now: 49, rewards: [v(2, 10), v(9, 11.5), v(16, 13)], earned: [10, 11.5, 13, 0, 10, 14.5, 16, 0], given: 34.5, value: 34.5, owed: 40.5, beyond: 0, capRemaining: 675 },
    { name: "an entry entered in error and a cancelled one are not counted", p: params("escalating"), pattern: "NNNPNNN", now: 49, rewards: [v(2, 10), v(9, 11.5), v(16, 13), v(23, 10, "entered-in-error"), v(30, 10, "cancelled")], earned: [10, 11.5, 13, 0, 10, 14.5, 16, 0], given: 34.5, value: 34.5, owed: 40.5, beyond: 0, capRemaining: 675 },
    { name: "entries before the start or after today are not this program's", p: params("escalating"), pattern: "NNNPNNN", now: 49, rewards: [v(-3, 10), v(60, 10)], earned: [10, 11.5, 13, 0, 10, 14.5, 16, 0], given: 0, value: 0, owed: 75, beyond: 0, capRemaining: 675 },
    // Fixed: 20 earned; 35 handed out (15 for attendance, a plan aim rewarded by hand) → nothing owed, 15 beyond, cap 750 − 35.
    { name: "fixed: more handed out than earned counts against the cap", p: params("fixed"), pattern: "NN", now: 14, rewards: [v(2, 10), v(9, 10), v(10, 15)], earned: [10, 10, 0], given: 35, value: 35, owed: 0, beyond: 15, capRemaining: 715 },
    // Prize NNMN: 4 draws earned; 1 draw won a large prize (20.00), 2 draws won 1.00: 3 given, 1 owed.
    // Cap: 20 + 1 + the owed draw at 2.218 = 23.218 → 726.782 left → 726.78.
    { name: "prize: prizes' recorded values replace the expected value", p: params("prize"), pattern: "NNMN", now: 28, rewards: [dr(2, 1, 20), dr(9, 2, 1)], earned: [1, 2, 0, 1, 0], given: 3, value: 21, owed: 1, beyond: 0, capRemaining: 726.78 },
    // Draws whose prizes were not recorded count at the expected value: the cap as without the log (741.13).
    { name: "prize: draws without a recorded value count at the expected value", p: params("prize"), pattern: "NNMN", now: 28, rewards: [dr(2, 1, null)], earned: [1, 2, 0, 1, 0], given: 1, value: 2.22, owed: 3, beyond: 0, capRemaining: 741.13 },
    // Cap 10: week 1's draw won nothing (0.00), so weeks 1–2 cost 2 × 2.218 = 4.436, and week 3 fits 2 of its 3 draws
    // (without the log it fits 1: cm.test.ts); used 8.872 → 1.128 left → 1.13.
    { name: "prize with a cap of 10: a draw that won nothing leaves room for more", p: params("prize", (x) => (x.yearlyCap = 10)), pattern: "NNNN", now: 28, rewards: [dr(3, 1, 0)], earned: [1, 2, 2, 0, 0], given: 1, value: 0, owed: 4, beyond: 0, capRemaining: 1.13 },
    // A voucher under the prize schedule (the schedule changed): counts against the cap only.
    { name: "prize: a voucher of the other kind counts against the cap only", p: params("prize"), pattern: "NNMN", now: 28, rewards: [v(2, 10)], earned: [1, 2, 0, 1, 0], given: 0, value: 10, owed: 4, beyond: 0, capRemaining: 731.13 },
  ])("$name", ({ p, pattern, now, rewards, earned, given, value, owed, beyond, capRemaining }) => {
    const s = cmStatus({ tests: fromPattern(pattern), now: day(now), enrolment: { startDate: START, source: "input:cm-start" }, params: p, rewards });
    expect(s.weeks.map((w) => w.earned)).toEqual(earned);
    expect({ given: s.givenTotal, value: s.givenValue, owed: s.owed, beyond: s.givenBeyondEarned, capRemaining: s.capRemaining }).toEqual({ given, value, owed, beyond, capRemaining });
  });

  it("each week that earned says what is still owed of it, first in first out", () => {
    const s = cmStatus({ tests: fromPattern("NNNPNNN"), now: day(49), enrolment: { startDate: START, source: "input:cm-start" }, params: params("escalating"), rewards: [v(2, 10), v(9, 15)] });
    // 25.00 handed out pays week 1 (10.00), week 2 (11.50) and 3.50 of week 3 (13.00).
    expect(s.weeks.map((w) => w.owed)).toEqual([0, 0, 9.5, undefined, 10, 14.5, 16, undefined]);
  });

  it("not enrolled: nothing given or owed", () => {
    const s = cmStatus({ tests: [], now: day(10), enrolment: null, params: params("fixed"), rewards: [v(2, 10)] });
    expect([s.givenTotal, s.owed, s.givenBeyondEarned]).toEqual([0, 0, 0]);
  });
});

describe("evaluate: the reward log in the record", () => {
  it("reads reward Observations: owed = earned − given; an unreadable entry is a data warning", () => {
    const write = (id: string, date: string, amount: number) => ({
      ...writeRewardObservation({ kind: "voucher", amount }, { patient: "Patient/p1", carePlan: "CarePlan/cm", author: null, date, now: `${date}T10:00:00Z`, identifier: id }),
      id,
    });
    const broken = { ...write("bad", day(9), 10), valueQuantity: { value: 10, code: "EUR", system: "urn:iso:std:iso:4217" } };
    const record = recordFromBundle(
      collection(patient(), oudCondition(), ...udsDay(day(2), { fentanyl: "neg" }), ...udsDay(day(9), { fentanyl: "neg" }), write("a", day(2), 10), broken),
    );
    const ev = evaluate(record, { now: day(15), cmStart: START, schedule: "fixed" });
    expect(ev.contingencyManagement).toMatchObject({ earnedTotal: 20, givenTotal: 10, owed: 10 });
    expect(ev.warnings).toContainEqual(expect.objectContaining({ code: "malformed-reward", severity: "data", refs: ["Observation/bad"] }));
  });
});
