// A date field that reads and writes dates as the rest of the app shows them ("23 Nov 2026"), whatever the browser's
// locale (a native date input would show 11/23/2026 here and 23.11.2026 there). Typing ISO (2026-11-23) works too.
// The value handed up is YYYY-MM-DD, "" when empty, or the text as typed when it is not a date (and the field
// says so), so a check downstream (the plan's validation) can name it.
import { useEffect, useId, useState } from "react";
import { DATE_EXAMPLE, formatDate, parseDate } from "../format.ts";

export interface DateInputProps {
  id: string;
  label: string;
  /** YYYY-MM-DD, "" or unreadable text. */
  value: string;
  onChange(value: string): void;
  /** More help under the field (its id is linked with aria-describedby). */
  help?: string;
}

const shown = (value: string) => (/^\d{4}-\d{2}-\d{2}$/.test(value) ? formatDate(value) : value);

export function DateInput({ id, label, value, onChange, help }: DateInputProps) {
  const [text, setText] = useState(() => shown(value));
  const hintId = useId();
  const errorId = useId();
  // A value changed from outside (cleared, reset, a new plan) replaces what is in the field.
  useEffect(() => {
    setText((t) => (parseDate(t) === value || (t.trim() === "" && value === "") || t === value ? t : shown(value)));
  }, [value]);
  const invalid = text.trim() !== "" && parseDate(text) === null;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="text"
        inputMode="text"
        autoComplete="off"
        size={14}
        value={text}
        aria-invalid={invalid || undefined}
        aria-describedby={[hintId, invalid ? errorId : ""].filter(Boolean).join(" ")}
        onChange={(e) => {
          setText(e.target.value);
          const t = e.target.value.trim();
          onChange(t === "" ? "" : (parseDate(t) ?? t));
        }}
        onBlur={() => {
          const iso = parseDate(text);
          if (iso) setText(formatDate(iso));
        }}
      />
      <p id={hintId} className="help">
        Day month year, e.g. {DATE_EXAMPLE}.{help ? ` ${help}` : ""}
      </p>
      {invalid && (
        <p id={errorId} className="field-error">
          “{text.trim()}” is not a date: write it as {DATE_EXAMPLE}.
        </p>
      )}
    </div>
  );
}
