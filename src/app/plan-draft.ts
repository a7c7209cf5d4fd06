// The clinician's plan draft as React state: pure data and a reducer, so edits survive re-renders and
// re-evaluations. Two shapes of one draft:
// - a new plan (`activities` null): choices are overrides on top of the current recommendations (a recommendation
//   that appears after a context toggle starts preselected when it is primary, and nothing typed is lost);
// - a stored plan being continued, or a new version copied from one (`activities` a list): the activities as
//   stored, each with its status and a progress note being typed; recommendations are added to it explicitly.
// After a successful save the draft holds the stored plan (continued shape, with the versions the server gave), so
// the next save updates it. The planId is made once per draft and kept across retries of a save, so a retried save
// never duplicates; `saveId` is made once per save (kept across its retries) and keys its one Provenance.
import type { CarePlan, Goal } from "fhir/r4.js";
import type {
  ActivityStatus,
  DatedNote,
  FreeActivityId,
  GoalAchievement,
  GoalLifecycleStatus,
  PlanActivityDraft,
  PlanDraft,
  PlanGoalDraft,
  PlanStatus,
} from "../clinical/plan.ts";
import type { CmScheduleKind, ClinicianContext, Evaluation, Recommendation, RecommendationId } from "../clinical/types.ts";

type ActivityId = RecommendationId | FreeActivityId;

export interface GoalDraftState {
  key: string;
  description: string;
  /** YYYY-MM-DD ("" for a new goal: the plan's start date). */
  startDate: string;
  /** YYYY-MM-DD or "" for none. */
  dueDate: string;
  activityIds: ActivityId[];
  lifecycleStatus?: GoalLifecycleStatus;
  achievementStatus?: GoalAchievement;
  statusReason: string;
  /** Notes as stored (oldest first). */
  notes: DatedNote[];
  /** A note being typed: added, dated today, at the next save. */
  newNote: string;
  /** Not yet stored (a new goal can be removed; a stored one is retired). */
  added: boolean;
}

export interface ActivityDraftState {
  id: ActivityId;
  title: string;
  text: string;
  status?: ActivityStatus;
  progress: DatedNote[];
  /** A progress note being typed: added, dated today, at the next save. */
  newNote: string;
  added: boolean;
}

/** The stored plan a draft continues: what a save needs to update it (PlanContext.existing). */
export interface ExistingPlan {
  id: string;
  versionId: string;
  created?: string;
  /** The plan's Goals as read or as last written (with id and meta.versionId). */
  goals: Goal[];
}

export interface DraftState {
  planId: string;
  title: string;
  status: PlanStatus;
  statusReason: string;
  /** YYYY-MM-DD. */
  periodStart: string;
  /** YYYY-MM-DD or "". */
  periodEnd: string;
  /** New plan: the clinician's choices; a recommendation with no entry is chosen when it is primary. */
  chosen: Partial<Record<RecommendationId, boolean>>;
  /** New plan: edited activity texts; a recommendation with no entry uses its default text. */
  texts: Partial<Record<RecommendationId, string>>;
  /** Continued plan: the activities (null for a new plan). */
  activities: ActivityDraftState[] | null;
  goals: GoalDraftState[];
  nextGoal: number;
  /** CM program length in weeks. */
  cmWeeks: number;
  /** Set by the first save attempt and reused by its retries (CarePlan.created; a retry sends the same Bundle). */
  firstSaveAt: string | null;
  /** Made when Save is pressed, kept until that save succeeds (its retries reuse it): the Provenance key. */
  saveId: string | null;
  /** The stored CarePlan this draft updates (PUT with If-Match), or null for a plan not yet stored. */
  existing: ExistingPlan | null;
  /** The stored version the draft started from (the base of a three-way merge after a 412). */
  base: PlanDraft | null;
  /** A new plan replacing the active one: that plan is completed or revoked in the same transaction. */
  replaces: { carePlan: CarePlan; title: string; status: "completed" | "revoked"; reason: string } | null;
  /** The plans this one takes over, written as CarePlan.replaces ("CarePlan/ID"; kept from the stored plan). */
  supersedes?: string[];
  /** An edit since the draft was opened or saved (what is kept in sessionStorage and offered back). */
  edited: boolean;
}

export type GoalEdit = Partial<Pick<GoalDraftState, "description" | "dueDate" | "lifecycleStatus" | "achievementStatus" | "statusReason" | "newNote">>;
export type ActivityEdit = Partial<Pick<ActivityDraftState, "text" | "status" | "newNote">>;

