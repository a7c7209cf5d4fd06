import { describe, expect, it } from "vitest";
import { parseResultText, readResult, type ResultCarrier } from "../../src/clinical/uds-result.ts";

const SCT = "http://snomed.info/sct";
const V3 = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";
const V2_LEGACY = "http://hl7.org/fhir/v2/0078";
const V2 = "http://terminology.hl7.org/CodeSystem/v2-0078";

const sct = (code: string, display?: string): ResultCarrier => ({
  valueCodeableConcept: { coding: [{ system: SCT, code, ...(display ? { display } : {}) }] },
});
const interp = (system: string, code: string): ResultCarrier => ({ interpretation: [{ coding: [{ system, code }] }] });

describe("valueCodeableConcept (SNOMED)", () => {
  it.each([
    ["10828004 Positive", "10828004", "positive"],
    ["260373001 Detected", "260373001", "positive"],
    ["720735008 Presumptive positive", "720735008", "positive"],
    ["260385009 Negative", "260385009", "negative"],
    ["260415000 Not detected", "260415000", "negative"],
    ["419984006 Inconclusive", "419984006", "indeterminate"],
    ["42425007 Equivocal", "42425007", "indeterminate"],
    ["82334004 Indeterminate", "82334004", "indeterminate"],
  ])("%s → %s", (_label, code, expected) => {
    expect(readResult(sct(code))).toEqual({ result: expected, form: "codeable-concept" });
  });

  it.each([
    ["text only", { valueCodeableConcept: { text: "Not detected" } }, "negative"],
    ["unknown code, display read as text", { valueCodeableConcept: { coding: [{ system: "urn:local", code: "X1", display: "POSITIVE" }] } }, "positive"],
    ["unknown SNOMED code, text read", { valueCodeableConcept: { coding: [{ system: SCT, code: "999" }], text: "negative" } }, "negative"],
    ["interpretation code used as a value", { valueCodeableConcept: { coding: [{ system: V3, code: "DET" }] } }, "positive"],
  ] as [string, ResultCarrier, string][])("%s → %s", (_label, x, expected) => {
    expect(readResult(x)).toEqual({ result: expected, form: "codeable-concept" });
  });

  it("an unreadable concept is a problem without a form (skip), naming the value", () => {
    const r = readResult({ valueCodeableConcept: { text: "see note" } });
    expect(r).toEqual({ problem: expect.stringContaining("see note") });
    expect("form" in r).toBe(false);
  });
});

describe("valueString (case-insensitive)", () => {
  it.each([
    ["positive", "positive"],
    ["POS", "positive"],
    ["Pos.", "positive"],
    ["negative", "negative"],
    ["NEG", "negative"],
    ["  Negative (dilute) ", "negative"],
    ["Detected", "positive"],
    ["Fentanyl DETECTED", "positive"],
    ["Presumptive positive", "positive"],
    ["Not detected", "negative"],
    ["NOT DETECTED", "negative"],
    ["None detected", "negative"],
    ["Undetected", "negative"],
    ["non-detected", "negative"],
    ["Inconclusive", "indeterminate"],
    ["equivocal", "indeterminate"],
    ["Indeterminate", "indeterminate"],
    ["INVALID specimen", "indeterminate"],
  ])("%j → %s", (value, expected) => {
    expect(readResult({ valueString: value })).toEqual({ result: expected, form: "string" });
    expect(parseResultText(value)).toBe(expected);
  });

  it.each(["", "pending", "see comment", "350 ng/mL"])("%j is a problem (no form: skipped)", (value) => {
    const r = readResult({ valueString: value });
    expect("problem" in r && !("form" in r)).toBe(true);
  });
});

describe("valueBoolean", () => {
  it.each([
    [true, "positive"],
    [false, "negative"],
  ])("%s → %s", (value, expected) => {
    expect(readResult({ valueBoolean: value })).toEqual({ result: expected, form: "boolean" });
  });
});

describe("interpretation", () => {
  it.each([
    [V3, "POS", "positive"],
    [V3, "DET", "positive"],
    [V3, "NEG", "negative"],
    [V3, "ND", "negative"],
    [V3, "IND", "indeterminate"],
    [V3, "E", "indeterminate"],
    [V2_LEGACY, "POS", "positive"],
    [V2_LEGACY, "NEG", "negative"],
    [V2, "POS", "positive"],
    [V2, "ND", "negative"],
  ])("%s %s → %s", (system, code, expected) => {
    expect(readResult(interp(system, code))).toEqual({ result: expected, form: "interpretation" });
  });

  it("an interpretation from an unknown system is not read as a result", () => {
    expect("problem" in readResult(interp("urn:other", "POS"))).toBe(true);
  });

  it("interpretation text is read when no code is known", () => {
    expect(readResult({ interpretation: [{ text: "Negative" }] })).toEqual({ result: "negative", form: "interpretation" });
  });
});

