// One paging policy for every search, in the app and the CLI: follow `next` links as each page arrives, to the
// last page; a `next` link off the FHIR server is refused by the transport (the token stays on the server); a
// link seen twice or more than MAX_PAGES pages stop the search with an error. Entries with search.mode "outcome"
// are the server's notes on the search, not results: an error or fatal issue among them fails the search (the
// results may be incomplete, and the user is told so); warnings and information are left out of the record.
import type { Bundle, OperationOutcome } from "fhir/r4.js";
import type { RecordEntry } from "../clinical/record.ts";
import { asOperationOutcome, FhirError } from "./errors.ts";
import type { FhirTransport } from "./transport.ts";

/** A search stops with an error after this many pages (a server whose next links never end). */
export const MAX_PAGES = 1000;

function asBundle(body: unknown, label: string, status: number): Bundle {
  if (typeof body === "object" && body !== null && (body as { resourceType?: unknown }).resourceType === "Bundle")
    return body as Bundle;
  throw new FhirError(status, label, undefined, "the server did not answer with a Bundle");
}

function failsSearch(outcome: OperationOutcome): boolean {
  return (outcome.issue ?? []).some((i) => i?.severity === "error" || i?.severity === "fatal");
}

/** The results of one page: its entries with a resource, outcome entries left out (or thrown, see above). */
export function pageEntries(bundle: Bundle, label: string, status: number): RecordEntry[] {
  const out: RecordEntry[] = [];
  for (const e of bundle.entry ?? []) {
    if (!e || !e.resource) continue;
    if (e.search?.mode === "outcome") {
      const outcome = asOperationOutcome(e.resource);
      if (outcome && failsSearch(outcome)) throw new FhirError(status, label, outcome);
      continue;
    }
    out.push(e.fullUrl ? { resource: e.resource, fullUrl: e.fullUrl } : { resource: e.resource });
  }
  return out;
}

/**
 * Every entry of every page of one search. `onPage` gets each page's entries as soon as it arrives (the app shows
 * them while the next page is on its way).
 */
export async function searchAllPages(
  transport: FhirTransport,
  url: string,
  onPage?: (entries: RecordEntry[]) => void,
): Promise<RecordEntry[]> {
  const label = url.split("?")[0] ?? url;
  const entries: RecordEntry[] = [];
  const seen = new Set<string>();
  let next: string | undefined = url;
  for (let page = 1; next; page++) {
    if (page > MAX_PAGES) throw new FhirError(0, label, undefined, `more than ${MAX_PAGES} pages; the search was stopped`);
    const res = await transport.request(next);
    const bundle = asBundle(res.body, label, res.status);
    const got = pageEntries(bundle, label, res.status);
    for (const e of got) entries.push(e);
    onPage?.(got);
    next = bundle.link?.find((l) => l?.relation === "next")?.url;
    if (next) {
      if (seen.has(next)) throw new FhirError(0, label, undefined, "the server's next-page links loop; the search was stopped");
      seen.add(next);
    }
  }
  return entries;
}
