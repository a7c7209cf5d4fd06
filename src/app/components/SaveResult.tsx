// What a save created or found, in words: the care plan, each goal and the record of the save, with the version the
// server gave each (ids stay in data-ref, out of sight), from the transaction response.
import type { SaveOutcome } from "../save-plan.ts";

const NAMES: Record<string, string> = { CarePlan: "Care plan", Goal: "Goal", Provenance: "Record of who saved it (Provenance)" };

export function SaveResult({ outcome, update }: { outcome: SaveOutcome; update: boolean }) {
  let goal = 0;
  return (
    <div className="save-result" role="status">
      <p className="ok">{update ? "The plan was updated." : "The plan was saved."}</p>
      <ul>
        {outcome.items.map((item, i) => {
          const name = item.resourceType === "Goal" ? `Goal ${++goal}` : (NAMES[item.resourceType] ?? item.resourceType);
          const what = item.created ? "created" : /^200\b/.test(item.status) ? "already there (kept or updated)" : item.status || "saved";
          return (
            <li key={i} data-ref={item.id ? `${item.resourceType}/${item.id}` : undefined}>
              {name}: {what}
              {item.versionId && ` (version ${item.versionId})`}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
