// The plan's goals: description and due date; for a stored plan also the goal's lifecycle and achievement status,
// the reason for a status, its dated notes and the next note. A stored goal is retired (cancelled, never deleted);
// a goal added since the last save can be removed.
import type { Dispatch } from "react";
import type { GoalAchievement, GoalLifecycleStatus } from "../../clinical/plan-types.ts";
import { GOAL_ACHIEVEMENT_DISPLAY } from "../../clinical/goal-resource.ts";
import type { RecommendationId } from "../../clinical/types.ts";
import type { DraftAction, DraftState } from "../plan-draft.ts";
import { DateInput } from "./DateInput.tsx";
import { NewNote, NoteList } from "./PlanNotes.tsx";

export const GOAL_LIFECYCLE_LABEL: Record<GoalLifecycleStatus, string> = {
  proposed: "Proposed",
  planned: "Planned",
  accepted: "Accepted",
  active: "Active",
  "on-hold": "On hold",
  completed: "Completed",
  cancelled: "Cancelled (retired)",
  rejected: "Rejected",
};
const NEEDS_REASON: ReadonlySet<string> = new Set(["on-hold", "completed", "cancelled", "rejected"]);

export function PlanGoals({
  draft,
  dispatch,
  suggested,
  names,
}: {
  draft: DraftState;
  dispatch: Dispatch<DraftAction>;
  suggested: { id: RecommendationId; goal: string }[];
  names: Map<string, string>;
}) {
  const stored = draft.activities !== null;
  return (
    <fieldset className="plan-goals">
      <legend>Goals</legend>
      {draft.goals.length === 0 && <p>No goals yet.</p>}
      {draft.goals.map((g, i) => {
        const n = i + 1;
        return (
          <div key={g.key} className={`plan-goal${g.lifecycleStatus === "cancelled" ? " retired" : ""}`}>
            <div className="field">
              <label htmlFor={`goal-${g.key}`}>Goal {n}</label>
              <textarea id={`goal-${g.key}`} rows={2} value={g.description} onChange={(e) => dispatch({ type: "goal", key: g.key, edit: { description: e.target.value } })} />
            </div>
            <div className="field-row">
              <DateInput id={`goal-due-${g.key}`} label={`Goal ${n} due date`} value={g.dueDate} onChange={(d) => dispatch({ type: "goal", key: g.key, edit: { dueDate: d } })} />
              {stored && (
                <>
                  <div className="field">
                    <label htmlFor={`goal-lifecycle-${g.key}`}>Goal {n} status</label>
                    <select
                      id={`goal-lifecycle-${g.key}`}
                      value={g.lifecycleStatus ?? ""}
                      onChange={(e) => dispatch({ type: "goal", key: g.key, edit: { lifecycleStatus: (e.target.value || undefined) as GoalLifecycleStatus | undefined } })}
                    >
                      {!g.lifecycleStatus && <option value="">Not set</option>}
                      {(Object.keys(GOAL_LIFECYCLE_LABEL) as GoalLifecycleStatus[]).map((s) => (
                        <option key={s} value={s}>
                          {GOAL_LIFECYCLE_LABEL[s]}
                        </option>
                      ))}
                    </select>
                  </div>
                  <div className="field">
                    <label htmlFor={`goal-achievement-${g.key}`}>Goal {n} progress</label>
                    <select
                      id={`goal-achievement-${g.key}`}
                      value={g.achievementStatus ?? ""}
                      onChange={(e) => dispatch({ type: "goal", key: g.key, edit: { achievementStatus: (e.target.value || undefined) as GoalAchievement | undefined } })}
                    >
                      <option value="">Not assessed</option>
                      {(Object.keys(GOAL_ACHIEVEMENT_DISPLAY) as GoalAchievement[]).map((s) => (
                        <option key={s} value={s}>
                          {GOAL_ACHIEVEMENT_DISPLAY[s]}
                        </option>
                      ))}
                    </select>
                  </div>
                </>
              )}
            </div>
            {stored && NEEDS_REASON.has(g.lifecycleStatus ?? "") && (
              <div className="field">
                <label htmlFor={`goal-reason-${g.key}`}>Goal {n}: reason for the status</label>
                <input id={`goal-reason-${g.key}`} type="text" value={g.statusReason} onChange={(e) => dispatch({ type: "goal", key: g.key, edit: { statusReason: e.target.value } })} />
              </div>
            )}
            {stored && <NoteList notes={g.notes} names={names} />}
            {stored && <NewNote id={`goal-note-${g.key}`} label={`Goal ${n} note (dated today)`} value={g.newNote} onChange={(t) => dispatch({ type: "goal", key: g.key, edit: { newNote: t } })} />}
            <button type="button" onClick={() => dispatch({ type: "remove-goal", key: g.key })} disabled={g.lifecycleStatus === "cancelled"}>
              {g.added ? `Remove goal ${n}` : `Retire goal ${n}`}
            </button>
          </div>
        );
      })}
      <div className="button-row">
        <button type="button" onClick={() => dispatch({ type: "add-goal" })}>
          Add a goal
        </button>
        {suggested.map((s) => (
          <button key={s.id} type="button" onClick={() => dispatch({ type: "add-goal", description: s.goal, activityIds: [s.id] })}>
            Add suggested goal: {s.goal}
          </button>
        ))}
      </div>
    </fieldset>
  );
}
