// What charts rarely hold, entered by the clinician; every change re-evaluates at once.
import type { ClinicianContext } from "../../clinical/types.ts";

const TOGGLES: { key: keyof ClinicianContext; label: string }[] = [
  { key: "familyInvolved", label: "Family or partner involved and willing" },
  { key: "prefersNoMedication", label: "Patient prefers treatment without medication" },
  { key: "canDeliverCm", label: "This setting can deliver contingency management" },
  { key: "otp", label: "This is an opioid treatment program (OTP)" },
];

export function ContextToggles({ context, onChange }: { context: ClinicianContext; onChange(next: ClinicianContext): void }) {
  return (
    <fieldset className="context-toggles">
      <legend>Clinician context</legend>
      {TOGGLES.map((t) => (
        <label key={t.key}>
          <input type="checkbox" checked={context[t.key]} onChange={(e) => onChange({ ...context, [t.key]: e.target.checked })} /> {t.label}
        </label>
      ))}
    </fieldset>
  );
}
