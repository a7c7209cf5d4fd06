// Engine warnings. Safety warnings come first and stand out: overdose risk after lost tolerance is an alert
// (announced at once); data notices (skipped malformed resources and the like) are listed quietly at the end.
import type { PatientRecord } from "../../clinical/record.ts";
import type { EngineWarning, Evaluation } from "../../clinical/types.ts";
import { RefLink } from "./RefLink.tsx";

export const SAFETY_CODES = new Set(["overdose-risk-lost-tolerance", "return-to-use", "cm-cap-reached"]);

function Refs({ warning, evaluation, record }: { warning: EngineWarning; evaluation: Evaluation; record: PatientRecord }) {
  if (!warning.refs?.length) return null;
  const refs = [...new Set(warning.refs)];
  return (
    <span className="refs">
      {" "}
      Based on:{" "}
      {refs.map((r, i) => (
        <span key={`${i}-${r}`}>
          {i > 0 && ", "}
          <RefLink value={r} evaluation={evaluation} record={record} />
        </span>
      ))}
    </span>
  );
}

export function SafetyWarnings({ warnings, evaluation, record }: { warnings: EngineWarning[]; evaluation: Evaluation; record: PatientRecord }) {
  const safety = warnings.filter((w) => SAFETY_CODES.has(w.code));
  if (!safety.length) return null;
  return (
    <section className="safety" aria-labelledby="safety-title">
      <h2 id="safety-title">Safety</h2>
      {safety.map((w, i) => {
        const label = w.code === "overdose-risk-lost-tolerance" ? "Overdose risk" : w.code === "return-to-use" ? "Return to use" : "Contingency management";
        // The label once, also when the message starts with it.
        const message = w.message.toLowerCase().startsWith(`${label.toLowerCase()}:`) ? w.message.slice(label.length + 1).trimStart() : w.message;
        return (
          <div key={`${w.code}-${i}`} className={`safety-warning warning-${w.code}`} role={w.code === "overdose-risk-lost-tolerance" ? "alert" : undefined}>
            <p>
              <strong>{label}: </strong>
              {message}
              <Refs warning={w} evaluation={evaluation} record={record} />
            </p>
          </div>
        );
      })}
    </section>
  );
}

export function DataNotices({ warnings, evaluation, record }: { warnings: EngineWarning[]; evaluation: Evaluation; record: PatientRecord }) {
  const notices = warnings.filter((w) => !SAFETY_CODES.has(w.code));
  if (!notices.length) return null;
  return (
    <details className="data-notices">
      <summary>Data notices ({notices.length}): resources that could not be read or were skipped</summary>
      <ul>
        {notices.map((w, i) => (
          <li key={i}>
            {w.message}
            <Refs warning={w} evaluation={evaluation} record={record} />
          </li>
        ))}
      </ul>
    </details>
  );
}
