// The CM reward schedules by name, and the one picker for them: used by the CM panel (the one place where the
// schedule is set) and named by the plan editor, the CM week card and the plan preview.
import type { CmScheduleKind } from "../../clinical/types.ts";

export const SCHEDULE_NAMES: Record<CmScheduleKind, string> = {
  escalating: "Escalating vouchers",
  prize: "Prize draws (fishbowl)",
  fixed: "Fixed reward",
};

export const SCHEDULE_KINDS = Object.keys(SCHEDULE_NAMES) as CmScheduleKind[];

export function SchedulePicker({ value, onChange, name = "cm-schedule" }: { value: CmScheduleKind; onChange(kind: CmScheduleKind): void; name?: string }) {
  return (
    <fieldset>
      <legend>Reward schedule</legend>
      {SCHEDULE_KINDS.map((k) => (
        <label key={k}>
          <input type="radio" name={name} value={k} checked={value === k} onChange={() => onChange(k)} /> {SCHEDULE_NAMES[k]}
        </label>
      ))}
    </fieldset>
  );
}
