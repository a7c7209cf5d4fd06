// Contract tests against the CDS Hooks 2.0 JSON shapes: discovery, the request the service accepts (and the 400s for
// what it refuses), prefetch handling, feedback. The shape checker is itself tested on broken examples first.
import { describe, expect, it } from "vitest";
import { parseFeedback } from "../../src/cds/feedback.ts";
import { readPrefetch } from "../../src/cds/prefetch.ts";
import { parseCdsRequest } from "../../src/cds/request.ts";
import { prefetchTemplates, queryString, recordSearches, serviceDescription, serviceScopes, SERVICE_ID } from "../../src/cds/service.ts";
import { CdsError } from "../../src/cds/types.ts";
import type { CdsRequest } from "../../src/cds/types.ts";
import { checkCard, checkDiscovery, checkFeedback, checkRequest } from "../helpers/cds-hooks-shapes.ts";

const request = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  hook: "patient-view",
  hookInstance: "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
  context: { userId: "Practitioner/dr-1", patientId: "p1" },
  ...extra,
});
const auth = { access_token: "t", token_type: "Bearer", expires_in: 300, scope: "patient/Patient.r", subject: "stagewise-cds", patient: "p1" };

describe("the shape checker (control)", () => {
  it.each([
    [{ summary: "x", indicator: "urgent", source: { label: "s" } }, /indicator/],
    [{ summary: "x".repeat(140), indicator: "info", source: { label: "s" } }, /under 140/],
    [{ summary: "x", indicator: "info" }, /source is REQUIRED/],
    [{ summary: "x", indicator: "info", source: { label: "s" }, links: [{ label: "l", url: "/relative", type: "smart" }] }, /absolute URL/],
    [{ summary: "x", indicator: "info", source: { label: "s" }, links: [{ label: "l", url: "https://a.example", type: "absolute", appContext: "x" }] }, /only valid on smart/],
    [{ summary: "x", indicator: "info", source: { label: "s" }, suggestions: [{ label: "a" }] }, /selectionBehavior/],
    [{ summary: "x", indicator: "info", source: { label: "s" }, detail: "" }, /empty string/],
    [{ summary: "x", indicator: "info", source: { label: "s" }, overrideReasons: [{ code: "a" }] }, /display is REQUIRED/],
  ])("rejects a broken card %#", (card, problem) => {
    expect(checkCard(card).join("; ")).toMatch(problem);
  });

  it("rejects a request without hookInstance, and fhirAuthorization without fhirServer", () => {
    expect(checkRequest({ hook: "patient-view", context: { userId: "u", patientId: "p" } }).join()).toMatch(/hookInstance is REQUIRED/);
    expect(checkRequest(request({ fhirAuthorization: auth })).join()).toMatch(/fhirServer is REQUIRED/);
  });

  it("accepts the specification's own examples", () => {
    expect(
      checkCard({
        uuid: "4e0a3a1e-3283-4575-ab82-028d55fe2719",
        summary: "Example Card",
        indicator: "info",
        detail: "This is an example card.",
        source: { label: "Static CDS Service Example", url: "https://example.com", icon: "https://example.com/img/icon-100px.png" },
        links: [{ label: "SMART Example App", url: "https://smart.example.com/launch", type: "smart", appContext: '{"session":3456356}' }],
      }),
    ).toEqual([]);
    expect(checkRequest(request({ fhirServer: "http://hooks.smarthealthit.org:9080", fhirAuthorization: auth }))).toEqual([]);
    expect(checkFeedback({ feedback: [{ card: "f6b95768", outcome: "overridden", outcomeTimestamp: "2020-12-11T00:00:00Z" }] })).toEqual([]);
  });
});

