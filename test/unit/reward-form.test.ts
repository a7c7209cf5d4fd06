// The reward form's check: each problem names the field and what is wrong; good input becomes the reward recorded.
import { describe, expect, it } from "vitest";
import { emptyRewardFields, readRewardFields, type RewardFields } from "../../src/app/reward-form.ts";

const TODAY = "2026-11-30";
const fields = (over: Partial<RewardFields>): RewardFields => ({ ...emptyRewardFields(TODAY), ...over });
const money = { prize: false, today: TODAY, start: "2026-10-22" };
const prize = { ...money, prize: true };

describe("readRewardFields", () => {
  it("starts with today, written as the app writes dates", () => {
    expect(emptyRewardFields(TODAY).date).toBe("30 Nov 2026");
  });

  it.each<[string, Partial<RewardFields>, typeof money, unknown]>([
    ["a voucher", { amount: "10" }, money, { input: { kind: "voucher", amount: 10 }, date: TODAY, note: "" }],
    ["a voucher with a dollar sign and cents, an ISO date and a note", { amount: "$14.50", date: "2026-11-02", note: "  Gift card " }, money, { input: { kind: "voucher", amount: 14.5 }, date: "2026-11-02", note: "Gift card" }],
    ["draws that won two prizes", { draws: "3", prizes: "2", prizeValue: "21" }, prize, { input: { kind: "draws", draws: 3, prizes: 2, prizeValue: 21 }, date: TODAY, note: "" }],
    ["draws that won nothing", { draws: "1" }, prize, { input: { kind: "draws", draws: 1, prizes: 0, prizeValue: 0 }, date: TODAY, note: "" }],
  ])("accepts %s", (_what, over, o, expected) => {
    expect(readRewardFields(fields(over), o)).toEqual(expected);
  });

  it.each<[string, Partial<RewardFields>, typeof money, string[]]>([
    ["no amount", {}, money, ['Amount: "(empty)" is not an amount in dollars above 0, such as 10.00.']],
    ["a zero amount and a date after today", { amount: "0", date: "1 Dec 2026" }, money, ["Date: 1 Dec 2026 is after today; record a reward on the day it was handed out.", 'Amount: "0" is not an amount in dollars above 0, such as 10.00.']],
    ["words and an impossible date", { amount: "ten", date: "31 Feb 2026" }, money, ['Date: "31 Feb 2026" is not a date; write it as 30 Nov 2026 or 2026-11-30.', 'Amount: "ten" is not an amount in dollars above 0, such as 10.00.']],
    ["a date before the program", { amount: "10", date: "2026-10-01" }, money, ["Date: 1 Oct 2026 is before the program started (22 Oct 2026)."]],
    ["three decimals", { amount: "10.005" }, money, ['Amount: "10.005" is not an amount in dollars above 0, such as 10.00.']],
    ["no draws", { draws: "" }, prize, ['Draws: "(empty)" is not a whole number of at least 1.']],
    ["more prizes than draws", { draws: "2", prizes: "3", prizeValue: "3" }, prize, ["Prizes won: 3 is more than the 2 draws."]],
    ["a value with no prize", { draws: "2", prizes: "0", prizeValue: "5" }, prize, ["Value of the prizes: 5.00 with no prize won; enter the prizes won, or 0.00."]],
    ["prizes without a value", { draws: "2", prizes: "1", prizeValue: "0" }, prize, ["Value of the prizes: 0.00 for 1 prize won; enter what they were worth (the yearly cap counts it)."]],
    ["a note too long", { amount: "10", note: "x".repeat(1001) }, money, ["Note: 1001 characters; keep it to 1,000."]],
  ])("names what is wrong: %s", (_what, over, o, problems) => {
    const r = readRewardFields(fields(over), o);
    expect("problems" in r ? r.problems.map((p) => p.text) : r).toEqual(problems);
  });
});
