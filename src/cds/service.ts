// The Stagewise `patient-view` CDS service as discovery describes it: its prefetch templates are the app's own reads
// (src/fhir/patient-queries.ts), so prefetched data and the FHIR fallback give the engine the same record.
import { recordQueries } from "../fhir/patient-queries.ts";
import type { PatientQuery } from "../fhir/patient-queries.ts";
import type { CdsServiceDescription, CdsSource } from "./types.ts";

export const SERVICE_ID = "stagewise-patient-view";
export const HOOK = "patient-view";
export const PATIENT_TOKEN = "{{context.patientId}}";

/** The clinical source of the card's content, named by title (the reference numbers in the detail are its own). */
export const CARD_SOURCE: CdsSource = {
  label: "Opioid use disorder: psychosocial management (topic review, literature through Jan 2024)",
};

/** Prefetch key of each search, by resource type. */
const SEARCH_KEYS: Record<string, string> = {
  Observation: "observations",
  MedicationRequest: "medicationRequests",
  Condition: "conditions",
  CarePlan: "carePlans",
  Goal: "goals",
};

/** The searches of one patient's whole record (the CLI's reads): what prefetch asks for and the fallback reads. */
export function recordSearches(patient: string): PatientQuery[] {
  return recordQueries(patient);
}

/** A search's query string, each value encoded as on a URL except `keep` (a prefetch token stays as written). */
export function queryString(q: PatientQuery, keep?: string): string {
  return Object.entries(q.params)
    .flatMap(([name, value]) => ([] as string[]).concat(value).map((v) => `${name}=${v === keep ? v : encodeURIComponent(v).replace(/%2C/g, ",").replace(/%3A/g, ":")}`))
    .join("&");
}

export interface PrefetchTemplate {
  key: string;
  /** "Patient/{{context.patientId}}" or "Observation?patient={{context.patientId}}&…". */
  template: string;
  kind: "read" | "search";
}

/** The patient read and every search of the record, as CDS Hooks prefetch templates. */
export function prefetchTemplates(): PrefetchTemplate[] {
  const searches = recordSearches(PATIENT_TOKEN).map((q): PrefetchTemplate => {
    const key = SEARCH_KEYS[q.resourceType];
    if (!key) throw new Error(`No prefetch key for ${q.resourceType}: add it to SEARCH_KEYS`);
    // The token stays unencoded ({{ }} are placeholders the EHR fills in).
    return { key, template: `${q.resourceType}?${queryString(q, PATIENT_TOKEN)}`, kind: "search" };
  });
  return [{ key: "patient", template: `Patient/${PATIENT_TOKEN}`, kind: "read" }, ...searches];
}

/**
 * The SMART scopes the service needs to read the record itself (the `fhirAuthorization` token): read the patient, and
 * read and search each searched type, plus read Medication (the MedicationRequest search _includes it). Read-only.
 */
export function serviceScopes(): string[] {
  const searched = [...new Set(recordSearches(PATIENT_TOKEN).map((q) => `patient/${q.resourceType}.rs`))];
  return ["patient/Patient.r", ...searched, "patient/Medication.r"];
}

export function serviceDescription(): CdsServiceDescription {
  return {
    hook: HOOK,
    title: "Stagewise: stage-matched psychosocial care for opioid use disorder",
    description:
      "When a chart opens, one summary card for patients with opioid use disorder data: stage of change, medication " +
      "for OUD, contingency management this week and the top next step, with a link that launches the Stagewise app. " +
      "No card for patients without an OUD diagnosis or opioid-related data.",
    id: SERVICE_ID,
    prefetch: Object.fromEntries(prefetchTemplates().map((t) => [t.key, t.template])),
    usageRequirements:
      "Send every prefetch key (a searchset Bundle holding all pages, or null when there is no data), or fhirServer " +
      `with fhirAuthorization granting ${serviceScopes().join(" ")}; without either the service answers 412. ` +
      "Every call carries the EHR's signed JWT (Authorization: Bearer) with aud = the called URL.",
  };
}
