// Contingency management: the one place where the reward schedule and the start date are set (the plan reads them
// from here), the enrolment, the schedule's parameters (describeSchedule, with which defaults are unverified), the
// weeks grid, streaks, earnings against the yearly cap, and the next reward.
import { describeSchedule } from "../../clinical/cm-schedules.ts";
import { INPUT_CM_START } from "../../clinical/inputs.ts";
import type { CmScheduleKind, CmStatus, WeekOutcome } from "../../clinical/types.ts";
import { useEvaluationContext } from "../EvaluationContext.tsx";
import { displayText, formatDate, money } from "../format.ts";
import { DateInput } from "./DateInput.tsx";
import { RefLink } from "./RefLink.tsx";
import { RewardLogSection } from "./RewardLog.tsx";

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

export function reward(cm: CmStatus, amount: number): string {
  return cm.schedule === "prize" ? `${amount} draw${amount === 1 ? "" : "s"}` : money(amount);
}

function Enrolment({ cm, cmStart }: { cm: CmStatus; cmStart: string }) {
  if (!cm.enrolled)
    return <p>Not enrolled in contingency management. Enter a start date to preview the program (it is recorded when the plan is saved).</p>;
  return (
    <p>
      <strong>Enrolled</strong> from {formatDate(cm.startDate)}{" "}
      {cm.source && cm.source !== INPUT_CM_START ? (
        <>
          (recorded in <RefLink value={cm.source} />)
        </>
      ) : (
        `(start date entered here${cmStart ? ": a preview until the plan is saved" : ""})`
      )}
      {cm.completed
        ? `; the ${cm.programWeeks}-week program is complete.`
        : cm.currentWeek && cm.currentWeek > 0
          ? `; week ${cm.currentWeek} of ${cm.programWeeks}.`
          : "; the program has not started yet."}
    </p>
  );
}

/** Reward schedule and start date: set here only (the plan's CM activity uses them). */
function CmSettingsForm({ cm }: { cm: CmStatus }) {
  const { cm: settings } = useEvaluationContext();
  const { cmStart, setCmStart, setSchedule } = settings;
  const startHelp = cmStart
    ? "Entered here: a preview until the plan is saved."
    : cm.enrolled && cm.startDate
      ? `Empty: the saved plan's start date (${formatDate(cm.startDate)}) is used.`
      : undefined;
  return (
    <div className="cm-controls" id="cm-settings">
      <fieldset>
        <legend>Reward schedule</legend>
        {(Object.keys(SCHEDULE_NAMES) as CmScheduleKind[]).map((k) => (
          <label key={k}>
            <input type="radio" name="cm-schedule" value={k} checked={cm.schedule === k} onChange={() => setSchedule(k)} /> {SCHEDULE_NAMES[k]}
          </label>
        ))}
      </fieldset>
      <div>
        <DateInput id="cm-start" label="CM start date (first day of week 1)" value={cmStart} onChange={setCmStart} {...(startHelp ? { help: startHelp } : {})} />
        {cmStart && (
          <button type="button" className="link-button" onClick={() => setCmStart("")}>
            Clear the start date
          </button>
        )}
      </div>
    </div>
  );
}

function Stats({ cm }: { cm: CmStatus }) {
  return (
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
          <dd>
            {money(cm.expectedValuePerDraw)} (exactly {cm.expectedValuePerDraw.toFixed(3)})
          </dd>
        </>
      )}
    </dl>
  );
}

function Weeks({ cm }: { cm: CmStatus }) {
  return (
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
                {formatDate(w.start)} to {formatDate(w.end)}
              </td>
              <td>
                <span className={`outcome outcome-${w.outcome}`}>{OUTCOME_LABEL[w.outcome]}</span>
              </td>
              <td>{w.tests.length ? w.tests.map((d) => formatDate(d)).join(", ") : "none"}</td>
              <td>{reward(cm, w.earned)}</td>
              <td>
                {[
                  w.owed === undefined ? "" : w.owed === 0 ? "handed out" : w.owed < w.earned ? `partly handed out: ${reward(cm, w.owed)} owed` : `owed: ${reward(cm, w.owed)}`,
                  w.fentanylNotTested && w.tests.length ? "no fentanyl test: fentanyl use not ruled out" : "",
                  w.capped ? "cut by the yearly cap" : "",
                ]
                  .filter(Boolean)
                  .join("; ")}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function CmPanel() {
  const { evaluation, cm: settings } = useEvaluationContext();
  const cm = evaluation.contingencyManagement;
  const lines = describeSchedule(cm.params);
  return (
    <div className="cm">
      <div className="cm-enrolment">
        <Enrolment cm={cm} cmStart={settings.cmStart} />
      </div>
      <CmSettingsForm cm={cm} />
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
          {displayText(cm.capMessage)}
        </p>
      )}
      {cm.enrolled && (
        <>
          <Stats cm={cm} />
          <RewardLogSection cm={cm} />
          {cm.weeks.length > 0 && <Weeks cm={cm} />}
        </>
      )}
    </div>
  );
}
