// The plan's activities. A new plan: the recommendations to choose from (primary preselected), each with its text.
// A stored plan: its activities as stored, each with its status, its dated progress notes and the next note;
// retire (cancelled, never deleted) or remove one added since; add a recommendation that is not in the plan.
import { useState, type Dispatch } from "react";
import { ACTIVITY_STATUSES, type ActivityStatus } from "../../clinical/plan-types.ts";
import type { Recommendation } from "../../clinical/types.ts";
import { activityText, defaultActivityText, isChosen, type DraftAction, type DraftState } from "../plan-draft.ts";
import { NewNote, NoteList } from "./PlanNotes.tsx";

export const ACTIVITY_STATUS_LABEL: Record<ActivityStatus, string> = {
  "not-started": "Not started",
  scheduled: "Scheduled",
  "in-progress": "In progress",
  "on-hold": "On hold",
  completed: "Completed",
  cancelled: "Cancelled (retired)",
};

const slug = (id: string) => id.replace(/[^A-Za-z0-9_-]/g, "-");

export function NewPlanActivities({ draft, dispatch, recs }: { draft: DraftState; dispatch: Dispatch<DraftAction>; recs: Recommendation[] }) {
  return (
    <fieldset className="plan-activities">
      <legend>Activities</legend>
      {recs.length === 0 && <p>No recommendations to choose from.</p>}
      {recs.map((r) => {
        const chosen = isChosen(draft, r);
        const text = activityText(draft, r);
        const textId = `activity-text-${r.id}`;
        return (
          <div key={r.id} className={`plan-activity tier-${r.tier}`}>
            <label>
              <input type="checkbox" checked={chosen} onChange={(e) => dispatch({ type: "choose", id: r.id, chosen: e.target.checked })} />{" "}
              {r.title} <span className="badge">{r.tier === "primary" ? "do now" : "consider"}</span>
            </label>
            {chosen && (
              <div className="field">
                <label htmlFor={textId}>Activity text: {r.title}</label>
                <textarea id={textId} rows={3} value={text} onChange={(e) => dispatch({ type: "text", id: r.id, text: e.target.value })} />
                {text !== defaultActivityText(r) && (
                  <button type="button" className="link-button" onClick={() => dispatch({ type: "text", id: r.id, text: defaultActivityText(r) })}>
                    Reset the text of {r.title}
                  </button>
                )}
              </div>
            )}
          </div>
        );
      })}
    </fieldset>
  );
}

export function StoredActivities({
  draft,
  dispatch,
  recs,
  names,
}: {
  draft: DraftState;
  dispatch: Dispatch<DraftAction>;
  recs: Recommendation[];
  names: Map<string, string>;
}) {
  const activities = draft.activities ?? [];
  const [own, setOwn] = useState("");
  const addOwn = () => {
    const title = own.trim();
    if (!title) return;
    let n = activities.length + 1;
    while (activities.some((a) => a.id === `free:own-${n}`)) n++;
    dispatch({ type: "add-activity", activity: { id: `free:own-${n}`, title, text: "" } });
    setOwn("");
  };
  const live = new Set(activities.filter((a) => a.status !== "cancelled" && a.status !== "completed").map((a) => a.id));
  const toAdd = recs.filter((r) => !live.has(r.id));
  return (
    <fieldset className="plan-activities">
      <legend>Activities</legend>
      {activities.length === 0 && <p>No activities yet.</p>}
      {activities.map((a) => {
        const k = slug(a.id);
        const retired = a.status === "cancelled";
        return (
          <div key={a.id} className={`plan-activity${retired ? " retired" : ""}`} data-activity={a.id}>
            <p className="plan-item-title">
              <b>{a.title}</b> <span className="badge">{ACTIVITY_STATUS_LABEL[a.status ?? "not-started"]}</span>
            </p>
            <div className="field-row">
              <div className="field">
                <label htmlFor={`activity-status-${k}`}>Status: {a.title}</label>
                <select id={`activity-status-${k}`} value={a.status ?? ""} onChange={(e) => dispatch({ type: "activity", id: a.id, edit: { status: (e.target.value || undefined) as ActivityStatus | undefined } })}>
                  {!a.status && <option value="">Not set</option>}
                  {ACTIVITY_STATUSES.map((s) => (
                    <option key={s} value={s}>
                      {ACTIVITY_STATUS_LABEL[s]}
                    </option>
                  ))}
                </select>
              </div>
              <button type="button" onClick={() => dispatch({ type: "retire-activity", id: a.id })} disabled={retired}>
                {a.added ? `Remove ${a.title}` : `Retire ${a.title}`}
              </button>
            </div>
            <div className="field">
              <label htmlFor={`activity-text-${k}`}>Activity text: {a.title}</label>
              <textarea id={`activity-text-${k}`} rows={2} value={a.text} onChange={(e) => dispatch({ type: "activity", id: a.id, edit: { text: e.target.value } })} />
            </div>
            <NoteList notes={a.progress} names={names} />
            <NewNote id={`activity-note-${k}`} label={`Progress note (dated today): ${a.title}`} value={a.newNote} onChange={(t) => dispatch({ type: "activity", id: a.id, edit: { newNote: t } })} />
          </div>
        );
      })}
      <div className="field-row">
        <div className="field">
          <label htmlFor="activity-own">An activity of your own</label>
          <input id="activity-own" type="text" value={own} onChange={(e) => setOwn(e.target.value)} />
        </div>
        <button type="button" onClick={addOwn} disabled={!own.trim()}>
          Add this activity
        </button>
      </div>
      {toAdd.length > 0 && (
        <div className="button-row">
          {toAdd.map((r) => (
            <button key={r.id} type="button" onClick={() => dispatch({ type: "add-activity", activity: { id: r.id, title: r.title, text: defaultActivityText(r) } })}>
              Add {r.title}
              {r.tier === "primary" ? " (recommended now)" : ""}
            </button>
          ))}
        </div>
      )}
    </fieldset>
  );
}
