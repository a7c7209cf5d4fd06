// Stage of change: the latest stage-of-change Observation (clinical-spec §1–§2).
// Three ways a stage is written:
//   coded  — our code (STAGE_SYSTEM "stage-of-change") with our stage code as the value;
//   text   — how EHRs store it without our codes: the code's text or a display says "stage of change" or
//            "readiness to change", and the stage is written in valueString, valueCodeableConcept.text or a display;
//   ruler  — a readiness ruler score 0–10 (our "readiness-ruler" code, or code.text "Readiness ruler").
// Pure; never throws.
import type { Observation } from "fhir/r4.js";
import { datePart, daysBetween } from "./dates.ts";
import { refOf, type PatientRecord } from "./record.ts";
import { kindOf, readRuler, readStageValue, type Reading } from "./stage-observation.ts";
import type { EngineWarning, Stage, StageFact } from "./types.ts";

export { parseStageText, READINESS_RULER_STAGES, stageForRulerScore } from "./stage-observation.ts";

/** A stage that stays this many days old is still current; one day more is stale. */
export const STAGE_STALE_AFTER_DAYS = 90;

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

const COUNTED_STATUS = new Set(["final", "amended", "corrected"]);

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

export const UNKNOWN_STAGE: StageFact = { value: "unknown", observedAt: null, stale: false, source: null, method: null };

/** The latest stage of change in the record at `now` (YYYY-MM-DD), with warnings for unreadable assessments. */
export function readStage(record: Pick<PatientRecord, "observations">, now: string): { stage: StageFact; warnings: EngineWarning[] } {
  const warnings: EngineWarning[] = [];
  let best: Candidate | undefined;
  const observations = record.observations;
  // An indexed loop: for…of makes an iterator result per Observation until the loop is optimized.
  for (let i = 0; i < observations.length; i++) {
    const obs = observations[i]!;
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
