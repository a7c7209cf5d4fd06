// The shapes of a plan save (clinical-spec §5): the clinician's draft and the save context. plan.ts builds the
// transaction Bundle from them, plan-validate.ts checks them first.
import type { CmScheduleKind, CmTargetAnalyte, RecommendationId } from "./types.ts";

export interface PlanActivityDraft {
  id: RecommendationId;
  title: string;
  /** Clinician-edited activity text (CarePlan.activity.detail.description). */
  text: string;
}

export interface PlanGoalDraft {
  /** Stable within the plan (letters, digits, ".", "_", "-"); the Goal identifier is `${planId}/${key}`. */
  key: string;
  description: string;
  /** YYYY-MM-DD. */
  startDate: string;
  /** YYYY-MM-DD, not before startDate. */
  dueDate?: string;
  /** Activities this goal belongs to (activity.detail.goal). */
  activityIds?: RecommendationId[];
}

export interface PlanCmDraft {
  schedule: CmScheduleKind;
  /** YYYY-MM-DD, first day of week 1. */
  startDate: string;
  /** Program length in weeks (1–52). */
  weeks: number;
  /** Plain-language lines describing the schedule, shown in the narrative. */
  description: string[];
  /**
   * What the weeks are scored on (clinical-spec §7.6): written in the CM activity (CM_TARGET_EXTENSION, one per
   * analyte class) and read back as the enrolment's target. Absent: nothing recorded (the default applies).
   */
  target?: CmTargetAnalyte[];
}

export interface PlanDraft {
  /** Business identifier value; stable across retries of one save (letters, digits, ".", "_", "-"; ≤ 64). */
  planId: string;
  status: "draft" | "active";
  title?: string;
  /** YYYY-MM-DD or ISO date-time. */
  period: { start: string; end?: string };
  activities: PlanActivityDraft[];
  goals: PlanGoalDraft[];
  /** Required exactly when the contingency-management activity is chosen. */
  cm?: PlanCmDraft;
}

export interface PlanContext {
  /** "Patient/ID". */
  patient: string;
  /** "Condition/ID" → CarePlan.addresses. */
  oudCondition?: string;
  /** The signed-in user from fhirUser, e.g. "Practitioner/dr-1"; null when unknown. */
  author: string | null;
  /** ISO date-time of the save, with seconds and zone (CarePlan.created, Provenance.recorded). */
  now: string;
  app: { name: string; version: string };
  /**
   * Update an existing CarePlan (PUT with If-Match). `created` is the stored CarePlan.created, kept on update
   * (a PUT replaces the resource); without it `now` is written.
   */
  existing?: { id: string; versionId: string; created?: string };
}

export const CM_ACTIVITY_ID: RecommendationId = "contingency-management";
