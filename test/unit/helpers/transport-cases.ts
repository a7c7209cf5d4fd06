// What every FHIR transport adapter (fetch, fhirclient, fhir-kit-client) must do with a server's answers, as one
// table run against each: msw serves the faults a real server will not produce on demand.
import type { Bundle, OperationOutcome } from "fhir/r4.js";
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";

export const TRANSPORT_BASE = "https://ehr.test/fhir";
export const TOKEN = "secret-token";

const oo = (text: string, severity: "error" | "warning" | "information" = "error"): OperationOutcome => ({
  resourceType: "OperationOutcome",
  issue: [{ severity, code: "processing", details: { text } }],
});

export interface ErrorCase {
  name: string;
  /** Path under the base. */
  path: string;
  status: number;
  /** The FhirError's message (labels are relative, e.g. "Condition"; the Node adapter prefixes the base). */
  message: RegExp;
  outcome: string | null;
}

/** Each path answers with one kind of failure. */
export const ERROR_CASES: ErrorCase[] = [
  { name: "an OperationOutcome (403)", path: "Condition", status: 403, message: /HTTP 403 on .*Condition: scope patient\/Condition\.rs was not granted$/, outcome: "scope patient/Condition.rs was not granted" },
  { name: "a 412 with an OperationOutcome", path: "CarePlan/cp1", status: 412, message: /HTTP 412 on .*CarePlan\/cp1: version 2 is current$/, outcome: "version 2 is current" },
  { name: "an OAuth error body (401)", path: "Goal", status: 401, message: /HTTP 401 on .*Goal: invalid_token: expired$/, outcome: null },
  { name: "a plain-text body (502)", path: "Observation", status: 502, message: /HTTP 502 on .*Observation: the server answered with something that is not FHIR \(upstream timed out\)$/, outcome: null },
  { name: "an empty body (500)", path: "MedicationRequest", status: 500, message: /HTTP 500 on .*MedicationRequest(: Internal Server Error)?$/, outcome: null },
];

function page(entries: Bundle["entry"], next?: string): Bundle {
  return { resourceType: "Bundle", type: "searchset", entry: entries, link: next ? [{ relation: "next", url: next }] : [] };
}
const obs = (id: string) => ({ resource: { resourceType: "Observation", id, status: "final", code: { text: id } }, search: { mode: "match" as const } });

export interface PagingCase {
  name: string;
  path: string;
  /** Ids read, or the error's message. */
  expected: string[] | RegExp;
}

export const PAGING_CASES: PagingCase[] = [
  { name: "follows next links to the last page", path: "Observation?case=paged", expected: ["o1", "o2", "o3"] },
  { name: "leaves out outcome entries with a warning", path: "Observation?case=outcome-warning", expected: ["o1"] },
  { name: "fails the search on an outcome entry with an error", path: "Observation?case=outcome-error", expected: /too many results; narrow the search/ },
  { name: "refuses a next link off the server (the token stays)", path: "Observation?case=offsite", expected: /not on this FHIR server; not followed/ },
  { name: "stops next links that loop", path: "Observation?case=loop", expected: /next-page links loop/ },
  { name: "refuses an answer that is not a Bundle", path: "Observation?case=not-bundle", expected: /did not answer with a Bundle/ },
];

export interface Seen {
  url: string;
  auth: string | null;
}

export function transportServer(seen: Seen[]) {
  return setupServer(...transportHandlers(seen));
}

/** The handlers alone, to add to a test file's own msw server. */
export function transportHandlers(seen: Seen[]) {
  const note = (request: Request) => seen.push({ url: request.url, auth: request.headers.get("authorization") });
  const B = TRANSPORT_BASE;
  return [
    http.get(`${B}/Condition`, ({ request }) => (note(request), HttpResponse.json(oo("scope patient/Condition.rs was not granted"), { status: 403 }))),
    http.get(`${B}/CarePlan/cp1`, ({ request }) => (note(request), HttpResponse.json(oo("version 2 is current"), { status: 412 }))),
    http.get(`${B}/Goal`, ({ request }) => (note(request), HttpResponse.json({ error: "invalid_token", error_description: "expired" }, { status: 401 }))),
    http.get(`${B}/MedicationRequest`, ({ request }) => (note(request), new HttpResponse(null, { status: 500, statusText: "Internal Server Error" }))),
    http.get(`${B}/Patient/p1`, ({ request }) => (note(request), HttpResponse.json({ resourceType: "Patient", id: "p1" }, { headers: { etag: 'W/"4"' } }))),
    http.get(`${B}/Observation`, ({ request }) => {
      note(request);
      const url = new URL(request.url);
      switch (url.searchParams.get("case")) {
        case "paged": {
          const p = Number(url.searchParams.get("page") ?? "1");
          const nextUrl = p < 3 ? `${B}/Observation?case=paged&page=${p + 1}` : undefined;
          return HttpResponse.json(page([obs(`o${p}`)], nextUrl));
        }
        case "outcome-warning":
          return HttpResponse.json(page([obs("o1"), { resource: oo("some results were hidden", "warning"), search: { mode: "outcome" } }]));
        case "outcome-error":
          return HttpResponse.json(page([obs("o1"), { resource: oo("too many results; narrow the search"), search: { mode: "outcome" } }]));
        case "offsite":
          return HttpResponse.json(page([obs("o1")], "https://elsewhere.test/fhir/Observation?page=2"));
        case "loop":
          return HttpResponse.json(page([obs("o1")], `${B}/Observation?case=loop&again=1`));
        case "not-bundle":
          return HttpResponse.json({ resourceType: "Patient", id: "p1" });
        default:
          return new HttpResponse("upstream timed out", { status: 502, headers: { "content-type": "text/plain" } });
      }
    }),
  ];
}

/** The table, as tests, for one adapter. `make` builds it for TRANSPORT_BASE with TOKEN. */
export async function expectTransportContract(
  make: () => Promise<import("../../../src/fhir/transport.ts").FhirTransport>,
  seen: Seen[],
  kind: { ErrorCase: ErrorCase } | { PagingCase: PagingCase },
): Promise<void> {
  const { FhirError, outcomeText } = await import("../../../src/fhir/errors.ts");
  const { searchAllPages } = await import("../../../src/fhir/search.ts");
  const { expect } = await import("vitest");
  const transport = await make();
  if ("ErrorCase" in kind) {
    const c = kind.ErrorCase;
    const err = await transport.request(c.path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FhirError);
    const fe = err as InstanceType<typeof FhirError>;
    expect(fe.status).toBe(c.status);
    expect(fe.message).toMatch(c.message);
    expect(fe.outcome ? outcomeText(fe.outcome) : null).toBe(c.outcome);
    expect(fe.message).not.toContain(TOKEN);
    expect(seen.at(-1)?.auth).toBe(`Bearer ${TOKEN}`);
    return;
  }
  const c = kind.PagingCase;
  const result = await searchAllPages(transport, c.path).then(
    (entries) => entries.map((e) => (e.resource as { id: string }).id),
    (e: unknown) => e,
  );
  if (Array.isArray(c.expected)) expect(result).toEqual(c.expected);
  else {
    expect(result).toBeInstanceOf(FhirError);
    expect((result as Error).message).toMatch(c.expected);
  }
  expect(seen.every((s) => s.url.startsWith(`${TRANSPORT_BASE}/`))).toBe(true);
  expect(seen.every((s) => s.auth === `Bearer ${TOKEN}`)).toBe(true);
}
