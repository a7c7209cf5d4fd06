// Reading one patient's record from a FHIR server with fhir-kit-client, following every page of every search.
import type { Bundle, FhirResource } from "fhir/r4.js";
import { asOperationOutcome, FhirError } from "../fhir/errors.ts";
import { patientQueries } from "../fhir/patient-queries.ts";
import type { RecordEntry } from "../clinical/record.ts";

/** At most this many pages per search: a server whose `next` links never end is stopped with an error. */
const MAX_PAGES = 1000;

interface KitClient {
  read(p: { resourceType: string; id: string }): Promise<unknown>;
  search(p: { resourceType: string; searchParams: Record<string, string> }): Promise<unknown>;
  nextPage(p: { bundle: unknown }): Promise<unknown> | undefined;
}

function toFhirError(e: unknown, url: string): FhirError {
  const response = (e as { response?: { status?: number; data?: unknown } }).response;
  if (response && typeof response.status === "number") {
    return new FhirError(response.status, url, asOperationOutcome(response.data), typeof response.data === "string" ? response.data.slice(0, 200) : undefined);
  }
  const cause = (e as { cause?: { code?: string } }).cause?.code;
  return new FhirError(0, url, undefined, cause ?? (e instanceof Error ? e.message : String(e)));
}

async function allPages(client: KitClient, resourceType: string, searchParams: Record<string, string>, base: string): Promise<RecordEntry[]> {
  const label = `${base}/${resourceType}?${new URLSearchParams(searchParams).toString()}`;
  const entries: RecordEntry[] = [];
  let page: Bundle;
  try {
    page = (await client.search({ resourceType, searchParams })) as Bundle;
  } catch (e) {
    throw toFhirError(e, label);
  }
  const seenNext = new Set<string>();
  for (let n = 1; ; n++) {
    for (const e of page.entry ?? []) entries.push(e.fullUrl ? { resource: e.resource, fullUrl: e.fullUrl } : { resource: e.resource });
    const next = page.link?.find((l) => l.relation === "next")?.url;
    if (!next) break;
    if (seenNext.has(next) || n >= MAX_PAGES) throw new FhirError(0, label, undefined, "the server's next links do not end");
    seenNext.add(next);
    try {
      page = (await client.nextPage({ bundle: page })) as Bundle;
    } catch (e) {
      throw toFhirError(e, label);
    }
  }
  return entries;
}

export async function entriesFromServer(base: string, patientId: string, token?: string): Promise<RecordEntry[]> {
  // fhir-kit-client logs request headers (the bearer token) when DEBUG enables it: never let it.
  process.env.DEBUG = [process.env.DEBUG, "-fhir-kit-client:*"].filter(Boolean).join(",");
  const { Client } = await import("fhir-kit-client");
  const client = new Client({ baseUrl: base, ...(token ? { bearerToken: token } : {}) }) as unknown as KitClient;
  const patientUrl = `${base}/Patient/${patientId}`;
  const [patient, ...searches] = await Promise.all([
    client.read({ resourceType: "Patient", id: patientId }).catch((e: unknown) => {
      throw toFhirError(e, patientUrl);
    }),
    ...patientQueries(patientId).map((q) => allPages(client, q.resourceType, q.params, base)),
  ]);
  return [{ resource: patient as FhirResource, fullUrl: patientUrl }, ...searches.flat()];
}