describe("discovery", () => {
  const d = { services: [serviceDescription()] };

  it("is a CDS Hooks discovery response with one patient-view service", () => {
    expect(checkDiscovery(d)).toEqual([]);
    expect(d.services[0]).toMatchObject({ hook: "patient-view", id: SERVICE_ID });
  });

  it("asks prefetch for the patient and exactly the app's own searches, with the patient as a context token", () => {
    const prefetch = d.services[0]!.prefetch!;
    expect(prefetch.patient).toBe("Patient/{{context.patientId}}");
    const searches = Object.entries(prefetch).filter(([k]) => k !== "patient").map(([, v]) => v);
    expect(searches).toHaveLength(recordSearches("x").length);
    for (const q of recordSearches("{{context.patientId}}")) {
      const template = searches.find((s) => s.startsWith(`${q.resourceType}?`));
      expect(template, q.resourceType).toBeDefined();
      const params = new URLSearchParams(template!.slice(template!.indexOf("?") + 1));
      expect(Object.fromEntries(params)).toEqual(q.params);
      expect(template).toBe(`${q.resourceType}?${queryString(q, "{{context.patientId}}")}`);
    }
  });

  it("uses only the prefetch features CDS Hooks lists, plus _include (documented)", () => {
    for (const t of prefetchTemplates().filter((x) => x.kind === "search")) {
      const names = [...new URLSearchParams(t.template.split("?")[1]).keys()];
      for (const n of names) expect(["patient", "category", "_count", "_include"], `${t.key}: ${n}`).toContain(n);
    }
  });

  it("states the read-only scopes the fhirAuthorization token needs", () => {
    expect(serviceScopes()).toEqual([
      "patient/Patient.r",
      "patient/Observation.rs",
      "patient/MedicationRequest.rs",
      "patient/Condition.rs",
      "patient/CarePlan.rs",
      "patient/Goal.rs",
      "patient/Medication.r",
    ]);
    expect(d.services[0]!.usageRequirements).toContain(serviceScopes().join(" "));
  });
});

describe("the request (400 for a bad body)", () => {
  it("accepts a patient-view request with fhirServer and fhirAuthorization", () => {
    const r = parseCdsRequest(request({ fhirServer: "http://127.0.0.1:8090/fhir/", fhirAuthorization: auth }));
    expect(r.fhirServer).toBe("http://127.0.0.1:8090/fhir");
    expect(r.fhirAuthorization?.access_token).toBe("t");
  });

  it.each([
    ["not an object", [], /JSON object/],
    ["no hook", request({ hook: undefined }), /hook must be a non-empty string/],
    ["another hook", request({ hook: "order-sign" }), /hook must be "patient-view".*order-sign/],
    ["no hookInstance", request({ hookInstance: "" }), /hookInstance/],
    ["no context", request({ context: undefined }), /context must be an object/],
    ["no patientId", request({ context: { userId: "Practitioner/1" } }), /context.patientId/],
    ["a patientId that is no FHIR id", request({ context: { userId: "u", patientId: "../Patient/x" } }), /not a FHIR id/],
    ["no userId", request({ context: { patientId: "p1" } }), /context.userId/],
    ["fhirServer not a URL", request({ fhirServer: "fhir" }), /fhirServer is not a URL/],
    ["fhirServer not http", request({ fhirServer: "file:///etc/passwd" }), /http\(s\)/],
    ["fhirAuthorization without fhirServer", request({ fhirAuthorization: auth }), /needs fhirServer/],
    ["token_type not Bearer", request({ fhirServer: "http://h/fhir", fhirAuthorization: { ...auth, token_type: "MAC" } }), /Bearer/],
    ["no access_token", request({ fhirServer: "http://h/fhir", fhirAuthorization: { ...auth, access_token: undefined } }), /access_token/],
    ["no expires_in", request({ fhirServer: "http://h/fhir", fhirAuthorization: { ...auth, expires_in: "300" } }), /expires_in/],
    ["a token for another patient", request({ fhirServer: "http://h/fhir", fhirAuthorization: { ...auth, patient: "p2" } }), /p2.*not context.patientId/],
    ["prefetch not an object", request({ prefetch: [] }), /prefetch must be an object/],
    ["a prefetch value that is no resource", request({ prefetch: { patient: "Patient/p1" } }), /prefetch.patient must be a FHIR resource or null/],
  ])("refuses %s with a 400 naming it", (_what, body, message) => {
    let error: unknown;
    try {
      parseCdsRequest(body);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CdsError);
    expect((error as CdsError).status).toBe(400);
    expect((error as CdsError).message).toMatch(message);
  });
});

