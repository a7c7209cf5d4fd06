// The reads that make up one patient's record — shared by the browser (fhirclient) and the CLI (fhir-kit-client),
// so both ask the server the same questions. Every search is followed to its last page by the caller.

export interface PatientQuery {
  resourceType: string;
  /** Search parameters, already encoded as they go on the URL. */
  params: Record<string, string>;
}

/** Page size asked of the server (fewer sequential page round trips for long histories); servers may return fewer. */
export const PAGE_SIZE = 1000;

export function patientQueries(patientId: string): PatientQuery[] {
  const patient = patientId;
  return [
    // Laboratory (urine drug screens) and survey (stage of change) observations. The category filter also suits
    // EHRs that refuse an Observation search without a category or code (Epic).
    { resourceType: "Observation", params: { patient, category: "laboratory,survey", _count: String(PAGE_SIZE) } },
    {
      resourceType: "MedicationRequest",
      params: { patient, _include: "MedicationRequest:medication", _count: String(PAGE_SIZE) },
    },
    { resourceType: "Condition", params: { patient, _count: String(PAGE_SIZE) } },
    { resourceType: "CarePlan", params: { patient, _count: String(PAGE_SIZE) } },
    { resourceType: "Goal", params: { patient, _count: String(PAGE_SIZE) } },
  ];
}
