import { describe, expect, it } from "vitest";
import type { Analyte, AnalyteReading, StageFact, UdsTest } from "../../src/clinical/types.ts";
import { useFacts } from "../../src/clinical/use-facts.ts";

const NOW = "2025-06-30";
// NOW − 30 days = 2025-05-31.

function reading(analyte: Analyte, result: AnalyteReading["result"], source: string, extra: Partial<AnalyteReading> = {}): AnalyteReading {
  return { analyte, result, prescribed: false, source, code: "x", status: "final", counted: true, preliminary: false, form: "string", ...extra };
}
/** A test whose opioid summary is worked out by hand in each case. */
function test(date: string, opioid: UdsTest["opioid"], analytes: AnalyteReading[]): UdsTest {
  return { date, opioid, fentanylTested: false, analytes };
}
const UNKNOWN: StageFact = { value: "unknown", observedAt: null, stale: false, source: null, method: null };
const stageAt = (value: StageFact["value"], observedAt: string): StageFact => ({
  value,
  observedAt,
  stale: false,
  source: "Observation/stage",
  method: "coded",
});

describe("ongoing opioid use (an opioid-positive test within the last 30 days)", () => {
  it.each([
    ["dated now − 30 (2025-05-31): counts", "2025-05-31", true],
    ["dated now − 31 (2025-05-30): too old", "2025-05-30", false],
    ["dated today", NOW, true],
    ["dated after now: not seen", "2025-07-01", false],
  ])("%s", (_l, date, expected) => {
    const facts = useFacts([test(date, "positive", [reading("fentanyl", "positive", "Observation/f1")])], UNKNOWN, NOW);
    expect(facts.ongoingOpioidUse).toBe(expected);
    expect(facts.ongoingOpioidUseRefs).toEqual(expected ? ["Observation/f1"] : []);
  });

  it("a negative or prescribed-only test is not ongoing use", () => {
    const tests = [
      test("2025-06-20", "negative", [reading("oxycodone", "positive", "Observation/o1", { prescribed: true })]),
      test("2025-06-21", "negative", [reading("morphine", "negative", "Observation/m1")]),
      test("2025-06-22", "indeterminate", [reading("opiates", "indeterminate", "Observation/i1")]),
    ];
    expect(useFacts(tests, UNKNOWN, NOW)).toMatchObject({ ongoingOpioidUse: false, ongoingOpioidUseRefs: [] });
  });

  it("refs name only the illicit-opioid positives", () => {
    const tests = [
      test("2025-06-20", "positive", [
        reading("heroin", "positive", "Observation/h"),
        reading("cocaine", "positive", "Observation/c"),
        reading("oxycodone", "positive", "Observation/o", { prescribed: true }),
        reading("morphine", "negative", "Observation/m"),
      ]),
    ];
    expect(useFacts(tests, UNKNOWN, NOW).ongoingOpioidUseRefs).toEqual(["Observation/h"]);
  });
});

describe("stimulant use (cocaine/amphetamine positive, counted, not prescribed, within 30 days)", () => {
  it.each([
    ["cocaine positive", [reading("cocaine", "positive", "Observation/c")], "2025-06-01", true],
    ["amphetamine positive", [reading("amphetamine", "positive", "Observation/a")], "2025-06-01", true],
    ["amphetamine positive, prescribed", [reading("amphetamine", "positive", "Observation/a", { prescribed: true })], "2025-06-01", false],
    ["cocaine positive, preliminary", [reading("cocaine", "positive", "Observation/c", { status: "preliminary", counted: false, preliminary: true })], "2025-06-01", false],
    ["cocaine negative", [reading("cocaine", "negative", "Observation/c")], "2025-06-01", false],
    ["cocaine positive, 31 days ago", [reading("cocaine", "positive", "Observation/c")], "2025-05-30", false],
    ["benzodiazepine positive (not a stimulant)", [reading("benzodiazepine", "positive", "Observation/b")], "2025-06-01", false],
  ] as [string, AnalyteReading[], string, boolean][])("%s → %s", (_l, analytes, date, expected) => {
    const facts = useFacts([test(date, "none", analytes)], UNKNOWN, NOW);
    expect(facts.stimulantUse).toBe(expected);
    expect(facts.stimulantUseRefs).toEqual(expected ? [analytes[0]!.source] : []);
  });
});

