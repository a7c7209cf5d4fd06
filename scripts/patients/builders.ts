// Builders for the synthetic patients (scripts/generate-patients.ts): a seeded PRNG, US time-zone offsets, and
// one small function per FHIR resource kind. Everything is deterministic: no clock, no Math.random.
import type {
  CarePlan,
  CodeableConcept,
  Coding,
  Condition,
  Goal,
  Medication,
  MedicationRequest,
  Observation,
  ObservationComponent,
  Patient,
  Reference,
} from "fhir/r4.js";
import {
  CAREPLAN_CATEGORY_ASSESS_PLAN,
  CAREPLAN_ID_SYSTEM,
  GOAL_ID_SYSTEM,
  ICD10CM,
  LOINC,
  OBSERVATION_CATEGORY,
  READINESS_RULER_CODE,
  RECOMMENDATION_SYSTEM,
  RXNORM,
  SECURITY_LABELS,
  SNOMED,
  STAGE_SYSTEM,
  STAGEWISE_BASE,
} from "../../src/clinical/codes.ts";
import { activityCodings } from "../../src/clinical/activity-codes.ts";
import { writeCmDetail } from "../../src/clinical/careplan-resource.ts";
import { addDays, dayNumber } from "../../src/clinical/dates.ts";
import { goalIdentifierValue } from "../../src/clinical/goal-resource.ts";
import { stageCode, stageValue } from "../../src/clinical/stage-observation.ts";
import type { CmScheduleKind, Stage } from "../../src/clinical/types.ts";
import { ANCHOR } from "../patient-dates.ts";

export const MRN_SYSTEM = `${STAGEWISE_BASE}/sandbox/identifier/mrn`;
export const STAFF_ID_SYSTEM = `${STAGEWISE_BASE}/sandbox/identifier/staff`;
const V3_INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";
const V2_0078_LEGACY = "http://hl7.org/fhir/v2/0078";
const UCUM = "http://unitsofmeasure.org";

export const CLINICIAN: Reference = { reference: "Practitioner/dr-1", display: "Dr. Naomi Okafor" };
export const COORDINATOR: Reference = { reference: "Practitioner/cc-1", display: "Luis Herrera" };

// ---------------------------------------------------------------- determinism

/** mulberry32: a small seeded PRNG returning numbers in [0, 1). */
export function prng(seed: string): () => number {
  let h = 2166136261;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 16777619);
  let a = h >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The date `days` days before ANCHOR. */
