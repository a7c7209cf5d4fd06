// The stage-of-change Observation: one module that writes it (the app's stage picker and readiness ruler, the
// patient generator) and reads it (stage.ts picks the latest). Three ways a stage is written:
//   coded  — our code (STAGE_SYSTEM "stage-of-change") with our stage code as the value (what this app writes);
//   text   — how EHRs store it without our codes: the code's text or a display says "stage of change" or
//            "readiness to change", and the stage is written in valueString, valueCodeableConcept.text or a display;
//   ruler  — a readiness ruler score 0–10 (our "readiness-ruler" code, or code.text "Readiness ruler").
// Written form (NORMATIVE): identifier {OBSERVATION_ID_SYSTEM, once per entry}, meta.security = the 42 CFR Part 2
// labels, status final, category survey, code = stageCode(kind), subject, effectiveDateTime, issued, performer,
// valueCodeableConcept = stageValue(stage) or valueInteger = the ruler score; derivedFrom = the QuestionnaireResponse
// the app writes with it (stage-questionnaire.ts), in the same transaction. Pure; never throws.
import type { CodeableConcept, Observation } from "fhir/r4.js";
import { appObservation } from "./app-observation.ts";
import { READINESS_RULER_CODE, STAGE_OF_CHANGE_CODE, STAGE_SYSTEM } from "./codes.ts";
import type { Stage } from "./types.ts";

export { OBSERVATION_ID_SYSTEM } from "./codes.ts";

export const STAGE_DISPLAY: Record<Stage, string> = {
  precontemplation: "Precontemplation",
  contemplation: "Contemplation",
  preparation: "Preparation",
  action: "Action",
  maintenance: "Maintenance",
};

export type StageInput = { kind: "stage"; stage: Stage } | { kind: "ruler"; score: number };

export interface StageWriteContext {
  /** "Patient/ID". */
  patient: string;
  /** "Practitioner/ID" etc., or null. */
  author: string | null;
  /** FHIR instant of the assessment. */
  now: string;
  /** Unique per entry, kept across retries. */
  identifier: string;
  /** What the assessment was made from: the QuestionnaireResponse written with it (a reference or urn:uuid). */
  derivedFrom?: string;
}

/** Observation.code for a stage of change or a readiness ruler. */
export function stageCode(kind: StageInput["kind"]): CodeableConcept {
  return kind === "stage"
    ? { coding: [{ system: STAGE_SYSTEM, code: STAGE_OF_CHANGE_CODE, display: "Stage of change" }], text: "Stage of change" }
    : { coding: [{ system: STAGE_SYSTEM, code: READINESS_RULER_CODE, display: "Readiness ruler, 0–10" }], text: "Readiness ruler" };
}

/** Observation.valueCodeableConcept for a stage. */
export function stageValue(stage: Stage): CodeableConcept {
  return { coding: [{ system: STAGE_SYSTEM, code: stage, display: STAGE_DISPLAY[stage] }], text: STAGE_DISPLAY[stage] };
}

export function writeStageObservation(input: StageInput, ctx: StageWriteContext): Observation {
  const obs = appObservation({
    identifier: ctx.identifier, category: ["survey", "Survey"], code: stageCode(input.kind), patient: ctx.patient, effective: ctx.now, issued: ctx.now, author: ctx.author,
  });
  if (ctx.derivedFrom) obs.derivedFrom = [{ reference: ctx.derivedFrom }];
  if (input.kind === "stage") obs.valueCodeableConcept = stageValue(input.stage);
  else obs.valueInteger = input.score;
  return obs;
}

/** What a stage Observation says: the stage input it records, or why it cannot be read; null when it is not one. */
export function readStageObservation(obs: Observation): { input: StageInput; method: "coded" | "text" | "readiness-ruler" } | { problem: string } | null {
  const kind = kindOf(obs);
  if (!kind) return null;
  const r = kind === "ruler" ? readRuler(obs) : readStageValue(obs);
  if ("problem" in r) return r;
  return {
    input: r.rulerScore !== undefined ? { kind: "ruler", score: r.rulerScore } : { kind: "stage", stage: r.stage },
    method: r.method,
  };
}

/**
 * Readiness ruler score → stage. A ruler measures how ready the person feels, not behaviour already changed, so it
 * never yields action or maintenance (clinical-spec §2):
 *   0–3 → precontemplation, 4–6 → contemplation, 7–10 → preparation.
 */
export const READINESS_RULER_STAGES: readonly { min: number; max: number; stage: Stage }[] = [
  { min: 0, max: 3, stage: "precontemplation" },
  { min: 4, max: 6, stage: "contemplation" },
  { min: 7, max: 10, stage: "preparation" },
];

const STAGES: readonly Stage[] = ["precontemplation", "contemplation", "preparation", "action", "maintenance"];

/** The stage for a ruler score, or undefined when the score is not an integer 0–10. */
export function stageForRulerScore(score: number): Stage | undefined {
  if (!Number.isInteger(score)) return undefined;
  return READINESS_RULER_STAGES.find((r) => score >= r.min && score <= r.max)?.stage;
}

function normalize(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, " ").trim();
}

