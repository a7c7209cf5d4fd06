// The read wave right after the token: the Patient and every patient search (src/fhir/patient-queries.ts, the
// same questions the CLI asks), all in parallel, each search followed to its last page. A failed search does not
// stop the others: the record is built from what could be read and the failure is reported by name.
import type { Bundle, FhirResource } from "fhir/r4.js";
import { FhirError } from "../fhir/errors.ts";
import { patientQueries, type PatientQuery } from "../fhir/patient-queries.ts";
import type { RecordEntry } from "../clinical/record.ts";
import type { FhirApi } from "./fhir-api.ts";

/** A search stops with an error after this many pages (a server whose next links never end). */
export const MAX_PAGES = 200;

/** What the user reads for each search. */
export const SEARCH_LABELS: Record<string, string> = {
  Patient: "Patient",
  Observation: "Observations (laboratory and survey)",
  MedicationRequest: "Medication requests (with their medications)",
  Condition: "Conditions",
  CarePlan: "Care plans",
  Goal: "Goals",
};

export function searchLabel(resourceType: string): string {
  return SEARCH_LABELS[resourceType] ?? resourceType;
}

export interface SearchFailure {
  resourceType: string;
  label: string;
  error: FhirError;
}

export interface RecordRead {
  entries: RecordEntry[];
  failures: SearchFailure[];
}

export interface ReadProgress {
  /** Labels of the reads in the wave, in order. */
  reads: string[];
  /** Labels finished (successfully or not). */
  done: string[];
  /** Resources received so far. */
  resources: number;
}

function queryUrl(q: PatientQuery): string {
  return `${q.resourceType}?${new URLSearchParams(q.params).toString()}`;
}

function asBundle(body: unknown, label: string, status: number): Bundle {
  if (typeof body === "object" && body !== null && (body as { resourceType?: unknown }).resourceType === "Bundle")
    return body as Bundle;
  throw new FhirError(status, label, undefined, "the server did not answer with a Bundle");
}

/** Every entry of every page of one search. */
export async function searchAllPages(api: FhirApi, url: string, onPage?: (count: number) => void): Promise<RecordEntry[]> {
  const label = url.split("?")[0] ?? url;
  const entries: RecordEntry[] = [];
  const seen = new Set<string>();
  let next: string | undefined = url;
  for (let page = 1; next; page++) {
    if (page > MAX_PAGES) throw new FhirError(0, label, undefined, `more than ${MAX_PAGES} pages; the search was stopped`);
    const res = await api.request(next);
    const bundle = asBundle(res.body, label, res.status);
    let count = 0;
    for (const e of bundle.entry ?? []) {
      if (!e.resource) continue;
      if (e.search?.mode === "outcome") continue; // an OperationOutcome riding along with the results
      entries.push(e.fullUrl ? { resource: e.resource, fullUrl: e.fullUrl } : { resource: e.resource });
      count++;
    }
    onPage?.(count);
    next = bundle.link?.find((l) => l.relation === "next")?.url;
    if (next) {
      if (seen.has(next)) throw new FhirError(0, label, undefined, "the server's next-page links loop; the search was stopped");
      seen.add(next);
    }
  }
  return entries;
}

/**
 * Reads one patient's record. Throws a FhirError when the Patient itself cannot be read (nothing can be shown);
 * failed searches are returned in `failures` with what the server said.
 */
export async function readPatientRecord(
  api: FhirApi,
  patientId: string,
  onProgress?: (p: ReadProgress) => void,
): Promise<RecordRead> {
  const queries = patientQueries(patientId);
  const progress: ReadProgress = { reads: ["Patient", ...queries.map((q) => searchLabel(q.resourceType))], done: [], resources: 0 };
  const report = () => onProgress?.({ ...progress, done: [...progress.done] });
  report();

  const patientRead = api.request(`Patient/${encodeURIComponent(patientId)}`).then((res) => {
    const body = res.body as FhirResource | undefined;
    if (!body || body.resourceType !== "Patient")
      throw new FhirError(res.status, `Patient/${patientId}`, undefined, "the server did not answer with a Patient");
    progress.resources++;
    progress.done.push("Patient");
    report();
    return body;
  });
  const searches = queries.map(async (q): Promise<RecordEntry[] | SearchFailure> => {
    const label = searchLabel(q.resourceType);
    try {
      const entries = await searchAllPages(api, queryUrl(q), (n) => {
        progress.resources += n;
        report();
      });
      return entries;
    } catch (e) {
      const error = e instanceof FhirError ? e : new FhirError(0, q.resourceType, undefined, e instanceof Error ? e.message : String(e));
      return { resourceType: q.resourceType, label, error };
    } finally {
      progress.done.push(label);
      report();
    }
  });

  const [patient, ...results] = await Promise.all([patientRead, ...searches]);
  const entries: RecordEntry[] = [{ resource: patient, fullUrl: `${api.serverUrl}/Patient/${patient.id}` }];
  const failures: SearchFailure[] = [];
  for (const r of results) {
    if (Array.isArray(r)) entries.push(...r);
    else failures.push(r);
  }
  return { entries, failures };
}
