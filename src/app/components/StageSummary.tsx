// Stage of change on the first screen: the stage, when it was assessed (the date leads to the assessment), how old
// that is, a stale flag, and "Record stage", which opens the stage picker / readiness ruler in place.
import { useState } from "react";
import { datePart, daysBetween } from "../../clinical/dates.ts";
import { useEvaluationContext } from "../EvaluationContext.tsx";
import { daysAgo, formatDate } from "../format.ts";
import { RecordStage } from "./RecordStage.tsx";
import { RefLink } from "./RefLink.tsx";

export function stageName(value: string): string {
  return value === "unknown" ? "Unknown" : value.charAt(0).toUpperCase() + value.slice(1);
}

export function StageCard() {
  const { evaluation, now } = useEvaluationContext();
  const stage = evaluation.stage;
  const [recording, setRecording] = useState(false);
  const date = datePart(stage.observedAt);
  const age = date ? daysBetween(date, now) : null;
  return (
    <section className="card glance-card stage-summary" aria-labelledby="stage-title">
      <div className="card-head">
        <h3 id="stage-title">Stage of change</h3>
      </div>
      <p className="big-value" data-testid="stage-value">
        {stageName(stage.value)}
        {stage.stale && age !== null && <span className="badge badge-warn">Stale: {age} days old</span>}
      </p>
      {stage.value === "unknown" ? (
        <p className="card-line">No assessment recorded: assess readiness to change.</p>
      ) : (
        <p className="card-line" data-testid="stage-assessed">
          Assessed {stage.source ? <RefLink value={stage.source}>{formatDate(date)}</RefLink> : formatDate(date)}
          {date && ` (${daysAgo(date, now)})`}
          {stage.method === "readiness-ruler" && stage.rulerScore !== undefined && `; readiness ruler ${stage.rulerScore} of 10`}
        </p>
      )}
      <p className="card-line">
        <button type="button" className="small-button" aria-expanded={recording} aria-controls="record-stage" onClick={() => setRecording((r) => !r)}>
          Record stage
        </button>
      </p>
      {recording && <RecordStage id="record-stage" />}
    </section>
  );
}
