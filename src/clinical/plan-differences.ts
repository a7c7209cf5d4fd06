// "What changed since this plan" (issue 9): the engine's answer today against a stored plan's activities. Each
// difference carries the engine's reasons (with the resources behind them) and, where one applies, a suggested
// action on the draft (add or retire an activity). Nothing here changes a stored plan: the UI applies an action to
// the draft, and only a save writes it. Pure; `since` is the plan's date (when it was last written).
import type { StoredCarePlan } from "./careplan-resource.ts";
import { datePart } from "./dates.ts";
import { CM_ACTIVITY_ID } from "./plan-types.ts";
import type { Evaluation, Reason, RecommendationId } from "./types.ts";

export type DifferenceKind =
  | "recommended-not-in-plan"
  | "no-longer-recommended"
  | "stage-changed"
  | "return-to-use"
  | "cm-started"
  | "cm-ended"
  | "recent-overdose";

export interface PlanDifference {
  kind: DifferenceKind;
  /** One plain sentence for the clinician. */
  text: string;
  reasons: Reason[];
  /** The change it suggests to the draft; null when it is information only. */
  action: { type: "add" | "retire"; activityId: RecommendationId } | null;
}

/** Plan activities that are still live (not completed or cancelled). */
const LIVE = new Set(["not-started", "scheduled", "in-progress", "on-hold", undefined]);

export function planDifferences(evaluation: Evaluation, plan: StoredCarePlan, since: string): PlanDifference[] {
  const sinceDate = datePart(since) ?? since.slice(0, 10);
  const out: PlanDifference[] = [];
  const live = plan.activities.filter((a) => a.coded && LIVE.has(a.status));
  const inPlan = new Set<string>(live.map((a) => a.id));
  const recs = new Map(evaluation.recommendations.map((r) => [r.id, r]));

  const cm = evaluation.contingencyManagement;
  const planHasCm = inPlan.has(CM_ACTIVITY_ID);
  if (cm.enrolled && cm.source !== plan.ref && !planHasCm && cm.startDate && cm.startDate >= sinceDate)
    out.push({
      kind: "cm-started",
      text: `Contingency management started on ${cm.startDate}; this plan has no contingency-management activity.`,
      reasons: [{ text: "Enrolled in contingency management", refs: cm.source ? [cm.source] : [] }],
      action: { type: "add", activityId: CM_ACTIVITY_ID },
    });
  if (planHasCm && cm.enrolled && cm.completed)
    out.push({
      kind: "cm-ended",
      text: `The ${cm.programWeeks}-week contingency-management program has ended.`,
      reasons: [{ text: "Program weeks completed", refs: cm.source ? [cm.source] : [] }],
      action: { type: "retire", activityId: CM_ACTIVITY_ID },
    });

  const stageDate = datePart(evaluation.stage.observedAt ?? undefined);
  if (evaluation.stage.value !== "unknown" && stageDate && stageDate > sinceDate)
    out.push({
      kind: "stage-changed",
      text: `Stage of change assessed since this plan: ${evaluation.stage.value} (${stageDate}).`,
      reasons: [{ text: `Stage of change: ${evaluation.stage.value}`, refs: evaluation.stage.source ? [evaluation.stage.source] : [] }],
      action: null,
    });
  if (evaluation.returnToUse)
    out.push({
      kind: "return-to-use",
      text: "A return to use after a period of negative tests.",
      reasons: [{ text: "Return to use", refs: [...evaluation.returnToUseRefs] }],
      action: null,
    });
  const od = evaluation.conditions.recentOverdose;
  if (od && od.date >= sinceDate)
    out.push({
      kind: "recent-overdose",
      text: `An opioid overdose on ${od.date}, after this plan was written.`,
      reasons: [{ text: "Recent overdose", refs: [od.ref] }],
      action: inPlan.has("naloxone") ? null : { type: "add", activityId: "naloxone" },
    });

  for (const r of evaluation.recommendations)
    if (r.tier === "primary" && !inPlan.has(r.id) && !out.some((d) => d.action?.type === "add" && d.action.activityId === r.id))
      out.push({ kind: "recommended-not-in-plan", text: `${r.title} is now recommended and is not in this plan.`, reasons: r.reasons, action: { type: "add", activityId: r.id } });
  for (const a of live)
    if (!recs.has(a.id as RecommendationId) && !out.some((d) => d.action?.activityId === a.id))
      out.push({
        kind: "no-longer-recommended",
        text: `${a.title} is no longer among the recommendations.`,
        reasons: [],
        action: { type: "retire", activityId: a.id as RecommendationId },
      });
  return out;
}
