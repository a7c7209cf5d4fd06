// One launched session: which server, which patient, who is signed in. Created once per page from the SMART
// launch (smart.ts) and passed down; nothing about the patient lives in module state, so two tabs with two
// patients never mix.
import type { FhirApi } from "./fhir-api.ts";

export interface SmartSession {
  api: FhirApi;
  patientId: string;
  /** The EHR asked the app to show a patient banner (token response need_patient_banner). */
  needPatientBanner: boolean;
  /** The signed-in user as a relative reference ("Practitioner/dr-1"), or null when the server did not say. */
  fhirUser: string | null;
}

/**
 * What a launch gave: the patient in context (if any) and, when the token grants user-level reads of a caseload,
 * the caseload. At least one of the two is there (smart.ts refuses a launch with neither).
 */
export interface Launch {
  patient: SmartSession | null;
  caseload: CaseloadAccess | null;
  fhirUser: string | null;
  needPatientBanner: boolean;
}

export interface CaseloadAccess {
  /** The FHIR server without a launch patient: the caseload's reads (batched; no writes are made with it). */
  api: FhirApi;
  /** The session of a patient opened from the caseload: the same reads and workspace, writes confined to it. */
  open(patientId: string): SmartSession;
}

/** "https://x/fhir/Practitioner/dr-1" or "Practitioner/dr-1" → "Practitioner/dr-1"; null when not a reference. */
export function relativeUserRef(fhirUser: string | null | undefined): string | null {
  if (!fhirUser || fhirUser.length > 2048) return null; // a URL, not a document (and no regex over megabytes)
  const m = /([A-Z][A-Za-z]+)\/([A-Za-z0-9.-]{1,64})$/.exec(fhirUser);
  return m ? `${m[1]}/${m[2]}` : null;
}

/** Today's date in the user's time zone, YYYY-MM-DD (the engine's "now"). */
export function localToday(date = new Date()): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())}`;
}

/** An instant with seconds and the user's zone offset, e.g. 2026-11-23T15:30:00-05:00 (FHIR instant). */
export function localInstant(date = new Date()): string {
  const p = (n: number) => String(Math.trunc(Math.abs(n))).padStart(2, "0");
  const offset = -date.getTimezoneOffset();
  const zone = offset === 0 ? "Z" : `${offset > 0 ? "+" : "-"}${p(offset / 60)}:${p(offset % 60)}`;
  return `${localToday(date)}T${p(date.getHours())}:${p(date.getMinutes())}:${p(date.getSeconds())}${zone}`;
}