export type DraftAction =
  | { type: "choose"; id: RecommendationId; chosen: boolean }
  | { type: "text"; id: RecommendationId; text: string }
  | { type: "title"; title: string }
  | { type: "status"; status: PlanStatus }
  | { type: "status-reason"; reason: string }
  | { type: "period"; start?: string; end?: string }
  | { type: "add-goal"; description?: string; activityIds?: ActivityId[] }
  | { type: "goal"; key: string; edit: GoalEdit }
  | { type: "remove-goal"; key: string }
  | { type: "activity"; id: ActivityId; edit: ActivityEdit }
  | { type: "add-activity"; activity: { id: ActivityId; title: string; text: string } }
  | { type: "retire-activity"; id: ActivityId }
  | { type: "cm-weeks"; weeks: number }
  | { type: "replaces"; replaces: DraftState["replaces"] }
  | { type: "save-attempt"; at: string; saveId: string }
  | { type: "load"; state: DraftState };

export function newDraft(planId: string, today: string, cmWeeks = 12): DraftState {
  return {
    planId,
    title: "",
    status: "draft",
    statusReason: "",
    periodStart: today,
    periodEnd: "",
    chosen: {},
    texts: {},
    activities: null,
    goals: [],
    nextGoal: 1,
    cmWeeks,
    firstSaveAt: null,
    saveId: null,
    existing: null,
    base: null,
    replaces: null,
    edited: false,
  };
}

/**
 * The draft state of a plan draft: a stored plan (with `existing` and the version read as `base`), or a new version
 * copied from one (`existing` null).
 */
export function continuedDraft(plan: PlanDraft, existing: ExistingPlan | null, base: PlanDraft | null = existing ? plan : null): DraftState {
  const inBase = new Set(base?.activities.map((a) => a.id));
  const goalInBase = new Set(base?.goals.map((g) => g.key));
  const goalNumbers = plan.goals.map((g) => /^g(\d+)$/.exec(g.key)?.[1]).filter((n): n is string => n !== undefined).map(Number);
  return {
    ...newDraft(plan.planId, plan.period.start, plan.cm?.weeks ?? 12),
    title: plan.title ?? "",
    status: plan.status,
    statusReason: plan.statusReason ?? "",
    periodStart: plan.period.start.slice(0, 10),
    periodEnd: plan.period.end?.slice(0, 10) ?? "",
    activities: plan.activities.map((a) => ({
      id: a.id,
      title: a.title,
      text: a.text,
      ...(a.status ? { status: a.status } : {}),
      progress: a.progress ? a.progress.map((n) => ({ ...n })) : [],
      newNote: "",
      added: !inBase.has(a.id),
    })),
    goals: plan.goals.map((g) => ({
      key: g.key,
      description: g.description,
      startDate: g.startDate,
      dueDate: g.dueDate ?? "",
      activityIds: [...(g.activityIds ?? [])],
      ...(g.lifecycleStatus ? { lifecycleStatus: g.lifecycleStatus } : {}),
      ...(g.achievementStatus ? { achievementStatus: g.achievementStatus } : {}),
      statusReason: g.statusReason ?? "",
      notes: g.notes ? g.notes.map((n) => ({ ...n })) : [],
      newNote: "",
      added: !goalInBase.has(g.key),
    })),
    nextGoal: Math.max(0, ...goalNumbers) + 1,
    existing,
    base,
    ...(plan.supersedes?.length ? { supersedes: [...plan.supersedes] } : {}),
  };
}

const EDITS: ReadonlySet<DraftAction["type"]> = new Set(["save-attempt", "load", "replaces"]);

export function draftReducer(state: DraftState, action: DraftAction): DraftState {
  const next = reduce(state, action);
  return EDITS.has(action.type) || next === state ? next : { ...next, edited: true };
}