describe("return to use (stage action/maintenance, then an opioid-positive test dated after it)", () => {
  const positiveOn = (date: string) => test(date, "positive", [reading("heroin", "positive", `Observation/h-${date}`)]);
  it.each([
    ["action, positive the day after", stageAt("action", "2025-06-01"), "2025-06-02", true],
    ["maintenance, positive later", stageAt("maintenance", "2025-03-01T10:00:00-05:00"), "2025-06-10", true],
    ["action, positive the same day (cannot tell which came first)", stageAt("action", "2025-06-01T08:00:00Z"), "2025-06-01", false],
    ["action, positive before the stage", stageAt("action", "2025-06-01"), "2025-05-20", false],
    ["preparation, positive later", stageAt("preparation", "2025-06-01"), "2025-06-10", false],
    ["contemplation, positive later", stageAt("contemplation", "2025-06-01"), "2025-06-10", false],
    ["unknown stage", UNKNOWN, "2025-06-10", false],
  ] as [string, StageFact, string, boolean][])("%s → %s", (_l, stage, testDate, expected) => {
    const facts = useFacts([positiveOn(testDate)], stage, NOW);
    expect(facts.returnToUse).toBe(expected);
    expect(facts.returnToUseRefs).toEqual(expected ? ["Observation/stage", `Observation/h-${testDate}`] : []);
  });

  it("a negative test after the stage is not a return to use", () => {
    const tests = [test("2025-06-10", "negative", [reading("heroin", "negative", "Observation/n")])];
    expect(useFacts(tests, stageAt("action", "2025-06-01"), NOW).returnToUse).toBe(false);
  });
});

describe("preliminary illicit-opioid positives awaiting confirmation (§7.2: shown, never counted)", () => {
  const prelim = { status: "preliminary", counted: false, preliminary: true } as const;
  it.each([
    // NOW − 14 days = 2025-06-16
    ["fentanyl positive, preliminary, dated now − 14 (2025-06-16)", "2025-06-16", reading("fentanyl", "positive", "Observation/p", prelim), true],
    ["fentanyl positive, preliminary, dated now − 15 (2025-06-15)", "2025-06-15", reading("fentanyl", "positive", "Observation/p", prelim), false],
    ["fentanyl positive, preliminary, dated after now", "2025-07-01", reading("fentanyl", "positive", "Observation/p", prelim), false],
    ["fentanyl negative, preliminary", "2025-06-29", reading("fentanyl", "negative", "Observation/p", prelim), false],
    ["oxycodone positive, preliminary, explained by a prescription", "2025-06-29", reading("oxycodone", "positive", "Observation/p", { ...prelim, prescribed: true }), false],
    ["cocaine positive, preliminary (not an opioid)", "2025-06-29", reading("cocaine", "positive", "Observation/p", prelim), false],
    ["fentanyl positive, final (counted, not awaiting)", "2025-06-29", reading("fentanyl", "positive", "Observation/p"), false],
  ] as [string, string, AnalyteReading, boolean][])("%s → awaiting %s, and never counted as use", (_l, date, r, awaiting) => {
    const stage = stageAt("action", "2025-06-01");
    const facts = useFacts([test(date, r.counted && r.result === "positive" && !r.prescribed ? "positive" : "none", [r])], stage, NOW);
    expect(facts.preliminaryOpioidPositives).toEqual(awaiting ? [{ date, analyte: r.analyte, source: "Observation/p" }] : []);
    if (r.preliminary) {
      expect(facts.ongoingOpioidUse).toBe(false);
      expect(facts.returnToUse).toBe(false);
      expect(facts.stimulantUse).toBe(false);
    }
  });
});
