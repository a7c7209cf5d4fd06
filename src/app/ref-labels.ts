// What a reference behind a fact is, in words a clinician reads ("urine test 2026-11-05: fentanyl positive")
// instead of its id ("Observation/abc-123"). The engine's facts come first (a urine reading, the stage, a medication
// fact, an overdose); the resource itself fills in names and dates. Pure: a string for React to render as text.
import type { CarePlan, CodeableConcept, Condition, FhirResource, Medication, MedicationRequest, Observation } from "fhir/r4.js";
import { datePart } from "../clinical/dates.ts";
import { resolveReference, type PatientRecord } from "../clinical/record.ts";
import { readStage } from "../clinical/stage.ts";
import type { AnalyteReading, Evaluation, Ref, StageFact } from "../clinical/types.ts";

/** Longest piece of server text taken into a label; longer text is cut with "…" (the full text is one click away). */
export const MAX_TEXT = 80;

/** Readings listed one by one up to this many; beyond it only the non-negative ones are named. */
const MAX_LISTED_READINGS = 3;

const INPUTS: Record<string, string> = {
  "input:family": "clinician input: family or partner involved",
  "input:prefers-no-medication": "clinician input: patient prefers no medication",
  "input:no-cm": "clinician input: this setting cannot deliver CM",
  "input:otp": "clinician input: opioid treatment program",
  "input:cm-start": "clinician input: CM start date",
};

type Reading = { date: string; reading: AnalyteReading };

// Readings by their source Observation, built once per evaluation (the urine-test table asks for every row).
const readingsCache = new WeakMap<Evaluation, Map<Ref, Reading[]>>();

function readingsOf(evaluation: Evaluation, ref: Ref): Reading[] {
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

function medicationName(request: MedicationRequest, evaluation: Evaluation, record: PatientRecord, ref: Ref): string {
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

function conditionLabel(condition: Condition, evaluation: Evaluation, ref: Ref): string {
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

function observationLabel(obs: Observation, evaluation: Evaluation, ref: Ref): string {
  // A stage assessment that is not the current one (the engine reads the latest): read it on its own.
  const alone = readStage({ observations: [obs] }, evaluation.now).stage;
  if (alone.source === ref) return stageLabel(alone);
  const name = conceptText(obs.code) ?? "observation";
  const date = shownDate(obs.effectiveDateTime) ?? shownDate(obs.effectivePeriod?.start) ?? shownDate(obs.issued);
  return date ? `${name} ${date}` : name;
}

/**
 * A plain-language label for a reference behind a fact: "Observation/x", "MedicationRequest/y", "input:family".
 * Falls back to the reference itself when the resource is not in the record (e.g. one skipped as malformed).
 */
export function refLabel(ref: Ref, evaluation: Evaluation, record: PatientRecord): string {
  if (ref.startsWith("input:")) {
    if (ref === "input:cm-start" && evaluation.contingencyManagement?.startDate)
      return `clinician input: CM start date ${evaluation.contingencyManagement.startDate}`;
    return INPUTS[ref] ?? "clinician input";
  }
  const readings = readingsOf(evaluation, ref);
  if (readings.length) return urineTestLabel(readings);
  if (evaluation.stage?.source === ref) return stageLabel(evaluation.stage);

  const resource = record.index.get(ref);
  if (!resource) return ref;
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
      return ref;
  }
}
