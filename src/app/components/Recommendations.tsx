// Recommendations in the engine's order, in two groups (do now / consider). The facts several recommendations rest
// on are listed once at the top with the resources behind them; each recommendation then names the fact with a
// short tag and gives its own advice (reasons.ts). Evidence (figures and the review's reference numbers) is in an
// expandable section. Next steps: the first three "do now" items with one line of why each, for the first screen.
import { evidenceCitation, SOURCE_TITLE } from "../../clinical/references.ts";
import type { Recommendation } from "../../clinical/types.ts";
import { useEvaluationContext } from "../EvaluationContext.tsx";
import { nextSteps, shareFacts, type ShownReason, type SharedFact } from "../reasons.ts";
import { EngineText, RefList } from "./RefLink.tsx";

function Reason({ reason }: { reason: ShownReason }) {
  return (
    <li>
      {reason.fact && (
        <a className="fact-tag" href={`#${reason.fact.id}`}>
          {reason.fact.short}
        </a>
      )}
      {reason.fact && " "}
      <EngineText text={reason.text} />
      <RefList refs={reason.refs} />
    </li>
  );
}

function RecommendationItem({ rec, reasons }: { rec: Recommendation; reasons: ShownReason[] }) {
  return (
    <li className={`recommendation tier-${rec.tier}`}>
      <h4 id={`rec-${rec.id}`}>{rec.title}</h4>
      {rec.target && (
        <p>
          <strong>Target:</strong> {rec.target}
        </p>
      )}
      <p className="muted">{rec.activity}</p>
      <h5>Why</h5>
      <ul className="reasons">
        {reasons.map((r, i) => (
          <Reason key={i} reason={r} />
        ))}
      </ul>
      {rec.evidence.length > 0 && (
        <details className="evidence">
          <summary>Evidence ({rec.evidence.length})</summary>
          <ul>
            {rec.evidence.map((e, i) => (
              <li key={i}>
                {e.text} <span className="cite">({evidenceCitation(e, "short")})</span>
              </li>
            ))}
          </ul>
          <p className="muted small">
            Source: the topic review <cite>{SOURCE_TITLE}</cite> (literature through Jan 2024), by section; numbers in
            brackets are its reference numbers. Other sources are named where used.
          </p>
        </details>
      )}
    </li>
  );
}

function Facts({ facts }: { facts: SharedFact[] }) {
  if (!facts.length) return null;
  return (
    <section className="shared-facts" aria-labelledby="facts-title">
      <h3 id="facts-title">Facts behind several recommendations</h3>
      <ul>
        {facts.map((f) => (
          <li key={f.id} id={f.id} tabIndex={-1}>
            <strong>{f.short}</strong>
            <EngineText text={`${f.text.slice(f.short.length)}.`} />
            <RefList refs={f.refs} />
          </li>
        ))}
      </ul>
    </section>
  );
}

function Group({ id, title, recs, reasons, empty }: { id: string; title: string; recs: Recommendation[]; reasons: Map<Recommendation, ShownReason[]>; empty: string }) {
  return (
    <section aria-labelledby={id}>
      <h3 id={id}>
        {title} ({recs.length})
      </h3>
      {recs.length ? (
        <ul className="rec-list">
          {recs.map((r) => (
            <RecommendationItem key={r.id} rec={r} reasons={reasons.get(r) ?? []} />
          ))}
        </ul>
      ) : (
        <p>{empty}</p>
      )}
    </section>
  );
}

export function Recommendations() {
  const { evaluation } = useEvaluationContext();
  const recs = evaluation.recommendations;
  const { facts, reasons } = shareFacts(recs);
  return (
    <div className="recommendations">
      <Facts facts={facts} />
      <Group id="recs-primary" title="Do now" recs={recs.filter((r) => r.tier === "primary")} reasons={reasons} empty="Nothing to do now." />
      <Group id="recs-consider" title="Consider" recs={recs.filter((r) => r.tier === "consider")} reasons={reasons} empty="Nothing else to consider." />
    </div>
  );
}

/** The first three "do now" recommendations in the engine's order, each with one line of why. */
export function NextSteps() {
  const { evaluation, show } = useEvaluationContext();
  const primary = evaluation.recommendations.filter((r) => r.tier === "primary");
  const top = nextSteps(evaluation.recommendations);
  return (
    <section className="next-steps" aria-labelledby="next-steps-title">
      <div className="card-head">
        <h2 id="next-steps-title">Next steps</h2>
        <div className="button-row tight">
          <button type="button" onClick={() => show("recommendations", "recs-title")}>
            All recommendations ({evaluation.recommendations.length})
          </button>
          <button type="button" className="primary" onClick={() => show("plan", "plan-title")}>
            Open plan
          </button>
        </div>
      </div>
      {top.length ? (
        <ol className="next-list">
          {top.map(({ rec, why }) => (
            <li key={rec.id}>
              <span className="next-title">{rec.title}</span>
              <span className="next-why">
                <span className="visually-hidden">Why: </span>
                <EngineText text={why} omitRefs />
              </span>
            </li>
          ))}
        </ol>
      ) : (
        <p>Nothing to do now: see the recommendations to consider.</p>
      )}
      {primary.length > top.length && (
        <p className="muted small">
          {primary.length - top.length} more to do now in the recommendations.
        </p>
      )}
    </section>
  );
}
