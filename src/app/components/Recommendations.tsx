// Recommendations in two groups (do now / consider), each with its reasons (linked to the resources behind
// them) and its evidence (figures and the review's reference numbers) in an expandable section.
import type { PatientRecord } from "../../clinical/record.ts";
import { evidenceCitation, SOURCE_TITLE } from "../../clinical/references.ts";
import type { Evaluation, Recommendation } from "../../clinical/types.ts";
import { RefLink } from "./RefLink.tsx";

function RecommendationItem({ rec, evaluation, record }: { rec: Recommendation; evaluation: Evaluation; record: PatientRecord }) {
  const headingId = `rec-${rec.id}`;
  return (
    <li className={`recommendation tier-${rec.tier}`}>
      <h4 id={headingId}>{rec.title}</h4>
      {rec.target && (
        <p>
          <strong>Target:</strong> {rec.target}
        </p>
      )}
      <p className="muted">{rec.activity}</p>
      <h5>Why</h5>
      <ul className="reasons">
        {rec.reasons.map((r, i) => (
          <li key={i}>
            {r.text}
            {r.refs.length > 0 && (
              <span className="refs">
                {" "}
                Based on:{" "}
                {[...new Set(r.refs)].map((ref, j) => (
                  <span key={`${j}-${ref}`}>
                    {j > 0 && ", "}
                    <RefLink value={ref} evaluation={evaluation} record={record} />
                  </span>
                ))}
              </span>
            )}
          </li>
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

export function Recommendations({ recommendations, evaluation, record }: { recommendations: Recommendation[]; evaluation: Evaluation; record: PatientRecord }) {
  const primary = recommendations.filter((r) => r.tier === "primary");
  const consider = recommendations.filter((r) => r.tier === "consider");
  return (
    <div className="recommendations">
      <section aria-labelledby="recs-primary">
        <h3 id="recs-primary">Do now ({primary.length})</h3>
        {primary.length ? (
          <ul className="rec-list">
            {primary.map((r) => (
              <RecommendationItem key={r.id} rec={r} evaluation={evaluation} record={record} />
            ))}
          </ul>
        ) : (
          <p>Nothing to do now.</p>
        )}
      </section>
      <section aria-labelledby="recs-consider">
        <h3 id="recs-consider">Consider ({consider.length})</h3>
        {consider.length ? (
          <ul className="rec-list">
            {consider.map((r) => (
              <RecommendationItem key={r.id} rec={r} evaluation={evaluation} record={record} />
            ))}
          </ul>
        ) : (
          <p>Nothing else to consider.</p>
        )}
      </section>
    </div>
  );
}
