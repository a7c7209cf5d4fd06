// The shapes of a plan save (clinical-spec §5): the clinician's draft and the save context. plan.ts builds the
// transaction Bundle from them, plan-validate.ts checks them first.
import type { CarePlan, Goal } from "fhir/r4.js";
import type { ClinicianContext, CmScheduleKind, CmTargetAnalyte, RecommendationId } from "./types.ts";

/** CarePlan.activity.detail.status values a clinician sets (R4 care-plan-activity-status, minus the error codes). */
export type ActivityStatus = "not-started" | "scheduled" | "in-progress" | "on-hold" | "completed" | "cancelled";
export const ACTIVITY_STATUSES: readonly ActivityStatus[] = ["not-started", "scheduled", "in-progress", "on-hold", "completed", "cancelled"];

/** A plan status as stored (R4 request-status minus entered-in-error and unknown). */
export type PlanStatus = "draft" | "active" | "on-hold" | "completed" | "revoked";

/** Goal.lifecycleStatus (R4). */
export type GoalLifecycleStatus = "proposed" | "planned" | "accepted" | "active" | "on-hold" | "completed" | "cancelled" | "rejected";
/** Goal.achievementStatus codes (http://terminology.hl7.org/CodeSystem/goal-achievement). */
export type GoalAchievement =
  | "in-progress"
  | "improving"
  | "worsening"
  | "no-change"
  | "achieved"
  | "sustaining"
  | "not-achieved"
  | "no-progress"
  | "not-attainable";

/** A dated note (CarePlan.activity.progress, Goal.note): an Annotation with a time. */
export interface DatedNote {
  /** YYYY-MM-DD or ISO date-time. */
  time: string;
  text: string;
  /** "Practitioner/ID" etc. when known. */
  author?: string;
}

/**
 * An activity another system wrote as free text (no recommendation code): kept as text, never re-coded.
 * The id is "free:" + a key stable within the plan.
 */
export type FreeActivityId = `free:${string}`;

export interface PlanActivityDraft {
  id: RecommendationId | FreeActivityId;
  title: string;
  /** Clinician-edited activity text (CarePlan.activity.detail.description). */
  text: string;
  /** Default: "scheduled" in an active plan, "not-started" otherwise. */
  status?: ActivityStatus;
  /** Dated progress notes, oldest first (CarePlan.activity.progress). */
  progress?: DatedNote[];
}

export function isFreeActivityId(id: string): id is FreeActivityId {
  return id.startsWith("free:");
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
  activityIds?: (RecommendationId | FreeActivityId)[];
  /** Default: "active" in an active plan, "proposed" otherwise; "cancelled" retires the Goal (never deleted). */
  lifecycleStatus?: GoalLifecycleStatus;
  achievementStatus?: GoalAchievement;
  /** Dated notes, oldest first (Goal.note). */
  notes?: DatedNote[];
  /** Why the lifecycle status changed (Goal.statusReason). */
  statusReason?: string;
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
  status: PlanStatus;
  /** Why the plan was completed, revoked or put on hold (STATUS_REASON_EXTENSION). */
  statusReason?: string;
  /** The clinician context the plan was written under (CLINICIAN_CONTEXT_EXTENSION); read back at the next launch. */
  context?: ClinicianContext;
  title?: string;
  /** YYYY-MM-DD or ISO date-time. */
  period: { start: string; end?: string };
  activities: PlanActivityDraft[];
  goals: PlanGoalDraft[];
  /** Required exactly when the contingency-management activity is chosen. */
  cm?: PlanCmDraft;
  /**
   * "CarePlan/ID" of the plans this one takes over (CarePlan.replaces): another system's plan continued in a new
   * version, or a plan closed in the same save. The older plan stays as it is; readers open the newer one.
   */
  supersedes?: string[];
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
  existing?: {
    id: string;
    versionId: string;
    created?: string;
    /**
     * The plan's Goals as read (with id and meta.versionId). A draft goal whose key matches a stored one is PUT with
     * If-Match only when it changed; a stored goal the draft no longer holds is PUT with lifecycleStatus
     * "cancelled" (retired, never deleted). Without this list every draft goal is a conditional create.
     */
    goals?: Goal[];
  };
  /**
   * Unique to one save and the same for its retries (e.g. a random id made when the user presses Save). The
   * Provenance's conditional key is `${planId}/save/${saveId}`: a retried save never duplicates it, two saves
   * write two. Without it the key is the planId (first save) or `${planId}/${versionId}` (an update).
   */
  saveId?: string;
  /**
   * A new plan replacing the patient's active one: that CarePlan (as read, with id and meta.versionId) is PUT with
   * If-Match in the same transaction, with this status and reason; everything else in it is kept as stored.
   */
  replaces?: { carePlan: CarePlan; status: "completed" | "revoked"; reason: string };
}

export const CM_ACTIVITY_ID: RecommendationId = "contingency-management";