// "pre-contemplation", "pre contemplation", "precontemplation" (normalize turns "-" into a space). Removed from
// the text before the other stages are looked for, so it is never also read as contemplation.
const PRECONTEMPLATION = /\bpre ?contemplat\w*/g;
const STAGE_WORDS: readonly { re: RegExp; stage: Stage }[] = [
  { re: /\bcontemplat/, stage: "contemplation" },
  { re: /\bprepar/, stage: "preparation" },
  // "Determination" is the name of the preparation stage in the first version of the model.
  { re: /\bdetermination\b/, stage: "preparation" },
  { re: /\baction\b/, stage: "action" },
  { re: /\bmaintenance\b/, stage: "maintenance" },
];

/** The stage named in free text, any letter case; undefined when none or more than one stage is named. */
export function parseStageText(text: string | undefined): Stage | undefined {
  if (typeof text !== "string") return undefined;
  let t = normalize(text);
  const found = new Set<Stage>();
  if (t.search(PRECONTEMPLATION) >= 0) {
    found.add("precontemplation");
    t = t.replace(PRECONTEMPLATION, " ");
  }
  for (const { re, stage } of STAGE_WORDS) if (re.test(t)) found.add(stage);
  return found.size === 1 ? [...found][0] : undefined;
}

function codings(cc: CodeableConcept | undefined) {
  return cc && Array.isArray(cc.coding) ? cc.coding.filter((c) => c && typeof c === "object") : [];
}

function conceptTexts(cc: CodeableConcept | undefined): string[] {
  const out: string[] = [];
  if (cc && typeof cc.text === "string") out.push(cc.text);
  for (const c of codings(cc)) if (typeof c.display === "string") out.push(c.display);
  return out;
}

function hasOurCode(cc: CodeableConcept | undefined, code: string): boolean {
  if (!cc || !Array.isArray(cc.coding)) return false;
  for (const c of cc.coding) if (c && typeof c === "object" && c.system === STAGE_SYSTEM && c.code === code) return true;
  return false;
}

// Every Observation is asked whether it is a stage assessment: the text tests below need "ruler" or "change" in a
// text or display, which this finds without making a string (most Observations are urine test results).
// The texts are few (the displays of the record's codes, repeated on every result): the answers are kept, in a
// bounded memo.
const MAY_NAME_STAGE = /ruler|change/i;
const namesStage = new Map<string, boolean>();
function mayNameText(text: string): boolean {
  let answer = namesStage.get(text);
  if (answer === undefined) {
    answer = MAY_NAME_STAGE.test(text);
    if (namesStage.size >= 512) namesStage.clear();
    namesStage.set(text, answer);
  }
  return answer;
}
function mayNameStage(cc: CodeableConcept | undefined): boolean {
  if (!cc) return false;
  if (typeof cc.text === "string" && mayNameText(cc.text)) return true;
  if (!Array.isArray(cc.coding)) return false;
  for (const c of cc.coding) if (c && typeof c === "object" && typeof c.display === "string" && mayNameText(c.display)) return true;
  return false;
}

export type Kind = "stage-coded" | "stage-text" | "ruler";

export function kindOf(obs: Observation): Kind | undefined {
  if (hasOurCode(obs.code, READINESS_RULER_CODE)) return "ruler";
  if (hasOurCode(obs.code, STAGE_OF_CHANGE_CODE)) return "stage-coded";
  if (!mayNameStage(obs.code)) return undefined;
  const texts = conceptTexts(obs.code).map(normalize);
  if (texts.some((t) => /\breadiness\b.*\bruler\b/.test(t))) return "ruler";
  if (texts.some((t) => /\bstages? of change\b/.test(t) || /\breadiness to change\b/.test(t))) return "stage-text";
  return undefined;
}

export type Reading = { stage: Stage; method: "coded" | "text" | "readiness-ruler"; rulerScore?: number } | { problem: string };

export function readRuler(obs: Observation): Reading {
  let score: unknown = obs.valueInteger;
  if (score === undefined && obs.valueQuantity) score = obs.valueQuantity.value;
  if (score === undefined) return { problem: "a readiness ruler with no valueInteger" };
  if (typeof score !== "number" || !Number.isInteger(score)) return { problem: `readiness ruler score ${JSON.stringify(score)} is not a whole number` };
  const stage = stageForRulerScore(score);
  if (!stage) return { problem: `readiness ruler score ${score} is outside 0–10` };
  return { stage, method: "readiness-ruler", rulerScore: score };
}

export function readStageValue(obs: Observation): Reading {
  const cc = obs.valueCodeableConcept;
  for (const c of codings(cc)) {
    if (c.system === STAGE_SYSTEM && typeof c.code === "string" && (STAGES as string[]).includes(c.code)) {
      return { stage: c.code as Stage, method: "coded" };
    }
  }
  const texts = [...conceptTexts(cc), ...(typeof obs.valueString === "string" ? [obs.valueString] : [])];
  for (const t of texts) {
    const stage = parseStageText(t);
    if (stage) return { stage, method: "text" };
  }
  if (texts.length > 0) return { problem: `the stage "${texts[0]}" is not one of precontemplation, contemplation, preparation, action, maintenance (or names several)` };
  return { problem: "no stage value (valueCodeableConcept or valueString)" };
}

