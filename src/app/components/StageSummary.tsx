// Stage of change: value, date, how it was recorded, the source, and a stale flag.
import type { PatientRecord } from "../../clinical/record.ts";
import { datePart, daysBetween } from "../../clinical/dates.ts";
import type { Evaluation, StageFact } from "../../clinical/types.ts";
import { RefLink } from "./RefLink.tsx";

const METHOD: Record<string, string> = {
  coded: "coded stage",
  text: "stage written as text",
  "readiness-ruler": "readiness ruler",
};

export function stageName(value: string): string {
  return value === "unknown" ? "Unknown" : value.charAt(0).toUpperCase() + value.slice(1);
}

function assessed(observedAt: string | null, now: string): string {
  const date = datePart(observedAt);
  if (!observedAt || !date) return "date unknown";
  const days = daysBetween(date, now);
  return `${date} (${days === 0 ? "today" : days === 1 ? "1 day ago" : `${days} days ago`})`;
}

export function StageSummary({ stage, evaluation, record, now }: { stage: StageFact; evaluation: Evaluation; record: PatientRecord; now: string }) {
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
          <dd title={stage.observedAt ?? undefined}>{assessed(stage.observedAt, now)}</dd>
          <dt>How</dt>
          <dd>
            {stage.method ? METHOD[stage.method] : "unknown"}
            {stage.rulerScore !== undefined && ` (score ${stage.rulerScore} of 10)`}
          </dd>
          <dt>Source</dt>
          <dd>{stage.source ? <RefLink value={stage.source} evaluation={evaluation} record={record} /> : "unknown"}</dd>
        </dl>
      )}
    </div>
  );
}
