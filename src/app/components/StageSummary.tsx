// Stage of change: value, date, how it was recorded, the source, and a stale flag.
import type { PatientRecord } from "../../clinical/record.ts";
import type { StageFact } from "../../clinical/types.ts";
import { RefLink } from "./RefLink.tsx";

const METHOD: Record<string, string> = {
  coded: "coded stage",
  text: "stage written as text",
  "readiness-ruler": "readiness ruler",
};

export function stageName(value: string): string {
  return value === "unknown" ? "Unknown" : value.charAt(0).toUpperCase() + value.slice(1);
}

export function StageSummary({ stage, record }: { stage: StageFact; record: PatientRecord }) {
  return (
    <div className="stage-summary">
      <p className="big-value" data-testid="stage-value">
        {stageName(stage.value)}
        {stage.stale && <span className="badge badge-warn">Stale: assessed more than 90 days ago</span>}
      </p>
      {stage.value === "unknown" ? (
        <p>No stage-of-change assessment was found. Assess readiness to change (record it below).</p>
      ) : (
        <dl className="facts">
          <dt>Assessed</dt>
          <dd>{stage.observedAt ?? "date unknown"}</dd>
          <dt>How</dt>
          <dd>
            {stage.method ? METHOD[stage.method] : "unknown"}
            {stage.rulerScore !== undefined && ` (score ${stage.rulerScore} of 10)`}
          </dd>
          <dt>Source</dt>
          <dd>{stage.source ? <RefLink value={stage.source} record={record} /> : "unknown"}</dd>
        </dl>
      )}
    </div>
  );
}
