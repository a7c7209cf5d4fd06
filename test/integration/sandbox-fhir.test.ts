// The sandbox's FHIR REST API over real HTTP (sandbox started in-process on port 0 with the small fixtures):
// search parameters and paging, _include/_revinclude, versioned create/update with If-Match, validation,
// reference checks, and transactions (urn:uuid, conditional create, all-or-nothing).
import type { Bundle, CapabilityStatement, CarePlan, Goal, Observation, OperationOutcome } from "fhir/r4.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "../../launch/server.ts";
import { ALEX, BLAIR, allPages, fhir, fixtureSandbox, ids, issueText, userToken } from "./helpers/sandbox.ts";

let s: Sandbox;
let token: string;

beforeAll(async () => {
  s = await fixtureSandbox();
  token = (await userToken(s)).access_token;
});
afterAll(() => s.close());

const newObservation = (subject: string, extra: Partial<Observation> = {}): Observation => ({
  resourceType: "Observation",
  status: "final",
  category: [{ coding: [{ system: "http://terminology.hl7.org/CodeSystem/observation-category", code: "survey" }] }],
  code: { text: "Sandbox test observation" },
  subject: { reference: `Patient/${subject}` },
  effectiveDateTime: "2026-11-20",
  valueString: "first",
  ...extra,
});

async function count(path: string): Promise<number> {
  const r = await fhir<Bundle>(s, token, `${path}${path.includes("?") ? "&" : "?"}_summary=count`);
  expect(r.status).toBe(200);
  return r.body.total ?? -1;
}

describe("metadata and authentication", () => {
  it("serves a CapabilityStatement with the SMART oauth-uris extension without a token", async () => {
    const r = await fhir<CapabilityStatement>(s, undefined, "metadata");
    expect(r.status).toBe(200);
    const security = r.body.rest?.[0]?.security;
    expect(security?.service?.[0]?.coding?.[0]?.code).toBe("SMART-on-FHIR");
    const uris = security?.extension?.find((e) => e.url === "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris");
    expect(uris?.extension?.find((e) => e.url === "authorize")?.valueUri).toBe(`${s.origin}/auth/authorize`);
    expect(uris?.extension?.find((e) => e.url === "token")?.valueUri).toBe(`${s.origin}/auth/token`);
  });

  it.each([
    ["no token", undefined],
    ["a token that is not a JWT", "not-a-token"],
  ])("answers %s with 401 and an OperationOutcome, never data", async (_label, bad) => {
    const r = await fhir<OperationOutcome>(s, bad, `Patient/${ALEX}`);
    expect(r.status).toBe(401);
    expect(r.body.resourceType).toBe("OperationOutcome");
    expect(r.headers.get("www-authenticate")).toMatch(/^Bearer/);
  });
});

