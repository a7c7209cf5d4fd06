// The plan as it will read in the EHR (the same content as the CarePlan narrative the builder writes), rendered
// with React from the draft: typed text stays text.
import type { PlanDraft } from "../../clinical/plan.ts";
import { cmEndDate } from "../../clinical/plan.ts";
import { formatDate } from "../format.ts";
import { SCHEDULE_NAMES } from "./SchedulePicker.tsx";

/** A draft's date as the app writes dates; text that is not a date yet is shown as typed. */
const shown = (value: string) => (/^\d{4}-\d{2}-\d{2}/.test(value) ? formatDate(value) : value);

function Lines({ text }: { text: string }) {
  const lines = text.trim().split(/\r\n|\r|\n/);
  return (
    <>
      {lines.map((l, i) => (
        <span key={i}>
          {i > 0 && <br />}
          {l}
        </span>
      ))}
    </>
  );
}

export function PlanPreview({ draft }: { draft: PlanDraft }) {
  const titles = new Map(draft.activities.map((a) => [a.id, a.title]));
  return (
    <div className="plan-preview">
      <p className="preview-title">{draft.title?.trim() || "Psychosocial care plan"}</p>
      <p>
        Status: {draft.status}. Period: {draft.period.end ? `${shown(draft.period.start)} to ${shown(draft.period.end)}` : `from ${shown(draft.period.start)}`}.
      </p>
      <p className="preview-heading">Activities</p>
      {draft.activities.length ? (
        <ul>
          {draft.activities.map((a) => (
            <li key={a.id}>
              <b>{a.title}</b>
              {a.text.trim() && (
                <>
                  : <Lines text={a.text} />
                </>
              )}
            </li>
          ))}
        </ul>
      ) : (
        <p>None.</p>
      )}
      <p className="preview-heading">Goals</p>
      {draft.goals.length ? (
        <ul>
          {draft.goals.map((g) => (
            <li key={g.key}>
              <Lines text={g.description || "(no description yet)"} /> (from {shown(g.startDate)}
              {g.dueDate && `, due ${shown(g.dueDate)}`}
              {g.activityIds?.length ? `; for ${g.activityIds.map((id) => titles.get(id) ?? id).join(", ")}` : ""})
            </li>
          ))}
        </ul>
      ) : (
        <p>None.</p>
      )}
      {draft.cm && (
        <>
          <p className="preview-heading">Contingency management</p>
          <p>
            Weekly, {draft.cm.weeks} week{draft.cm.weeks === 1 ? "" : "s"}, {shown(draft.cm.startDate)} to{" "}
            {/^\d{4}-\d{2}-\d{2}$/.test(draft.cm.startDate) && draft.cm.weeks > 0 ? formatDate(cmEndDate(draft.cm.startDate, draft.cm.weeks)) : "?"}; schedule:{" "}
            {SCHEDULE_NAMES[draft.cm.schedule].toLowerCase()}.
          </p>
          <ul>
            {draft.cm.description.map((l, i) => (
              <li key={i}>{l}</li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
