// Stage of change: the latest stage-of-change Observation (clinical-spec §1–§2).
// Three ways a stage is written:
//   coded  — our code (STAGE_SYSTEM "stage-of-change") with our stage code as the value;
//   text   — how EHRs store it without our codes: the code's text or a display says "stage of change" or
//            "readiness to change", and the stage is written in valueString, valueCodeableConcept.text or a display;
//   ruler  — a readiness ruler score 0–10 (our "readiness-ruler" code, or code.text "Readiness ruler").
// Pure; never throws.
import type { CodeableConcept, Observation } from "fhir/r4.js";
import { READINESS_RULER_CODE, STAGE_OF_CHANGE_CODE, STAGE_SYSTEM } from "./codes.ts";
import { datePart, daysBetween } from "./dates.ts";
import { refOf, type PatientRecord } from "./record.ts";
import type { EngineWarning, Stage, StageFact } from "./types.ts";

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

/** A stage that stays this many days old is still current; one day more is stale. */
export const STAGE_STALE_AFTER_DAYS = 90;

const STAGES: readonly Stage[] = ["precontemplation", "contemplation", "preparation", "action", "maintenance"];
const COUNTED_STATUS = new Set(["final", "amended", "corrected"]);

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
const MAY_NAME_STAGE = /ruler|change/i;
function mayNameStage(cc: CodeableConcept | undefined): boolean {
  if (!cc) return false;
  if (typeof cc.text === "string" && MAY_NAME_STAGE.test(cc.text)) return true;
  if (!Array.isArray(cc.coding)) return false;
  for (const c of cc.coding) if (c && typeof c === "object" && typeof c.display === "string" && MAY_NAME_STAGE.test(c.display)) return true;
  return false;
}

type Kind = "stage-coded" | "stage-text" | "ruler";

function kindOf(obs: Observation): Kind | undefined {
  if (hasOurCode(obs.code, READINESS_RULER_CODE)) return "ruler";
  if (hasOurCode(obs.code, STAGE_OF_CHANGE_CODE)) return "stage-coded";
  if (!mayNameStage(obs.code)) return undefined;
  const texts = conceptTexts(obs.code).map(normalize);
  if (texts.some((t) => /\breadiness\b.*\bruler\b/.test(t))) return "ruler";
  if (texts.some((t) => /\bstages? of change\b/.test(t) || /\breadiness to change\b/.test(t))) return "stage-text";
  return undefined;
}

/** The effective date-time as written: effectiveDateTime, effectivePeriod.start or effectiveInstant. */
function effectiveOf(obs: Observation): string | undefined {
  const v = obs.effectiveDateTime ?? obs.effectivePeriod?.start ?? obs.effectiveInstant;
  return typeof v === "string" && datePart(v) !== null ? v : undefined;
}

interface Candidate {
  obs: Observation;
  ref: string;
  at: string;
  stage: Stage;
  method: "coded" | "text" | "readiness-ruler";
  rulerScore?: number;
}

type Reading = { stage: Stage; method: "coded" | "text" | "readiness-ruler"; rulerScore?: number } | { problem: string };

function readRuler(obs: Observation): Reading {
  let score: unknown = obs.valueInteger;
  if (score === undefined && obs.valueQuantity) score = obs.valueQuantity.value;
  if (score === undefined) return { problem: "a readiness ruler with no valueInteger" };
  if (typeof score !== "number" || !Number.isInteger(score)) return { problem: `readiness ruler score ${JSON.stringify(score)} is not a whole number` };
  const stage = stageForRulerScore(score);
  if (!stage) return { problem: `readiness ruler score ${score} is outside 0–10` };
  return { stage, method: "readiness-ruler", rulerScore: score };
}

function readStageValue(obs: Observation): Reading {
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

function hasTime(v: string): boolean {
  return v.length > 10 && v.includes("T");
}

function instant(v: string): number {
  // A time without a zone is not valid FHIR; read it as UTC so the result never depends on the machine.
  const withZone = /(Z|[+-]\d{2}:\d{2})$/.test(v) ? v : `${v}Z`;
  return Date.parse(withZone);
}

/** Compares effective date-times: full instants when both have times, otherwise the dates as written. */
function compareEffective(a: string, b: string): number {
  if (hasTime(a) && hasTime(b)) {
    const x = instant(a);
    const y = instant(b);
    if (!Number.isNaN(x) && !Number.isNaN(y)) return Math.sign(x - y);
  }
  const da = datePart(a) ?? "";
  const db = datePart(b) ?? "";
  return da < db ? -1 : da > db ? 1 : 0;
}

function issuedOf(obs: Observation): number {
  const t = typeof obs.issued === "string" ? instant(obs.issued) : Number.NaN;
  return Number.isNaN(t) ? -Infinity : t;
}

/** > 0 when a is the later (preferred) stage reading. Ties: a written stage beats a ruler, then later issued, then id. */
function compareCandidates(a: Candidate, b: Candidate): number {
  const byDate = compareEffective(a.at, b.at);
  if (byDate !== 0) return byDate;
  const rank = (c: Candidate) => (c.method === "readiness-ruler" ? 0 : 1);
  if (rank(a) !== rank(b)) return rank(a) - rank(b);
  const ia = issuedOf(a.obs);
  const ib = issuedOf(b.obs);
  if (ia !== ib) return ia > ib ? 1 : -1;
  const ida = a.obs.id ?? "";
  const idb = b.obs.id ?? "";
  return ida < idb ? -1 : ida > idb ? 1 : 0;
}

export const UNKNOWN_STAGE: StageFact = { value: "unknown", observedAt: null, stale: false, source: null, method: null };

/** The latest stage of change in the record at `now` (YYYY-MM-DD), with warnings for unreadable assessments. */
export function readStage(record: Pick<PatientRecord, "observations">, now: string): { stage: StageFact; warnings: EngineWarning[] } {
  const warnings: EngineWarning[] = [];
  let best: Candidate | undefined;
  for (const obs of record.observations) {
    if (!obs || typeof obs !== "object") continue;
    const kind = kindOf(obs);
    if (!kind) continue;
    if (!COUNTED_STATUS.has(obs.status)) continue;
    const ref = refOf(obs);
    const reading = kind === "ruler" ? readRuler(obs) : readStageValue(obs);
    if ("problem" in reading) {
      warnings.push({ code: "malformed-resource", message: `${ref}: ${reading.problem}; this stage-of-change assessment was skipped.`, refs: [ref] });
      continue;
    }
    const at = effectiveOf(obs);
    if (!at) {
      warnings.push({ code: "malformed-resource", message: `${ref}: a stage-of-change assessment with no valid effective date; skipped.`, refs: [ref] });
      continue;
    }
    const cand: Candidate = { obs, ref, at, ...reading };
    if (!best || compareCandidates(cand, best) > 0) best = cand;
  }
  if (!best) return { stage: { ...UNKNOWN_STAGE }, warnings };
  const date = datePart(best.at)!;
  const stage: StageFact = {
    value: best.stage,
    observedAt: best.at,
    stale: daysBetween(date, now) > STAGE_STALE_AFTER_DAYS,
    source: best.ref,
    method: best.method,
  };
  if (best.rulerScore !== undefined) stage.rulerScore = best.rulerScore;
  return { stage, warnings };
}
