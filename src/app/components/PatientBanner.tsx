// Who the patient is, in the app's one-line header: always the name, sex and age (the patient must be visible when
// the EHR hides its own banner, e.g. embedded); when the EHR asks for a banner (need_patient_banner), the full
// banner: also the birth date and the record number, as a region named "Patient".
import type { HumanName, Identifier, Patient } from "fhir/r4.js";
import { ageInYears, formatDate } from "../format.ts";

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
  const label = mrn.type?.text ?? (mrn.type?.coding?.some((c) => c.code === "MR") ? "MRN" : (mrn.type?.coding?.find((c) => c.display)?.display ?? "Identifier"));
  return { label, value: mrn.value };
}

const SEX: Record<string, string> = { male: "Male", female: "Female", other: "Other", unknown: "Sex unknown" };

export function PatientBanner({ patient, now, full }: { patient: Patient; now: string; full: boolean }) {
  const id = full ? identifierText(patient.identifier) : null;
  const age = ageInYears(patient.birthDate, now);
  const parts = (
    <>
      <span className="patient-name">{patientName(patient)}</span>
      {patient.gender && <span>{SEX[patient.gender] ?? patient.gender}</span>}
      {age !== null && <span>{age} years</span>}
      {full && (
        <span>
          <span className="muted">Born </span>
          {formatDate(patient.birthDate, "unknown")}
        </span>
      )}
      {id && (
        <span>
          <span className="muted">{id.label} </span>
          {id.value}
        </span>
      )}
    </>
  );
  return full ? (
    <section className="patient-banner" aria-label="Patient">
      {parts}
    </section>
  ) : (
    <p className="patient-banner patient-line">{parts}</p>
  );
}
