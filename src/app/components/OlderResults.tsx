// The state of the older urine test results, read after the first screen (useRecord): the chart and the table
// fill in while they arrive. The engine's answers do not depend on them (src/clinical/read-window.ts).
import type { HistoryState } from "../useRecord.ts";
import { ErrorMessage } from "./ErrorMessage.tsx";

export function OlderResults({ history }: { history: HistoryState | undefined }) {
  if (!history || history.status === "done") return null;
  if (history.status === "failed")
    return (
      <ErrorMessage
        title={`Older results (before ${history.from}) could not be read`}
        error={history.failure.error}
        hint="The chart and the table show the results from that day on; the recommendations and contingency management do not depend on older results."
        alert={false}
      />
    );
  return (
    <p role="status" className="help older-results">
      Loading older results… The chart and the table show the results since {history.from}
      {history.resources > 0 ? `; ${history.resources} older resources received so far` : ""}.
    </p>
  );
}
