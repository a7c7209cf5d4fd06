// refLabel: what a clinician reads instead of a raw reference. Each row builds a small record, runs the real engine
// on it (so urine readings, the stage, medication and overdose facts come from the Evaluation as in the app) and
// checks the label of one reference; evaluate() hands the app these labels (Evaluation.refLabels).
import type { CarePlan, Condition, FhirResource, MedicationRequest, Observation } from "fhir/r4.js";
import { describe, expect, it } from "vitest";
import { evaluate, type EvaluateOptions } from "../../src/clinical/evaluate.ts";
import { recordFromBundle } from "../../src/clinical/record.ts";
import { MAX_TEXT, evaluationRefs, refLabel } from "../../src/clinical/ref-labels.ts";
import { LOINC_SCREEN, cmCarePlan, collection, medRequest, oudCondition, overdose, patient, ruler, stage, uds } from "../helpers/resources.ts";

const NOW = "2026-11-23";

function label(resources: FhirResource[], ref: string, options: Partial<EvaluateOptions> = {}): string {
  const record = recordFromBundle(collection(patient(), ...resources));
  const evaluation = evaluate(record, { now: NOW, ...options });
  return refLabel(ref, evaluation, record);
}

/** One Observation carrying several screen results as components (as some labs send a panel). */
function panel(id: string, date: string, results: Partial<Record<keyof typeof LOINC_SCREEN, "positive" | "negative">>): Observation {
  return {
    resourceType: "Observation",
    id,
    status: "final",
    code: { text: "Urine drug screen panel" },
    subject: { reference: "Patient/p1" },
    effectiveDateTime: date,
    component: Object.entries(results).map(([analyte, result]) => ({
      code: { coding: [{ system: "http://loinc.org", code: LOINC_SCREEN[analyte as keyof typeof LOINC_SCREEN] }] },
      valueString: result,
    })),
  };
}

const withText = (r: MedicationRequest, text: string): MedicationRequest => ({
  ...r,
  medicationCodeableConcept: { ...r.medicationCodeableConcept, text },
});
const titled = (p: CarePlan, title: string): CarePlan => ({ ...p, title });
const preliminary = (o: Observation): Observation => ({ ...o, status: "preliminary" });
const named = (c: Condition, text: string): Condition => ({ ...c, code: { ...c.code, text } });
function undated(c: Condition): Condition {
  const { onsetDateTime: _, ...rest } = c;
  return rest;
}

interface Row {
  what: string;
  resources: FhirResource[];
  ref: string;
  expected: string;
  options?: Partial<EvaluateOptions>;
}

