// What a reference behind a fact is, in words a clinician reads ("urine test 2026-11-05: fentanyl positive")
// instead of its id ("Observation/abc-123"). The engine's facts come first (a urine reading, the stage, a medication
// fact, an overdose); the resource itself fills in names and dates. Pure: strings the app renders as text, and the
// CLI could print. evaluate() hands every reference of an evaluation its label (Evaluation.refLabels), so the app
// never reads a resource (or a stage) to name one. Dates stay YYYY-MM-DD here; the app formats them for display.
import type { CarePlan, CodeableConcept, Condition, FhirResource, Medication, MedicationRequest, Observation } from "fhir/r4.js";
import { datePart } from "./dates.ts";
import { INPUT_CM_START, INPUT_FAMILY, INPUT_NO_CM, INPUT_OTP, INPUT_PREFERS_NO_MEDICATION, isInputRef } from "./inputs.ts";
import { resolveReference, type PatientRecord } from "./record.ts";
import { readStage } from "./stage.ts";
import type { AnalyteReading, Evaluation, Ref, StageFact } from "./types.ts";

/** What a label is made from: an evaluation before its labels are attached. */
export type Labelled = Omit<Evaluation, "refLabels">;

/** Longest piece of server text taken into a label; longer text is cut with "…" (the full text is one click away). */
export const MAX_TEXT = 80;

/** Readings listed one by one up to this many; beyond it only the non-negative ones are named. */
const MAX_LISTED_READINGS = 3;

const INPUTS: Record<string, string> = {
  [INPUT_FAMILY]: "clinician input: family or partner involved",
  [INPUT_PREFERS_NO_MEDICATION]: "clinician input: patient prefers no medication",
  [INPUT_NO_CM]: "clinician input: this setting cannot deliver CM",
  [INPUT_OTP]: "clinician input: opioid treatment program",
  [INPUT_CM_START]: "clinician input: CM start date",
};

type Reading = { date: string; reading: AnalyteReading };

// Readings by their source Observation, built once per evaluation (the urine-test table asks for every row).
const readingsCache = new WeakMap<Labelled, Map<Ref, Reading[]>>();

function readingsOf(evaluation: Labelled, ref: Ref): Reading[] {
  let bySource = readingsCache.get(evaluation);
  if (!bySource) {
    bySource = new Map();
    for (const test of evaluation.uds?.tests ?? [])
      for (const reading of test.analytes) {
        const list = bySource.get(reading.source) ?? [];
        list.push({ date: test.date, reading });
        bySource.set(reading.source, list);
      }
    readingsCache.set(evaluation, bySource);
  }
  return bySource.get(ref) ?? [];
}

function clip(text: string): string {
  const t = text.replace(/\s+/g, " ").trim();
  return t.length > MAX_TEXT ? `${t.slice(0, MAX_TEXT - 1).trimEnd()}…` : t;
}

function conceptText(cc: CodeableConcept | undefined): string | null {
  const text = cc?.text?.trim() || cc?.coding?.find((c) => c.display?.trim())?.display?.trim();
  return text ? clip(text) : null;
}

/** A date as written (YYYY, YYYY-MM or YYYY-MM-DD; the time is dropped), or null. */
function shownDate(value: string | undefined | null): string | null {
  if (typeof value !== "string") return null;
  return /^\d{4}(-\d{2}){0,2}/.exec(value)?.[0] ?? null;
}

/** A FHIR status code in words: "on-hold" → "on hold". */
function statusWords(status: string | undefined): string | null {
  return status ? status.replace(/-/g, " ") : null;
}

function readingText({ reading }: Reading): string {
  const name = reading.analyte === "other" ? "other substance" : reading.analyte.replace(/-/g, " ");
  let text = `${name} ${reading.result}`;
  if (reading.prescribed) text += " (prescribed)";
  if (!reading.counted) text += ` (${reading.status})`;
  return text;
}

