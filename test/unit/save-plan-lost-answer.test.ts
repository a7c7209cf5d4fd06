// A lost answer to "Save changes" (issue 11): the update was committed, the connection dropped. The transport
// sends the transaction once more, which then meets If-Match on a version that is no longer current (412); the
// next Save does too. Neither is a conflict: savePlan re-reads the plan by its business identifier, sees its own
// earlier write, adopts its version and goes on. A change by someone else stays a conflict. msw plays a FHIR server
// that keeps one CarePlan with versions and If-Match, and drops the answers it is told to drop after committing.
import type { Bundle, BundleEntry, CarePlan } from "fhir/r4.js";
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { fetchApi } from "../../src/app/fhir-api.ts";
import { savePlan, type SaveMemory } from "../../src/app/save-plan.ts";
import { catalogEntry } from "../../src/clinical/catalog.ts";
import type { PlanContext, PlanDraft } from "../../src/clinical/plan.ts";
import { FhirError } from "../../src/fhir/errors.ts";

const BASE = "https://lost.test/fhir";
let stored: CarePlan | null = null;
let version = 0;
/** How many of the next transactions are handled (a write committed), then answered with a dropped connection. */
let dropAfter = 0;
let transactions = 0;
let searches = 0;

function commit(bundle: Bundle): Bundle {
  const entries: BundleEntry[] = [];
  for (const e of bundle.entry ?? []) {
    const r = e.resource!;
    if (r.resourceType === "CarePlan") {
      if (e.request?.method === "PUT" && e.request.ifMatch !== `W/"${version}"`) throw new Error("412");
      if (e.request?.method === "POST" && stored) {
        entries.push({ response: { status: "200 OK", location: `CarePlan/cp-1/_history/${version}`, etag: `W/"${version}"` } });
        continue;
      }
      version++;
      stored = { ...(r as CarePlan), id: "cp-1", meta: { ...r.meta, versionId: String(version), lastUpdated: new Date().toISOString() } };
      entries.push({ response: { status: version === 1 ? "201 Created" : "200 OK", location: `CarePlan/cp-1/_history/${version}`, etag: `W/"${version}"` } });
    } else entries.push({ response: { status: "201 Created", location: `${r.resourceType}/x-${entries.length}/_history/1`, etag: 'W/"1"' } });
  }
  return { resourceType: "Bundle", type: "transaction-response", entry: entries };
}

const server = setupServer(
  http.post(BASE, async ({ request }) => {
    transactions++;
    let answer: Response;
    try {
      answer = HttpResponse.json(commit((await request.json()) as Bundle));
    } catch {
      answer = HttpResponse.json({ resourceType: "OperationOutcome", issue: [{ severity: "error", code: "conflict", details: { text: `version ${version} is current` } }] }, { status: 412 });
    }
    if (dropAfter > 0) {
      dropAfter--;
      return HttpResponse.error(); // handled (a write committed), then the connection dropped
    }
    return answer;
  }),
  http.get(`${BASE}/CarePlan`, () => {
    searches++;
    return HttpResponse.json({ resourceType: "Bundle", type: "searchset", entry: stored ? [{ resource: stored, search: { mode: "match" } }] : [] });
  }),
);
beforeAll(() => server.listen({ onUnhandledFrame: "error" }));
beforeEach(() => {
  stored = null;
  version = 0;
  dropAfter = 0;
  transactions = 0;
  searches = 0;
});
afterAll(() => server.close());

const api = () => fetchApi(BASE, "t", "Patient/p1");
const draft = (text: string): PlanDraft => ({
  planId: "plan-1",
  status: "draft",
  period: { start: "2026-11-23" },
  activities: [{ id: "motivational-interviewing", title: catalogEntry("motivational-interviewing").title, text }],
  goals: [{ key: "g1", description: "Talk about change", startDate: "2026-11-23" }],
});
const ctx = (existing?: PlanContext["existing"]): PlanContext => ({
  patient: "Patient/p1",
  author: "Practitioner/dr-1",
  now: "2026-11-23T10:00:00Z",
  app: { name: "Stagewise", version: "0.1.0" },
  ...(existing ? { existing } : {}),
});
const text = () => stored?.activity?.[0]?.detail?.description;

/** The first save, answered: version 1 is known to the app. */
async function firstSave(memory: SaveMemory) {
  const r = await savePlan(api(), draft("MI weekly"), ctx(), memory);
  expect(r.carePlan?.versionId).toBe("1");
  return { id: "cp-1", versionId: "1", created: "2026-11-23T10:00:00Z" };
}

describe("a lost answer to Save changes", () => {
  it.each([
    // [name, answers dropped, edited before the next Save, Save calls that throw first]
    ["dropped once: the automatic retry meets 412, sees its own write, and the save goes on", 1, false, 0],
    ["dropped twice: the Save fails (no answer), Save again is not a conflict", 2, false, 1],
    ["dropped twice, then edited: Save again adopts the stored version and stores the edit", 2, true, 1],
  ])("%s", async (_name, drops, edit, failures) => {
    const memory: SaveMemory = {};
    const existing = await firstSave(memory);
    dropAfter = drops;
    const first = await savePlan(api(), draft("MI twice a week"), ctx(existing), memory).catch((e: unknown) => e);
    if (failures) {
      expect(first).toBeInstanceOf(FhirError);
      expect((first as FhirError).status).toBe(0);
      expect(text()).toBe("MI twice a week"); // committed, though the answer was lost
      const again = await savePlan(api(), draft(edit ? "MI twice a week, with family" : "MI twice a week"), ctx(existing), memory);
      expect(again.carePlan?.versionId).toBe(String(version));
    } else {
      expect((first as { carePlan: { versionId: string } }).carePlan.versionId).toBe(String(version));
    }
    expect(text()).toBe(edit ? "MI twice a week, with family" : "MI twice a week");
    expect(searches).toBe(1); // the plan was read back once, by its identifier
  });

  it("a change by someone else is still a conflict (412), and the stored plan is left alone", async () => {
    const memory: SaveMemory = {};
    const existing = await firstSave(memory);
    stored = { ...stored!, activity: [{ detail: { status: "scheduled", description: "changed in the EHR" } }], meta: { versionId: "2" } };
    version = 2;
    const err = await savePlan(api(), draft("MI twice a week"), ctx(existing), memory).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FhirError);
    expect((err as FhirError).status).toBe(412);
    expect(text()).toBe("changed in the EHR");
    expect(transactions).toBe(2);
  });
});
