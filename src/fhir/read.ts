// Reading a patient's record over any transport: the Patient and a wave of searches, all in parallel, each
// followed to its last page (search.ts). A failed search does not stop the others: it is returned by name with
// what the server said; what to do with it is the caller's policy (the app shows the rest as an incomplete
// record, the CLI stops, since its output must come from the whole record).
import type { Patient } from "fhir/r4.js";
import type { RecordEntry } from "../clinical/record.ts";
import { FhirError } from "./errors.ts";
import { queryUrl, recordQueries, type PatientQuery } from "./patient-queries.ts";
import { searchAllPages } from "./search.ts";
import type { FhirTransport } from "./transport.ts";

export interface SearchFailure {
  resourceType: string;
  label: string;
  error: FhirError;
}

export interface SearchesRead {
  /** Every search's entries, in the order of the queries (whatever order the answers came in). */
  entries: RecordEntry[];
  failures: SearchFailure[];
}

export interface WaveHooks {
  /** A page of a search has arrived. */
  onPage?(query: PatientQuery, entries: RecordEntry[]): void;
  /** A search has finished, with or without success. */
  onDone?(query: PatientQuery): void;
}

export function asFhirError(e: unknown, label: string): FhirError {
  return e instanceof FhirError ? e : new FhirError(0, label, undefined, e instanceof Error ? e.message : String(e));
}

/** The Patient; throws a FhirError when it cannot be read (then nothing about the patient can be shown). */
export async function readPatient(transport: FhirTransport, patientId: string): Promise<Patient> {
  const url = `Patient/${encodeURIComponent(patientId)}`;
  const res = await transport.request(url);
  const body = res.body as Patient | undefined;
  if (!body || typeof body !== "object" || body.resourceType !== "Patient")
    throw new FhirError(res.status, url, undefined, "the server did not answer with a Patient");
  return body;
}

export function patientEntry(transport: FhirTransport, patient: Patient): RecordEntry {
  return { resource: patient, fullUrl: `${transport.serverUrl}/Patient/${patient.id}` };
}

/** Runs the searches in parallel, each to its last page. */
export async function readSearches(transport: FhirTransport, queries: PatientQuery[], hooks: WaveHooks = {}): Promise<SearchesRead> {
  const results = await Promise.all(
    queries.map(async (q): Promise<RecordEntry[] | SearchFailure> => {
      try {
        return await searchAllPages(transport, queryUrl(q), (page) => hooks.onPage?.(q, page));
      } catch (e) {
        return { resourceType: q.resourceType, label: q.label, error: asFhirError(e, q.resourceType) };
      } finally {
        hooks.onDone?.(q);
      }
    }),
  );
  const entries: RecordEntry[] = [];
  const failures: SearchFailure[] = [];
  for (const r of results) {
    if (Array.isArray(r)) for (const e of r) entries.push(e);
    else failures.push(r);
  }
  return { entries, failures };
}

/** The whole record in one wave: the Patient first, then every search's entries (recordQueries). */
export async function readWholeRecord(transport: FhirTransport, patientId: string, hooks: WaveHooks = {}): Promise<SearchesRead> {
  const [patient, read] = await Promise.all([readPatient(transport, patientId), readSearches(transport, recordQueries(patientId), hooks)]);
  return { entries: [patientEntry(transport, patient), ...read.entries], failures: read.failures };
}
