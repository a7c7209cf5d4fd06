// The Patient compartment applied to every reference a write carries, and to history. With a patient-scoped token
// for Alex: nothing written may point at Blair's data (whatever the element: addresses, hasMember, derivedFrom,
// target, basedOn, partOf, focus, goal, supportingInfo, an extension…; transaction entries and urn:uuid targets
// too); no version of a resource that was in Blair's compartment is ever shown (history, vread); no new Patient.
import type { Bundle, BundleEntry, Observation, OperationOutcome, Resource } from "fhir/r4.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "../../launch/server.ts";
import { ALEX, BLAIR, fhir, fixtureSandbox, issueText, launchToken, userToken } from "./helpers/sandbox.ts";

let s: Sandbox;
let alex: string;
let blair: string;
let user: string;

beforeAll(async () => {
  s = await fixtureSandbox();
  alex = (await launchToken(s, ALEX, "patient/*.cruds")).access_token;
  blair = (await launchToken(s, BLAIR, "patient/*.cruds")).access_token;
  user = (await userToken(s)).access_token;
});
afterAll(() => s.close());

const BLAIR_OBS = "Observation/sbx-blair-uds-0";
const BLAIR_CONDITION = "Condition/sbx-blair-oud";
const ALEX_OBS = "Observation/sbx-alex-uds-00";
const ALEX_CONDITION = "Condition/sbx-alex-oud";

const obs = (patient: string, extra: Record<string, unknown> = {}): Observation =>
  ({ resourceType: "Observation", status: "final", code: { text: "compartment test" }, subject: { reference: `Patient/${patient}` }, ...extra }) as Observation;

const carePlan = (extra: Record<string, unknown>): Resource =>
  ({ resourceType: "CarePlan", status: "active", intent: "plan", subject: { reference: `Patient/${ALEX}` }, ...extra }) as Resource;

/** Every resource of these types the user token sees (to prove nothing was stored). */
async function totals(): Promise<string> {
  const out: number[] = [];
  for (const type of ["Observation", "CarePlan", "Provenance", "Goal", "Patient", "MedicationRequest"]) {
    const r = await fhir<Bundle>(s, user, `${type}?_summary=count`);
    out.push(r.body.total ?? -1);
  }
  return out.join(",");
}

/** For each case: the resource written by Alex's token, pointing at `target` (Blair's or, for the control, Alex's). */
const cases: [string, (target: string) => Resource][] = [
  ["CarePlan.addresses", (t) => carePlan({ addresses: [{ reference: t === BLAIR_OBS ? BLAIR_CONDITION : ALEX_CONDITION }] })],
  ["CarePlan.supportingInfo", (t) => carePlan({ supportingInfo: [{ reference: t }] })],
  ["CarePlan.activity.outcomeReference", (t) => carePlan({ activity: [{ outcomeReference: [{ reference: t }] }] })],
  ["Observation.hasMember", (t) => obs(ALEX, { hasMember: [{ reference: t }] })],
  ["Observation.derivedFrom", (t) => obs(ALEX, { derivedFrom: [{ reference: t }] })],
  ["Observation.derivedFrom (absolute URL on this server)", (t) => obs(ALEX, { derivedFrom: [{ reference: `${s.fhirBase}/${t}` }] })],
  ["Observation.focus the other Patient", (t) => obs(ALEX, { focus: [{ reference: t === BLAIR_OBS ? `Patient/${BLAIR}` : `Patient/${ALEX}` }] })],
  ["an extension's valueReference", (t) => obs(ALEX, { extension: [{ url: "http://example.org/x", valueReference: { reference: t } }] })],
  ["Provenance.target (the patient and another's Observation)", (t) => ({ resourceType: "Provenance", target: [{ reference: `Patient/${ALEX}` }, { reference: t }], recorded: "2026-11-23T10:00:00Z", agent: [{ who: { reference: "Practitioner/dr-1" } }] }) as Resource],
  ["Goal.addresses", (t) => ({ resourceType: "Goal", lifecycleStatus: "active", description: { text: "g" }, subject: { reference: `Patient/${ALEX}` }, addresses: [{ reference: t === BLAIR_OBS ? BLAIR_CONDITION : ALEX_CONDITION }] }) as Resource],
];

