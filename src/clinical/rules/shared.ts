// What every rule file shares: the rule shapes, the clinician-input refs, and small helpers that phrase the facts
// (stage, MOUD, return to use) the same way in every reason.
import { datePart } from "../dates.ts";
import type {
  ClinicianContext,
  CmStatus,
  Facts,
  MoudFlag,
  MoudMedication,
  Reason,
  RecommendationId,
  Ref,
  Stage,
  Tier,
} from "../types.ts";

export interface Rule {
  id: RecommendationId;
  tier: Tier;
  when(facts: Facts, context: ClinicianContext, cm: CmStatus): Reason | null;
}

/** A rule that reads the first pass's tiers (the safety rules). */
export interface SafetyRule {
  id: RecommendationId;
  tier: Tier;
  when(facts: Facts, context: ClinicianContext, cm: CmStatus, tiers: ReadonlyMap<RecommendationId, Tier>): Reason | null;
}

// Clinician inputs, as refs: defined in ../inputs.ts (one module for every INPUT_*), re-exported for the rule files.
export { INPUT_FAMILY, INPUT_NO_CM, INPUT_OTP, INPUT_PREFERS_NO_MEDICATION } from "../inputs.ts";

export const reason = (text: string, refs: Ref[] = []): Reason => ({ text, refs: [...new Set(refs)] });

/** A reason that holds when the record has an overdose in the last 6 months (§7.4), worded from its date. */
export const onRecentOverdose =
  (text: (date: string, f: Facts) => string) =>
  (f: Facts): Reason | null => {
    const od = f.conditions.recentOverdose;
    return od ? reason(text(od.date, f), [od.ref]) : null;
  };

export function stageRefs(f: Facts): Ref[] {
  return f.stage.source ? [f.stage.source] : [];
}

/** "stage contemplation (recorded 2024-01-05, stale: older than 90 days)" or "stage of change unknown (none recorded)". */
export function describeStage(f: Facts): string {
  const s = f.stage;
  if (s.value === "unknown") return "stage of change unknown (none recorded)";
  const date = datePart(s.observedAt) ?? "date unknown";
  const ruler = s.method === "readiness-ruler" && s.rulerScore !== undefined ? `, readiness ruler ${s.rulerScore}/10` : "";
  return `stage ${s.value} (recorded ${date}${ruler}${s.stale ? ", stale: older than 90 days" : ""})`;
}

export function inStage(f: Facts, ...stages: Stage[]): boolean {
  return f.stage.value !== "unknown" && stages.includes(f.stage.value);
}

export const onMoud = (f: Facts): boolean => f.moud.active.length > 0;

export function listMeds(items: { medication: MoudMedication; request: Ref }[]): string {
  return items.map((m) => `${m.medication} (${m.request})`).join(", ");
}

export function flagsOf(f: Facts, code: MoudFlag["code"]): MoudFlag[] {
  return f.moud.flags.filter((fl) => fl.code === code);
}

export function flagText(flags: MoudFlag[]): string {
  return flags.map((fl) => `${fl.medication}${fl.date ? ` on ${fl.date}` : ""}`).join(", ");
}

export function returnToUseText(f: Facts): string {
  const stageDate = datePart(f.stage.observedAt) ?? "an unknown date";
  return `return to use: an illicit-opioid-positive urine test after the ${f.stage.value} stage recorded ${stageDate}`;
}

export const returnToUseRefs = (f: Facts): Ref[] => [...f.returnToUseRefs, ...stageRefs(f)];

export function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