describe("read and search", () => {
  it("reads a patient and answers 404 with an OperationOutcome for an unknown id", async () => {
    const ok = await fhir(s, token, `Patient/${ALEX}`);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ resourceType: "Patient", id: ALEX });
    expect(ok.headers.get("etag")).toBe('W/"1"');
    const missing = await fhir<OperationOutcome>(s, token, "Patient/no-such-patient");
    expect(missing.status).toBe(404);
    expect(missing.body.resourceType).toBe("OperationOutcome");
  });

  // Alex's fixture: 24 opiate screens (laboratory, one a week back to day -161), 6 stage observations (survey,
  // days -150…0) and 2 heart rates (vital-signs, days -3 and -40); all "final".
  it.each([
    [`patient=${ALEX}&category=laboratory,survey`, 30],
    [`patient=${ALEX}&category=laboratory`, 24],
    [`patient=${ALEX}&category=http://terminology.hl7.org/CodeSystem/observation-category|survey`, 6],
    [`patient=${ALEX}&code=http://loinc.org|19295-5`, 24],
    [`patient=${ALEX}&status=final`, 32],
    [`patient=${ALEX}&status=preliminary`, 0],
    // on/after 2026-11-09: screens of days 0, -7, -14; the stage of day 0; the heart rate of day -3
    [`patient=${ALEX}&date=ge2026-11-09`, 5],
    [`subject=Patient/${BLAIR}`, 7],
    [`patient=${BLAIR}&category=laboratory`, 6],
  ])("Observation?%s → %i matches", async (query, expected) => {
    const r = await fhir<Bundle>(s, token, `Observation?${query}`);
    expect(r.status).toBe(200);
    expect(r.body.total).toBe(expected);
    expect(ids(r.body).length).toBe(Math.min(expected, 50));
    for (const e of r.body.entry ?? []) expect(e.fullUrl).toBe(`${s.fhirBase}/Observation/${e.resource?.id}`);
  });

  it("follows next links to the end: every match exactly once, the same set as one big page", async () => {
    const pages = await allPages(s, token, `Observation?patient=${ALEX}&category=laboratory,survey&_count=7`);
    expect(pages.length).toBe(5); // 30 matches in pages of 7
    expect(pages.map((p) => ids(p).length)).toEqual([7, 7, 7, 7, 2]);
    expect(pages.at(-1)?.link?.some((l) => l.relation === "next")).toBe(false);
    const paged = pages.flatMap((p) => ids(p));
    expect(new Set(paged).size).toBe(30);
    const whole = await fhir<Bundle>(s, token, `Observation?patient=${ALEX}&category=laboratory,survey&_count=100`);
    expect(new Set(paged)).toEqual(new Set(ids(whole.body)));
  });

  it("ends exactly: 30 matches in pages of 10 are 3 pages, the last without next", async () => {
    const pages = await allPages(s, token, `Observation?patient=${ALEX}&category=laboratory,survey&_count=10`);
    expect(pages.map((p) => ids(p).length)).toEqual([10, 10, 10]);
    const previous = new URL(pages[1]?.link?.find((l) => l.relation === "previous")?.url ?? "http://missing/");
    expect(previous.pathname).toBe(new URL(`${s.fhirBase}/Observation`).pathname);
    expect(previous.searchParams.get("_offset") ?? "0").toBe("0");
  });

  it("sorts by _sort=-date (newest first) and _sort=date", async () => {
    const desc = await fhir<Bundle<Observation>>(s, token, `Observation?patient=${ALEX}&category=laboratory&_sort=-date&_count=100`);
    const dates = (desc.body.entry ?? []).map((e) => e.resource?.effectiveDateTime ?? "");
    expect(dates.length).toBe(24);
    expect(dates).toEqual([...dates].sort().reverse());
    expect(dates[0]?.startsWith("2026-11-23")).toBe(true);
    const asc = await fhir<Bundle<Observation>>(s, token, `Observation?patient=${ALEX}&category=laboratory&_sort=date&_count=1`);
    expect(asc.body.entry?.[0]?.resource?.effectiveDateTime?.startsWith("2026-06-15")).toBe(true); // day -161
  });

  it("_include=MedicationRequest:medication adds the shared Medication once, marked include", async () => {
    const r = await fhir<Bundle>(s, token, `MedicationRequest?patient=${ALEX}&_include=MedicationRequest:medication`);
    expect(r.status).toBe(200);
    expect(ids(r.body).sort()).toEqual(["MedicationRequest/sbx-alex-mr-0", "MedicationRequest/sbx-alex-mr-1"]);
    expect(ids(r.body, "include")).toEqual(["Medication/sbx-med-bup-nx"]);
    expect(r.body.total).toBe(2);
  });

  it("_revinclude brings the resources that point at the matches", async () => {
    const r = await fhir<Bundle>(s, token, `Patient?_id=${BLAIR}&_revinclude=Condition:subject`);
    expect(ids(r.body)).toEqual([`Patient/${BLAIR}`]);
    expect(ids(r.body, "include")).toEqual(["Condition/sbx-blair-oud"]);
  });

  it("answers a search on a type FHIR does not have with 404", async () => {
    const r = await fhir<OperationOutcome>(s, token, "Observations?patient=x");
    expect(r.status).toBe(404);
    expect(issueText(r.body)).toContain("Observations");
  });

  it("refuses an unknown search parameter with 400 naming it, instead of returning nothing", async () => {
    const r = await fhir<OperationOutcome>(s, token, `Observation?patient=${ALEX}&colour=blue`);
    expect(r.status).toBe(400);
    expect(issueText(r.body)).toContain("colour");
  });
});

