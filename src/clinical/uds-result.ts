// Reading one urine drug screen value into positive / negative / indeterminate (clinical-spec §1).
// Results come in several forms and all are read, in this order of precedence:
//   1. valueCodeableConcept (SNOMED qualifier values; a concept with no known code is read as text)
//   2. valueString / valueBoolean
//   3. interpretation (v3-ObservationInterpretation, v2-0078 and the legacy http://hl7.org/fhir/v2/0078)
//   4. valueQuantity against a cutoff (referenceRange.high in a compatible unit, else the cutoff the LOINC code states)
// Works the same on an Observation and on an Observation.component. Pure; never throws.
import type { CodeableConcept, Observation, ObservationComponent, Quantity } from "fhir/r4.js";
import { INTERPRETATION_RESULT, INTERPRETATION_SYSTEMS, SNOMED, SNOMED_RESULT } from "./codes.ts";
import type { AnalyteReading, AnalyteResult } from "./types.ts";

export type ResultForm = AnalyteReading["form"];

export interface Cutoff {
  value: number;
  unit: string;
}

export interface ReadOk {
  result: AnalyteResult;
  form: ResultForm;
}

/**
 * Why a value could not be judged. With `form`, the value is there in that form but cannot be judged (e.g. a
 * quantity without a usable cutoff): the analyte counts as indeterminate, with a warning. Without `form`, there is
 * no readable value at all: the analyte is skipped, with a warning.
 */
export interface ReadProblem {
  problem: string;
  form?: ResultForm;
}

export type ReadResult = ReadOk | ReadProblem;

// The successful reads are a few fixed values, shared (and frozen) rather than made for every result.
const FORMS: ResultForm[] = ["codeable-concept", "string", "boolean", "interpretation", "quantity"];
const RESULTS: AnalyteResult[] = ["positive", "negative", "indeterminate"];
const OK = Object.fromEntries(
  FORMS.map((form) => [form, Object.fromEntries(RESULTS.map((result) => [result, Object.freeze({ result, form })]))]),
) as Record<ResultForm, Record<AnalyteResult, ReadOk>>;
function ok(result: AnalyteResult, form: ResultForm): ReadOk {
  return OK[form][result];
}

/** The parts of an Observation or an Observation.component that carry a result. */
export type ResultCarrier = Pick<
  Observation | ObservationComponent,
  | "valueCodeableConcept"
  | "valueString"
  | "valueBoolean"
  | "valueQuantity"
  | "valueInteger"
  | "interpretation"
  | "referenceRange"
  | "dataAbsentReason"
>;

const INTERPRETATION_SYSTEM_SET = new Set<string>(INTERPRETATION_SYSTEMS);

const INDETERMINATE_WORDS = /(inconclusive|equivocal|indeterminate|invalid)/;
// Checked before the positive words: "not detected" contains "detected".
const NEGATIVE_PHRASES = /(not|none|non-?|un)\s*detected/;
const POSITIVE_PHRASES = /(presumptive(ly)?\s+positive|detected)/;

/**
 * A result written as text, case-insensitive: starts with "pos" → positive, "neg" → negative (the CDC rule);
 * "inconclusive"/"equivocal"/"indeterminate"/"invalid" → indeterminate; "not detected"/"none detected"/
 * "undetected" → negative; "detected"/"presumptive positive" → positive. Anything else → undefined.
 */
export function parseResultText(text: string | undefined): AnalyteResult | undefined {
  if (typeof text !== "string") return undefined;
  const t = text.trim().toLowerCase();
  if (t === "") return undefined;
  if (t.startsWith("pos")) return "positive";
  if (t.startsWith("neg")) return "negative";
  if (INDETERMINATE_WORDS.test(t)) return "indeterminate";
  if (NEGATIVE_PHRASES.test(t)) return "negative";
  if (POSITIVE_PHRASES.test(t)) return "positive";
  return undefined;
}

/** Reads a CodeableConcept: a known SNOMED qualifier code, a known interpretation code, else its text/displays. */
function readConcept(cc: CodeableConcept | undefined, codes: "value" | "interpretation"): AnalyteResult | undefined {
  if (!cc || typeof cc !== "object") return undefined;
  const codings = Array.isArray(cc.coding) ? cc.coding : [];
  for (const c of codings) {
    if (!c || typeof c.code !== "string") continue;
    if (codes === "value" && c.system === SNOMED) {
      const r = SNOMED_RESULT[c.code.trim()];
      if (r) return r;
    }
    if (typeof c.system === "string" && INTERPRETATION_SYSTEM_SET.has(c.system)) {
      const r = INTERPRETATION_RESULT[c.code.trim().toUpperCase()];
      if (r) return r;
    }
  }
  const fromText = parseResultText(cc.text);
  if (fromText) return fromText;
  for (const c of codings) {
    const r = parseResultText(c?.display);
    if (r) return r;
  }
  return undefined;
}

const UNIT_ALIASES: Record<string, string> = {
  // 1 ng/mL = 1 µg/L: the same number in either unit.
  "ng/ml": "ng/ml",
  "ug/l": "ng/ml",
  "µg/l": "ng/ml",
  "μg/l": "ng/ml",
  "mcg/l": "ng/ml",
};