function reduce(state: DraftState, action: DraftAction): DraftState {
  switch (action.type) {
    case "choose":
      return { ...state, chosen: { ...state.chosen, [action.id]: action.chosen } };
    case "text":
      return { ...state, texts: { ...state.texts, [action.id]: action.text } };
    case "title":
      return { ...state, title: action.title };
    case "status":
      return { ...state, status: action.status };
    case "status-reason":
      return { ...state, statusReason: action.reason };
    case "period":
      return { ...state, periodStart: action.start ?? state.periodStart, periodEnd: action.end ?? state.periodEnd };
    case "add-goal":
      return {
        ...state,
        goals: [
          ...state.goals,
          {
            key: `g${state.nextGoal}`,
            description: action.description ?? "",
            startDate: "",
            dueDate: "",
            activityIds: action.activityIds ?? [],
            statusReason: "",
            notes: [],
            newNote: "",
            added: true,
          },
        ],
        nextGoal: state.nextGoal + 1,
      };
    case "goal":
      return { ...state, goals: state.goals.map((g) => (g.key === action.key ? { ...g, ...action.edit } : g)) };
    case "remove-goal":
      // A stored goal is retired (cancelled, never deleted); a goal not yet stored is dropped.
      return {
        ...state,
        goals: state.goals.flatMap((g) => (g.key !== action.key ? [g] : g.added ? [] : [{ ...g, lifecycleStatus: "cancelled" as const }])),
      };
    case "activity":
      return state.activities ? { ...state, activities: state.activities.map((a) => (a.id === action.id ? { ...a, ...action.edit } : a)) } : state;
    case "add-activity": {
      if (!state.activities) return state;
      const found = state.activities.find((a) => a.id === action.activity.id);
      if (found)
        // Adding back a retired or completed activity restarts it.
        return { ...state, activities: state.activities.map((a) => (a === found ? { ...a, status: undefined } : a)) };
      return { ...state, activities: [...state.activities, { ...action.activity, progress: [], newNote: "", added: true }] };
    }
    case "retire-activity":
      if (!state.activities) return state;
      return {
        ...state,
        activities: state.activities.flatMap((a) => (a.id !== action.id ? [a] : a.added ? [] : [{ ...a, status: "cancelled" as const }])),
      };
    case "cm-weeks":
      return { ...state, cmWeeks: action.weeks };
    case "replaces":
      return { ...state, replaces: action.replaces };
    case "save-attempt":
      return { ...state, firstSaveAt: state.firstSaveAt ?? action.at, saveId: state.saveId ?? action.saveId };
    case "load":
      return action.state;
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
  /** The clinician context, stored with the plan. */
  context?: ClinicianContext;
  /** "Practitioner/ID" of the signed-in user: the author of the notes typed now. */
  author?: string | null;
}

function withNote(notes: DatedNote[], text: string, inputs: DraftInputs): DatedNote[] | undefined {
  const out = [...notes];
  if (text.trim()) out.push({ time: inputs.today, text: text.trim(), ...(inputs.author ? { author: inputs.author } : {}) });
  return out.length ? out : undefined;
}

/** The draft as the plan builder takes it. Goals that link to activities no longer in the plan lose those links. */
export function toPlanDraft(state: DraftState, inputs: DraftInputs): PlanDraft {
  const activities: PlanActivityDraft[] = state.activities
    ? state.activities.map((a) => {
        const out: PlanActivityDraft = { id: a.id, title: a.title, text: a.text };
        if (a.status) out.status = a.status;
        const progress = withNote(a.progress, a.newNote, inputs);
        if (progress) out.progress = progress;
        return out;
      })
    : inputs.evaluation.recommendations.filter((r) => isChosen(state, r)).map((r) => ({ id: r.id, title: r.title, text: activityText(state, r) }));
  const ids = new Set<string>(activities.map((a) => a.id));
  const goals: PlanGoalDraft[] = state.goals.map((g) => {
    const goal: PlanGoalDraft = { key: g.key, description: g.description, startDate: g.startDate || state.periodStart || inputs.today };
    if (g.dueDate) goal.dueDate = g.dueDate;
    const linked = g.activityIds.filter((id) => ids.has(id));
    if (linked.length) goal.activityIds = linked;
    if (g.lifecycleStatus) goal.lifecycleStatus = g.lifecycleStatus;
    if (g.achievementStatus) goal.achievementStatus = g.achievementStatus;
    if (g.statusReason.trim()) goal.statusReason = g.statusReason.trim();
    const notes = withNote(g.notes, g.newNote, inputs);
    if (notes) goal.notes = notes;
    return goal;
  });
  const draft: PlanDraft = {
    planId: state.planId,
    status: state.status,
    period: state.periodEnd ? { start: state.periodStart, end: state.periodEnd } : { start: state.periodStart },
    activities,
    goals,
  };
  if (state.title.trim()) draft.title = state.title.trim();
  if (state.statusReason.trim() && state.status !== "active" && state.status !== "draft") draft.statusReason = state.statusReason.trim();
  if (inputs.context) draft.context = { ...inputs.context };
  if (state.supersedes?.length) draft.supersedes = [...state.supersedes];
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