const rows: Row[] = [
  // Urine tests: date, analyte, result, from the engine's readings.
  { what: "a positive fentanyl screen", resources: [uds("fentanyl", "pos", "2026-11-05", "fen")], ref: "Observation/fen", expected: "urine test 2026-11-05: fentanyl positive" },
  { what: "a negative opiates screen (date part of a date-time)", resources: [uds("opiates", "neg", "2026-11-05T09:30:00-05:00", "opi")], ref: "Observation/opi", expected: "urine test 2026-11-05: opiates negative" },
  {
    what: "buprenorphine positive while prescribed",
    resources: [medRequest("suboxoneFilm", "2026-09-01"), uds("buprenorphine", "pos", "2026-11-05", "bup")],
    ref: "Observation/bup",
    expected: "urine test 2026-11-05: buprenorphine positive (prescribed)",
  },
  { what: "a preliminary result", resources: [preliminary(uds("fentanyl", "pos", "2026-11-20", "fen-p"))], ref: "Observation/fen-p", expected: "urine test 2026-11-20: fentanyl positive (preliminary)" },
  {
    what: "a panel of two results: both listed",
    resources: [panel("pan2", "2026-11-05", { opiates: "negative", fentanyl: "positive" })],
    ref: "Observation/pan2",
    expected: "urine test 2026-11-05: opiates negative, fentanyl positive",
  },
  {
    what: "a panel of five results: the positive named, the negatives counted",
    resources: [panel("pan5", "2026-11-05", { opiates: "negative", fentanyl: "positive", oxycodone: "negative", cocaine: "negative", amphetamine: "negative" })],
    ref: "Observation/pan5",
    expected: "urine test 2026-11-05: fentanyl positive, 4 other substances negative",
  },
  {
    what: "a panel of four negatives",
    resources: [panel("pan4", "2026-11-05", { opiates: "negative", fentanyl: "negative", oxycodone: "negative", cocaine: "negative" })],
    ref: "Observation/pan4",
    expected: "urine test 2026-11-05: 4 substances negative",
  },
  // Stage of change.
  { what: "the current stage, coded", resources: [stage("contemplation", "2026-10-04", "st")], ref: "Observation/st", expected: "stage assessment 2026-10-04 (contemplation)" },
  { what: "the current stage, a readiness ruler", resources: [ruler(5, "2026-10-04", "rr")], ref: "Observation/rr", expected: "stage assessment 2026-10-04 (readiness ruler 5/10)" },
  {
    what: "an older stage assessment (not the current one)",
    resources: [stage("precontemplation", "2026-06-01", "st-old"), stage("preparation", "2026-10-04", "st-new")],
    ref: "Observation/st-old",
    expected: "stage assessment 2026-06-01 (precontemplation)",
  },
  {
    what: "another observation: its name and date",
    resources: [{ resourceType: "Observation", id: "bw", status: "final", code: { text: "Body weight" }, effectiveDateTime: "2026-11-01T10:00:00Z", valueQuantity: { value: 70, unit: "kg" } }],
    ref: "Observation/bw",
    expected: "Body weight 2026-11-01",
  },
  // Medication requests: the medication's text, else the RxNorm display; the status in words.
  {
    what: "a request with the medication's text",
    resources: [withText(medRequest("suboxoneFilm", "2026-09-01", "active", "mr1"), "buprenorphine/naloxone 8 mg/2 mg film")],
    ref: "MedicationRequest/mr1",
    expected: "buprenorphine/naloxone 8 mg/2 mg film (active)",
  },
  {
    what: "a request with only an RxNorm coding",
    resources: [medRequest("narcan", "2026-03-01", "completed", "kit")],
    ref: "MedicationRequest/kit",
    expected: "naloxone hydrochloride 4 MG/ACTUAT Nasal Spray [Narcan] (completed)",
  },
  { what: "an on-hold request", resources: [medRequest("methadone", "2026-09-01", "on-hold", "mh")], ref: "MedicationRequest/mh", expected: "methadone hydrochloride 10 MG Oral Tablet [Dolophine] (on hold)" },
  {
    what: "a request pointing at a Medication",
    resources: [
      { resourceType: "Medication", id: "sublocade", code: { coding: [{ system: "http://www.nlm.nih.gov/research/umls/rxnorm", code: "1996189" }], text: "Sublocade 100 mg injection" } },
      { resourceType: "MedicationRequest", id: "mr-ref", status: "active", intent: "order", subject: { reference: "Patient/p1" }, medicationReference: { reference: "Medication/sublocade" } },
    ],
    ref: "MedicationRequest/mr-ref",
    expected: "Sublocade 100 mg injection (active)",
  },
  // Conditions: the code's text or display; an overdose with its date.
  { what: "an OUD diagnosis (display)", resources: [oudCondition("oud")], ref: "Condition/oud", expected: "Opioid dependence, uncomplicated" },
  {
    what: "an overdose with its text and onset date",
    resources: [named(overdose("2026-09-23T02:40:00-07:00", "od"), "Fentanyl overdose")],
    ref: "Condition/od",
    expected: "Fentanyl overdose on 2026-09-23",
  },
  {
    what: "an overdose without a date",
    resources: [named(undated(overdose("2026-09-23", "od2")), "Heroin overdose")],
    ref: "Condition/od2",
    expected: "Heroin overdose on an unknown date",
  },
  {
    what: "long server text is cut",
    resources: [{ ...oudCondition("long"), code: { text: "x".repeat(MAX_TEXT + 20) } }],
    ref: "Condition/long",
    expected: `${"x".repeat(MAX_TEXT - 1)}…`,
  },
  // Care plans: the title, and the date it starts.
  { what: "a care plan without a title", resources: [cmCarePlan("2026-10-08", "prize", "cp")], ref: "CarePlan/cp", expected: "care plan from 2026-10-08" },
  {
    what: "a care plan with a title",
    resources: [titled(cmCarePlan("2026-10-08", "prize", "cpt"), "Contingency management")],
    ref: "CarePlan/cpt",
    expected: "Contingency management (care plan from 2026-10-08)",
  },
  {
    what: "markup in a title stays literal text",
    resources: [titled(cmCarePlan("2026-10-08", "prize", "cpx"), "<img src=x onerror=alert(1)>")],
    ref: "CarePlan/cpx",
    expected: "<img src=x onerror=alert(1)> (care plan from 2026-10-08)",
  },
  // Clinician inputs.
  { what: "family involved", resources: [], ref: "input:family", expected: "clinician input: family or partner involved" },
  { what: "prefers no medication", resources: [], ref: "input:prefers-no-medication", expected: "clinician input: patient prefers no medication" },
  { what: "the CM start date entered", resources: [], ref: "input:cm-start", expected: "clinician input: CM start date 2026-11-02", options: { cmStart: "2026-11-02" } },
  { what: "an input the app does not know", resources: [], ref: "input:something-new", expected: "clinician input" },
  // Not in the record (e.g. skipped as malformed): its type in words, never its id.
  { what: "a resource not in the record", resources: [], ref: "Observation/gone", expected: "observation gone" },
  { what: "a request not in the record", resources: [], ref: "MedicationRequest/gone", expected: "medication request gone" },
];

