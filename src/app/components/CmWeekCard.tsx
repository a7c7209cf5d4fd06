// Contingency management this week, on the first screen: the week of the program, this week's outcome, the reward
// due this week, the next reward, the total and what is owed (earned, not yet recorded as given); when not
// enrolled, whether CM is recommended and where to set it up.
import type { WeekOutcome } from "../../clinical/types.ts";
import { useEvaluationContext } from "../EvaluationContext.tsx";
import { formatDate } from "../format.ts";
import { reward, SCHEDULE_NAMES } from "./CmStatus.tsx";

const THIS_WEEK: Record<WeekOutcome, string> = {
  negative: "negative",
  positive: "positive",
  missed: "missed",
  pending: "no test yet",
};

export function CmWeekCard() {
  const { evaluation, show } = useEvaluationContext();
  const cm = evaluation.contingencyManagement;
  const week = cm.weeks.find((w) => w.week === cm.currentWeek);
  const recommended = evaluation.recommendations.find((r) => r.id === "contingency-management");
  return (
    <section className="card glance-card cm-week" aria-labelledby="cm-week-title">
      <div className="card-head">
        <h3 id="cm-week-title">CM this week</h3>
        <button type="button" className="small-button" onClick={() => show("cm", cm.enrolled ? "cm-title" : "cm-start")}>
          {cm.enrolled ? "Weeks" : "Set up"}
        </button>
      </div>
      {!cm.enrolled ? (
        <>
          <p className="big-value">Not enrolled</p>
          <p className="card-line">
            {recommended ? `Recommended (${recommended.tier === "primary" ? "do now" : "consider"}): set a start date to begin.` : "Not recommended at present."}
          </p>
        </>
      ) : cm.completed ? (
        <>
          <p className="big-value">Program complete</p>
          <p className="card-line">
            {cm.programWeeks} weeks from {formatDate(cm.startDate)}; earned {reward(cm, cm.earnedTotal)} in total.
          </p>
          {cm.owed > 0 && (
            <p className="card-line">
              Owed: <strong className="owed">{reward(cm, cm.owed)}</strong> (earned, not yet given)
            </p>
          )}
        </>
      ) : !week ? (
        <>
          <p className="big-value">Starts {formatDate(cm.startDate)}</p>
          <p className="card-line">{SCHEDULE_NAMES[cm.schedule]}; first reward {cm.nextIfNegative === null ? "none" : reward(cm, cm.nextIfNegative)}.</p>
        </>
      ) : (
        <>
          <p className="big-value">
            Week {week.week} of {cm.programWeeks} <span className="muted small-value">{SCHEDULE_NAMES[cm.schedule].toLowerCase()}</span>
          </p>
          <ul className="card-list" data-testid="cm-this-week">
            <li>
              This week: <strong className={`outcome outcome-${week.outcome}`}>{THIS_WEEK[week.outcome]}</strong>
              {week.outcome === "negative" && `, due ${reward(cm, cm.earnedThisWeek)}`}
            </li>
            <li>
              {week.outcome === "pending" ? "Reward if negative" : "Next week if negative"}: {cm.nextIfNegative === null ? "program over" : reward(cm, cm.nextIfNegative)}
            </li>
            <li>Earned so far: {reward(cm, cm.earnedTotal)}</li>
            {cm.owed > 0 && (
              <li>
                Owed: <strong className="owed">{reward(cm, cm.owed)}</strong> <span className="muted">(not yet given)</span>
              </li>
            )}
          </ul>
        </>
      )}
    </section>
  );
}
