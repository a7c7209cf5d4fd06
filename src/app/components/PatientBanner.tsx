// The patient banner, shown when the EHR asks for one (need_patient_banner): name, birth date, identifier.
import type { HumanName, Identifier, Patient } from "fhir/r4.js";

export function patientName(patient: Patient): string {
  const names = patient.name ?? [];
  const name: HumanName | undefined = names.find((n) => n.use === "official") ?? names.find((n) => n.use !== "old") ?? names[0];
  if (!name) return "Unnamed patient";
  if (name.text?.trim()) return name.text.trim();
  const text = [...(name.given ?? []), name.family ?? ""].join(" ").trim();
  return text || "Unnamed patient";
}

function identifierText(identifiers: Identifier[] | undefined): { label: string; value: string } | null {
  const list = (identifiers ?? []).filter((i) => i.value && i.use !== "old");
  const mrn = list.find((i) => i.type?.coding?.some((c) => c.code === "MR")) ?? list[0];
  if (!mrn?.value) return null;
  const label = mrn.type?.text ?? mrn.type?.coding?.find((c) => c.display)?.display ?? (mrn.type?.coding?.some((c) => c.code === "MR") ? "MRN" : "Identifier");
  return { label, value: mrn.value };
}

export function PatientBanner({ patient }: { patient: Patient }) {
  const id = identifierText(patient.identifier);
  return (
    <section className="patient-banner" aria-label="Patient">
      <span className="patient-name">{patientName(patient)}</span>
      <span>
        <span className="muted">Born </span>
        {patient.birthDate ?? "unknown"}
      </span>
      {patient.gender && <span>{patient.gender}</span>}
      {id && (
        <span>
          <span className="muted">{id.label} </span>
          {id.value}
        </span>
      )}
    </section>
  );
}
