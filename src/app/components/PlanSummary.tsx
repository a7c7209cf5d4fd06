// The open plan at a glance, above its editor (the first viewport of the Plan tab): its status, its goals with their
// status and progress, and what to do (the activities still to do, then those done or retired), from the draft as
// edited so far.
import type { PlanDraft } from "../../clinical/plan.ts";
import { GOAL_ACHIEVEMENT_DISPLAY } from "../../clinical/goal-resource.ts";
import { formatDate } from "../format.ts";
import { ACTIVITY_STATUS_LABEL } from "./PlanActivities.tsx";
import { GOAL_LIFECYCLE_LABEL } from "./PlanGoals.tsx";
import { PLAN_STATUS_LABEL } from "./PlanList.tsx";

const DONE = new Set(["completed", "cancelled"]);

export function PlanSummary({ plan, who }: { plan: PlanDraft; who: string }) {
  const todo = plan.activities.filter((a) => !DONE.has(a.status ?? ""));
  const done = plan.activities.filter((a) => DONE.has(a.status ?? ""));
  const goals = plan.goals.filter((g) => g.lifecycleStatus !== "cancelled");
  return (
    <section className="plan-summary" aria-labelledby="plan-summary-title">
      <h3 id="plan-summary-title">
        {plan.title || "Care plan"} <span className="badge">{PLAN_STATUS_LABEL[plan.status] ?? plan.status}</span>
      </h3>
      <p className="muted">{who}</p>
      <div className="plan-summary-grid">
        <div>
          <h4>Goals ({goals.length})</h4>
          {goals.length === 0 ? (
            <p className="muted">No goals yet.</p>
          ) : (
            <ul>
              {goals.map((g) => (
                <li key={g.key}>
                  {g.description || "(no description yet)"}{" "}
                  <span className="muted">
                    ({[g.lifecycleStatus && GOAL_LIFECYCLE_LABEL[g.lifecycleStatus], g.achievementStatus && GOAL_ACHIEVEMENT_DISPLAY[g.achievementStatus], g.dueDate && `due ${formatDate(g.dueDate)}`]
                      .filter(Boolean)
                      .join("; ") || "not assessed"}
                    )
                  </span>
                </li>
              ))}
            </ul>
          )}
        </div>
        <div>
          <h4>To do ({todo.length})</h4>
          {todo.length === 0 ? (
            <p className="muted">Nothing left to do in this plan.</p>
          ) : (
            <ul>
              {todo.map((a) => (
                <li key={a.id}>
                  {a.title} <span className="muted">({ACTIVITY_STATUS_LABEL[a.status ?? "not-started"]})</span>
                </li>
              ))}
            </ul>
          )}
          {done.length > 0 && <p className="muted">Done or retired: {done.map((a) => `${a.title} (${ACTIVITY_STATUS_LABEL[a.status!].toLowerCase()})`).join("; ")}.</p>}
        </div>
      </div>
    </section>
  );
}
