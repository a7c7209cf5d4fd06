// A reference behind a fact ("Observation/x", "input:family"), shown as what it is: the label the engine gave it
// ("urine test 2026-11-05: fentanyl positive", dates written as the app writes them). A urine test opens the
// urine-test table at its row; anything else shows a one-line description of the resource. The reference itself
// is never shown (it stays in data-ref). Server text is rendered as text only.
import { useState, type ReactNode } from "react";
import type { CodeableConcept, FhirResource } from "fhir/r4.js";
import { isInputRef } from "../../clinical/inputs.ts";
import { REF_IN_TEXT } from "../../clinical/ref-labels.ts";
import type { Evaluation, Ref } from "../../clinical/types.ts";
import { labelOf, useEvaluationContext } from "../EvaluationContext.tsx";
import { displayText } from "../format.ts";

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
      parts.push(conceptText(r.medicationCodeableConcept) ?? r.medicationReference?.display ?? "Medication request");
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
  return displayText(parts.filter(Boolean).join(", "));
}

// The urine-test sources of an evaluation (each has a row in the urine-test table), once per evaluation.
const udsSources = new WeakMap<Evaluation, Set<Ref>>();
function inUdsTable(evaluation: Evaluation, ref: Ref): boolean {
  let set = udsSources.get(evaluation);
  if (!set) {
    set = new Set(evaluation.uds.tests.flatMap((t) => t.analytes.map((a) => a.source)));
    udsSources.set(evaluation, set);
  }
  return set.has(ref);
}

export interface RefLinkProps {
  value: Ref;
  /** Shows what the resource is instead of going to its row (used inside the urine-test table itself). */
  showOnly?: boolean;
  /** Text to show instead of the engine's label (e.g. only a date where the fact is already named). */
  children?: ReactNode;
  /** Only the label's first words ("urine test 16 Nov 2026"), where space is short; the rest is one click away. */
  compact?: boolean;
}

/** A label's first words: up to its first ": " ("urine test 2026-11-16: fentanyl positive" → "urine test 2026-11-16"). */
export function compactLabel(label: string): string {
  return label.split(": ")[0] ?? label;
}

export function RefLink({ value, showOnly = false, children, compact = false }: RefLinkProps) {
  const { evaluation, record, show } = useEvaluationContext();
  const [open, setOpen] = useState(false);
  const full = labelOf(evaluation, value);
  const label = children ?? displayText(compact ? compactLabel(full) : full);
  if (isInputRef(value)) {
    return (
      <span className="ref ref-input" data-ref={value}>
        {label}
      </span>
    );
  }
  const toRow = !showOnly && inUdsTable(evaluation, value);
  const resource = record.index.get(value);
  return (
    <span className="ref">
      <button
        type="button"
        className="link-button"
        onClick={() => (toRow ? show("urine-tests", refId(value)) : setOpen((o) => !o))}
        aria-expanded={toRow ? undefined : open}
        data-ref={value}
      >
        {label}
      </button>
      {open && (
        <span className="ref-detail" role="note">
          {resource ? describeResource(resource) : "Not in the record that was read."}
        </span>
      )}
    </span>
  );
}

/** "Based on: a, b": the references behind a fact, each once. */
export function RefList({ refs, lead = "Based on:", compact = false }: { refs: readonly Ref[] | undefined; lead?: string; compact?: boolean }) {
  const { evaluation } = useEvaluationContext();
  // Compact labels of two results of one day read the same: one link for them (to the first).
  const seen = new Set<string>();
  const unique = [...new Set(refs ?? [])].filter((r) => {
    const key = compact ? compactLabel(labelOf(evaluation, r)) : r;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  if (!unique.length) return null;
  return (
    <span className="refs">
      {lead && ` ${lead} `}
      {unique.map((r, i) => (
        <span key={r}>
          {i > 0 && ", "}
          <RefLink value={r} compact={compact} />
        </span>
      ))}
    </span>
  );
}

/**
 * Engine text as a clinician reads it: dates written as the app writes them, and a reference written inside the
 * text ("on buprenorphine (MedicationRequest/x)") shown as its label, a link like any other.
 */
export function EngineText({ text: given, omitRefs = false }: { text: string; omitRefs?: boolean }) {
  const { evaluation } = useEvaluationContext();
  // In one-line summaries, "buprenorphine (MedicationRequest/x)" reads "buprenorphine": the medication is named already.
  const text = omitRefs ? given.replace(/\s\(([A-Z][A-Za-z]+\/[A-Za-z0-9\-.]{1,64})\)/g, (m, ref: string) => (ref in evaluation.refLabels ? "" : m)) : given;
  const parts: ReactNode[] = [];
  let last = 0;
  for (const m of text.matchAll(REF_IN_TEXT)) {
    const ref = m[0].replace(/\.+$/, "");
    if (!(ref in evaluation.refLabels)) continue;
    parts.push(displayText(text.slice(last, m.index)));
    parts.push(<RefLink key={`${m.index}-${ref}`} value={ref} />);
    last = m.index + ref.length;
  }
  parts.push(displayText(text.slice(last)));
  return <>{parts}</>;
}
