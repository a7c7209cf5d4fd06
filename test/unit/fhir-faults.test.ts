// The retry policy (src/fhir/retry.ts) over the fetch and Node adapters, fault by fault: msw serves each fault a
// real server will not produce on demand and counts the requests it saw. Retries happen only where safe (reads,
// and writes marked idempotent: the plan transaction, the conditional create of a stage), Retry-After is honoured
// and capped, a 403 names the scope the request needed, and the message is built from the status and body.
import { delay, http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { FhirError, issueTexts } from "../../src/fhir/errors.ts";
import { nodeTransport } from "../../src/fhir/node-transport.ts";
import { neededScope, withRetry } from "../../src/fhir/retry.ts";
import { fetchTransport, type FhirRequestOptions, type FhirTransport } from "../../src/fhir/transport.ts";

const B = "https://faults.test/fhir";
const oo = (...texts: string[]) => ({
  resourceType: "OperationOutcome",
  issue: texts.map((t) => ({ severity: "error", code: "processing", details: { text: t } })),
});

type Kind = "500" | "503" | "429" | "429-long" | "timeout" | "drop" | "401" | "403" | "404" | "412" | "non-json" | "multi-issue";

/** The answer for each fault kind; `transient` kinds answer 200 after their first failure. */
async function answer(kind: Kind): Promise<Response> {
  switch (kind) {
    case "500":
      return HttpResponse.json(oo("database unavailable"), { status: 500 });
    case "503":
      return HttpResponse.json(oo("maintenance"), { status: 503, headers: { "retry-after": "1" } });
    case "429":
      return HttpResponse.json(oo("slow down"), { status: 429, headers: { "retry-after": "2" } });
    case "429-long":
      return HttpResponse.json(oo("slow down"), { status: 429, headers: { "retry-after": "120" } });
    case "timeout":
      await delay(400);
      return HttpResponse.json({ resourceType: "Patient", id: "late" });
    case "drop":
      return HttpResponse.error();
    case "401":
      return HttpResponse.json({ error: "invalid_token", error_description: "expired" }, { status: 401 });
    case "403":
      return HttpResponse.json(oo("insufficient scope"), { status: 403 });
    case "404":
      return HttpResponse.json(oo("CarePlan/gone not found"), { status: 404 });
    case "412":
      return HttpResponse.json(oo("version 2 is current"), { status: 412 });
    case "non-json":
      return new HttpResponse("<html><body><h1>502 Bad Gateway</h1><p>nginx</p></body></html>", { status: 502, headers: { "content-type": "text/html" } });
    case "multi-issue":
      return HttpResponse.json(oo("status is required", "subject must be a Patient", "period.end is before period.start"), { status: 422 });
  }
}

const counts = new Map<string, number>();
const server = setupServer(
  http.all(`${B}/:kind/:mode`, async ({ params }) => {
    const key = `${params.kind}/${params.mode}`;
    const n = (counts.get(key) ?? 0) + 1;
    counts.set(key, n);
    if (params.mode === "transient" && n > 1) return HttpResponse.json({ resourceType: "CarePlan", id: "ok" });
    return answer(params.kind as Kind);
  }),
);
beforeAll(() => server.listen({ onUnhandledFrame: "error" }));
afterEach(() => counts.clear());
afterAll(() => server.close());

const waits: number[] = [];
const policy = { sleep: async (ms: number) => void waits.push(ms), backoffMs: 10 };
const timeouts = { readMs: 100, writeMs: 100 };

const ADAPTERS: [string, () => Promise<FhirTransport>][] = [
  ["fetch", async () => withRetry(fetchTransport(B, { timeouts }), policy)],
  ["fhir-kit-client (Node)", () => nodeTransport(B, "t", { timeouts, retry: policy })],
];

const READ: FhirRequestOptions = { method: "GET" };
const WRITE: FhirRequestOptions = { method: "POST", body: { resourceType: "Observation", status: "final" } };
const IDEMPOTENT: FhirRequestOptions = { ...WRITE, idempotent: true };

// [kind, status, requests for a read, a plain write, an idempotent write, waits of the read]
const CASES: [Kind, number, number, number, number, number[]][] = [
  ["500", 500, 2, 1, 1, [10]],
  ["503", 503, 3, 1, 2, [1000, 1000]],
  ["429", 429, 3, 1, 2, [2000, 2000]],
  ["429-long", 429, 3, 1, 2, [5000, 5000]],
  ["timeout", 0, 2, 1, 2, [10]],
  ["drop", 0, 2, 1, 2, [10]],
  ["401", 401, 1, 1, 1, []],
  ["403", 403, 1, 1, 1, []],
  ["404", 404, 1, 1, 1, []],
  ["412", 412, 1, 1, 1, []],
  ["non-json", 502, 2, 1, 1, [10]],
  ["multi-issue", 422, 1, 1, 1, []],
];

describe.each(ADAPTERS)("the %s adapter under faults", (_name, make) => {
  it.each(CASES)("%s: status %i; read sent %i times, a write %i, an idempotent write %i; waits %j", async (kind, status, reads, writes, idempotent, readWaits) => {
    const t = await make();
    for (const [mode, req, expected] of [["read", READ, reads], ["write", WRITE, writes], ["idempotent", IDEMPOTENT, idempotent]] as const) {
      waits.length = 0;
      const err = await t.request(`${kind}/${mode}`, req).catch((e: unknown) => e);
      expect(err, mode).toBeInstanceOf(FhirError);
      expect((err as FhirError).status, mode).toBe(status);
      expect(counts.get(`${kind}/${mode}`), `${mode}: requests the server saw`).toBe(expected);
      if (mode === "read") expect(waits).toEqual(readWaits);
    }
  });

  it.each(["500", "503", "429", "timeout", "drop", "non-json"] as const)("a read that fails once with %s then succeeds gives the answer", async (kind) => {
    const res = await (await make()).request(`${kind}/transient`);
    expect(res.body).toMatchObject({ resourceType: "CarePlan", id: "ok" });
    expect(counts.get(`${kind}/transient`)).toBe(2);
  });

  it("a timeout says so, in seconds", async () => {
    const err = (await (await make()).request("timeout/read").catch((e: unknown) => e)) as FhirError;
    expect(err.facts.timedOut).toBe(true);
    expect(err.message).toMatch(/no answer within 0 s$/);
  });

  it("a non-JSON body says it is not FHIR and quotes its text (tags removed, at most 200 characters)", async () => {
    const err = (await (await make()).request("non-json/read").catch((e: unknown) => e)) as FhirError;
    expect(err.facts.notFhir).toBe(true);
    expect(err.said).toBe("the server answered with something that is not FHIR (502 Bad Gateway nginx)");
  });

  it("an OperationOutcome with several issues gives one line per issue", async () => {
    const err = (await (await make()).request("multi-issue/write", WRITE).catch((e: unknown) => e)) as FhirError;
    expect(issueTexts(err.outcome!)).toEqual(["status is required", "subject must be a Patient", "period.end is before period.start"]);
  });

  it("a 403 names the scope the request needed", async () => {
    const err = (await (await make()).request("403/read").catch((e: unknown) => e)) as FhirError;
    expect(err.facts.scope).toBeDefined();
  });
});

describe("the scope a request needed (named in a 403)", () => {
  const bundle = {
    resourceType: "Bundle",
    type: "transaction",
    entry: [
      { request: { method: "PUT", url: "CarePlan/cp1" } },
      { request: { method: "POST", url: "Goal" } },
      { request: { method: "POST", url: "Provenance" } },
    ],
  };
  it.each<[string, string, FhirRequestOptions, string, string]>([
    ["a read", "Patient/p1", {}, "patient/Patient.r", "patient/Patient.read"],
    ["a search", "Observation?patient=p1&category=laboratory", {}, "patient/Observation.s", "patient/Observation.read"],
    ["a search by absolute URL", `${B}/Condition?patient=p1`, {}, "patient/Condition.s", "patient/Condition.read"],
    ["a create", "Observation", { method: "POST", body: {} }, "patient/Observation.c", "patient/Observation.write"],
    ["an update", "CarePlan/cp1", { method: "PUT", body: {} }, "patient/CarePlan.u", "patient/CarePlan.write"],
    ["the plan transaction", "", { method: "POST", body: bundle }, "patient/CarePlan.u patient/Goal.c patient/Provenance.c", "patient/CarePlan.write patient/Goal.write patient/Provenance.write"],
  ])("%s: %s", (_name, url, req, v2, v1) => {
    expect(neededScope(B, url, req)).toEqual({ v2, v1 });
  });
});
