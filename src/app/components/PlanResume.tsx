// Unsaved plan edits kept in this tab (draft-store.ts), offered back at the next launch of the same patient:
// Resume puts them back in the editor; Discard forgets them.
import type { DraftEntry } from "../draft-store.ts";
import type { DraftState } from "../plan-draft.ts";
import { formatDate } from "../format.ts";

function when(iso: string): string {
  const time = /T(\d{2}:\d{2})/.exec(iso)?.[1];
  return time ? `${formatDate(iso.slice(0, 10))} at ${time}` : formatDate(iso.slice(0, 10));
}

export function PlanResume({ entry, onResume, onDiscard }: { entry: DraftEntry<DraftState>; onResume(): void; onDiscard(): void }) {
  const name = entry.draft.title.trim() || (entry.draft.existing ? "the care plan" : "a new care plan");
  return (
    <div className="plan-resume" role="region" aria-label="Unsaved changes">
      <p>
        You have unsaved changes to {name === "the care plan" || name === "a new care plan" ? name : `“${name}”`} from {when(entry.savedAt)}, kept in this tab.
      </p>
      <div className="button-row tight">
        <button type="button" className="primary" onClick={onResume}>
          Resume your unsaved changes
        </button>
        <button type="button" onClick={onDiscard}>
          Discard them
        </button>
      </div>
    </div>
  );
}
