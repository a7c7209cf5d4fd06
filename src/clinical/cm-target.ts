// What contingency management scores (clinical-spec §7.6): CM reinforces what urine tests confirm. The target is
// abstinence from illicit opioids, plus stimulants (cocaine, amphetamine) when the target includes them. The choice
// comes from the user (input), from the CM activity of a CarePlan the app wrote (plan), or by default: stimulants are
// included when a stimulant-positive test lies in the 30 days up to the CM start date (today when not enrolled).
// MOUD initiation, adherence and attendance are aims written in the plan, never scored from tests. Pure.
import { addDays, datePart } from "./dates.ts";
import { STIMULANT_ANALYTES } from "./types.ts";
import type { Analyte, CmTarget, CmTargetAnalyte, Ref, UdsTest } from "./types.ts";
import { classSummary } from "./uds.ts";

export const CM_TARGET_ANALYTES: readonly CmTargetAnalyte[] = ["opioids", "stimulants"];
/** Stimulant use "at enrolment": a stimulant-positive test dated on or after start − 30 days, up to the start. */
export const CM_TARGET_LOOKBACK_DAYS = 30;

const STIMULANT = new Set<Analyte>(STIMULANT_ANALYTES);

export function isCmTargetAnalyte(x: unknown): x is CmTargetAnalyte {
  return typeof x === "string" && (CM_TARGET_ANALYTES as readonly string[]).includes(x);
}

/** ["opioids"] or ["opioids", "stimulants"] (in any order): a target a user or a plan may give. */
export function isValidCmTarget(x: unknown): x is CmTargetAnalyte[] {
  return Array.isArray(x) && x.includes("opioids") && x.every(isCmTargetAnalyte);
}

/** Opioids always; stimulants when listed. The result is in canonical order, without repeats. */
export function normaliseCmTarget(analytes: readonly CmTargetAnalyte[]): CmTargetAnalyte[] {
  return analytes.includes("stimulants") ? ["opioids", "stimulants"] : ["opioids"];
}

/**
 * "opioids" or "opioids,stimulants" (the CLI's --cm-target) → the analytes; null when the text is not one of those
 * (an unknown word, stimulants without opioids, a repeat or an empty part).
 */
export function parseCmTarget(text: string): CmTargetAnalyte[] | null {
  const parts = text.split(",").map((p) => p.trim().toLowerCase());
  if (parts[0] !== "opioids" || new Set(parts).size !== parts.length || !parts.every(isCmTargetAnalyte)) return null;
  return normaliseCmTarget(parts);
}

/** Counted stimulant-positive results dated in [start − 30 days, start] and not after `now`. */
function stimulantRefsBefore(tests: readonly UdsTest[], start: string, now: string): Ref[] {
  const from = addDays(start, -CM_TARGET_LOOKBACK_DAYS);
  const to = start < now ? start : now;
  const refs = new Set<Ref>();
  for (const t of tests) {
    if (t.date < from || t.date > to) continue;
    for (const a of t.analytes) if (a.counted && STIMULANT.has(a.analyte) && a.result === "positive" && !a.prescribed) refs.add(a.source);
  }
  return [...refs];
}

export interface CmTargetInput {
  /** The user's choice (CLI --cm-target, EvaluateOptions.cmTarget). */
  input?: readonly CmTargetAnalyte[];
  /** The choice recorded in the CM activity of the enrolling CarePlan (null: none recorded). */
  plan?: readonly CmTargetAnalyte[] | null;
  tests: readonly UdsTest[];
  /** CM start date (YYYY-MM-DD); null when not enrolled (today is used). */
  start: string | null;
  now: string;
}

/** The target: the user's choice, else the plan's, else the default judged on the 30 days up to the start. */
export function resolveCmTarget(x: CmTargetInput): CmTarget {
  if (x.input?.length) return { analytes: normaliseCmTarget(x.input), source: "input", refs: [] };
  if (x.plan?.length) return { analytes: normaliseCmTarget(x.plan), source: "plan", refs: [] };
  const refs = stimulantRefsBefore(x.tests, datePart(x.start) ?? x.now, x.now);
  return { analytes: refs.length ? ["opioids", "stimulants"] : ["opioids"], source: "default", refs };
}

/**
 * How one test judges a CM week on the target: "positive" when any target class is positive, "negative" when a
 * target class was read negative and none positive, null when no target analyte was read positive or negative
 * (not tested, or only indeterminate: such a test does not judge the week). Each class is summarised as the
 * opioid summary is (uds.ts classSummary): a prescribed positive is not illicit use, preliminary results never count.
 */
export function targetOutcome(test: UdsTest, target: CmTarget): "positive" | "negative" | null {
  const classes = [test.opioid];
  if (target.analytes.includes("stimulants")) classes.push(classSummary(test.analytes, STIMULANT));
  if (classes.includes("positive")) return "positive";
  if (classes.includes("negative")) return "negative";
  return null;
}
