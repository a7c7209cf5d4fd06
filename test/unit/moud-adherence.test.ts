import { describe, expect, it } from "vitest";
import { moudAdherenceFlags } from "../../src/clinical/moud-adherence.ts";
import type { Analyte, AnalyteReading, MedicationFact, UdsTest } from "../../src/clinical/types.ts";

const NOW = "2025-06-30";
// NOW − 30 = 2025-05-31; NOW − 90 = 2025-04-01.

function t(date: string, analyte: Analyte, result: AnalyteReading["result"], extra: Partial<AnalyteReading> = {}): UdsTest {
  return {
    date,
    opioid: "none",
    fentanylTested: false,
    analytes: [{ analyte, result, prescribed: false, source: `Observation/${analyte}-${date}`, code: "x", status: "final", counted: true, preliminary: false, form: "string", ...extra }],
  };
}
function med(explains: Analyte[], moud: MedicationFact["moud"], extra: Partial<MedicationFact> = {}): MedicationFact {
  return {
    request: `MedicationRequest/${moud ?? "other"}`,
    status: "active",
    authoredOn: "2025-01-01",
    endDate: null,
    rxnorm: null,
    display: null,
    moud,
    buprenorphineForPain: false,
    naloxoneKit: false,
    explains,
    ...extra,
  };
}
const BUP = med(["buprenorphine"], "buprenorphine");
const METHADONE = med(["methadone"], "methadone");
const BUP_PAIN = med(["buprenorphine"], null, { request: "MedicationRequest/butrans", buprenorphineForPain: true });
const summary = (tests: UdsTest[], meds: MedicationFact[]) =>
  moudAdherenceFlags(tests, meds, NOW).map((f) => `${f.code}:${f.medication}:${f.date}`);

describe("MOUD-aware reading of urine tests", () => {
  it.each([
    ["present while prescribed → adherence confirmed, latest only", [t("2025-06-01", "buprenorphine", "positive"), t("2025-06-20", "buprenorphine", "positive")], [BUP], ["adherence-confirmed:buprenorphine:2025-06-20"]],
    ["EDDP/methadone present on methadone → confirmed", [t("2025-06-20", "methadone", "positive")], [METHADONE], ["adherence-confirmed:methadone:2025-06-20"]],
    ["absent in the latest test within 30 days while prescribed", [t("2025-05-01", "buprenorphine", "positive"), t("2025-06-20", "buprenorphine", "negative")], [BUP], ["adherence-confirmed:buprenorphine:2025-05-01", "absent-while-prescribed:buprenorphine:2025-06-20"]],
    ["present while prescribed 90 days ago (2025-04-01) → confirmed", [t("2025-04-01", "buprenorphine", "positive")], [BUP], ["adherence-confirmed:buprenorphine:2025-04-01"]],
    ["present while prescribed 91 days ago → not recent enough to confirm anything", [t("2025-03-31", "buprenorphine", "positive")], [BUP], []],
    ["absent on now − 30 (2025-05-31) still flags", [t("2025-05-31", "buprenorphine", "negative")], [BUP], ["absent-while-prescribed:buprenorphine:2025-05-31"]],
    ["absent on now − 31 does not flag", [t("2025-05-30", "buprenorphine", "negative")], [BUP], []],
    ["absent earlier but present in the latest test → only confirmed", [t("2025-06-10", "buprenorphine", "negative"), t("2025-06-20", "buprenorphine", "positive")], [BUP], ["adherence-confirmed:buprenorphine:2025-06-20"]],
    ["present without any prescription, 90 days ago → non-prescribed use", [t("2025-04-01", "buprenorphine", "positive")], [], ["non-prescribed-use:buprenorphine:2025-04-01"]],
    ["present without any prescription, 91 days ago → nothing", [t("2025-03-31", "buprenorphine", "positive")], [], []],
    ["methadone present while only buprenorphine is prescribed", [t("2025-06-20", "methadone", "positive")], [BUP], ["non-prescribed-use:methadone:2025-06-20"]],
    ["present with a buprenorphine-for-pain prescription: explained, but not MOUD adherence", [t("2025-06-20", "buprenorphine", "positive")], [BUP_PAIN], []],
    ["absent with only a pain prescription: no MOUD adherence flag", [t("2025-06-20", "buprenorphine", "negative")], [BUP_PAIN], []],
    ["present with both a pain and a MOUD buprenorphine prescription → confirmed", [t("2025-06-20", "buprenorphine", "positive")], [BUP_PAIN, BUP], ["adherence-confirmed:buprenorphine:2025-06-20"]],
    ["absent while the MOUD prescription is on hold: expected, no flag", [t("2025-06-20", "buprenorphine", "negative")], [med(["buprenorphine"], "buprenorphine", { status: "on-hold" })], []],
    ["a preliminary result is not used", [t("2025-06-20", "buprenorphine", "negative", { status: "preliminary", counted: false, preliminary: true })], [BUP], []],
    ["indeterminate is neither present nor absent", [t("2025-06-20", "buprenorphine", "indeterminate")], [BUP], []],
    ["a test that did not check for buprenorphine says nothing", [t("2025-06-20", "opiates", "negative")], [BUP], []],
  ] as [string, UdsTest[], MedicationFact[], string[]][])("%s", (_l, tests, meds, expected) => {
    expect(summary(tests, meds)).toEqual(expected);
  });

  it("flags point at the test results and the prescription, in plain language", () => {
    const [flag] = moudAdherenceFlags([t("2025-06-20", "buprenorphine", "negative")], [BUP], NOW);
    expect(flag).toMatchObject({
      code: "absent-while-prescribed",
      refs: ["Observation/buprenorphine-2025-06-20", "MedicationRequest/buprenorphine"],
    });
    expect(flag!.message).toMatch(/^Buprenorphine was not found in the urine test of 2025-06-20/);
  });
});
