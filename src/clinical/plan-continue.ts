// Continuing a stored plan (issue 9): a stored CarePlan with its Goals and Provenances → what the editor shows.
// A plan this app wrote opens as an editable draft (and the `existing` a save needs: PUT with If-Match on the
// versions read); a plan another system wrote opens read-only, with continueInNewVersion() copying what can be
// kept into a new draft (free-text activities stay free text, goals become new goals referring to nothing of
// theirs; the original is never changed). Pure; never throws.
import type { CarePlan, Goal, Provenance } from "fhir/r4.js";
import { readCarePlan, supersededByActive, type StoredActivity, type StoredCarePlan } from "./careplan-resource.ts";
import { readGoal, type StoredGoal } from "./goal-resource.ts";
import type { PlanActivityDraft, PlanDraft, PlanGoalDraft, PlanStatus } from "./plan-types.ts";
import { provenancesFor, type StoredProvenance } from "./provenance-resource.ts";

const EDITABLE: readonly PlanStatus[] = ["draft", "active", "on-hold", "completed", "revoked"];
/** The statuses listed to the clinician (entered-in-error and unknown are not). */
export const LISTED_STATUSES: readonly string[] = EDITABLE;

export interface StoredPlanView {
  plan: StoredCarePlan;
  /** The plan's Goals (those CarePlan.goal references), in the plan's order. */
  goals: StoredGoal[];
  /** Provenances of the plan, newest first. */
  provenances: StoredProvenance[];
  /** Who wrote it: the latest Provenance's people and software, else CarePlan.author. */
  writtenBy: string[];
  /** When it was last written: the latest Provenance's recorded, else meta.lastUpdated, else created. */
  writtenAt: string | null;
  /** Written by this app with a status the editor sets: opens as an editable draft. */
  editable: boolean;
  /** The editable draft (null when read-only). */
  draft: PlanDraft | null;
  /** What a save of the draft needs (PlanContext.existing); null when read-only. */
  existing: { id: string; versionId: string; created?: string; goals: Goal[] } | null;
}

function activityDraft(a: StoredActivity, id = a.id): PlanActivityDraft {
  const out: PlanActivityDraft = { id, title: a.title, text: a.text };
  if (a.status) out.status = a.status;
  if (a.progress) out.progress = a.progress.map((n) => ({ ...n }));
  return out;
}

/** The editor's view of one stored plan. */
export function planFromStored(carePlan: CarePlan, goals: Goal[], provenances: Provenance[]): StoredPlanView {
  const plan = readCarePlan(carePlan);
  const byRef = new Map(goals.filter((g) => g?.id).map((g) => [`Goal/${g.id}`, g]));
  const planGoals = plan.goalRefs.map((r) => byRef.get(r)).filter((g): g is Goal => g !== undefined);
  const stored = planGoals.map(readGoal);
  const provs = provenancesFor(plan.ref, provenances);
  const latest = provs[0];
  const writtenBy = latest ? [...latest.agentLabels] : plan.author ? [plan.author] : [];
  const writtenAt = latest?.recorded ?? plan.lastUpdated ?? plan.created ?? null;
  const editable = plan.ours && plan.id !== null && plan.versionId !== null && EDITABLE.includes(plan.status as PlanStatus) && plan.period !== null;

  let draft: PlanDraft | null = null;
  if (editable) {
    const goalDrafts: PlanGoalDraft[] = stored.map((g) => {
      const activityIds = plan.activities.filter((a) => a.goalRefs.includes(g.ref)).map((a) => a.id);
      return activityIds.length ? { ...g.draft, activityIds } : { ...g.draft };
    });
    draft = {
      planId: plan.planId!,
      status: plan.status as PlanStatus,
      period: { ...plan.period! },
      activities: plan.activities.map((a) => activityDraft(a)),
      goals: goalDrafts,
    };
    if (plan.title !== undefined) draft.title = plan.title;
    if (plan.statusReason !== undefined) draft.statusReason = plan.statusReason;
    if (plan.context) draft.context = { ...plan.context };
    if (plan.cm) draft.cm = { ...plan.cm, description: [...plan.cm.description] };
    if (plan.replaces.length) draft.supersedes = [...plan.replaces];
  }
  return {
    plan,
    goals: stored,
    provenances: provs,
    writtenBy,
    writtenAt,
    editable,
    draft,
    existing: editable ? { id: plan.id!, versionId: plan.versionId!, ...(plan.created ? { created: plan.created } : {}), goals: planGoals } : null,
  };
}

