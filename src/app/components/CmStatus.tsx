// Contingency management: enrolment, the schedule and its parameters (describeSchedule, with which defaults are
// unverified), the weeks grid, streaks, earnings against the yearly cap, and the next reward.
import { describeSchedule } from "../../clinical/cm-schedules.ts";
import type { PatientRecord } from "../../clinical/record.ts";
import type { CmScheduleKind, CmStatus, Evaluation, WeekOutcome } from "../../clinical/types.ts";
import { RefLink } from "./RefLink.tsx";

export const SCHEDULE_NAMES: Record<CmScheduleKind, string> = {
  escalating: "Escalating vouchers",
  prize: "Prize draws (fishbowl)",
  fixed: "Fixed reward",
};

const OUTCOME_LABEL: Record<WeekOutcome, string> = {
  negative: "Negative",
  positive: "Positive",
  missed: "Missed",
  pending: "Pending",
};

export function money(x: number): string {
  return `$${x.toFixed(2)}`;
}

export function reward(cm: CmStatus, amount: number): string {
  return cm.schedule === "prize" ? `${amount} draw${amount === 1 ? "" : "s"}` : money(amount);
}

export interface CmPanelProps {
  cm: CmStatus;
  evaluation: Evaluation;
  record: PatientRecord;
  schedule: CmScheduleKind;
  onSchedule(schedule: CmScheduleKind): void;
  cmStart: string;
  onCmStart(date: string): void;
}

export function CmPanel({ cm, evaluation, record, schedule, onSchedule, cmStart, onCmStart }: CmPanelProps) {
  const lines = describeSchedule(cm.params);
  const startHelp = cmStart
    ? "Entered here: a preview until the plan is saved."
    : cm.enrolled && cm.startDate
      ? `Empty: the saved plan's start date (${cm.startDate}) is used.`
      : null;
  return (
    <div className="cm">
      <div className="cm-enrolment">
        {cm.enrolled ? (
          <p>
            <strong>Enrolled</strong> from {cm.startDate}{" "}
            {cm.source && cm.source !== "input:cm-start" ? (
              <>
                — recorded in <RefLink value={cm.source} evaluation={evaluation} record={record} />
              </>
            ) : (
              "(start date entered here)"
            )}
            {cm.completed
              ? `; the ${cm.programWeeks}-week program is complete.`
              : cm.currentWeek && cm.currentWeek > 0
                ? `; week ${cm.currentWeek} of ${cm.programWeeks}.`
                : "; the program has not started yet."}
          </p>
        ) : (
          <p>Not enrolled in contingency management. Enter a start date to preview the program (it is recorded when the plan is saved).</p>
        )}
      </div>
      <div className="cm-controls">
        <fieldset>
          <legend>Reward schedule</legend>
          {(Object.keys(SCHEDULE_NAMES) as CmScheduleKind[]).map((k) => (
            <label key={k}>
              <input type="radio" name="cm-schedule" value={k} checked={schedule === k} onChange={() => onSchedule(k)} /> {SCHEDULE_NAMES[k]}
            </label>
          ))}
        </fieldset>
        <div className="field">
          <label htmlFor="cm-start">CM start date (first day of week 1)</label>
          <input id="cm-start" type="date" value={cmStart} onChange={(e) => onCmStart(e.target.value)} aria-describedby={startHelp ? "cm-start-help" : undefined} />
          {startHelp && (
            <p id="cm-start-help" className="help">
              {startHelp}
            </p>
          )}
          {cmStart && (
            <button type="button" className="link-button" onClick={() => onCmStart("")}>
              Clear the start date
            </button>
          )}
        </div>
      </div>
      <details className="cm-schedule">
        <summary>How this schedule works</summary>
        <ul>
          {lines.map((l) => (
            <li key={`${l.parameter}-${l.text}`}>
              {l.text} <span className="muted">Source: {l.source}.</span>
              {l.unverified && <span className="badge badge-warn">unverified default</span>}
            </li>
          ))}
        </ul>
      </details>
      {cm.capMessage && (
        <p className="warning" role="status">
          {cm.capMessage}
        </p>
      )}
      {cm.enrolled && (
        <>
          <dl className="facts cm-stats">
            <dt>Current streak</dt>
            <dd>
              {cm.currentStreak} negative week{cm.currentStreak === 1 ? "" : "s"}
            </dd>
            <dt>Longest streak</dt>
            <dd>
              {cm.longestStreak} week{cm.longestStreak === 1 ? "" : "s"}
            </dd>
            <dt>Earned this week</dt>
            <dd>{reward(cm, cm.earnedThisWeek)}</dd>
            <dt>Earned in total</dt>
            <dd>
              {reward(cm, cm.earnedTotal)}
              {cm.schedule === "prize" && ` (worth about ${money(cm.earnedValue)})`}
            </dd>
            <dt>Cap remaining</dt>
            <dd>
              {money(cm.capRemaining)} of {money(cm.params.yearlyCap)} this program year
            </dd>
            <dt>If the next test is negative</dt>
            <dd>{cm.nextIfNegative === null ? "the program is over" : reward(cm, cm.nextIfNegative)}</dd>
            {cm.schedule === "prize" && cm.expectedValuePerDraw !== undefined && (
              <>
                <dt>Expected value of one draw</dt>
                <dd>{money(cm.expectedValuePerDraw)} (exactly {cm.expectedValuePerDraw.toFixed(3)})</dd>
              </>
            )}
          </dl>
          {cm.weeks.length > 0 && (
            <div className="table-wrap">
              <table className="cm-weeks">
                <caption>
                  Weeks: {cm.counts.negative} negative, {cm.counts.positive} positive, {cm.counts.missed} missed, {cm.counts.pending} pending
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Week</th>
                    <th scope="col">Dates</th>
                    <th scope="col">Outcome</th>
                    <th scope="col">Tests</th>
                    <th scope="col">Earned</th>
                    <th scope="col">Notes</th>
                  </tr>
                </thead>
                <tbody>
                  {cm.weeks.map((w) => (
                    <tr key={w.week} className={`week-${w.outcome}`}>
                      <th scope="row">{w.week}</th>
                      <td>
                        {w.start} to {w.end}
                      </td>
                      <td>
                        <span className={`outcome outcome-${w.outcome}`}>{OUTCOME_LABEL[w.outcome]}</span>
                      </td>
                      <td>{w.tests.length ? w.tests.join(", ") : "none"}</td>
                      <td>{reward(cm, w.earned)}</td>
                      <td>
                        {[w.fentanylNotTested && w.tests.length ? "no fentanyl test: fentanyl use not ruled out" : "", w.capped ? "cut by the yearly cap" : ""]
                          .filter(Boolean)
                          .join("; ")}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </div>
  );
}
