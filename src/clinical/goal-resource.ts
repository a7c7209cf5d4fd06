// The Goal as this app writes and reads it (one module for both directions).
//
// Written form (NORMATIVE: readGoal reads it back identically): identifier {GOAL_ID_SYSTEM, `${planId}/${key}`},
// meta.security = the 42 CFR Part 2 labels, meta.tag {SAVE_TAG_SYSTEM, planId}, lifecycleStatus (default "active"
// in an active plan, else "proposed"; "cancelled" retires a goal, which is never deleted), achievementStatus
// (goal-achievement code), description.text, subject, startDate, target[0].dueDate, expressedBy, statusReason,
// note[] (dated notes: time + text + authorReference).
//
// Read forms: the above, and Goals other systems write (no identifier of ours: `key` null; description as a coding
// display; no achievementStatus; achievementStatus as text only; start as startCodeableConcept is ignored).
import type { Goal } from "fhir/r4.js";
import { GOAL_ACHIEVEMENT_SYSTEM, GOAL_ID_SYSTEM, SAVE_TAG_SYSTEM, SECURITY_LABELS } from "./codes.ts";
import { readNote, writeNote } from "./careplan-resource.ts";
import type { DatedNote, GoalAchievement, GoalLifecycleStatus, PlanGoalDraft, PlanStatus } from "./plan-types.ts";

export const GOAL_ACHIEVEMENT_DISPLAY: Record<GoalAchievement, string> = {
  "in-progress": "In Progress",
  improving: "Improving",
  worsening: "Worsening",
  "no-change": "No Change",
  achieved: "Achieved",
  sustaining: "Sustaining",
  "not-achieved": "Not Achieved",
  "no-progress": "No Progress",
  "not-attainable": "Not Attainable",
};
const LIFECYCLE: readonly GoalLifecycleStatus[] = ["proposed", "planned", "accepted", "active", "on-hold", "completed", "cancelled", "rejected"];

export function defaultGoalLifecycle(planStatus: PlanStatus): GoalLifecycleStatus {
  return planStatus === "active" ? "active" : "proposed";
}

export interface GoalWriteContext {
  planId: string;
  planStatus: PlanStatus;
  /** "Patient/ID". */
  patient: string;
  author: string | null;
  /** The stored id when updating (PUT). */
  id?: string;
}

export function goalIdentifierValue(planId: string, key: string): string {
  return `${planId}/${key}`;
}

export function writeGoal(g: PlanGoalDraft, ctx: GoalWriteContext): Goal {
  const goal: Goal = {
    resourceType: "Goal",
    ...(ctx.id ? { id: ctx.id } : {}),
    meta: { security: SECURITY_LABELS.map((s) => ({ ...s })), tag: [{ system: SAVE_TAG_SYSTEM, code: ctx.planId }] },
    identifier: [{ system: GOAL_ID_SYSTEM, value: goalIdentifierValue(ctx.planId, g.key) }],
    lifecycleStatus: g.lifecycleStatus ?? defaultGoalLifecycle(ctx.planStatus),
    description: { text: g.description.trim() },
    subject: { reference: ctx.patient },
    startDate: g.startDate,
  };
  if (g.achievementStatus)
    goal.achievementStatus = {
      coding: [{ system: GOAL_ACHIEVEMENT_SYSTEM, code: g.achievementStatus, display: GOAL_ACHIEVEMENT_DISPLAY[g.achievementStatus] }],
      text: GOAL_ACHIEVEMENT_DISPLAY[g.achievementStatus],
    };
  if (g.dueDate) goal.target = [{ dueDate: g.dueDate }];
  if (ctx.author) goal.expressedBy = { reference: ctx.author };
  if (g.statusReason?.trim()) goal.statusReason = g.statusReason.trim();
  if (g.notes?.length) goal.note = g.notes.map(writeNote);
  return goal;
}

export interface StoredGoal {
  /** "Goal/ID". */
  ref: string;
  id: string | null;
  versionId: string | null;
  /** Our plan id and goal key from the identifier; null for a goal another system wrote. */
  planId: string | null;
  key: string | null;
  ours: boolean;
  /** The goal as a draft (key: ours, else "goal-" + id). activityIds are filled in by the plan reader. */
  draft: PlanGoalDraft;
  /** An achievementStatus another system wrote as text only (no goal-achievement code). */
  achievementText?: string;
}

function achievementOf(goal: Goal): { code?: GoalAchievement; text?: string } {
  const cc = goal.achievementStatus;
  if (!cc) return {};
  const code = cc.coding?.find((c) => c?.system === GOAL_ACHIEVEMENT_SYSTEM && typeof c.code === "string" && Object.hasOwn(GOAL_ACHIEVEMENT_DISPLAY, c.code))?.code;
  if (code) return { code: code as GoalAchievement };
  const text = cc.text ?? cc.coding?.find((c) => typeof c?.display === "string")?.display;
  return typeof text === "string" ? { text } : {};
}

/** A Goal as a draft goal plus where it came from. Never throws. */
export function readGoal(goal: Goal): StoredGoal {
  const value = (goal.identifier ?? []).find((i) => i?.system === GOAL_ID_SYSTEM && typeof i.value === "string")?.value;
  const slash = value ? value.lastIndexOf("/") : -1;
  const planId = value && slash > 0 ? value.slice(0, slash) : null;
  const key = value && slash > 0 ? value.slice(slash + 1) : null;
  const description =
    goal.description?.text ?? goal.description?.coding?.find((c) => typeof c?.display === "string")?.display ?? "";
  const draft: PlanGoalDraft = {
    key: key ?? `goal-${goal.id ?? "new"}`,
    description,
    startDate: typeof goal.startDate === "string" ? goal.startDate : "",
  };
  const due = goal.target?.find((t) => typeof t?.dueDate === "string")?.dueDate;
  if (due) draft.dueDate = due;
  if (LIFECYCLE.includes(goal.lifecycleStatus as GoalLifecycleStatus)) draft.lifecycleStatus = goal.lifecycleStatus as GoalLifecycleStatus;
  const achievement = achievementOf(goal);
  if (achievement.code) draft.achievementStatus = achievement.code;
  if (typeof goal.statusReason === "string") draft.statusReason = goal.statusReason;
  const notes = (goal.note ?? []).map(readNote).filter((n): n is DatedNote => n !== null);
  if (notes.length) draft.notes = notes;
  const out: StoredGoal = {
    ref: `Goal/${goal.id ?? "?"}`,
    id: goal.id ?? null,
    versionId: goal.meta?.versionId ?? null,
    planId,
    key,
    ours: key !== null,
    draft,
  };
  if (achievement.text) out.achievementText = achievement.text;
  return out;
}