describe("create, update, versions", () => {
  it("create → 201 with Location, ETag and version 1; update with If-Match → version 2; stale If-Match → 412, nothing written", async () => {
    const created = await fhir<Observation>(s, token, "Observation", { method: "POST", body: newObservation(BLAIR) });
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect(created.body.meta?.versionId).toBe("1");
    expect(created.headers.get("etag")).toBe('W/"1"');
    expect(created.headers.get("location")).toBe(`${s.fhirBase}/Observation/${id}/_history/1`);

    const v2 = { ...created.body, valueString: "second" };
    const updated = await fhir<Observation>(s, token, `Observation/${id}`, { method: "PUT", body: v2, headers: { "If-Match": 'W/"1"' } });
    expect(updated.status).toBe(200);
    expect(updated.body.meta?.versionId).toBe("2");
    expect(updated.headers.get("etag")).toBe('W/"2"');

    const stale = await fhir<OperationOutcome>(s, token, `Observation/${id}`, {
      method: "PUT",
      body: { ...created.body, valueString: "lost update" },
      headers: { "If-Match": 'W/"1"' },
    });
    expect(stale.status).toBe(412);
    expect(stale.body.resourceType).toBe("OperationOutcome");

    const now = await fhir<Observation>(s, token, `Observation/${id}`);
    expect(now.body.valueString).toBe("second");
    expect(now.body.meta?.versionId).toBe("2");
    const v1 = await fhir<Observation>(s, token, `Observation/${id}/_history/1`);
    expect(v1.status).toBe(200);
    expect(v1.body.valueString).toBe("first");
  });

  it.each<[string, Record<string, unknown>, string]>([
    ["a missing required element", { status: undefined }, "Observation.status"],
    ["a code outside its required value set", { status: "bogus" }, "Observation.status"],
    ["an element FHIR does not define", { colour: "blue" }, "Observation.colour"],
    ["a malformed date", { effectiveDateTime: "last tuesday" }, "Observation.effective"],
  ])("rejects %s with 400 naming the field, and stores nothing", async (_label, change, field) => {
    const before = await count(`Observation?patient=${BLAIR}`);
    const body: Record<string, unknown> = { ...newObservation(BLAIR), ...change };
    for (const [k, v] of Object.entries(change)) if (v === undefined) delete body[k];
    const r = await fhir<OperationOutcome>(s, token, "Observation", { method: "POST", body });
    expect(r.status).toBe(400);
    expect(r.body.resourceType).toBe("OperationOutcome");
    expect(JSON.stringify(r.body.issue?.map((i) => i.expression))).toContain(field);
    expect(await count(`Observation?patient=${BLAIR}`)).toBe(before);
  });

  it("rejects an update that breaks validation and keeps the stored version", async () => {
    const r = await fhir<OperationOutcome>(s, token, "Observation/sbx-blair-uds-0", {
      method: "PUT",
      body: { ...newObservation(BLAIR), id: "sbx-blair-uds-0", status: "bogus" },
    });
    expect(r.status).toBe(400);
    const stored = await fhir<Observation>(s, token, "Observation/sbx-blair-uds-0");
    expect(stored.body.status).toBe("final");
    expect(stored.body.meta?.versionId).toBe("1");
  });

  it("rejects a reference to a resource that does not exist with 422 naming the field", async () => {
    const r = await fhir<OperationOutcome>(s, token, "Observation", { method: "POST", body: newObservation("nobody-here") });
    expect(r.status).toBe(422);
    expect(issueText(r.body)).toContain("Observation.subject.reference");
    expect(await count("Observation?subject=Patient/nobody-here")).toBe(0);
  });

  it("answers malformed JSON with 400", async () => {
    const r = await fhir<OperationOutcome>(s, token, "Observation", { method: "POST", body: "{not json" });
    expect(r.status).toBe(400);
    expect(issueText(r.body)).toContain("not valid JSON");
  });
});

