// A reference behind a fact ("Observation/x", "input:family"): a button labelled with what it is (refLabel: "urine
// test 2026-11-05: fentanyl positive"), the raw reference in its title, that scrolls to the item in the urine-test
// table when it is there, and otherwise shows what the resource is. Server text is rendered as text only.
import { useState } from "react";
import type { CodeableConcept, FhirResource } from "fhir/r4.js";
import type { PatientRecord } from "../../clinical/record.ts";
import type { Evaluation } from "../../clinical/types.ts";
import { refLabel } from "../ref-labels.ts";

/** The DOM id of the table row (or item) that shows a resource. */
export function refId(ref: string): string {
  return `res-${ref.replace(/[^A-Za-z0-9_-]/g, "-")}`;
}

function conceptText(cc: CodeableConcept | undefined): string | null {
  if (!cc) return null;
  return cc.text ?? cc.coding?.find((c) => c.display)?.display ?? cc.coding?.[0]?.code ?? null;
}

/** A one-line plain description of a resource. */
export function describeResource(r: FhirResource): string {
  const parts: string[] = [];
  switch (r.resourceType) {
    case "Observation": {
      parts.push(conceptText(r.code) ?? "Observation");
      const value =
        conceptText(r.valueCodeableConcept) ??
        r.valueString ??
        (r.valueInteger !== undefined ? String(r.valueInteger) : null) ??
        (r.valueQuantity ? `${r.valueQuantity.value ?? ""} ${r.valueQuantity.unit ?? ""}`.trim() : null);
      if (value) parts.push(value);
      if (r.effectiveDateTime ?? r.effectivePeriod?.start) parts.push(`on ${r.effectiveDateTime ?? r.effectivePeriod?.start}`);
      parts.push(`status ${r.status}`);
      break;
    }
    case "MedicationRequest":
      parts.push(conceptText(r.medicationCodeableConcept) ?? r.medicationReference?.display ?? r.medicationReference?.reference ?? "Medication request");
      parts.push(`status ${r.status}`);
      if (r.authoredOn) parts.push(`written ${r.authoredOn}`);
      break;
    case "Condition":
      parts.push(conceptText(r.code) ?? "Condition");
      if (r.clinicalStatus) parts.push(conceptText(r.clinicalStatus) ?? "");
      if (r.onsetDateTime ?? r.recordedDate) parts.push(`since ${r.onsetDateTime ?? r.recordedDate}`);
      break;
    case "CarePlan":
      parts.push(r.title ?? "Care plan", `status ${r.status}`);
      if (r.period?.start) parts.push(`from ${r.period.start}`);
      break;
    default:
      parts.push(r.resourceType);
  }
  return parts.filter(Boolean).join(", ");
}

export interface RefLinkProps {
  value: string;
  evaluation: Evaluation;
  record: PatientRecord;
  showOnly?: boolean;
}

export function RefLink({ value, evaluation, record, showOnly = false }: RefLinkProps) {
  const [open, setOpen] = useState(false);
  const label = refLabel(value, evaluation, record);
  if (value.startsWith("input:")) return <span className="ref ref-input" title={value}>{label}</span>;
  const resource = record.index.get(value);

  const onClick = () => {
    const target = showOnly ? null : document.getElementById(refId(value));
    if (target) {
      const details = target.closest("details");
      if (details && !details.open) details.open = true;
      target.scrollIntoView?.({ block: "center" });
      target.focus();
      return;
    }
    setOpen((o) => !o);
  };
  return (
    <span className="ref">
      <button type="button" className="link-button" onClick={onClick} aria-expanded={open} title={value} data-ref={value}>
        {label}
      </button>
      {open && (
        <span className="ref-detail" role="note">
          {value}: {resource ? describeResource(resource) : "not in the record that was read"}
        </span>
      )}
    </span>
  );
}