describe("refLabel", () => {
  it.each(rows)("$what → $expected", ({ resources, ref, expected, options }) => {
    expect(label(resources, ref, options)).toBe(expected);
  });

  it("each evaluation is labelled from its own readings (the cache is per evaluation, not per reference)", () => {
    const recordA = recordFromBundle(collection(patient(), uds("fentanyl", "pos", "2026-11-05", "f1")));
    const recordB = recordFromBundle(collection(patient(), uds("fentanyl", "neg", "2026-11-12", "f1")));
    const a = evaluate(recordA, { now: NOW });
    const b = evaluate(recordB, { now: NOW });
    expect(refLabel("Observation/f1", a, recordA)).toBe("urine test 2026-11-05: fentanyl positive");
    expect(refLabel("Observation/f1", b, recordB)).toBe("urine test 2026-11-12: fentanyl negative");
  });

  it("evaluate() labels every reference behind its facts, reasons and warnings, also one written inside a reason", () => {
    const record = recordFromBundle(
      collection(
        patient(),
        stage("contemplation", "2026-11-01", "st"),
        withText(medRequest("suboxoneFilm", "2026-09-01", "active", "mr1"), "buprenorphine/naloxone 8 mg/2 mg film"),
        uds("fentanyl", "pos", "2026-11-16", "fen"),
      ),
    );
    const evaluation = evaluate(record, { now: NOW, cmStart: "2026-11-02" });
    const moud = evaluation.recommendations.find((r) => r.id === "moud")!;
    // The engine writes the request inside the reason's text; its label is handed over with the rest.
    expect(moud.reasons.some((r) => r.text.includes("MedicationRequest/mr1"))).toBe(true);
    expect(evaluation.refLabels).toMatchObject({
      "MedicationRequest/mr1": "buprenorphine/naloxone 8 mg/2 mg film (active)",
      "Observation/st": "stage assessment 2026-11-01 (contemplation)",
      "Observation/fen": "urine test 2026-11-16: fentanyl positive",
      "input:cm-start": "clinician input: CM start date 2026-11-02",
    });
    const every = [
      ...evaluation.recommendations.flatMap((r) => r.reasons.flatMap((x) => x.refs)),
      ...evaluation.warnings.flatMap((w) => w.refs ?? []),
      ...evaluation.uds.tests.flatMap((t) => t.analytes.map((a) => a.source)),
    ];
    for (const ref of every) expect(evaluation.refLabels[ref], ref).toBe(refLabel(ref, evaluation, record));
    // Worked out when read, yet a plain read-only record to whoever reads it: keys, JSON, `in`, no writes.
    const labels = evaluation.refLabels;
    expect(new Set(Object.keys(labels))).toEqual(evaluationRefs(evaluation));
    expect(JSON.parse(JSON.stringify(labels))).toEqual(Object.fromEntries(Object.keys(labels).map((r) => [r, refLabel(r, evaluation, record)])));
    expect("Observation/fen" in labels).toBe(true);
    expect("Observation/not-pointed-at" in labels).toBe(false);
    expect(labels["Observation/not-pointed-at"]).toBeUndefined();
    expect(() => {
      "use strict";
      (labels as Record<string, string>)["Observation/fen"] = "changed";
    }).toThrow(TypeError);
    expect(labels["Observation/fen"]).toBe("urine test 2026-11-16: fentanyl positive");
  });
});
