// The recommendation engine (clinical-spec.md §3). Each rule is a row: which recommendation, which tier, and when it
// fires (returning the reason, pointing at the resources or clinician inputs behind it). All rules fire; for each
// recommendation the highest tier wins and every fired reason is kept, primary reasons first. Safety rules run
// second, because they depend on what the first pass decided (e.g. "CM is primary").
// The rule rows live in rules/, one file per theme; this file runs them. Reasons cite the source review ("Opioid use
// disorder: psychosocial management") by section and reference number through cite() (references.ts); text and
// evidence come from catalog.ts.
import { CATALOG } from "./catalog.ts";
import { rankRecommendations } from "./ranking.ts";
import { cite, citeOther } from "./references.ts";
import { cmAims, CM_RULES, cmTarget } from "./rules/contingency.ts";
import { COUNSELING_RULES } from "./rules/counseling.ts";
import { FAMILY_RULES } from "./rules/family.ts";
import { lostToleranceRisk, MEDICATION_RULES, SAFETY_RULES } from "./rules/medication.ts";
import { PSYCHOSOCIAL_RULES } from "./rules/psychosocial.ts";
import { RISK_RULES, riskWarnings } from "./rules/risk.ts";
import { capitalise, returnToUseRefs, returnToUseText } from "./rules/shared.ts";
import type { Rule } from "./rules/shared.ts";
import type {
  ClinicianContext,
  CmStatus,
  EngineWarning,
  Facts,
  Reason,
  Recommendation,
  RecommendationId,
  Tier,
} from "./types.ts";

export { cmAims, cmTarget } from "./rules/contingency.ts";
export { SAFETY_RULES } from "./rules/medication.ts";
export { describeStage, INPUT_FAMILY, INPUT_NO_CM, INPUT_OTP, INPUT_PREFERS_NO_MEDICATION } from "./rules/shared.ts";
export type { Rule, SafetyRule } from "./rules/shared.ts";

/**
 * Every first-pass rule. Each recommendation's rules sit in one theme file, in the order its reasons are listed;
 * the order between themes does not matter (reasons are grouped by recommendation, output follows the catalog).
 */
export const RULES: readonly Rule[] = [
  ...MEDICATION_RULES,
  ...PSYCHOSOCIAL_RULES,
  ...CM_RULES,
  ...FAMILY_RULES,
  ...COUNSELING_RULES,
  ...RISK_RULES,
];

// ---------------------------------------------------------------- evaluation

const TIER_RANK: Record<Tier, number> = { primary: 0, consider: 1 };

interface Fired {
  tier: Tier;
  reason: Reason;
}

function collect(
  fired: Map<RecommendationId, Fired[]>,
  id: RecommendationId,
  tier: Tier,
  r: Reason | null,
): void {
  if (!r) return;
  const list = fired.get(id) ?? [];
  list.push({ tier, reason: r });
  fired.set(id, list);
}

function topTier(list: Fired[]): Tier {
  return list.some((x) => x.tier === "primary") ? "primary" : "consider";
}

/**
 * Run every rule, group by recommendation, keep the highest tier and all reasons (primary reasons first).
 * Output: ranked (ranking.ts, clinical-spec §7.8): primary safety items, stage assessment, the other primary ones in
 * catalog order, then consider ones in catalog order; each with its rank.
 */
export function recommend(
  facts: Facts,
  context: ClinicianContext,
  cm: CmStatus,
): { recommendations: Recommendation[]; warnings: EngineWarning[] } {
  const fired = new Map<RecommendationId, Fired[]>();
  for (const rule of RULES) collect(fired, rule.id, rule.tier, rule.when(facts, context, cm));

  const tiers = new Map<RecommendationId, Tier>([...fired].map(([id, list]) => [id, topTier(list)]));
  for (const rule of SAFETY_RULES) collect(fired, rule.id, rule.tier, rule.when(facts, context, cm, tiers));

  const recommendations: Omit<Recommendation, "rank">[] = [];
  for (const entry of CATALOG) {
    const list = fired.get(entry.id);
    if (!list?.length) continue;
    const ordered = [...list].sort((a, b) => TIER_RANK[a.tier] - TIER_RANK[b.tier]); // stable: table order kept
    const rec: Omit<Recommendation, "rank"> = {
      id: entry.id,
      tier: topTier(list),
      title: entry.title,
      activity: entry.activity,
      reasons: ordered.map((x) => x.reason),
      evidence: entry.evidence.map((e) => ({ ...e, refs: [...e.refs] })),
    };
    if (entry.id === "contingency-management") {
      rec.target = cmTarget(cm);
      const aims = cmAims(facts, context);
      if (aims.length) rec.aims = aims;
    }
    recommendations.push(rec);
  }

  const warnings: EngineWarning[] = riskWarnings(facts);
  const risk = lostToleranceRisk(facts, context, cm, tiers);
  if (risk) {
    warnings.push({
      code: "overdose-risk-lost-tolerance",
      message:
        `No active MOUD while ${risk.because.join(" and ")}. After a period without opioids tolerance is lower, ` +
        `so a return to use can cause a fatal overdose ${citeOther("samhsa-2025")}. Make sure the patient and family ` +
        `have naloxone and overdose education ${cite("Family involvement and education")}, and keep offering MOUD. ` +
        "This is a caution, not a block: CM also works alongside psychosocial treatment alone " +
        `${cite("Psychosocial treatment alone", [62])}.`,
      refs: risk.refs,
    });
  }
  if (facts.returnToUse) {
    warnings.push({
      code: "return-to-use",
      message:
        `${capitalise(returnToUseText(facts))}. Stage changes are common: review the stage and the plan together ` +
        `with the patient ${cite("Selecting psychotherapy")}.`,
      refs: returnToUseRefs(facts),
    });
  }
  return { recommendations: rankRecommendations(recommendations, warnings), warnings };
}
