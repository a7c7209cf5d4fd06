// Prefetched data → the entries of one patient's record (read by src/clinical/record.ts like any Bundle), and which
// prefetch keys the EHR did not satisfy. Pure.
import type { Bundle, FhirResource } from "fhir/r4.js";
import type { RecordEntry } from "../clinical/record.ts";
import { prefetchTemplates } from "./service.ts";
import { CdsError } from "./types.ts";
import type { CdsRequest } from "./types.ts";

export interface MissingPrefetch {
  key: string;
  why: string;
}

export interface PrefetchResult {
  entries: RecordEntry[];
  /** Keys whose data must come from the FHIR server instead (absent, or not the whole result). */
  missing: MissingPrefetch[];
}

/**
 * CDS Hooks: an absent key was not satisfied; null means "no data" (an empty search result); a search result must hold
 * every page at once, so a Bundle with a `next` link counts as not satisfied. The Patient read cannot be null: without
 * the patient there is nothing to evaluate.
 */
export function readPrefetch(request: CdsRequest): PrefetchResult {
  const entries: RecordEntry[] = [];
  const missing: MissingPrefetch[] = [];
  const given = request.prefetch ?? {};
  const patientId = request.context.patientId;
  for (const t of prefetchTemplates()) {
    if (!Object.hasOwn(given, t.key)) {
      missing.push({ key: t.key, why: "not sent" });
      continue;
    }
    const value: FhirResource | null | undefined = given[t.key];
    if (t.kind === "read") {
      if (value === null || value === undefined) {
        missing.push({ key: t.key, why: "null (no Patient)" });
        continue;
      }
      if (value.resourceType !== "Patient" || value.id !== patientId)
        throw new CdsError(400, `prefetch.${t.key} must be Patient/${patientId} (got ${value.resourceType}/${value.id ?? "?"})`);
      entries.push(request.fhirServer ? { resource: value, fullUrl: `${request.fhirServer}/Patient/${patientId}` } : { resource: value });
      continue;
    }
    if (value === null || value === undefined) continue; // no data for this search
    if (value.resourceType !== "Bundle") throw new CdsError(400, `prefetch.${t.key} must be a searchset Bundle or null (got ${value.resourceType})`);
    const bundle = value as Bundle;
    if (bundle.link?.some((l) => l.relation === "next")) {
      missing.push({ key: t.key, why: "holds only the first page (a next link)" });
      continue;
    }
    entries.push({ resource: bundle });
  }
  return { entries, missing };
}
