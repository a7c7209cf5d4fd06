// The last urine test on the first screen: when, the illicit-opioid result (the engine's: prescribed positives are
// not illicit), what else was found, results still preliminary, and a link to every test.
import { useEvaluationContext } from "../EvaluationContext.tsx";
import { lastTest } from "../last-test.ts";
import { daysAgo, formatDate } from "../format.ts";

const RESULT: Record<string, string> = {
  positive: "positive",
  negative: "negative",
  indeterminate: "inconclusive",
  none: "not tested",
};

export function LastTestCard() {
  const { evaluation, now, show } = useEvaluationContext();
  const last = lastTest(evaluation.uds.tests);
  return (
    <section className="card glance-card last-test" aria-labelledby="last-test-title">
      <div className="card-head">
        <h3 id="last-test-title">Last urine test</h3>
        {last && (
          <button type="button" className="small-button" onClick={() => show("urine-tests", "uds-title")}>
            All tests
          </button>
        )}
      </div>
      {!last ? (
        <p className="big-value">None on record</p>
      ) : (
        <>
          <p className="big-value">
            {formatDate(last.date)} <span className="muted small-value">({daysAgo(last.date, now)})</span>
          </p>
          <ul className="card-list">
            <li data-testid="last-test-opioids">
              Illicit opioids:{" "}
              <strong className={`result-${last.opioid}`}>
                {RESULT[last.opioid]}
                {last.illicit.length > 0 && ` (${last.illicit.join(", ")})`}
              </strong>
              {last.opioid === "negative" && !last.fentanylTested && "; no fentanyl test"}
            </li>
            {last.lastJudged && (
              <li>
                Last final opioid result: {RESULT[last.lastJudged.opioid]} on {formatDate(last.lastJudged.date)}
              </li>
            )}
            {last.preliminary.length > 0 && (
              <li className="flag-warn">
                <span className="flag-label">Preliminary</span> (not counted until final): {last.preliminary.join(", ")}
              </li>
            )}
            <li>Also found: {last.alsoFound.length ? last.alsoFound.join(", ") : "nothing else"}</li>
          </ul>
        </>
      )}
    </section>
  );
}