/**
 * "Continue in a new version": a new draft copying what can be kept from a stored plan (another system's, or ours).
 * Activities with our recommendation code stay coded; every other activity is a free-text activity with its text;
 * goals become new goals (keys g1, g2, …) starting `today`, linked to the copied activities, with no reference to the
 * stored Goals; statuses restart (active plan, activities and goals at their defaults); progress notes and goal notes
 * are kept. The stored plan is not touched.
 */
export function continueInNewVersion(view: StoredPlanView, o: { planId: string; today: string }): PlanDraft {
  const seen = new Set<string>();
  const activities: PlanActivityDraft[] = [];
  const idOf = new Map<StoredActivity, PlanActivityDraft["id"]>();
  view.plan.activities.forEach((a, i) => {
    let id: PlanActivityDraft["id"] = a.coded ? a.id : `free:a${i + 1}`;
    if (seen.has(id)) id = `free:a${i + 1}`;
    seen.add(id);
    idOf.set(a, id);
    const copy = activityDraft(a, id);
    delete copy.status;
    activities.push(copy);
  });
  const goals: PlanGoalDraft[] = view.goals
    .filter((g) => g.draft.lifecycleStatus !== "cancelled" && g.draft.lifecycleStatus !== "rejected" && g.draft.description.trim())
    .map((g, i) => {
      const linked = view.plan.activities.filter((a) => a.goalRefs.includes(g.ref)).map((a) => idOf.get(a)!);
      const goal: PlanGoalDraft = { key: `g${i + 1}`, description: g.draft.description, startDate: o.today };
      if (g.draft.dueDate && g.draft.dueDate >= o.today) goal.dueDate = g.draft.dueDate;
      if (linked.length) goal.activityIds = linked;
      if (g.draft.notes) goal.notes = g.draft.notes.map((n) => ({ ...n }));
      return goal;
    });
  const draft: PlanDraft = { planId: o.planId, status: "active", period: { start: o.today }, activities, goals };
  if (view.plan.title) draft.title = view.plan.title;
  if (view.plan.context) draft.context = { ...view.plan.context };
  if (view.plan.cm && activities.some((a) => a.id === "contingency-management")) draft.cm = { ...view.plan.cm, description: [] };
  // The new version names the plan it continues (CarePlan.replaces), which is never changed itself.
  if (view.plan.id) draft.supersedes = [view.plan.ref];
  return draft;
}

/** The patient's plans as listed (active, on-hold, draft, completed, revoked), newest first. */
export function listPlans(carePlans: CarePlan[], goals: Goal[], provenances: Provenance[]): StoredPlanView[] {
  return carePlans
    .filter((cp) => cp?.resourceType === "CarePlan" && LISTED_STATUSES.includes(cp.status))
    .map((cp) => planFromStored(cp, goals, provenances))
    .sort((a, b) => (b.writtenAt ?? "").localeCompare(a.writtenAt ?? "") || (b.plan.id ?? "").localeCompare(a.plan.id ?? ""));
}

/**
 * The plan the editor opens by default: the one active plan, when there is exactly one; else null (the user picks).
 * An active plan that another active plan takes over (CarePlan.replaces: another system's plan continued in a new
 * version, which this app never changes) does not count: the newer one opens.
 */
export function defaultPlan(views: StoredPlanView[]): StoredPlanView | null {
  const replaced = supersededByActive(views.map((v) => v.plan));
  const current = views.filter((v) => v.plan.status === "active" && !replaced.has(v.plan.ref));
  return current.length === 1 ? current[0]! : null;
}
