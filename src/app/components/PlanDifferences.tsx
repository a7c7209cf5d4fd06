// "What changed since this plan": the engine's answer today against the stored plan's activities, with the reasons,
// and a button to add or retire each activity concerned. A button changes only the draft: nothing is stored
// before Save.
import type { Dispatch } from "react";
import { planDifferences } from "../../clinical/plan-differences.ts";
import type { StoredPlanView } from "../../clinical/plan-continue.ts";
import type { Evaluation } from "../../clinical/types.ts";
import { formatDate } from "../format.ts";
import { defaultActivityText, type DraftAction, type DraftState } from "../plan-draft.ts";
import { EngineText } from "./RefLink.tsx";

export function PlanDifferences({ view, evaluation, draft, dispatch }: { view: StoredPlanView; evaluation: Evaluation; draft: DraftState; dispatch: Dispatch<DraftAction> }) {
  const since = view.writtenAt ?? view.plan.created ?? view.plan.period?.start ?? "";
  if (!since) return null;
  const diffs = planDifferences(evaluation, view.plan, since);
  const recs = new Map(evaluation.recommendations.map((r) => [r.id, r]));
  const inDraft = new Map((draft.activities ?? []).map((a) => [a.id, a]));
  return (
    <section className="plan-differences" aria-labelledby="differences-title">
      <h3 id="differences-title">What changed since this plan ({formatDate(since.slice(0, 10))})</h3>
      {diffs.length === 0 && <p>Nothing: the plan's activities match today's recommendations.</p>}
      <ul>
        {diffs.map((d, i) => {
          const a = d.action;
          const current = a ? inDraft.get(a.activityId) : undefined;
          const done = a ? (a.type === "add" ? !!current && current.status !== "cancelled" : !current || current.status === "cancelled") : false;
          const rec = a ? recs.get(a.activityId) : undefined;
          const title = rec?.title ?? current?.title ?? a?.activityId ?? "";
          return (
            <li key={i}>
              <EngineText text={d.text} omitRefs />
              {d.reasons.length > 0 && (
                <span className="muted">
                  {" "}
                  Why:{" "}
                  {d.reasons.map((r, j) => (
                    <span key={j}>
                      {j > 0 && "; "}
                      <EngineText text={r.text} omitRefs />
                    </span>
                  ))}
                  .
                </span>
              )}{" "}
              {a &&
                (done ? (
                  <span className="muted">({a.type === "add" ? "added to the draft" : "retired in the draft"}; saved with the plan)</span>
                ) : a.type === "add" ? (
                  <button type="button" onClick={() => dispatch({ type: "add-activity", activity: { id: a.activityId, title, text: rec ? defaultActivityText(rec) : "" } })}>
                    Add {title}
                  </button>
                ) : (
                  <button type="button" onClick={() => dispatch({ type: "retire-activity", id: a.activityId })}>
                    Retire {title}
                  </button>
                ))}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
