// The safety strip at the top of every tab (safety.ts decides what is in it): safety items are alerts (announced at
// once) drawn in red, clinical notices (return to use, the CM cap) in amber. Data notices (skipped malformed
// resources and the like) are listed quietly at the end of the overview.
import { useEvaluationContext } from "../EvaluationContext.tsx";
import { inStrip, safetyItems } from "../safety.ts";
import { EngineText, RefList } from "./RefLink.tsx";

export function SafetyStrip() {
  const { evaluation } = useEvaluationContext();
  const items = safetyItems(evaluation);
  if (!items.length) return null;
  return (
    <section className="safety" aria-labelledby="safety-title">
      <h2 id="safety-title" className="visually-hidden">
        Safety
      </h2>
      <ul className="safety-list">
        {items.map((item, i) => (
          <li key={`${item.code}-${i}`} className={`safety-item ${item.safety ? "safety-alert" : "safety-notice"} warning-${item.code}`}>
            <p role={item.safety ? "alert" : undefined}>
              <strong>{item.label}: </strong>
              {item.refsFirst ? (
                <>
                  <RefList refs={item.refs} lead="" /> <EngineText text={item.message} />
                </>
              ) : (
                <>
                  <EngineText text={item.message} />
                  <RefList refs={item.refs} compact />
                </>
              )}
            </p>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function DataNotices() {
  const { evaluation } = useEvaluationContext();
  const notices = evaluation.warnings.filter((w) => !inStrip(w));
  if (!notices.length) return null;
  return (
    <details className="data-notices">
      <summary>Data notices ({notices.length}): resources that could not be read or were skipped</summary>
      <ul>
        {notices.map((w, i) => (
          <li key={i}>
            <EngineText text={w.message} />
            <RefList refs={w.refs} />
          </li>
        ))}
      </ul>
    </details>
  );
}