describe("prefetch", () => {
  const full = (): Record<string, unknown> => ({
    patient: { resourceType: "Patient", id: "p1" },
    observations: { resourceType: "Bundle", type: "searchset", entry: [] },
    medicationRequests: null,
    conditions: null,
    carePlans: null,
    goals: { resourceType: "Bundle", type: "searchset" },
  });
  const read = (prefetch: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    readPrefetch(parseCdsRequest(request({ prefetch, ...extra })) as CdsRequest);

  it("is complete with every key, null meaning no data", () => {
    const r = read(full(), { fhirServer: "http://h/fhir" });
    expect(r.missing).toEqual([]);
    expect(r.entries[0]).toEqual({ resource: { resourceType: "Patient", id: "p1" }, fullUrl: "http://h/fhir/Patient/p1" });
  });

  it("lists absent keys, a null Patient and a Bundle holding only its first page as missing", () => {
    const p = full();
    delete p.conditions;
    p.patient = null;
    p.observations = { resourceType: "Bundle", type: "searchset", link: [{ relation: "next", url: "http://h/fhir/Observation?page=2" }] };
    expect(read(p).missing.map((m) => m.key).sort()).toEqual(["conditions", "observations", "patient"]);
  });

  it.each([
    ["another patient", { patient: { resourceType: "Patient", id: "p2" } }, /Patient\/p1/],
    ["a search that is no Bundle", { observations: { resourceType: "Observation", id: "o" } }, /searchset Bundle/],
  ])("refuses %s with a 400", (_what, change, message) => {
    expect(() => read({ ...full(), ...change })).toThrow(message);
  });
});

describe("feedback", () => {
  const known = (id: string) => id === "card-1";

  it("accepts overridden and accepted outcomes and never keeps the user's comment", () => {
    const body = {
      feedback: [
        { card: "card-1", outcome: "overridden", overrideReason: { reason: { system: "http://x", code: "r1" }, userComment: "patient name here" }, outcomeTimestamp: "2026-11-23T10:00:00Z" },
        { card: "card-2", outcome: "accepted", acceptedSuggestions: [{ id: "s1" }], outcomeTimestamp: "2026-11-23T10:01:00+01:00" },
      ],
    };
    expect(checkFeedback(body)).toEqual([]);
    const kept = parseFeedback(body, known);
    expect(kept).toEqual([
      { card: "card-1", outcome: "overridden", outcomeTimestamp: "2026-11-23T10:00:00Z", knownCard: true, overrideReason: "http://x|r1" },
      { card: "card-2", outcome: "accepted", outcomeTimestamp: "2026-11-23T10:01:00+01:00", knownCard: false },
    ]);
    expect(JSON.stringify(kept)).not.toContain("patient name");
  });

  it.each([
    [{}, /feedback/],
    [{ feedback: [] }, /at least one/],
    [{ feedback: [{ outcome: "overridden", outcomeTimestamp: "2026-11-23T10:00:00Z" }] }, /card/],
    [{ feedback: [{ card: "c", outcome: "ignored", outcomeTimestamp: "2026-11-23T10:00:00Z" }] }, /outcome/],
    [{ feedback: [{ card: "c", outcome: "overridden", outcomeTimestamp: "yesterday" }] }, /outcomeTimestamp/],
    [{ feedback: [{ card: "c", outcome: "accepted", outcomeTimestamp: "2026-11-23T10:00:00Z" }] }, /acceptedSuggestions/],
  ])("refuses %o with a 400", (body, message) => {
    expect(() => parseFeedback(body, known)).toThrow(message);
  });
});