export function ago(days: number): string {
  return addDays(ANCHOR, -days);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(date: string): number {
  return (((dayNumber(date) + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
}

// ---------------------------------------------------------------- time zones (US rules since 2007)

export type Zone = "eastern" | "central" | "pacific";
const STANDARD_OFFSET: Record<Zone, number> = { eastern: -5, central: -6, pacific: -8 };

function nthSunday(year: number, month: number, n: number): string {
  const first = `${year}-${String(month).padStart(2, "0")}-01`;
  const firstSunday = addDays(first, (7 - weekday(first)) % 7);
  return addDays(firstSunday, 7 * (n - 1));
}

/** Daylight saving time on that local date (second Sunday of March up to the first Sunday of November). */
export function isDst(date: string): boolean {
  const year = Number(date.slice(0, 4));
  return date >= nthSunday(year, 3, 2) && date < nthSunday(year, 11, 1);
}

/** "-05:00" etc. for a local date in a zone. */
export function offsetOn(date: string, zone: Zone): string {
  const hours = STANDARD_OFFSET[zone] + (isDst(date) ? 1 : 0);
  const sign = hours < 0 ? "-" : "+";
  return `${sign}${String(Math.abs(hours)).padStart(2, "0")}:00`;
}

/** A FHIR dateTime/instant "YYYY-MM-DDThh:mm:00±hh:00" for a local date and time. */
export function at(date: string, time: string, zone: Zone): string {
  return `${date}T${time}:00${offsetOn(date, zone)}`;
}

// ---------------------------------------------------------------- urine drug screens

export type AnalyteKey =
  | "opi"
  | "mor"
  | "6mam"
  | "fen"
  | "oxy"
  | "bup"
  | "mtd"
  | "eddp"
  | "coc"
  | "amp"
  | "bzo"
  | "thc"
  | "pcp";

interface LoincTerm {
  code: string;
  display: string;
}
interface AnalyteDef {
  name: string;
  /** Qualitative screen (fhir-vocabulary.md §1, bold codes). */
  screen: LoincTerm;
  /** Quantitative term and the cutoff reported with it (referenceRange.high), or stated by the code itself. */
  quantity?: LoincTerm & { cutoff: number; cutoffInCode?: boolean; positive: [number, number] };
}

/** LOINC terms from fhir-vocabulary.md §1 (each in the CDC Opioid CDS urine-drug-screening value sets). */
export const ANALYTES: Record<AnalyteKey, AnalyteDef> = {
  opi: {
    name: "Opiates",
    screen: { code: "19295-5", display: "Opiates [Presence] in Urine by Screen method" },
    quantity: {
      code: "70151-6",
      display: "Opiates [Presence] in Urine by Screen method >300 ng/mL",
      cutoff: 300,
      cutoffInCode: true,
      positive: [450, 4200],
    },
  },
  mor: {
    name: "Morphine",
    screen: { code: "19597-4", display: "Morphine [Presence] in Urine by Screen method" },
    quantity: { code: "3831-5", display: "Morphine [Mass/volume] in Urine", cutoff: 300, positive: [500, 6000] },
  },
  "6mam": {
    name: "6-MAM (heroin)",
    screen: { code: "19321-9", display: "6-Monoacetylmorphine (6-MAM) [Presence] in Urine by Screen method" },
  },
  fen: {
    name: "Fentanyl",
    screen: { code: "59673-4", display: "fentaNYL [Presence] in Urine by Screen method" },
    quantity: { code: "3637-6", display: "fentaNYL [Mass/volume] in Urine", cutoff: 1, positive: [4, 180] },
  },
  oxy: {
    name: "Oxycodone",
    screen: { code: "19642-8", display: "oxyCODONE [Presence] in Urine by Screen method" },
    quantity: { code: "11246-6", display: "oxyCODONE [Mass/volume] in Urine", cutoff: 100, positive: [300, 3000] },
  },
  bup: {
    name: "Buprenorphine",
    screen: { code: "93494-3", display: "Buprenorphine [Presence] in Urine by Screen method" },
    quantity: {
      code: "49752-9",
      display: "Buprenorphine [Mass/volume] in Urine by Confirmatory method",
      cutoff: 5,
      positive: [20, 400],
    },
  },
  mtd: {
    name: "Methadone",
    screen: { code: "19550-3", display: "Methadone [Presence] in Urine by Screen method" },
    quantity: { code: "3774-7", display: "Methadone [Mass/volume] in Urine", cutoff: 300, positive: [900, 6500] },
  },
  eddp: {
    name: "EDDP (methadone metabolite)",
    screen: {
      code: "93495-0",
      display: "2-Ethylidene-1,5-Dimethyl-3,3-Diphenylpyrrolidine (EDDP) [Presence] in Urine by Screen method",
    },
    quantity: {
      code: "50542-0",
      display: "2-Ethylidene-1,5-Dimethyl-3,3-Diphenylpyrrolidine (EDDP) [Mass/volume] in Urine",
      cutoff: 100,
      positive: [400, 5200],
    },
  },
  coc: {
    name: "Cocaine (benzoylecgonine)",
    screen: { code: "14314-9", display: "Benzoylecgonine [Presence] in Urine by Screen method" },
    quantity: {
      code: "70146-6",
      display: "Benzoylecgonine [Mass/volume] in Urine by Screen method",
      cutoff: 150,
      positive: [600, 9000],
    },
  },
  amp: {
    name: "Amphetamines",
    screen: { code: "19261-7", display: "Amphetamines [Presence] in Urine by Screen method" },
  },
  bzo: {
    name: "Benzodiazepines",
    screen: { code: "14316-4", display: "Benzodiazepines [Presence] in Urine by Screen method" },
  },
  thc: {
    name: "Cannabinoids",
    screen: { code: "18282-4", display: "Cannabinoids [Presence] in Urine by Screen method" },
  },
  pcp: {
    name: "Phencyclidine",
    screen: { code: "19659-2", display: "Phencyclidine [Presence] in Urine by Screen method" },
  },
};

export type Result = "pos" | "neg";

/**
 * How a lab writes a result (clinical-spec §1): SNOMED Positive/Negative or Detected/Not detected in
 * valueCodeableConcept; an interpretation code only (v3, or the legacy v2-0078 URL the CDC examples use);
 * valueString; or valueQuantity against a cutoff.
 */
export type ResultForm = "snomed" | "detected" | "interpretation" | "interpretation-legacy" | "string" | "quantity";

const SNOMED_VALUE: Record<"snomed" | "detected", Record<Result, Coding>> = {
  snomed: {
    pos: { system: SNOMED, code: "10828004", display: "Positive (qualifier value)" },
    neg: { system: SNOMED, code: "260385009", display: "Negative (qualifier value)" },
  },
  detected: {
    pos: { system: SNOMED, code: "260373001", display: "Detected (qualifier value)" },
    neg: { system: SNOMED, code: "260415000", display: "Not detected (qualifier value)" },
  },
};

const LAB_CATEGORY: CodeableConcept[] = [
  { coding: [{ system: OBSERVATION_CATEGORY, code: "laboratory", display: "Laboratory" }] },
];
const SURVEY_CATEGORY: CodeableConcept[] = [
  { coding: [{ system: OBSERVATION_CATEGORY, code: "survey", display: "Survey" }] },
];

export function patientRef(patientId: string): Reference {
  return { reference: `Patient/${patientId}` };
}

/** The value[x] / interpretation part of a UDS result in one form. `strings` picks the lab's wording. */
export function resultValue(
  key: AnalyteKey,
  result: Result,
  form: ResultForm,
  rand: () => number,
  strings: Record<Result, string> = { pos: "Positive", neg: "Negative" },
): Partial<Observation> {
  switch (form) {
    case "snomed":
    case "detected": {
      const coding = SNOMED_VALUE[form][result];
      return { valueCodeableConcept: { coding: [coding], text: coding.display!.replace(" (qualifier value)", "") } };
    }
    case "interpretation":
    case "interpretation-legacy": {
      const code = result === "pos" ? "POS" : "NEG";
      const display = result === "pos" ? "Positive" : "Negative";
      const system = form === "interpretation" ? V3_INTERPRETATION : V2_0078_LEGACY;
      return { interpretation: [{ coding: [{ system, code, display }] }] };
    }
    case "string":
      return { valueString: strings[result] };
    case "quantity": {
      const q = ANALYTES[key].quantity;
      if (!q) throw new Error(`analyte ${key} has no quantitative LOINC term`);
      const [lo, hi] = q.positive;
      const value = result === "pos" ? Math.round(lo + rand() * (hi - lo)) : Math.round(q.cutoff * rand() * 0.4 * 10) / 10;
      const quantity = { value, unit: "ng/mL", system: UCUM, code: "ng/mL" };
      const out: Partial<Observation> = { valueQuantity: quantity };
      if (!q.cutoffInCode) {
        out.referenceRange = [
          { high: { value: q.cutoff, unit: "ng/mL", system: UCUM, code: "ng/mL" }, text: `Cutoff ${q.cutoff} ng/mL` },
        ];
      }
      return out;
    }
  }
}

function loincTerm(key: AnalyteKey, form: ResultForm): LoincTerm {
  const def = ANALYTES[key];
  if (form === "quantity") {
    if (!def.quantity) throw new Error(`analyte ${key} has no quantitative LOINC term`);
    return def.quantity;
  }
  return def.screen;
}

export function loincCode(term: LoincTerm, text: string): CodeableConcept {
  return { coding: [{ system: LOINC, code: term.code, display: term.display }], text };
}

export interface UdsOptions {
  status?: Observation["status"];
  /** Hours between collection and result. */
  turnaround?: number;
  strings?: Record<Result, string>;
  note?: string;
  idSuffix?: string;
}

/** One analyte of a urine drug screen as its own Observation. */
export function udsObservation(
  patientId: string,
  collected: string,
  key: AnalyteKey,
  result: Result,
  form: ResultForm,
  rand: () => number,
  options: UdsOptions = {},
): Observation {
  const term = loincTerm(key, form);
  const date = collected.slice(0, 10);
  const obs: Observation = {
    resourceType: "Observation",
    id: `${patientId}-uds-${date}-${key}${options.idSuffix ?? ""}`,
    status: options.status ?? "final",
    category: LAB_CATEGORY,
    code: loincCode(term, `${ANALYTES[key].name}, urine`),
    subject: patientRef(patientId),
    effectiveDateTime: collected,
    issued: issuedAfter(collected, options.turnaround ?? 26),
    ...resultValue(key, result, form, rand, options.strings),
  };
  if (options.note) obs.note = [{ text: options.note }];
  return obs;
}

/** A panel Observation whose analytes are components (clinical-spec §1: "an Observation with component[]"). */
export function udsComponentPanel(
  patientId: string,
  collected: string,
  panel: LoincTerm,
  results: [AnalyteKey, Result][],
  form: "snomed" | "detected" | "interpretation",
  rand: () => number,
): Observation {
  const components: ObservationComponent[] = results.map(([key, result]) => ({
    code: loincCode(ANALYTES[key].screen, ANALYTES[key].name),
    ...(resultValue(key, result, form, rand) as Pick<ObservationComponent, "valueCodeableConcept" | "interpretation">),
  }));
  return {
    resourceType: "Observation",
    id: `${patientId}-uds-${collected.slice(0, 10)}-panel`,
    status: "final",
    category: LAB_CATEGORY,
    code: loincCode(panel, "Urine drug screen panel"),
    subject: patientRef(patientId),
    effectiveDateTime: collected,
    issued: issuedAfter(collected, 28),
    component: components,
  };
}

/** A panel Observation that groups its analyte Observations by hasMember. */
export function udsMemberPanel(patientId: string, collected: string, panel: LoincTerm, members: Observation[]): Observation {
  return {
    resourceType: "Observation",
    id: `${patientId}-uds-${collected.slice(0, 10)}-panel`,
    status: "final",
    category: LAB_CATEGORY,
    code: loincCode(panel, "Urine drug screen panel"),
    subject: patientRef(patientId),
    effectiveDateTime: collected,
    issued: issuedAfter(collected, 28),
    hasMember: members.map((m) => ({ reference: `Observation/${m.id}` })),
  };
}

/** collected + hours, same offset as collected (an instant needs seconds and a zone). */
export function issuedAfter(collected: string, hours: number): string {
  const date = collected.slice(0, 10);
  const [h, m] = collected.slice(11, 16).split(":").map(Number) as [number, number];
  const total = h * 60 + m + Math.round(hours * 60);
  const day = addDays(date, Math.floor(total / 1440));
  const minutes = total % 1440;
  const hh = String(Math.floor(minutes / 60)).padStart(2, "0");
  const mm = String(minutes % 60).padStart(2, "0");
  return `${day}T${hh}:${mm}:00${collected.slice(19)}`;
}

export const PANEL_5: LoincTerm = { code: "65750-2", display: "Drugs of abuse 5 panel - Urine by Screen method" };
export const PANEL_ANY: LoincTerm = { code: "69739-1", display: "Drugs of abuse panel - Urine by Screen method" };

// ---------------------------------------------------------------- stage of change

function surveyObservation(patientId: string, id: string, when: string, performer: Reference): Observation {
  return {
    resourceType: "Observation",
    id: `${patientId}-${id}-${when.slice(0, 10)}`,
    status: "final",
    category: SURVEY_CATEGORY,
    code: { text: "" },
    subject: patientRef(patientId),
    effectiveDateTime: when,
    performer: [performer],
  };
}

/** Stage of change in our CodeSystem (clinical-spec §1). */
export function stageObservation(patientId: string, when: string, stage: Stage, performer = CLINICIAN): Observation {
  return {
    ...surveyObservation(patientId, "stage", when, performer),
    code: stageCode("stage"),
    valueCodeableConcept: stageValue(stage),
  };
}

/** Stage of change as an EHR flowsheet stores it, without our codes: free text in code and value. */
export function freeTextStageObservation(
  patientId: string,
  when: string,
  code: CodeableConcept,
  value: Pick<Observation, "valueString" | "valueCodeableConcept">,
  performer = COORDINATOR,
): Observation {
  return { ...surveyObservation(patientId, "stage-text", when, performer), code, ...value };
}

/** Readiness ruler 0–10, with our code or as free text (code.text "Readiness ruler"). */
export function rulerObservation(
  patientId: string,
  when: string,
  score: number,
  coded: boolean,
  performer = COORDINATOR,
): Observation {
  return {
    ...surveyObservation(patientId, "ruler", when, performer),
    code: coded
      ? {
          coding: [{ system: STAGE_SYSTEM, code: READINESS_RULER_CODE, display: "Readiness ruler" }],
          text: "Readiness ruler",
        }
      : { text: "Readiness ruler" },
    valueInteger: score,
  };
}

// ---------------------------------------------------------------- medications

export interface RxTerm {
  code: string;
  display: string;
}

/** RxNorm terms from the CDC Opioid CDS value sets (buprenorphine-, methadone-, naloxone-medications) and VSAC. */
export const RX = {
  suboxoneFilmSbd: { code: "1010606", display: "buprenorphine 8 MG / naloxone 2 MG Sublingual Film [Suboxone]" },
  bupNxFilmScd: { code: "1010604", display: "buprenorphine 8 MG / naloxone 2 MG Sublingual Film" },
  sublocadeScd: { code: "1996184", display: "0.5 ML buprenorphine 200 MG/ML Prefilled Syringe" },
  sublocadeSbd: { code: "1996189", display: "0.5 ML buprenorphine 200 MG/ML Prefilled Syringe [Sublocade]" },
  butransSbd: { code: "904878", display: "168 HR buprenorphine 0.02 MG/HR Transdermal System [BuTrans]" },
  methadoneSolution: { code: "991147", display: "methadone hydrochloride 10 MG/ML Oral Solution" },
  naltrexoneXr: { code: "637213", display: "naltrexone 380 MG Injection" },
  naloxoneNasalScd: { code: "1725059", display: "naloxone hydrochloride 40 MG/ML Nasal Spray" },
  narcanNasalSbd: { code: "1725064", display: "naloxone hydrochloride 40 MG/ML Nasal Spray [Narcan]" },
  // HL7 cdc-opioid-cpg fixture Medication-oxycodone.json
  percocetSbd: { code: "1049640", display: "acetaminophen 325 MG / oxycodone hydrochloride 5 MG Oral Tablet [Percocet]" },
} as const satisfies Record<string, RxTerm>;

export interface RequestOptions {
  id: string;
  status: MedicationRequest["status"];
  authoredOn: string;
  /** Validity in days from authoredOn. */
  validDays: number;
  dosage: string;
  text: string;
  repeats?: number;
  /** Put the drug in a contained Medication referenced as "#med" instead of medicationCodeableConcept. */
  contained?: boolean;
  /** Reference a Medication resource of the bundle ("Medication/<id>", reached by _include) instead. */
  medicationId?: string;
  codings: RxTerm[];
  note?: string;
}

export function medicationRequest(patientId: string, o: RequestOptions): MedicationRequest {
  const concept: CodeableConcept = { coding: o.codings.map((c) => ({ system: RXNORM, ...c })), text: o.text };
  const start = o.authoredOn.slice(0, 10);
  const req: MedicationRequest = {
    resourceType: "MedicationRequest",
    id: `${patientId}-${o.id}`,
    status: o.status,
    intent: "order",
    subject: patientRef(patientId),
    authoredOn: o.authoredOn,
    requester: CLINICIAN,
    dosageInstruction: [{ text: o.dosage }],
    dispenseRequest: {
      validityPeriod: { start, end: addDays(start, o.validDays) },
      ...(o.repeats !== undefined ? { numberOfRepeatsAllowed: o.repeats } : {}),
    },
  };
  if (o.contained) {
    const med: Medication = { resourceType: "Medication", id: "med", code: concept };
    req.contained = [med];
    req.medicationReference = { reference: "#med", display: o.text };
  } else if (o.medicationId) {
    req.medicationReference = { reference: `Medication/${o.medicationId}`, display: o.text };
  } else {
    req.medicationCodeableConcept = concept;
  }
  if (o.note) req.note = [{ text: o.note }];
  return req;
}

/** A Medication resource of its own (shared, outside any patient compartment), for requests that reference it. */
export function medication(id: string, codings: RxTerm[], text: string): Medication {
  return { resourceType: "Medication", id, code: { coding: codings.map((c) => ({ system: RXNORM, ...c })), text } };
}

// ---------------------------------------------------------------- conditions

const CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical";
const CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status";
const CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category";

export interface ConditionOptions {
  id: string;
  codings: Coding[];
  text: string;
  onset: string;
  recorded: string;
  clinicalStatus?: "active" | "resolved" | "remission";
  abatement?: string;
  category?: "problem-list-item" | "encounter-diagnosis";
}

export function condition(patientId: string, o: ConditionOptions): Condition {
  const clinical = o.clinicalStatus ?? "active";
  const category = o.category ?? "problem-list-item";
  return {
    resourceType: "Condition",
    id: `${patientId}-${o.id}`,
    clinicalStatus: { coding: [{ system: CONDITION_CLINICAL, code: clinical }] },
    verificationStatus: { coding: [{ system: CONDITION_VERIFICATION, code: "confirmed" }] },
    category: [
      {
        coding: [
          {
            system: CONDITION_CATEGORY,
            code: category,
            display: category === "problem-list-item" ? "Problem List Item" : "Encounter Diagnosis",
          },
        ],
      },
    ],
    code: { coding: o.codings, text: o.text },
    subject: patientRef(patientId),
    onsetDateTime: o.onset,
    ...(o.abatement ? { abatementDateTime: o.abatement } : {}),
    recordedDate: o.recorded,
    recorder: CLINICIAN,
  };
}

export const OUD_CODINGS: Coding[] = [
  { system: ICD10CM, code: "F11.20", display: "Opioid dependence, uncomplicated" },
  { system: SNOMED, code: "75544000", display: "Opioid dependence (disorder)" },
];
export const OUD_REMISSION_CODINGS: Coding[] = [
  { system: ICD10CM, code: "F11.21", display: "Opioid dependence, in remission" },
  { system: SNOMED, code: "191821007", display: "Opioid dependence in remission (disorder)" },
];

// ---------------------------------------------------------------- care plans and goals

const GOAL_ACHIEVEMENT = "http://terminology.hl7.org/CodeSystem/goal-achievement";

export interface GoalOptions {
  id: string;
  description: string;
  start: string;
  due: string;
  achievement?: "in-progress" | "improving" | "achieved" | "not-achieved";
  expressedBy?: Reference;
  /** The CarePlan's business identifier value: the Goal identifier is then `${planId}/${id}` (goal-resource.ts). */
  planId?: string;
}

export function goal(patientId: string, o: GoalOptions): Goal {
  const achievement = o.achievement ?? "in-progress";
  return {
    resourceType: "Goal",
    id: `${patientId}-${o.id}`,
    meta: { security: SECURITY_LABELS.map((s) => ({ ...s })) },
    // As the app writes it (goal-resource.ts): `${planId}/${key}`, so the plan continues with these goals.
    identifier: [{ system: GOAL_ID_SYSTEM, value: o.planId ? goalIdentifierValue(o.planId, o.id) : `${patientId}-${o.id}` }],
    lifecycleStatus: "active",
    achievementStatus: { coding: [{ system: GOAL_ACHIEVEMENT, code: achievement }] },
    description: { text: o.description },
    subject: patientRef(patientId),
    startDate: o.start,
    target: [{ dueDate: o.due }],
    expressedBy: o.expressedBy ?? patientRef(patientId),
  };
}

function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

export interface PlanActivity {
  codings: Coding[];
  text: string;
  description: string;
  status: "not-started" | "scheduled" | "in-progress" | "completed" | "on-hold" | "stopped";
}

export interface CarePlanOptions {
  id: string;
  title: string;
  created: string;
  start: string;
  end: string;
  activities: NonNullable<CarePlan["activity"]>;
  narrative: string[];
  goals: Goal[];
  addresses: Reference[];
}

/** A CarePlan as this app writes it (clinical-spec §5): assess-plan, labels, narrative, business identifier. */
export function appCarePlan(patientId: string, o: CarePlanOptions): CarePlan {
  const items = o.narrative.map((line) => `<li>${escapeXml(line)}</li>`).join("");
  return {
    resourceType: "CarePlan",
    id: `${patientId}-${o.id}`,
    meta: { security: SECURITY_LABELS.map((s) => ({ ...s })) },
    text: {
      status: "generated",
      div: `<div xmlns="http://www.w3.org/1999/xhtml"><p><b>${escapeXml(o.title)}</b></p><ul>${items}</ul></div>`,
    },
    identifier: [{ system: CAREPLAN_ID_SYSTEM, value: `${patientId}-${o.id}` }],
    status: "active",
    intent: "plan",
    category: [{ coding: [{ ...CAREPLAN_CATEGORY_ASSESS_PLAN }] }],
    title: o.title,
    subject: patientRef(patientId),
    period: { start: o.start, end: o.end },
    created: o.created,
    author: CLINICIAN,
    addresses: o.addresses,
    goal: o.goals.map((g) => ({ reference: `Goal/${g.id}` })),
    activity: o.activities,
  };
}

/** A plan activity with a verified code where one exists, plus ours (activity-codes.ts). */
export function planActivity(a: PlanActivity): NonNullable<CarePlan["activity"]>[number] {
  return { detail: { code: { coding: a.codings, text: a.text }, status: a.status, description: a.description } };
}

/** Our recommendation coding (RECOMMENDATION_SYSTEM). */
export function recommendationCoding(code: string, display: string): Coding {
  return { system: RECOMMENDATION_SYSTEM, code, display };
}

/** The CM activity in the exact shape the CM reader expects (12 weekly visits from `start`). */
export function cmActivity(start: string, schedule: CmScheduleKind, description: string): NonNullable<CarePlan["activity"]>[number] {
  return {
    detail: {
      code: { coding: activityCodings("contingency-management", "Contingency management"), text: "Contingency management" },
      status: "in-progress",
      description,
      ...writeCmDetail({ schedule, startDate: start, weeks: 12, description: [] }),
    },
  };
}

// ---------------------------------------------------------------- patients and practitioners

export interface PersonOptions {
  id: string;
  given: string[];
  family: string;
  gender: Patient["gender"];
  birthDate: string;
  mrn: string;
  phone: string;
  city: string;
  state: string;
  postalCode: string;
  line: string;
}

export function patient(o: PersonOptions): Patient {
  return {
    resourceType: "Patient",
    id: o.id,
    identifier: [
      {
        use: "usual",
        type: { coding: [{ system: "http://terminology.hl7.org/CodeSystem/v2-0203", code: "MR", display: "Medical record number" }] },
        system: MRN_SYSTEM,
        value: o.mrn,
      },
    ],
    active: true,
    name: [{ use: "official", family: o.family, given: o.given }],
    telecom: [{ system: "phone", value: o.phone, use: "mobile" }],
    gender: o.gender,
    birthDate: o.birthDate,
    address: [{ use: "home", line: [o.line], city: o.city, state: o.state, postalCode: o.postalCode, country: "US" }],
    generalPractitioner: [CLINICIAN],
  };
}
