// Small builders for FHIR R4 test resources, so each test says only what matters to it.
import type { Bundle, CarePlan, Condition, FhirResource, MedicationRequest, Observation, Patient } from "fhir/r4.js";
import { CM_SCHEDULE_EXTENSION, CM_TARGET_EXTENSION, RECOMMENDATION_SYSTEM, STAGE_SYSTEM } from "../../src/clinical/codes.ts";

export const PATIENT_ID = "p1";
const subject = { reference: `Patient/${PATIENT_ID}` };
let counter = 0;
const nextId = (prefix: string) => `${prefix}-${++counter}`;

export function patient(id = PATIENT_ID): Patient {
  return { resourceType: "Patient", id, name: [{ family: "Test", given: ["Pat"] }], birthDate: "1985-04-02" };
}

export function collection(...resources: FhirResource[]): Bundle {
  return { resourceType: "Bundle", type: "collection", entry: resources.map((resource) => ({ resource })) };
}

export function stage(value: string, date: string, id = nextId("stage")): Observation {
  return {
    resourceType: "Observation",
    id,
    status: "final",
    category: [{ coding: [{ system: "http://terminology.hl7.org/CodeSystem/observation-category", code: "survey" }] }],
    code: { coding: [{ system: STAGE_SYSTEM, code: "stage-of-change" }], text: "Stage of change" },
    subject,
    effectiveDateTime: date,
    valueCodeableConcept: { coding: [{ system: STAGE_SYSTEM, code: value }] },
  };
}

export function ruler(score: number, date: string, id = nextId("ruler")): Observation {
  return {
    resourceType: "Observation",
    id,
    status: "final",
    code: { text: "Readiness ruler" },
    subject,
    effectiveDateTime: date,
    valueInteger: score,
  };
}

/** LOINC screen codes (fhir-vocabulary.md §1). */
export const LOINC_SCREEN = {
  opiates: "19295-5",
  fentanyl: "59673-4",
  oxycodone: "19642-8",
  heroin: "19321-9",
  buprenorphine: "93494-3",
  methadone: "19550-3",
  cocaine: "14314-9",
  amphetamine: "19261-7",
} as const;

export function uds(
  analyte: keyof typeof LOINC_SCREEN,
  result: "pos" | "neg",
  date: string,
  id = nextId(`uds-${analyte}`),
): Observation {
  return {
    resourceType: "Observation",
    id,
    status: "final",
    category: [{ coding: [{ system: "http://terminology.hl7.org/CodeSystem/observation-category", code: "laboratory" }] }],
    code: { coding: [{ system: "http://loinc.org", code: LOINC_SCREEN[analyte] }] },
    subject,
    effectiveDateTime: date,
    valueString: result === "pos" ? "positive" : "negative",
  };
}

/** A weekly UDS panel (opiates + fentanyl [+ more]) on one day. */
export function udsDay(date: string, results: Partial<Record<keyof typeof LOINC_SCREEN, "pos" | "neg">>): Observation[] {
  return Object.entries(results).map(([a, r]) => uds(a as keyof typeof LOINC_SCREEN, r!, date));
}

export const RXNORM_CODES = {
  suboxoneFilm: { code: "1010603", display: "buprenorphine 2 MG / naloxone 0.5 MG Sublingual Film [Suboxone]" },
  methadone: { code: "864708", display: "methadone hydrochloride 10 MG Oral Tablet [Dolophine]" },
  naltrexoneEr: { code: "637213", display: "naltrexone 380 MG Injection" },
  narcan: { code: "1725064", display: "naloxone hydrochloride 4 MG/ACTUAT Nasal Spray [Narcan]" },
  percocet: { code: "1049640", display: "acetaminophen 325 MG / oxycodone hydrochloride 5 MG Oral Tablet [Percocet]" },
} as const;

export function medRequest(
  med: keyof typeof RXNORM_CODES,
  authoredOn: string,
  status: MedicationRequest["status"] = "active",
  id = nextId(`mr-${med}`),
): MedicationRequest {
  return {
    resourceType: "MedicationRequest",
    id,
    status,
    intent: "order",
    subject,
    authoredOn,
    medicationCodeableConcept: {
      coding: [{ system: "http://www.nlm.nih.gov/research/umls/rxnorm", ...RXNORM_CODES[med] }],
    },
  };
}

export function oudCondition(id = nextId("oud")): Condition {
  return {
    resourceType: "Condition",
    id,
    clinicalStatus: { coding: [{ system: "http://terminology.hl7.org/CodeSystem/condition-clinical", code: "active" }] },
    code: { coding: [{ system: "http://hl7.org/fhir/sid/icd-10-cm", code: "F11.20", display: "Opioid dependence, uncomplicated" }] },
    subject,
    recordedDate: "2024-01-10",
  };
}

export function overdose(date: string, id = nextId("od")): Condition {
  return {
    resourceType: "Condition",
    id,
    code: { coding: [{ system: "http://hl7.org/fhir/sid/icd-10-cm", code: "T40.411A", display: "Poisoning by fentanyl or fentanyl analogs, accidental (unintentional), initial encounter" }] },
    subject,
    onsetDateTime: date,
  };
}

/** A CarePlan as the app writes it for CM enrolment (clinical-spec §4–§5), with the CM target when given (§7.6). */
export function cmCarePlan(
  start: string,
  schedule: "escalating" | "prize" | "fixed",
  id = nextId("cp"),
  target?: ("opioids" | "stimulants")[],
): CarePlan {
  return {
    resourceType: "CarePlan",
    id,
    status: "active",
    intent: "plan",
    subject,
    period: { start },
    activity: [
      {
        detail: {
          code: { coding: [{ system: RECOMMENDATION_SYSTEM, code: "contingency-management" }], text: "Contingency management" },
          status: "in-progress",
          scheduledTiming: { repeat: { boundsPeriod: { start }, frequency: 1, period: 1, periodUnit: "wk" } },
          extension: [
            { url: CM_SCHEDULE_EXTENSION, valueCode: schedule },
            ...(target ?? []).map((valueCode) => ({ url: CM_TARGET_EXTENSION, valueCode })),
          ],
        },
      },
    ],
  };
}
