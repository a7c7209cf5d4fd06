// A fake FHIR server for the app's component tests, on msw: serves one patient's resources as searchsets (with
// optional paging), lets a test make any read fail with an OperationOutcome, and records what was written.
import type { Bundle, FhirResource, OperationOutcome } from "fhir/r4.js";
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";

export const BASE = "https://fhir.test/r4";

export function outcome(text: string, code: OperationOutcome["issue"][number]["code"] = "processing"): OperationOutcome {
  return { resourceType: "OperationOutcome", issue: [{ severity: "error", code, details: { text } }] };
}

export interface Written {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
}

export interface FakeFhir {
  resources: FhirResource[];
  /** "Patient" or a search's resource type → the failure to answer with. */
  failures: Map<string, { status: number; body: unknown }>;
  /** Page size for searches (paging with next links). */
  pageSize: number;
  written: Written[];
  /** Answers for POSTs to the base (transactions), in order; the last one repeats. */
  transactionAnswers: { status: number; body: unknown; headers?: Record<string, string> }[];
  /** Every request URL seen. */
  seen: string[];
}

function searchset(all: FhirResource[], url: URL, pageSize: number): Bundle {
  const offset = Number(url.searchParams.get("_offset") ?? "0");
  const page = all.slice(offset, offset + pageSize);
  const bundle: Bundle = {
    resourceType: "Bundle",
    type: "searchset",
    total: all.length,
    entry: page.map((resource) => ({ fullUrl: `${BASE}/${resource.resourceType}/${resource.id}`, resource, search: { mode: "match" } })),
    link: [{ relation: "self", url: url.toString() }],
  };
  if (offset + pageSize < all.length) {
    const next = new URL(url);
    next.searchParams.set("_offset", String(offset + pageSize));
    bundle.link!.push({ relation: "next", url: next.toString() });
  }
  return bundle;
}

export function fakeFhir(): { fake: FakeFhir; server: ReturnType<typeof setupServer> } {
  const fake: FakeFhir = { resources: [], failures: new Map(), pageSize: 1000, written: [], transactionAnswers: [], seen: [] };
  const ofType = (type: string) => fake.resources.filter((r) => r.resourceType === type);
  const server = setupServer(
    http.get(`${BASE}/Patient/:id`, ({ params, request }) => {
      fake.seen.push(request.url);
      const fail = fake.failures.get("Patient");
      if (fail) return HttpResponse.json(fail.body as object, { status: fail.status });
      const p = ofType("Patient").find((r) => r.id === params.id);
      return p ? HttpResponse.json(p) : HttpResponse.json(outcome(`Patient/${String(params.id)} is not known`, "not-found"), { status: 404 });
    }),
    http.get(`${BASE}/:type`, ({ params, request }) => {
      fake.seen.push(request.url);
      const type = String(params.type);
      const fail = fake.failures.get(type);
      if (fail) return HttpResponse.json(fail.body as object, { status: fail.status });
      const url = new URL(request.url);
      let all = ofType(type);
      if (type === "Observation") {
        const cats = (url.searchParams.get("category") ?? "").split(",").filter(Boolean);
        if (cats.length)
          all = all.filter((o) => o.resourceType === "Observation" && (o.category ?? []).some((c) => c.coding?.some((x) => cats.includes(x.code ?? ""))));
        // date=geYYYY-MM-DD / ltYYYY-MM-DD on the effective date (as written); a result without one never matches
        for (const d of url.searchParams.getAll("date")) {
          const [op, day] = [d.slice(0, 2), d.slice(2)];
          all = all.filter((o) => {
            const e = o.resourceType === "Observation" ? (o.effectiveDateTime ?? o.effectivePeriod?.start ?? o.effectiveInstant)?.slice(0, 10) : undefined;
            return e !== undefined && (op === "ge" ? e >= day : op === "lt" ? e < day : false);
          });
        }
      }
      const ids = url.searchParams.get("_id");
      if (ids) all = all.filter((r) => ids.split(",").includes(r.id ?? ""));
      if (type === "MedicationRequest" && url.searchParams.get("_include")) all = [...all, ...ofType("Medication")];
      return HttpResponse.json(searchset(all, url, fake.pageSize));
    }),
    http.get(`${BASE}/:type/:id`, ({ params, request }) => {
      fake.seen.push(request.url);
      const r = fake.resources.find((x) => x.resourceType === params.type && x.id === params.id);
      return r ? HttpResponse.json(r) : HttpResponse.json(outcome("not found", "not-found"), { status: 404 });
    }),
    http.post(`${BASE}/Observation`, async ({ request }) => {
      const body = (await request.json()) as FhirResource;
      fake.written.push({ method: "POST", url: request.url, headers: Object.fromEntries(request.headers), body });
      const stored = { ...body, id: `obs-new-${fake.written.length}`, meta: { ...(body.meta ?? {}), versionId: "1" } } as FhirResource;
      fake.resources.push(stored);
      return HttpResponse.json(stored, { status: 201, headers: { location: `${BASE}/Observation/${stored.id}/_history/1`, etag: 'W/"1"' } });
    }),
    http.post(BASE, async ({ request }) => {
      const body = await request.json();
      fake.written.push({ method: "POST", url: request.url, headers: Object.fromEntries(request.headers), body });
      const answer = fake.transactionAnswers.shift() ?? { status: 500, body: outcome("no answer prepared") };
      if (fake.transactionAnswers.length === 0) fake.transactionAnswers.push(answer);
      return HttpResponse.json(answer.body as object, { status: answer.status, headers: answer.headers ?? {} });
    }),
  );
  return { fake, server };
}

/** A transaction-response for a plan save: CarePlan, n Goals, Provenance. */
export function transactionResponse(carePlanId: string, version: string, goals: number, created = true): Bundle {
  const status = created ? "201 Created" : "200 OK";
  const entry = [
    { response: { status, location: `CarePlan/${carePlanId}/_history/${version}`, etag: `W/"${version}"` } },
    ...Array.from({ length: goals }, (_, i) => ({ response: { status, location: `Goal/goal-${i + 1}/_history/1`, etag: 'W/"1"' } })),
    { response: { status, location: `Provenance/prov-${version}/_history/1`, etag: 'W/"1"' } },
  ];
  return { resourceType: "Bundle", type: "transaction-response", entry };
}