function urineTestLabel(readings: Reading[]): string {
  const date = readings[0]!.date;
  const texts = [...new Set(readings.map(readingText))];
  if (texts.length <= MAX_LISTED_READINGS) return `urine test ${date}: ${texts.join(", ")}`;
  const named = [...new Set(readings.filter((r) => r.reading.result !== "negative").map(readingText))];
  const negatives = new Set(readings.filter((r) => r.reading.result === "negative").map(readingText)).size;
  const rest = `${negatives} ${named.length ? "other " : ""}substance${negatives === 1 ? "" : "s"} negative`;
  return `urine test ${date}: ${[...named, ...(negatives ? [rest] : [])].join(", ")}`;
}

function stageLabel(stage: StageFact): string {
  const date = datePart(stage.observedAt) ?? "date unknown";
  const what = stage.method === "readiness-ruler" && stage.rulerScore !== undefined ? `readiness ruler ${stage.rulerScore}/10` : stage.value;
  return `stage assessment ${date} (${what})`;
}

function medicationName(request: MedicationRequest, evaluation: Labelled, record: PatientRecord, ref: Ref): string {
  const fact = evaluation.medications?.find((m) => m.request === ref);
  const reference = request.medicationReference;
  const medication = resolveReference<FhirResource>(record, reference?.reference, request as { contained?: FhirResource[] });
  const name =
    request.medicationCodeableConcept?.text?.trim() ||
    (medication?.resourceType === "Medication" ? (medication as Medication).code?.text?.trim() : undefined) ||
    reference?.display?.trim() ||
    fact?.display?.trim() ||
    conceptText(request.medicationCodeableConcept) ||
    (fact?.rxnorm ? `RxNorm ${fact.rxnorm}` : null) ||
    "medication";
  return clip(name);
}

function conditionLabel(condition: Condition, evaluation: Labelled, ref: Ref): string {
  const name = conceptText(condition.code) ?? "condition";
  const overdose = evaluation.conditions?.overdoses.find((o) => o.ref === ref);
  if (overdose) return `${name} on ${overdose.date ?? "an unknown date"}`;
  return name;
}

function carePlanLabel(plan: CarePlan): string {
  const date = shownDate(plan.period?.start) ?? shownDate(plan.created);
  const title = plan.title?.trim() ? clip(plan.title) : null;
  const what = date ? `care plan from ${date}` : "care plan";
  return title ? `${title} (${what})` : what;
}

function observationLabel(obs: Observation, evaluation: Labelled, ref: Ref): string {
  // A stage assessment that is not the current one (the engine reads the latest): read it on its own.
  const alone = readStage({ observations: [obs] }, evaluation.now).stage;
  if (alone.source === ref) return stageLabel(alone);
  const name = conceptText(obs.code) ?? "observation";
  const date = shownDate(obs.effectiveDateTime) ?? shownDate(obs.effectivePeriod?.start) ?? shownDate(obs.issued);
  return date ? `${name} ${date}` : name;
}

/** "MedicationRequest" → "medication request": a resource type in words, for a resource the record does not hold. */
function typeWords(ref: Ref): string {
  const type = /^([A-Z][A-Za-z]+)\//.exec(ref)?.[1];
  return type ? type.replace(/(?<=[a-z])(?=[A-Z])/g, " ").toLowerCase() : "resource";
}

/**
 * A plain-language label for a reference behind a fact: "Observation/x", "MedicationRequest/y", "input:family".
 * A resource the record does not hold (e.g. one skipped as malformed) is named by its type and id.
 */
