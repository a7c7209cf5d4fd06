// What every Observation this app writes has in common (the stage of change, a CM reward): the 42 CFR Part 2
// labels, our identifier (one per entry, kept across retries: conditional create), status final, one category,
// the code, the patient, when, when recorded, and who. Pure.
import type { CodeableConcept, Observation } from "fhir/r4.js";
import { OBSERVATION_CATEGORY, OBSERVATION_ID_SYSTEM, SECURITY_LABELS } from "./codes.ts";

export interface AppObservationInput {
  identifier: string;
  /** observation-category code and display, e.g. ["survey", "Survey"]. */
  category: readonly [code: string, display: string];
  code: CodeableConcept;
  /** "Patient/ID". */
  patient: string;
  /** effectiveDateTime (a date or a date-time). */
  effective: string;
  /** issued: the instant it was recorded. */
  issued: string;
  /** performer ("Practitioner/ID"), or null. */
  author: string | null;
}

export function appObservation(o: AppObservationInput): Observation {
  const obs: Observation = {
    resourceType: "Observation",
    meta: { security: SECURITY_LABELS.map((s) => ({ ...s })) },
    identifier: [{ system: OBSERVATION_ID_SYSTEM, value: o.identifier }],
    status: "final",
    category: [{ coding: [{ system: OBSERVATION_CATEGORY, code: o.category[0], display: o.category[1] }] }],
    code: o.code,
    subject: { reference: o.patient },
    effectiveDateTime: o.effective,
    issued: o.issued,
  };
  if (o.author) obs.performer = [{ reference: o.author }];
  return obs;
}
