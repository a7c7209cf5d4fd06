// The clinician's plan draft as React state: pure data and a reducer, so edits survive re-renders and
// re-evaluations (choices are overrides on top of the current recommendations: a recommendation that appears after
// a context toggle starts preselected when it is primary, and nothing the clinician typed is lost).
// The planId is made once per draft and kept across retries of a save, so a retried save never duplicates.
import type { PlanDraft, PlanGoalDraft } from "../clinical/plan.ts";
import type { CmScheduleKind, Evaluation, Recommendation, RecommendationId } from "../clinical/types.ts";

export interface GoalDraftState {
  key: string;
  description: string;
  /** YYYY-MM-DD or "" for none. */
  dueDate: string;
  activityIds: RecommendationId[];
}

export interface DraftState {
  planId: string;
  title: string;
  status: "draft" | "active";
  /** YYYY-MM-DD. */
  periodStart: string;
  /** YYYY-MM-DD or "". */
  periodEnd: string;
  /** The clinician's choices; a recommendation with no entry is chosen when it is primary. */
  chosen: Partial<Record<RecommendationId, boolean>>;
  /** Edited activity texts; a recommendation with no entry uses its default text. */
  texts: Partial<Record<RecommendationId, string>>;
  goals: GoalDraftState[];
  nextGoal: number;
  /** CM program length in weeks. */
  cmWeeks: number;
  /** Set by the first save attempt and reused by its retries (CarePlan.created; a retry sends the same Bundle). */
  firstSaveAt: string | null;
  /** After a successful save: the stored CarePlan, so the next save updates it (PUT with If-Match). */
  existing: { id: string; versionId: string; created?: string } | null;
}

export type DraftAction =
  | { type: "choose"; id: RecommendationId; chosen: boolean }
  | { type: "text"; id: RecommendationId; text: string }
  | { type: "title"; title: string }
  | { type: "status"; status: "draft" | "active" }
  | { type: "period"; start?: string; end?: string }
  | { type: "add-goal"; description?: string; activityIds?: RecommendationId[] }
  | { type: "goal"; key: string; description?: string; dueDate?: string }
  | { type: "remove-goal"; key: string }
  | { type: "cm-weeks"; weeks: number }
  | { type: "save-attempt"; at: string }
  | { type: "saved"; existing: { id: string; versionId: string; created?: string } }
  | { type: "overwrite"; versionId: string }
  | { type: "new-plan"; planId: string; today: string };

export function newDraft(planId: string, today: string, cmWeeks = 12): DraftState {
  return {
    planId,
    title: "",
    status: "draft",
    periodStart: today,
    periodEnd: "",
    chosen: {},
    texts: {},
    goals: [],
    nextGoal: 1,
    cmWeeks,
    firstSaveAt: null,
    existing: null,
  };
}

export function draftReducer(state: DraftState, action: DraftAction): DraftState {
  switch (action.type) {
    case "choose":
      return { ...state, chosen: { ...state.chosen, [action.id]: action.chosen } };
    case "text":
      return { ...state, texts: { ...state.texts, [action.id]: action.text } };
    case "title":
      return { ...state, title: action.title };
    case "status":
      return { ...state, status: action.status };
    case "period":
      return {
        ...state,
        periodStart: action.start ?? state.periodStart,
        periodEnd: action.end ?? state.periodEnd,
      };
    case "add-goal":
      return {
        ...state,
        goals: [
          ...state.goals,
          { key: `g${state.nextGoal}`, description: action.description ?? "", dueDate: "", activityIds: action.activityIds ?? [] },
        ],
        nextGoal: state.nextGoal + 1,
      };
    case "goal":
      return {
        ...state,
        goals: state.goals.map((g) =>
          g.key === action.key
            ? { ...g, description: action.description ?? g.description, dueDate: action.dueDate ?? g.dueDate }
            : g,
        ),
      };
    case "remove-goal":
      return { ...state, goals: state.goals.filter((g) => g.key !== action.key) };
    case "cm-weeks":
      return { ...state, cmWeeks: action.weeks };
    case "save-attempt":
      return state.firstSaveAt ? state : { ...state, firstSaveAt: action.at };
    case "saved":
      return { ...state, existing: action.existing };
    case "overwrite":
      return state.existing ? { ...state, existing: { ...state.existing, versionId: action.versionId } } : state;
    case "new-plan":
      return newDraft(action.planId, action.today, state.cmWeeks);
  }
}

export function isChosen(state: DraftState, rec: Recommendation): boolean {
  return state.chosen[rec.id] ?? rec.tier === "primary";
}

/**
 * The default activity text; CM's names what it scores (its target) and, apart, the aims written in the plan but not
 * scored from urine tests (clinical-spec §7.6).
 */
export function defaultActivityText(rec: Recommendation): string {
  if (!rec.target) return rec.activity;
  const aims = rec.aims?.length ? ` Also aimed at (recognised by hand, not scored from urine tests): ${rec.aims.join(", ")}.` : "";
  return `${rec.activity.replace(/[.\s]+$/, "")}. Target: ${rec.target}.${aims}`;
}

export function activityText(state: DraftState, rec: Recommendation): string {
  return state.texts[rec.id] ?? defaultActivityText(rec);
}

export interface DraftInputs {
  evaluation: Evaluation;
  schedule: CmScheduleKind;
  /** First day of CM week 1. */
  cmStart: string;
  /** Plain-language lines about the schedule (describeSchedule). */
  cmDescription: string[];
  today: string;
}

/** The draft as the plan builder takes it. Goals that link to activities no longer chosen lose those links. */
export function toPlanDraft(state: DraftState, inputs: DraftInputs): PlanDraft {
  const recs = inputs.evaluation.recommendations.filter((r) => isChosen(state, r));
  const ids = new Set(recs.map((r) => r.id));
  const goals: PlanGoalDraft[] = state.goals.map((g) => {
    const goal: PlanGoalDraft = { key: g.key, description: g.description, startDate: state.periodStart || inputs.today };
    if (g.dueDate) goal.dueDate = g.dueDate;
    const linked = g.activityIds.filter((id) => ids.has(id));
    if (linked.length) goal.activityIds = linked;
    return goal;
  });
  const draft: PlanDraft = {
    planId: state.planId,
    status: state.status,
    period: state.periodEnd ? { start: state.periodStart, end: state.periodEnd } : { start: state.periodStart },
    activities: recs.map((r) => ({
      id: r.id,
      title: r.title,
      text: activityText(state, r),
    })),
    goals,
  };
  if (state.title.trim()) draft.title = state.title.trim();
  if (ids.has("contingency-management"))
    draft.cm = {
      schedule: inputs.schedule,
      startDate: inputs.cmStart,
      weeks: state.cmWeeks,
      description: inputs.cmDescription,
      // The plan records what CM scores (§7.6), so the CM status reads the same target back.
      target: [...inputs.evaluation.contingencyManagement.target.analytes],
    };
  return draft;
}
