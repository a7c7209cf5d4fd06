// Dated notes (an activity's progress, a goal's notes) as text, oldest first, and the field for the next one, which
// is dated today and stored at the next save.
import type { DatedNote } from "../../clinical/plan.ts";
import { formatDate } from "../format.ts";

export function NoteList({ notes, names }: { notes: DatedNote[]; names: Map<string, string> }) {
  if (!notes.length) return null;
  return (
    <ul className="plan-notes">
      {notes.map((n, i) => (
        <li key={i}>
          <span className="muted">{n.time ? formatDate(n.time.slice(0, 10)) : "Undated"}{n.author && names.get(n.author) ? `, ${names.get(n.author)}` : ""}:</span> {n.text}
        </li>
      ))}
    </ul>
  );
}

export function NewNote({ id, label, value, onChange }: { id: string; label: string; value: string; onChange(text: string): void }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <textarea id={id} rows={2} value={value} onChange={(e) => onChange(e.target.value)} />
    </div>
  );
}