describe("transactions", () => {
  const planBundle = (identifier: string): Bundle => ({
    resourceType: "Bundle",
    type: "transaction",
    entry: [
      {
        fullUrl: "urn:uuid:2f0e6a2c-6a0b-4c8e-9a43-1d2f3e4a5b01",
        resource: {
          resourceType: "CarePlan",
          status: "draft",
          intent: "plan",
          subject: { reference: `Patient/${BLAIR}` },
          identifier: [{ system: "https://stagewise.example/fhir/identifier/careplan", value: identifier }],
          goal: [{ reference: "urn:uuid:2f0e6a2c-6a0b-4c8e-9a43-1d2f3e4a5b02" }],
        } as CarePlan,
        request: { method: "POST", url: "CarePlan", ifNoneExist: `identifier=https://stagewise.example/fhir/identifier/careplan|${identifier}` },
      },
      {
        fullUrl: "urn:uuid:2f0e6a2c-6a0b-4c8e-9a43-1d2f3e4a5b02",
        resource: {
          resourceType: "Goal",
          lifecycleStatus: "proposed",
          description: { text: "Sandbox goal" },
          subject: { reference: `Patient/${BLAIR}` },
          identifier: [{ system: "https://stagewise.example/fhir/identifier/goal", value: identifier }],
        } as Goal,
        request: { method: "POST", url: "Goal", ifNoneExist: `identifier=https://stagewise.example/fhir/identifier/goal|${identifier}` },
      },
    ],
  });

  it("resolves urn:uuid references, and the same conditional create twice leaves one resource", async () => {
    const first = await fhir<Bundle>(s, token, "", { method: "POST", body: planBundle("tx-1") });
    expect(first.status).toBe(200);
    expect(first.body.type).toBe("transaction-response");
    expect(first.body.entry?.map((e) => e.response?.status)).toEqual(["201", "201"]);
    const plans = await fhir<Bundle<CarePlan>>(s, token, "CarePlan?identifier=https://stagewise.example/fhir/identifier/careplan|tx-1");
    expect(plans.body.total).toBe(1);
    const plan = plans.body.entry?.[0]?.resource;
    const goalRef = plan?.goal?.[0]?.reference ?? "";
    expect(goalRef).toMatch(/^Goal\/[^/]+$/);
    expect((await fhir(s, token, goalRef)).status).toBe(200);

    const again = await fhir<Bundle>(s, token, "", { method: "POST", body: planBundle("tx-1") });
    expect(again.status).toBe(200);
    expect(again.body.entry?.map((e) => e.response?.status)).toEqual(["200", "200"]);
    expect(await count("CarePlan?identifier=https://stagewise.example/fhir/identifier/careplan|tx-1")).toBe(1);
    expect(await count("Goal?identifier=https://stagewise.example/fhir/identifier/goal|tx-1")).toBe(1);
  });

  it("is all or nothing: one invalid entry and the valid one is not stored either", async () => {
    const bundle = planBundle("tx-2");
    (bundle.entry?.[1]?.resource as unknown as Record<string, unknown>).lifecycleStatus = "bogus";
    const r = await fhir<OperationOutcome>(s, token, "", { method: "POST", body: bundle });
    expect(r.status).toBe(400);
    expect(issueText(r.body)).toContain("Goal.lifecycleStatus");
    expect(await count("CarePlan?identifier=https://stagewise.example/fhir/identifier/careplan|tx-2")).toBe(0);
    expect(await count("Goal?identifier=https://stagewise.example/fhir/identifier/goal|tx-2")).toBe(0);
  });
});
