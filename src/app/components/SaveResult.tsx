// What a save created or found: each resource with its id and version, from the transaction response.
import type { SaveOutcome } from "../save-plan.ts";

export function SaveResult({ outcome, update }: { outcome: SaveOutcome; update: boolean }) {
  return (
    <div className="save-result" role="status">
      <p className="ok">{update ? "The plan was updated." : "The plan was saved."}</p>
      <ul>
        {outcome.items.map((item, i) => (
          <li key={i}>
            {item.resourceType}/{item.id ?? "?"}
            {item.versionId && `, version ${item.versionId}`}:{" "}
            {item.created ? "created" : /^200\b/.test(item.status) ? "already there (kept or updated)" : item.status || "saved"}
          </li>
        ))}
      </ul>
    </div>
  );
}
