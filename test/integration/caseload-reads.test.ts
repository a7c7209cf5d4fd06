// The caseload's batched reads (src/fhir/caseload-queries.ts) against the real sandbox over HTTP, with the app's
// own scopes: a care coordinator's EHR launch without a patient reads the 25 patients of their CareTeams in a few
// requests, through both adapters (fetch and fhir-kit-client), in batch and in plain-search mode, v2 and v1 scopes;
// the rows equal the rows the engine makes from the committed files; the sandbox confines the coordinator's user/
// scopes to their care teams' patients; 250 patients take at most 10 requests.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Bundle } from "fhir/r4.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scopesFor } from "../../src/app/launch-config.ts";
import { rowsFrom } from "../../src/app/caseload/useCaseload.ts";
import { caseloadRow, type CaseloadRow } from "../../src/clinical/caseload-row.ts";
import { recordFromBundle } from "../../src/clinical/record.ts";
import { readCaseload, type CaseloadRead } from "../../src/fhir/caseload-queries.ts";
import { nodeTransport } from "../../src/fhir/node-transport.ts";
import { bearerTransport, type FhirTransport } from "../../src/fhir/transport.ts";
import { readUserRoles } from "../../src/fhir/user-role.ts";
import { createLaunch, getToken } from "../../launch/dev-client.ts";
import { CASELOAD_DIR, PATIENTS_DIR, startSandbox, type Sandbox } from "../../launch/server.ts";
import { generateCaseload } from "../../scripts/generate-caseload.ts";
import { ANCHOR } from "../../scripts/patient-dates.ts";
import { fhir } from "./helpers/sandbox.ts";

let s: Sandbox;
const tokens = new Map<string, string>();

async function token(user: string, style: "v1" | "v2" = "v2"): Promise<string> {
  const key = `${user}/${style}`;
  if (!tokens.has(key)) {
    const { launch } = await createLaunch(s.origin, "", user);
    tokens.set(key, (await getToken({ fhirBase: s.fhirBase, scope: scopesFor("ehr", style), launch })).access_token);
  }
  return tokens.get(key)!;
}

/** The rows the engine makes from the committed caseload file, patient by patient. */
function expectedRows(labsFrom: Map<string, string>): Map<string, CaseloadRow> {
  const b = JSON.parse([...generateCaseload().values()][0]!) as Bundle;
  const out = new Map<string, CaseloadRow>();
  for (const p of (b.entry ?? []).filter((e) => e.resource?.resourceType === "Patient")) {
    const id = p.resource!.id!;
    const mine = (b.entry ?? []).filter((e) => e.resource?.id === id || (e.resource as { subject?: { reference?: string } }).subject?.reference === `Patient/${id}`);
    const record = recordFromBundle({ resourceType: "Bundle", type: "collection", entry: mine.filter((e) => e.resource?.resourceType !== "CareTeam") });
    out.set(`Patient/${id}`, caseloadRow(record, { now: ANCHOR, labsFrom: labsFrom.get(id)! }));
  }
  return out;
}

beforeAll(async () => {
  s = await startSandbox({ port: 0, quiet: true, shiftDates: false, dataDirs: [PATIENTS_DIR, CASELOAD_DIR] });
});
afterAll(async () => {
  await s?.close();
});

