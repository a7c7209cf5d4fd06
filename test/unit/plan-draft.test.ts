// The editor's draft of a stored plan: a stored plan read into the editor and written out unchanged gives back the
// same plan (and a save of it sends nothing but the CarePlan and the Provenance); each edit changes what a user
// expects (a stored goal or activity is retired, never dropped; a note typed now is dated today, by the user); after
// a save, the editor holds the versions the server gave.
import type { Bundle, CarePlan, Goal } from "fhir/r4.js";
import { readFileSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { buildPlanBundle } from "../../src/clinical/plan.ts";
import { listPlans } from "../../src/clinical/plan-continue.ts";
import type { PlanDraft } from "../../src/clinical/plan-types.ts";
import type { Evaluation } from "../../src/clinical/types.ts";
import { APP_INFO } from "../../src/clinical/app-info.ts";
import { continuedDraft, draftReducer, toPlanDraft, type DraftInputs, type DraftState } from "../../src/app/plan-draft.ts";
import { existingAfterSave, type SaveOutcome } from "../../src/app/save-plan.ts";

const DIR = new URL("../../fhir-resources/patients/", import.meta.url);
/** Every plan this app wrote in the synthetic patients (editable), with its Goals. */
const STORED = readdirSync(DIR)
  .filter((f) => /^pw-.*\.json$/.test(f))
  .flatMap((f) => {
    const bundle = JSON.parse(readFileSync(new URL(f, DIR), "utf8")) as Bundle;
    const rs = (bundle.entry ?? []).map((e) => e.resource!);
    const carePlans = rs.filter((r): r is CarePlan => r.resourceType === "CarePlan").map((c) => ({ ...c, meta: { ...c.meta, versionId: "1" } }));
    const goals = rs.filter((r): r is Goal => r.resourceType === "Goal").map((g) => ({ ...g, meta: { ...g.meta, versionId: "1" } }));
    return listPlans(carePlans, goals, [])
      .filter((v) => v.editable)
      .map((v) => [`${f.replace(/\.json$/, "")} ${v.plan.ref}`, v] as const);
  });

const inputs = (draft: PlanDraft, today = "2026-11-23"): DraftInputs => ({
  evaluation: { contingencyManagement: { target: { analytes: draft.cm?.target ?? ["opioids"] } } } as unknown as Evaluation,
  schedule: draft.cm?.schedule ?? "escalating",
  cmStart: draft.cm?.startDate ?? today,
  cmDescription: [],
  today,
  ...(draft.context ? { context: draft.context } : {}),
  author: "Practitioner/dr-1",
});

describe("a stored plan in the editor", () => {
  it("the synthetic patients hold plans this app wrote", () => {
    expect(STORED.length).toBeGreaterThanOrEqual(3);
  });

  it.each(STORED)("%s reads back as the same draft, and saving it unchanged sends no Goal", (_name, view) => {
    const draft = view.draft!;
    const state = continuedDraft(draft, view.existing);
    const back = toPlanDraft(state, inputs(draft));
    // A CM activity written before targets were recorded gets the target scored today (clinical-spec §7.6).
    expect({ ...back, cm: back.cm && { ...back.cm, description: [] } }).toEqual({ ...draft, cm: draft.cm && { ...draft.cm, description: [], target: draft.cm.target ?? ["opioids"] } });
    const bundle = buildPlanBundle(back, { patient: view.plan.ref.replace(/^CarePlan\/.*/, "Patient/p"), author: null, now: "2026-11-23T10:00:00Z", app: APP_INFO, existing: view.existing!, saveId: "s1" });
    expect(bundle.entry?.map((e) => `${e.request?.method} ${e.resource?.resourceType}`)).toEqual(["PUT CarePlan", "POST Provenance"]);
  });
});

describe("edits", () => {
  const view = STORED.find(([n]) => n.includes("linda"))![1];
  const start = continuedDraft(view.draft!, view.existing);
  const plan = (s: DraftState) => toPlanDraft(s, inputs(view.draft!));

  it.each<[string, (s: DraftState) => DraftState, (p: PlanDraft) => unknown, unknown]>([
    ["retiring a stored goal cancels it (never dropped)", (s) => draftReducer(s, { type: "remove-goal", key: s.goals[0]!.key }), (p) => [p.goals.length, p.goals[0]!.lifecycleStatus], [3, "cancelled"]],
    ["removing a goal added since drops it", (s) => draftReducer(draftReducer(s, { type: "add-goal", description: "New" }), { type: "remove-goal", key: "g1" }), (p) => p.goals.length, 3],
    ["retiring a stored activity cancels it", (s) => draftReducer(s, { type: "retire-activity", id: "peer-support" }), (p) => p.activities.find((a) => a.id === "peer-support")?.status, "cancelled"],
    [
      "adding a recommendation adds an activity",
      (s) => draftReducer(s, { type: "add-activity", activity: { id: "naloxone", title: "Naloxone", text: "Kit" } }),
      (p) => p.activities.map((a) => a.id).includes("naloxone"),
      true,
    ],
    [
      "a progress note typed now is dated today, by the user",
      (s) => draftReducer(s, { type: "activity", id: "peer-support", edit: { newNote: " Coach monthly now. " } }),
      (p) => p.activities.find((a) => a.id === "peer-support")?.progress?.at(-1),
      { time: "2026-11-23", text: "Coach monthly now.", author: "Practitioner/dr-1" },
    ],
    [
      "a goal marked achieved with a note",
      (s) => draftReducer(draftReducer(s, { type: "goal", key: s.goals[2]!.key, edit: { achievementStatus: "achieved" } }), { type: "goal", key: s.goals[2]!.key, edit: { newNote: "Working three mornings" } }),
      (p) => [p.goals[2]!.achievementStatus, p.goals[2]!.notes?.at(-1)?.text],
      ["achieved", "Working three mornings"],
    ],
    ["a status reason is stored only for a plan that is not active", (s) => draftReducer(s, { type: "status-reason", reason: "Moved away" }), (p) => p.statusReason, undefined],
    [
      "completing the plan with a reason",
      (s) => draftReducer(draftReducer(s, { type: "status", status: "completed" }), { type: "status-reason", reason: "Goals met" }),
      (p) => [p.status, p.statusReason],
      ["completed", "Goals met"],
    ],
  ])("%s", (_name, edit, read, expected) => {
    const next = edit(start);
    expect(next.edited).toBe(true);
    expect(read(plan(next))).toEqual(expected);
  });
});

describe("a plan that takes over another (CarePlan.replaces)", () => {
  const view = STORED.find(([n]) => n.includes("linda"))![1];

  it("keeps the plans it takes over through the editor, so an update never drops CarePlan.replaces", () => {
    const draft: PlanDraft = { ...view.draft!, supersedes: ["CarePlan/ext-1"] };
    const state = draftReducer(continuedDraft(draft, view.existing), { type: "title", title: "Renamed" });
    const back = toPlanDraft(state, inputs(draft));
    expect(back.supersedes).toEqual(["CarePlan/ext-1"]);
    const bundle = buildPlanBundle(back, { patient: "Patient/p", author: null, now: "2026-11-23T10:00:00Z", app: APP_INFO, existing: view.existing!, saveId: "s2" });
    expect((bundle.entry![0]!.resource as CarePlan).replaces).toEqual([{ reference: "CarePlan/ext-1" }]);
  });

  it("a draft kept in the tab before this field existed still saves (no CarePlan.replaces)", () => {
    const state = continuedDraft(view.draft!, view.existing);
    delete state.supersedes;
    expect(toPlanDraft(state, inputs(view.draft!)).supersedes).toBeUndefined();
  });
});

describe("after a save", () => {
  it("the editor holds the CarePlan's new version and each written Goal's, and unsent Goals as they were", () => {
    const view = STORED.find(([n]) => n.includes("linda"))![1];
    const state = draftReducer(continuedDraft(view.draft!, view.existing), { type: "goal", key: view.draft!.goals[2]!.key, edit: { achievementStatus: "achieved" } });
    const draft = toPlanDraft(state, inputs(view.draft!));
    const sent = buildPlanBundle(draft, { patient: "Patient/p", author: null, now: "2026-11-23T10:00:00Z", app: APP_INFO, existing: view.existing!, saveId: "s1" });
    const goalId = view.existing!.goals[2]!.id!;
    const outcome: SaveOutcome = {
      sent,
      carePlan: { resourceType: "CarePlan", id: view.existing!.id, versionId: "2", status: "200 OK", created: false, location: null },
      items: [
        { resourceType: "CarePlan", id: view.existing!.id, versionId: "2", status: "200 OK", created: false, location: null },
        { resourceType: "Goal", id: goalId, versionId: "2", status: "200 OK", created: false, location: null },
        { resourceType: "Provenance", id: "pv", versionId: "1", status: "201 Created", created: true, location: null },
      ],
    };
    const after = existingAfterSave(outcome, view.existing, "2026-11-23T10:00:00Z")!;
    expect(after.versionId).toBe("2");
    expect(after.goals.map((g) => g.meta?.versionId)).toEqual(["1", "1", "2"]);
    expect(after.goals[2]!.achievementStatus?.coding?.[0]?.code).toBe("achieved");
    // The next save from there sends the CarePlan on version 2 and no Goal (nothing changed since).
    const next = continuedDraft(draft, after);
    const again = buildPlanBundle(toPlanDraft(next, inputs(view.draft!)), { patient: "Patient/p", author: null, now: "2026-11-23T11:00:00Z", app: APP_INFO, existing: after, saveId: "s2" });
    expect(again.entry?.map((e) => `${e.request?.method} ${e.request?.url} ${e.request?.ifMatch ?? ""}`.trim())).toEqual([`PUT CarePlan/${view.existing!.id} W/"2"`, "POST Provenance"]);
  });
});
