// After a 412 (someone saved the plan first): the stored version and the user's, field by field. Fields only one
// side changed are merged already (listed); each field both changed is a choice: keep mine or take theirs. Notes are
// never in conflict: both sides' notes are kept. Saving stores the merged plan on the new version.
import { useState } from "react";
import type { Side } from "../../clinical/plan-merge.ts";
import type { MergeView } from "../usePlanSave.ts";

function shown(value: unknown): string {
  if (value === undefined || value === null || value === "") return "(none)";
  if (typeof value === "string") return value;
  if (typeof value === "boolean" || typeof value === "number") return String(value);
  if (Array.isArray(value)) return value.map(shown).join(", ") || "(none)";
  if (typeof value === "object") {
    const o = value as Record<string, unknown>;
    if (typeof o.title === "string") return `${o.title}${typeof o.text === "string" && o.text ? `: ${o.text}` : ""}${typeof o.status === "string" ? ` (${o.status})` : ""}`;
    if (typeof o.description === "string") return o.description;
    if (typeof o.start === "string") return `${o.start}${typeof o.end === "string" ? ` to ${o.end}` : ""}`;
    return Object.entries(o)
      .filter(([, v]) => typeof v !== "object")
      .map(([k, v]) => `${k}: ${String(v)}`)
      .join("; ");
  }
  return String(value);
}

const FIELD: Record<string, string> = {
  title: "title",
  text: "text",
  status: "status",
  statusReason: "reason for the status",
  period: "dates",
  context: "clinician context",
  cm: "contingency management",
  description: "description",
  startDate: "start date",
  dueDate: "due date",
  lifecycleStatus: "status",
  achievementStatus: "progress",
  activityIds: "activities",
};

function label(raw: string): string {
  const i = raw.lastIndexOf(": ");
  if (i < 0) return `Plan ${FIELD[raw] ?? raw}`;
  const field = raw.slice(i + 2);
  return `${raw.slice(0, i)}: ${FIELD[field] ?? field}`;
}

/** "activity:cbt/status" → "Activity CBT: status"; "title" → "Plan title". */
function pathLabel(path: string, merge: MergeView): string {
  const [head, field] = path.split("/") as [string, string | undefined];
  const colon = head.indexOf(":");
  if (colon < 0) return `Plan ${FIELD[head] ?? head}`;
  const kind = head.slice(0, colon);
  const key = head.slice(colon + 1);
  const lists = [merge.result.merged, merge.theirs.draft].filter((d) => d !== null);
  const name =
    kind === "activity"
      ? lists.flatMap((d) => d.activities).find((a) => a.id === key)?.title
      : lists.flatMap((d) => d.goals).find((g) => g.key === key)?.description;
  const item = `${kind === "activity" ? "Activity" : "Goal"} ${name ?? key}`;
  return field ? `${item}: ${FIELD[field] ?? field}` : `${item} (added or removed)`;
}

export function PlanMerge({ merge, busy, onSave }: { merge: MergeView; busy: boolean; onSave(choices: Record<string, Side>): void }) {
  const [choices, setChoices] = useState<Record<string, Side>>({});
  const { conflicts, takenFromTheirs } = merge.result;
  const version = merge.theirs.plan.versionId;
  return (
    <section className="plan-merge" aria-labelledby="merge-title">
      <h3 id="merge-title">Someone saved this plan first (now version {version})</h3>
      <p>
        Your changes are kept. {conflicts.length === 0 ? "No field was changed on both sides: " : `${conflicts.length} field${conflicts.length === 1 ? " was" : "s were"} changed on both sides; choose for each, then `}
        save the merged plan on version {version}. Notes from both sides are all kept.
      </p>
      {takenFromTheirs.length > 0 && (
        <p className="muted">Taken from the stored version (only it changed them): {takenFromTheirs.map((p) => pathLabel(p, merge)).join("; ")}.</p>
      )}
      {conflicts.length > 0 && (
        <table className="merge-table">
          <caption className="visually-hidden">Fields changed on both sides</caption>
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">Yours</th>
              <th scope="col">Stored (theirs)</th>
            </tr>
          </thead>
          <tbody>
            {conflicts.map((c, i) => {
              const choice = choices[c.path] ?? "mine";
              const name = label(c.label);
              return (
                <tr key={c.path}>
                  <th scope="row">{name}</th>
                  <td>
                    <label>
                      <input type="radio" name={`merge-${i}`} checked={choice === "mine"} onChange={() => setChoices({ ...choices, [c.path]: "mine" })} /> Keep mine:{" "}
                      <span className="server-text">{shown(c.mine)}</span>
                    </label>
                  </td>
                  <td>
                    <label>
                      <input type="radio" name={`merge-${i}`} checked={choice === "theirs"} onChange={() => setChoices({ ...choices, [c.path]: "theirs" })} /> Take theirs:{" "}
                      <span className="server-text">{shown(c.theirs)}</span>
                    </label>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <div className="button-row">
        <button type="button" className="primary" disabled={busy} onClick={() => onSave(choices)}>
          Save the merged plan on version {version}
        </button>
      </div>
    </section>
  );
}