describe("references in writes", () => {
  it.each(cases)("%s pointing at another patient's data is refused (403 naming the reference), nothing stored", async (_label, make) => {
    const before = await totals();
    const resource = make(BLAIR_OBS);
    const r = await fhir<OperationOutcome>(s, alex, resource.resourceType, { method: "POST", body: resource });
    expect(r.status).toBe(403);
    expect(issueText(r.body)).toMatch(/another patient|Patient\/sbx-blair/);
    expect(await totals()).toBe(before);
  });

  it.each(cases)("%s pointing at the launch patient's own data is stored (201)", async (_label, make) => {
    const resource = make(ALEX_OBS);
    const r = await fhir<OperationOutcome>(s, alex, resource.resourceType, { method: "POST", body: resource });
    expect(r.status, issueText(r.body)).toBe(201);
  });

  it("shared resources (a Practitioner, a Medication) may be referenced", async () => {
    const r = await fhir(s, alex, "MedicationRequest", {
      method: "POST",
      body: {
        resourceType: "MedicationRequest",
        status: "active",
        intent: "order",
        subject: { reference: `Patient/${ALEX}` },
        medicationReference: { reference: "Medication/sbx-med-bup-nx" },
        requester: { reference: "Practitioner/dr-1" },
      },
    });
    expect(r.status).toBe(201);
  });

  it("an update that adds a reference to another patient's data is refused and the stored version stays", async () => {
    const current = await fhir<Observation>(s, alex, ALEX_OBS);
    const r = await fhir(s, alex, ALEX_OBS, { method: "PUT", body: { ...current.body, hasMember: [{ reference: BLAIR_OBS }] } });
    expect(r.status).toBe(403);
    expect((await fhir<Observation>(s, alex, ALEX_OBS)).body.meta?.versionId).toBe(current.body.meta?.versionId);
  });

  it("a transaction whose urn:uuid entry points at another patient's data is refused whole", async () => {
    const before = await totals();
    const entry: BundleEntry[] = [
      {
        fullUrl: "urn:uuid:5d1c7c52-4f5e-4b0e-8d2a-7c9e0f1a2b01",
        resource: carePlan({ goal: [{ reference: "urn:uuid:5d1c7c52-4f5e-4b0e-8d2a-7c9e0f1a2b02" }] }),
        request: { method: "POST", url: "CarePlan" },
      },
      {
        fullUrl: "urn:uuid:5d1c7c52-4f5e-4b0e-8d2a-7c9e0f1a2b02",
        resource: { resourceType: "Goal", lifecycleStatus: "active", description: { text: "g" }, subject: { reference: `Patient/${ALEX}` }, addresses: [{ reference: BLAIR_CONDITION }] } as Resource,
        request: { method: "POST", url: "Goal" },
      },
    ];
    const r = await fhir<OperationOutcome>(s, alex, "", { method: "POST", body: { resourceType: "Bundle", type: "transaction", entry } });
    expect(r.status).toBe(403);
    expect(await totals()).toBe(before);
  });

  it("a user-level token may link patients (the rule is for patient-scoped tokens)", async () => {
    const r = await fhir(s, user, "Observation", { method: "POST", body: obs(ALEX, { derivedFrom: [{ reference: BLAIR_OBS }] }) });
    expect(r.status).toBe(201);
  });
});