describe("valueQuantity against a cutoff", () => {
  const q = (value: number, unit: string | undefined, comparator?: "<" | "<=" | ">" | ">="): ResultCarrier => ({
    valueQuantity: { value, ...(unit ? { unit } : {}), ...(comparator ? { comparator } : {}) },
  });
  const withHigh = (x: ResultCarrier, high: number, unit?: string): ResultCarrier => ({
    ...x,
    referenceRange: [{ high: { value: high, ...(unit ? { unit } : {}) } }],
  });
  const code300 = { value: 300, unit: "ng/mL" };

  it.each([
    ["referenceRange: 350 ≥ 300", withHigh(q(350, "ng/mL"), 300, "ng/mL"), undefined, "positive"],
    ["referenceRange: exactly at the cutoff counts as positive", withHigh(q(300, "ng/mL"), 300, "ng/mL"), undefined, "positive"],
    ["referenceRange: 299.9 below 300", withHigh(q(299.9, "ng/mL"), 300, "ng/mL"), undefined, "negative"],
    ["referenceRange unit absent", withHigh(q(500, "ng/mL"), 300), undefined, "positive"],
    ["value unit absent", withHigh(q(100, undefined), 300, "ng/mL"), undefined, "negative"],
    ["unit case differs (ng/ml)", withHigh(q(400, "ng/ml"), 300, "ng/mL"), undefined, "positive"],
    ["µg/L equals ng/mL", withHigh(q(250, "ug/L"), 300, "ng/mL"), undefined, "negative"],
    ["referenceRange wins over the code's cutoff", withHigh(q(150, "ng/mL"), 100, "ng/mL"), code300, "positive"],
    ["code-stated cutoff: 310 vs >300", q(310, "ng/mL"), code300, "positive"],
    ["code-stated cutoff: 120 vs >300", q(120, "ng/mL"), code300, "negative"],
    ["range in another unit → falls back to the code's cutoff", withHigh(q(310, "ng/mL"), 0.3, "mg/L"), code300, "positive"],
    ["comparator < at the cutoff", q(300, "ng/mL", "<"), code300, "negative"],
    ["comparator < below the cutoff", q(50, "ng/mL", "<"), code300, "negative"],
    ["comparator <= at the cutoff", q(300, "ng/mL", "<="), code300, "negative"],
    ["comparator > at the cutoff", q(300, "ng/mL", ">"), code300, "positive"],
    ["comparator >= above the cutoff", q(2000, "ng/mL", ">="), code300, "positive"],
  ] as [string, ResultCarrier, { value: number; unit: string } | undefined, string][])("%s → %s", (_l, x, cutoff, expected) => {
    expect(readResult(x, cutoff)).toEqual({ result: expected, form: "quantity" });
  });

  it.each([
    ["no cutoff at all", q(350, "ng/mL"), undefined, "no cutoff"],
    ["unit mismatch with the range, no code cutoff", withHigh(q(350, "ng/mL"), 0.3, "mg/L"), undefined, "mg/L"],
    ["unit mismatch with the code's cutoff", q(350, "mg/L"), code300, "ng/mL"],
    ["comparator < above the cutoff cannot be judged", q(500, "ng/mL", "<"), code300, "cannot be judged"],
    ["comparator > below the cutoff cannot be judged", q(100, "ng/mL", ">"), code300, "cannot be judged"],
    ["no numeric value", { valueQuantity: { unit: "ng/mL" } }, code300, "no numeric value"],
  ] as [string, ResultCarrier, { value: number; unit: string } | undefined, string][])(
    "%s → problem (indeterminate), message names it",
    (_l, x, cutoff, words) => {
      const r = readResult(x, cutoff);
      expect(r).toEqual({ problem: expect.stringContaining(words), form: "quantity" });
    },
  );
});

describe("precedence: coded value, then string/boolean, then interpretation, then quantity", () => {
  it.each([
    [
      "coded value beats interpretation",
      { ...sct("260385009"), interpretation: [{ coding: [{ system: V3, code: "POS" }] }] },
      { result: "negative", form: "codeable-concept" },
    ],
    [
      "string beats interpretation",
      { valueString: "positive", interpretation: [{ coding: [{ system: V3, code: "NEG" }] }] },
      { result: "positive", form: "string" },
    ],
    [
      "interpretation beats quantity",
      { valueQuantity: { value: 10, unit: "ng/mL" }, referenceRange: [{ high: { value: 300 } }], interpretation: [{ coding: [{ system: V2_LEGACY, code: "POS" }] }] },
      { result: "positive", form: "interpretation" },
    ],
    [
      "an unreadable concept falls back to interpretation",
      { valueCodeableConcept: { text: "see note" }, interpretation: [{ coding: [{ system: V3, code: "ND" }] }] },
      { result: "negative", form: "interpretation" },
    ],
  ] as [string, ResultCarrier, unknown][])("%s", (_l, x, expected) => {
    expect(readResult(x)).toEqual(expected);
  });
});

describe("no value", () => {
  it.each([
    ["empty", {}, "no result value"],
    ["dataAbsentReason", { dataAbsentReason: { coding: [{ code: "not-performed" }] } }, "not-performed"],
    ["valueInteger without cutoff", { valueInteger: 5 }, "valueInteger"],
  ] as [string, ResultCarrier, string][])("%s → a problem without form (skipped)", (_l, x, words) => {
    const r = readResult(x);
    expect(r).toEqual({ problem: expect.stringContaining(words) });
  });

  it("never throws on junk", () => {
    for (const junk of [null, 5, "x", { valueQuantity: 3 }, { interpretation: [null] }, { valueCodeableConcept: { coding: [null] } }]) {
      expect(() => readResult(junk as unknown as ResultCarrier)).not.toThrow();
    }
  });
});