function unitOf(q: { unit?: string; code?: string } | undefined): string | undefined {
  const u = q?.code ?? q?.unit;
  if (typeof u !== "string" || u.trim() === "") return undefined;
  const n = u.trim().toLowerCase().replace(/\s+/g, "");
  return UNIT_ALIASES[n] ?? n;
}

/** Units match when both are written and equal (ng/mL ≡ µg/L), or when either is absent. */
function unitsCompatible(a: string | undefined, b: string | undefined): boolean {
  return a === undefined || b === undefined || a === b;
}

function shownUnit(q: { unit?: string; code?: string } | undefined): string {
  return q?.unit ?? q?.code ?? "no unit";
}

function readQuantity(x: ResultCarrier, q: Quantity, cutoffFromCode: Cutoff | undefined): ReadResult {
  if (typeof q.value !== "number" || !Number.isFinite(q.value)) {
    return { problem: "valueQuantity has no numeric value", form: "quantity" };
  }
  const valueUnit = unitOf(q);
  let cutoff: number | undefined;
  const mismatched: string[] = [];
  for (const range of Array.isArray(x.referenceRange) ? x.referenceRange : []) {
    const high = range?.high;
    if (!high || typeof high.value !== "number" || !Number.isFinite(high.value)) continue;
    if (unitsCompatible(valueUnit, unitOf(high))) {
      cutoff = high.value;
      break;
    }
    mismatched.push(`referenceRange.high in ${shownUnit(high)}`);
  }
  if (cutoff === undefined && cutoffFromCode) {
    if (unitsCompatible(valueUnit, unitOf(cutoffFromCode))) cutoff = cutoffFromCode.value;
    else mismatched.push(`the code's cutoff in ${cutoffFromCode.unit}`);
  }
  if (cutoff === undefined) {
    const why =
      mismatched.length > 0
        ? `the value is in ${shownUnit(q)} but ${mismatched.join(" and ")}`
        : "no cutoff (no referenceRange.high and none stated by the code)";
    return { problem: `quantity ${q.comparator ?? ""}${q.value} ${shownUnit(q)} cannot be judged: ${why}`, form: "quantity" };
  }
  const v = q.value;
  switch (q.comparator) {
    case undefined:
      return ok(v >= cutoff ? "positive" : "negative", "quantity");
    case "<":
    case "<=":
      // "<300" with a cutoff of 300: below (or at) the cutoff → negative.
      if (v <= cutoff) return ok("negative", "quantity");
      break;
    case ">":
    case ">=":
      if (v >= cutoff) return ok("positive", "quantity");
      break;
    default:
      return { problem: `valueQuantity.comparator "${String(q.comparator)}" is not understood`, form: "quantity" };
  }
  return {
    problem: `quantity ${q.comparator}${v} ${shownUnit(q)} cannot be judged against the cutoff ${cutoff}`,
    form: "quantity",
  };
}

/**
 * Reads one result from an Observation or an Observation.component. `cutoffFromCode` is the cutoff the LOINC code
 * itself states (e.g. 70151-6 "> 300 ng/mL"); it is used for quantities when no referenceRange.high fits.
 */
export function readResult(x: ResultCarrier, cutoffFromCode?: Cutoff): ReadResult {
  if (!x || typeof x !== "object") return { problem: "not an object" };
  let unreadable: string | undefined;

  if (x.valueCodeableConcept !== undefined) {
    const r = readConcept(x.valueCodeableConcept, "value");
    if (r) return ok(r, "codeable-concept");
    const cc = x.valueCodeableConcept;
    const shown =
      cc?.text ?? (Array.isArray(cc?.coding) ? cc.coding.map((c) => c?.display ?? `${c?.system ?? ""}|${c?.code ?? ""}`).join(", ") : undefined);
    unreadable = `valueCodeableConcept "${shown ?? "?"}" is not a known result`;
  }

  if (x.valueString !== undefined) {
    const r = parseResultText(x.valueString);
    if (r) return ok(r, "string");
    unreadable = `valueString "${String(x.valueString)}" is not a known result`;
  }
  if (x.valueBoolean !== undefined) {
    if (x.valueBoolean === true) return ok("positive", "boolean");
    if (x.valueBoolean === false) return ok("negative", "boolean");
    unreadable = "valueBoolean is not true or false";
  }

  if (Array.isArray(x.interpretation)) {
    for (const cc of x.interpretation) {
      const r = readConcept(cc, "interpretation");
      if (r) return ok(r, "interpretation");
    }
  }

  if (x.valueQuantity !== undefined) {
    if (!x.valueQuantity || typeof x.valueQuantity !== "object") return { problem: "valueQuantity is not a Quantity", form: "quantity" };
    return readQuantity(x, x.valueQuantity, cutoffFromCode);
  }

  if (unreadable) return { problem: unreadable };
  if (x.valueInteger !== undefined) return { problem: `valueInteger ${String(x.valueInteger)} has no unit or cutoff to judge it by` };
  const absent = x.dataAbsentReason?.text ?? x.dataAbsentReason?.coding?.[0]?.code;
  if (absent) return { problem: `no value (dataAbsentReason: ${absent})` };
  return { problem: "no result value in any form (valueCodeableConcept, valueString, valueBoolean, interpretation, valueQuantity)" };
}

/** True when the read gave a result (positive, negative or indeterminate). */
export function isReadOk(r: ReadResult): r is ReadOk {
  return "result" in r;
}