describe("the care coordinator's caseload, read in batches", () => {
  const adapters: [string, (t: string) => Promise<FhirTransport>][] = [
    ["fetch", async (t) => bearerTransport(s.fhirBase, t)],
    ["fhir-kit-client", (t) => nodeTransport(s.fhirBase, t)],
  ];

  it.each(adapters)("%s adapter: 25 patients in 3 requests, rows as the engine makes them from the files", async (_name, make) => {
    const transport = await make(await token("care-coordinator"));
    const read = await readCaseload(transport, { careTeamOf: "Practitioner/cc-1" }, { now: ANCHOR });
    expect(read.failures).toEqual([]);
    expect(read.patients).toHaveLength(25);
    expect(read.requests).toBe(3); // CareTeams with their Patients; one batch of records; one batch of urine tests
    const { rows, problems } = rowsFrom(read, ANCHOR);
    expect(problems).toEqual([]);
    const expected = expectedRows(read.labsFrom);
    for (const row of rows) expect(row, row.patient).toEqual(expected.get(row.patient));
  });

  it.each(["v1", "v2"] as const)("%s scopes: the same rows in batch and in plain-search mode (more requests)", async (style) => {
    const transport = bearerTransport(s.fhirBase, await token("care-coordinator", style));
    const batch = await readCaseload(transport, { careTeamOf: "Practitioner/cc-1" }, { now: ANCHOR });
    const search = await readCaseload(transport, { careTeamOf: "Practitioner/cc-1" }, { now: ANCHOR, mode: "search", chunk: 10 });
    expect(search.failures).toEqual([]);
    expect(search.requests).toBeGreaterThan(batch.requests);
    const byPatient = (r: CaseloadRead) => new Map(rowsFrom(r, ANCHOR).rows.map((row) => [row.patient, row]));
    expect(byPatient(search)).toEqual(byPatient(batch));
  });

  it("reads the caseload Group's members too (with user/Group.r added), and one patient again by id", async () => {
    const transport = bearerTransport(s.fhirBase, await token("care-coordinator"));
    await expect(readCaseload(transport, { group: "Group/caseload-cc-1" }, { now: ANCHOR })).rejects.toMatchObject({ status: 403 });
    const { launch } = await createLaunch(s.origin, "", "care-coordinator");
    const withGroup = (await getToken({ fhirBase: s.fhirBase, scope: `${scopesFor("ehr", "v2")} user/Group.r`, launch })).access_token;
    const group = await readCaseload(bearerTransport(s.fhirBase, withGroup), { group: "Group/caseload-cc-1" }, { now: ANCHOR });
    expect(group.failures).toEqual([]);
    expect(group.patients.map((p) => p.id).sort()).toHaveLength(25);
    const one = await readCaseload(transport, { patients: ["cl-004"] }, { now: ANCHOR });
    expect(rowsFrom(one, ANCHOR).rows.map((r) => r.patient)).toEqual(["Patient/cl-004"]);
    expect(one.requests).toBe(2);
  });

  it("an EHR launch without a patient gives a token without one, with the caseload's user/ scopes", async () => {
    const { launch } = await createLaunch(s.origin, "", "care-coordinator");
    const t = await getToken({ fhirBase: s.fhirBase, scope: scopesFor("ehr", "v2"), launch });
    expect(t.patient).toBeUndefined();
    expect(t.scope.split(" ")).toEqual(expect.arrayContaining(["user/CareTeam.s", "user/Patient.rs", "user/Observation.cu"]));
  });

  it("knows the coordinator and the clinician by their PractitionerRoles", async () => {
    expect(await readUserRoles(bearerTransport(s.fhirBase, await token("care-coordinator")), "Practitioner/cc-1")).toEqual(["Care coordinator"]);
    expect(await readUserRoles(bearerTransport(s.fhirBase, await token("clinician")), "Practitioner/dr-1")).toEqual(["Clinician"]);
  });
});

describe("the sandbox confines a care coordinator's user/ scopes to their care teams", () => {
  it.each([
    ["care-coordinator", "Patient/cl-001", 200],
    ["care-coordinator", "Patient/pw-andre-cm-escalating", 403],
    ["clinician", "Patient/pw-andre-cm-escalating", 200],
  ])("%s reads %s: %d", async (user, path, status) => {
    expect((await fhir(s, await token(user), path)).status).toBe(status);
  });

  it("a coordinator's search leaves other patients' data out, and a write about them is refused", async () => {
    const t = await token("care-coordinator");
    const other = await fhir<Bundle>(s, t, "Observation?patient=pw-andre-cm-escalating,cl-001&category=survey");
    expect(other.status).toBe(200);
    const owners = new Set((other.body.entry ?? []).map((e) => (e.resource as { subject?: { reference?: string } }).subject?.reference));
    expect([...owners]).toEqual(["Patient/cl-001"]);
    const write = await fhir(s, t, "Observation", {
      method: "POST",
      body: { resourceType: "Observation", status: "final", code: { text: "note" }, subject: { reference: "Patient/pw-andre-cm-escalating" } },
    });
    expect(write.status).toBe(403);
  });
});

describe("a caseload of 250", () => {
  let big: Sandbox;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "caseload-250-"));
    const { writeFileSync } = await import("node:fs");
    for (const [path, text] of generateCaseload(250)) writeFileSync(join(dir, path.split("/").pop()!), text);
    big = await startSandbox({ port: 0, quiet: true, shiftDates: false, dataDirs: [dir] });
  });
  afterAll(async () => {
    await big?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("is read in at most 10 requests, every patient a row", async () => {
    const { launch } = await createLaunch(big.origin, "", "care-coordinator");
    const t = (await getToken({ fhirBase: big.fhirBase, scope: scopesFor("ehr", "v2"), launch })).access_token;
    const read = await readCaseload(bearerTransport(big.fhirBase, t), { careTeamOf: "Practitioner/cc-1" }, { now: ANCHOR });
    expect(read.failures).toEqual([]);
    expect(read.requests).toBeLessThanOrEqual(10);
    const { rows, problems } = rowsFrom(read, ANCHOR);
    expect(problems).toEqual([]);
    expect(rows).toHaveLength(250);
  });
});
