// The safety strip at the top of every tab (safety.ts decides what is in it): safety items are alerts (announced at
// once) drawn in red, notices (the CM cap) in amber. Each shows its first sentence; the rest of the engine's text
// and the resources behind it are one click away ("More"), so the strip stays short. Data notices (skipped
// malformed resources and the like) are listed quietly at the end of the overview.
import { useEvaluationContext } from "../EvaluationContext.tsx";
import { firstSentence, inStrip, safetyItems, type SafetyItem } from "../safety.ts";
import { EngineText, RefList } from "./RefLink.tsx";

function Item({ item }: { item: SafetyItem }) {
  const { head, rest } = item.refsFirst ? { head: item.message, rest: "" } : firstSentence(item.message);
  const more = rest !== "" || (!item.refsFirst && item.refs.length > 0);
  return (
    <li className={`safety-item ${item.safety ? "safety-alert" : "safety-notice"} warning-${item.code}`}>
      <div role={item.safety ? "alert" : undefined}>
        <strong>{item.label}: </strong>
        {item.refsFirst && (
          <>
            <RefList refs={item.refs} lead="" />{" "}
          </>
        )}
        <EngineText text={head} />
        {more && (
          <details className="safety-more">
            <summary>More</summary>
            {rest && <EngineText text={rest} />}
            {!item.refsFirst && <RefList refs={item.refs} compact />}
          </details>
        )}
      </div>
    </li>
  );
}

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
          <Item key={`${item.code}-${i}`} item={item} />
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