describe("a patient-scoped token cannot create a Patient", () => {
  it.each<[string, string, string, Record<string, unknown>]>([
    ["POST with the launch patient's id in the body", "POST", "Patient", { resourceType: "Patient", id: ALEX, name: [{ family: "New" }] }],
    ["POST without an id", "POST", "Patient", { resourceType: "Patient", name: [{ family: "New" }] }],
    ["PUT to a new id", "PUT", "Patient/brand-new-patient", { resourceType: "Patient", id: "brand-new-patient", name: [{ family: "New" }] }],
  ])("%s → 403, no Patient created", async (_label, method, path, body) => {
    const before = await totals();
    const r = await fhir<OperationOutcome>(s, alex, path, { method, body });
    expect(r.status).toBe(403);
    expect(await totals()).toBe(before);
  });

  it("…and inside a transaction", async () => {
    const before = await totals();
    const r = await fhir(s, alex, "", {
      method: "POST",
      body: { resourceType: "Bundle", type: "transaction", entry: [{ resource: { resourceType: "Patient", id: ALEX, name: [{ family: "New" }] }, request: { method: "POST", url: "Patient" } }] },
    });
    expect(r.status).toBe(403);
    expect(await totals()).toBe(before);
  });

  it("it can still update its own Patient", async () => {
    const p = await fhir<Resource>(s, alex, `Patient/${ALEX}`);
    const r = await fhir(s, alex, `Patient/${ALEX}`, { method: "PUT", body: { ...p.body, gender: "unknown" } });
    expect(r.status).toBe(200);
  });
});

describe("history and vread follow each version's compartment", () => {
  const versions = (b: Bundle): string[] => (b.entry ?? []).map((e) => e.resource?.meta?.versionId ?? "?");

  it("a result misfiled under Blair and moved to Alex by PUT: Alex sees only the moved version, Blair only the old one", async () => {
    const id = "sbx-blair-uds-1";
    const v1 = await fhir<Observation>(s, user, `Observation/${id}`);
    const moved = await fhir<Observation>(s, user, `Observation/${id}`, { method: "PUT", body: { ...v1.body, subject: { reference: `Patient/${ALEX}` } } });
    expect(moved.status).toBe(200);
    expect(moved.body.meta?.versionId).toBe("2");

    const alexHistory = await fhir<Bundle>(s, alex, `Observation/${id}/_history`);
    expect(alexHistory.status).toBe(200);
    expect(versions(alexHistory.body)).toEqual(["2"]);
    expect(alexHistory.body.total).toBe(1);
    expect(JSON.stringify(alexHistory.body)).not.toContain(`Patient/${BLAIR}`);
    expect((await fhir(s, alex, `Observation/${id}/_history/1`)).status).toBe(403);
    expect((await fhir(s, alex, `Observation/${id}/_history/2`)).status).toBe(200);

    const blairHistory = await fhir<Bundle>(s, blair, `Observation/${id}/_history`);
    expect(versions(blairHistory.body)).toEqual(["1"]);
    expect((await fhir(s, blair, `Observation/${id}/_history/2`)).status).toBe(403);
    expect((await fhir(s, blair, `Observation/${id}`)).status).toBe(403);
  });

  it("a resource of Blair deleted and re-created for Alex: Alex never sees Blair's version", async () => {
    const id = "sbx-blair-uds-2";
    const v1 = await fhir<Observation>(s, user, `Observation/${id}`);
    expect((await fhir(s, user, `Observation/${id}`, { method: "DELETE" })).status).toBeLessThan(300);
    const recreated = await fhir<Observation>(s, user, `Observation/${id}`, { method: "PUT", body: { ...v1.body, subject: { reference: `Patient/${ALEX}` } } });
    expect(recreated.status).toBeLessThan(300);
    const alexHistory = await fhir<Bundle>(s, alex, `Observation/${id}/_history`);
    expect(versions(alexHistory.body)).toEqual([recreated.body.meta?.versionId]);
    expect(JSON.stringify(alexHistory.body)).not.toContain(`Patient/${BLAIR}`);
    expect((await fhir(s, alex, `Observation/${id}/_history/1`)).status).toBe(403);
  });

  it("the user-level token sees every version", async () => {
    const h = await fhir<Bundle>(s, user, "Observation/sbx-blair-uds-1/_history");
    expect(versions(h.body)).toEqual(["2", "1"]);
  });
});
