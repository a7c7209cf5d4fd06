// A plan another system wrote (or one this app cannot edit): shown as stored, read-only, with "Continue in a new
// version", which copies what can be kept into a new Stagewise plan. The stored plan is never changed.
import type { StoredPlanView } from "../../clinical/plan-continue.ts";
import { GOAL_ACHIEVEMENT_DISPLAY } from "../../clinical/goal-resource.ts";
import { formatDate } from "../format.ts";
import { ACTIVITY_STATUS_LABEL } from "./PlanActivities.tsx";
import { GOAL_LIFECYCLE_LABEL } from "./PlanGoals.tsx";
import { PLAN_STATUS_LABEL, planName, writtenBy } from "./PlanList.tsx";
import { NoteList } from "./PlanNotes.tsx";

export function PlanReadOnly({ view, names, me, onContinue }: { view: StoredPlanView; names: Map<string, string>; me: string | null; onContinue(): void }) {
  const p = view.plan;
  return (
    <section className="plan-readonly" aria-labelledby="plan-readonly-title">
      <h3 id="plan-readonly-title">
        {planName(view)} <span className="badge">{PLAN_STATUS_LABEL[p.status] ?? p.status}</span>
      </h3>
      <p>
        Read-only: written by {writtenBy(view, names, me)}
        {p.ours ? "" : ", not by Stagewise"}. Stagewise does not change it; continuing it makes a new Stagewise plan from what can be kept, and this one stays as it is.
      </p>
      <div className="button-row">
        <button type="button" className="primary" onClick={onContinue}>
          Continue in a new version
        </button>
      </div>
      <h4>Goals</h4>
      {view.goals.length === 0 ? (
        <p>No goals.</p>
      ) : (
        <ul>
          {view.goals.map((g) => (
            <li key={g.ref}>
              {g.draft.description || "Goal without a description"}
              {g.draft.lifecycleStatus && ` (${GOAL_LIFECYCLE_LABEL[g.draft.lifecycleStatus]}`}
              {g.draft.achievementStatus ? `; ${GOAL_ACHIEVEMENT_DISPLAY[g.draft.achievementStatus]}` : g.achievementText ? `; ${g.achievementText}` : ""}
              {g.draft.lifecycleStatus && ")"}
              {g.draft.dueDate && `, due ${formatDate(g.draft.dueDate)}`}
              <NoteList notes={g.draft.notes ?? []} names={names} />
            </li>
          ))}
        </ul>
      )}
      <h4>Activities</h4>
      {p.activities.length === 0 ? (
        <p>No activities.</p>
      ) : (
        <ul>
          {p.activities.map((a) => (
            <li key={a.id}>
              <b>{a.title}</b>
              {a.text && a.text !== a.title && `: ${a.text}`}
              {a.status && ` (${ACTIVITY_STATUS_LABEL[a.status]})`}
              <NoteList notes={a.progress ?? []} names={names} />
            </li>
          ))}
        </ul>
      )}
      {p.problems.length > 0 && <p className="muted">Not shown: {p.problems.join("; ")}.</p>}
    </section>
  );
}
