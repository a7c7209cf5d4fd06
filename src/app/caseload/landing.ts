// Where a launch opens (pure). A care coordinator lands on the caseload and its worklists; a clinician on the patient
// in context; either reaches the other in one click. The role is the one the EHR gives the signed-in user
// (fhirUser): the code of their PractitionerRole ("Care coordinator"; no verified standard code exists, so the
// text or display is read). No patient in context: the caseload, whoever signs in.
export type Role = "care-coordinator" | "clinician" | "unknown";

/** The role from PractitionerRole code texts: a coordinator when any says "coordinator" (care/case coordinator). */
export function roleFrom(texts: readonly string[]): Role {
  if (texts.some((t) => /\bco-?ordinator\b/i.test(t))) return "care-coordinator";
  return texts.length > 0 ? "clinician" : "unknown";
}

export type Landing = "caseload" | "patient";

export function landingFor(o: { patientInContext: boolean; caseload: boolean; role: Role }): Landing {
  if (!o.caseload) return "patient";
  if (!o.patientInContext) return "caseload";
  return o.role === "care-coordinator" ? "caseload" : "patient";
}