export function refLabel(ref: Ref, evaluation: Labelled, record: PatientRecord): string {
  if (isInputRef(ref)) {
    if (ref === INPUT_CM_START && evaluation.contingencyManagement?.startDate)
      return `clinician input: CM start date ${evaluation.contingencyManagement.startDate}`;
    return INPUTS[ref] ?? "clinician input";
  }
  const readings = readingsOf(evaluation, ref);
  if (readings.length) return urineTestLabel(readings);
  if (evaluation.stage?.source === ref) return stageLabel(evaluation.stage);

  const resource = record.index.get(ref);
  // Not in the record (skipped as malformed, another patient's, or never read): named by its type and id, the only
  // way to find it ("observation lab-778 belongs to another patient and was skipped").
  if (!resource) return `${typeWords(ref)} ${ref.slice(ref.indexOf("/") + 1)}`;
  switch (resource.resourceType) {
    case "Observation":
      return observationLabel(resource, evaluation, ref);
    case "MedicationRequest": {
      const status = statusWords(resource.status);
      const name = medicationName(resource, evaluation, record, ref);
      return status ? `${name} (${status})` : name;
    }
    case "Condition":
      return conditionLabel(resource, evaluation, ref);
    case "CarePlan":
      return carePlanLabel(resource);
    case "Goal":
      return resource.description?.text?.trim() ? `goal: ${clip(resource.description.text)}` : "goal";
    case "Patient":
      return "patient record";
    default:
      return typeWords(ref);
  }
}

/** A reference written inside engine text, e.g. "buprenorphine (MedicationRequest/abc)". */
export const REF_IN_TEXT = /\b[A-Z][A-Za-z]+\/[A-Za-z0-9\-.]{1,64}/g;

/** References written inside a text, as they would be looked up (a sentence's full stop is not part of one). */
export function refsInText(text: string): Ref[] {
  return [...text.matchAll(REF_IN_TEXT)].map((m) => m[0].replace(/\.+$/, ""));
}

/** Every reference an evaluation points at: facts, reasons, warnings, flags, and those written inside their text. */
export function evaluationRefs(e: Labelled): Set<Ref> {
  const refs = new Set<Ref>();
  const add = (r: Ref | null | undefined) => r && refs.add(r);
  const addText = (t: string) => refsInText(t).forEach(add);
  add(e.stage.source);
  for (const m of [...e.moud.active, ...e.moud.onHold]) add(m.request);
  for (const f of e.moud.flags) {
    f.refs.forEach(add);
    addText(f.message);
  }
  for (const m of e.medications) add(m.request);
  for (const t of e.uds.tests) for (const a of t.analytes) add(a.source);
  e.conditions.oud.forEach(add);
  for (const o of e.conditions.overdoses) add(o.ref);
  add(e.conditions.recentOverdose?.ref);
  add(e.recentNaloxoneKit);
  add(e.contingencyManagement.source);
  for (const r of e.recommendations)
    for (const reason of r.reasons) {
      reason.refs.forEach(add);
      addText(reason.text);
    }
  for (const w of e.warnings) {
    w.refs?.forEach(add);
    addText(w.message);
  }
  return refs;
}

/**
 * The label of every reference the evaluation points at (Evaluation.refLabels), worked out when it is first read.
 * A 20-year record points at some 10,000 urine readings and a screen shows a few of them, so labelling them all
 * up front took a third of the engine's time (bench/engine.ts). The answer behaves as a plain read-only record:
 * `ref in labels`, `labels[ref]`, Object.keys and JSON.stringify all see every reference and its label.
 */
export function refLabels(evaluation: Labelled, record: PatientRecord): Record<Ref, string> {
  let refs: Set<Ref> | undefined;
  const all = (): Set<Ref> => (refs ??= evaluationRefs(evaluation));
  const cache = new Map<Ref, string>();
  const label = (ref: Ref): string => {
    let text = cache.get(ref);
    if (text === undefined) cache.set(ref, (text = refLabel(ref, evaluation, record)));
    return text;
  };
  const known = (key: string | symbol): key is Ref => typeof key === "string" && all().has(key);
  return new Proxy({} as Record<Ref, string>, {
    has: (_target, key) => known(key),
    get: (_target, key) => (known(key) ? label(key) : undefined),
    ownKeys: () => [...all()],
    getOwnPropertyDescriptor: (_target, key) =>
      known(key) ? { value: label(key), enumerable: true, configurable: true, writable: false } : undefined,
    set: () => false,
    defineProperty: () => false,
    deleteProperty: () => false,
  });
}
