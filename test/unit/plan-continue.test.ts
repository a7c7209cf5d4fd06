// Continuing a stored plan, what changed since it, and the field-by-field merge after a 412.
import type { Bundle, CarePlan, Goal, Provenance } from "fhir/r4.js";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { APP_INFO } from "../../src/clinical/app-info.ts";
import { readCarePlan, writeCarePlan } from "../../src/clinical/careplan-resource.ts";
import { evaluate } from "../../src/clinical/evaluate.ts";
import { writeGoal } from "../../src/clinical/goal-resource.ts";
import { continueInNewVersion, defaultPlan, listPlans, planFromStored } from "../../src/clinical/plan-continue.ts";
import { planDifferences, type DifferenceKind } from "../../src/clinical/plan-differences.ts";
import { applyChoices, mergeDrafts } from "../../src/clinical/plan-merge.ts";
import type { PlanDraft } from "../../src/clinical/plan-types.ts";
import { validatePlanDraft } from "../../src/clinical/plan-validate.ts";
import { writeProvenance } from "../../src/clinical/provenance-resource.ts";
import { recordFromBundle } from "../../src/clinical/record.ts";
import type { Evaluation } from "../../src/clinical/types.ts";

const DRAFT: PlanDraft = {
  planId: "plan-a",
  status: "active",
  title: "Recovery plan",
  context: { familyInvolved: true, prefersNoMedication: false, canDeliverCm: true, otp: false },
  period: { start: "2026-06-01" },
  activities: [
    { id: "cbt", title: "CBT", text: "Weekly", status: "in-progress", progress: [{ time: "2026-07-01", text: "Going well" }] },
    { id: "naloxone", title: "Naloxone", text: "Kit at home", status: "completed" },
  ],
  goals: [
    { key: "g1", description: "Attend CBT", startDate: "2026-06-01", activityIds: ["cbt"], lifecycleStatus: "active", achievementStatus: "improving" },
    { key: "g2", description: "Kit at home", startDate: "2026-06-01", lifecycleStatus: "completed", achievementStatus: "achieved" },
  ],
};

function stored(draft: PlanDraft, id: string, recorded = "2026-07-01T10:00:00Z") {
  const goals: Goal[] = draft.goals.map((g) => ({ ...writeGoal(g, { planId: draft.planId, planStatus: draft.status, patient: "Patient/p1", author: null, id: `${id}-${g.key}` }), meta: { versionId: "1" } }));
  const cp = writeCarePlan(draft, { patient: "Patient/p1", author: "Practitioner/dr-1", created: "2026-06-01T09:00:00Z", id, goalRef: (k) => `Goal/${id}-${k}` });
  const carePlan: CarePlan = { ...cp, meta: { ...cp.meta, versionId: "4", lastUpdated: recorded } };
  const prov: Provenance = { ...writeProvenance({ planId: draft.planId, saveKey: draft.planId, targets: [`CarePlan/${id}`], now: recorded, author: "Practitioner/dr-1", app: APP_INFO, update: false }), id: `pv-${id}` };
  return { carePlan, goals, prov };
}

const OTHER: CarePlan = {
  resourceType: "CarePlan",
  id: "ext-1",
  meta: { versionId: "2", lastUpdated: "2025-01-10T08:00:00Z" },
  status: "active",
  intent: "plan",
  subject: { reference: "Patient/p1" },
  period: { start: "2025-01-10" },
  title: "Outpatient counseling",
  goal: [{ reference: "Goal/ext-g1" }],
  activity: [
    { detail: { status: "in-progress", code: { text: "Group counseling twice a week" }, goal: [{ reference: "Goal/ext-g1" }] } },
    { detail: { status: "scheduled", code: { coding: [{ system: "https://stagewise.example/fhir/CodeSystem/recommendation", code: "mutual-help" }], text: "Mutual help" } } },
  ],
};
const OTHER_GOAL: Goal = { resourceType: "Goal", id: "ext-g1", lifecycleStatus: "active", description: { text: "Stay in counseling" }, subject: { reference: "Patient/p1" } };

describe("planFromStored", () => {
  it("a plan this app wrote opens as the draft it was saved from, with what a save needs", () => {
    const s = stored(DRAFT, "cp-a");
    const view = planFromStored(s.carePlan, s.goals, [s.prov]);
    expect(view.editable).toBe(true);
    expect(view.draft).toEqual(DRAFT);
    expect(view.existing).toEqual({ id: "cp-a", versionId: "4", created: "2026-06-01T09:00:00Z", goals: s.goals });
    expect(view.writtenBy).toEqual(["Practitioner/dr-1", `Stagewise ${APP_INFO.version}`]);
    expect(view.writtenAt).toBe("2026-07-01T10:00:00Z");
  });

  it("another app's plan opens read-only; continuing copies it into a valid new draft and leaves it untouched", () => {
    const before = JSON.stringify(OTHER);
    const view = planFromStored(OTHER, [OTHER_GOAL], []);
    expect(view).toMatchObject({ editable: false, draft: null, existing: null, writtenAt: "2025-01-10T08:00:00Z" });
    const copy = continueInNewVersion(view, { planId: "plan-new", today: "2026-11-23" });
    expect(copy.activities).toEqual([
      { id: "free:a1", title: "Group counseling twice a week", text: "" },
      { id: "mutual-help", title: "Mutual help", text: "" },
    ]);
    expect(copy.goals).toEqual([{ key: "g1", description: "Stay in counseling", startDate: "2026-11-23", activityIds: ["free:a1"] }]);
    expect(validatePlanDraft(copy)).toEqual([]);
    expect(JSON.stringify(OTHER)).toBe(before);
    // The new version names the plan it continues (CarePlan.replaces), and reads back with it.
    expect(copy.supersedes).toEqual(["CarePlan/ext-1"]);
    const written = stored(copy, "cp-new");
    expect(written.carePlan.replaces).toEqual([{ reference: "CarePlan/ext-1" }]);
    expect(planFromStored(written.carePlan, written.goals, [written.prov]).draft?.supersedes).toEqual(["CarePlan/ext-1"]);
  });

  it("the continued plan opens by default, not the other system's plan it continues (which stays active, unchanged)", () => {
    const view = planFromStored(OTHER, [OTHER_GOAL], []);
    const copy = stored(continueInNewVersion(view, { planId: "plan-new", today: "2026-11-23" }), "cp-new", "2026-11-23T10:00:00Z");
    const views = listPlans([OTHER, copy.carePlan], [OTHER_GOAL, ...copy.goals], [copy.prov]);
    expect(views.filter((v) => v.plan.status === "active").map((v) => v.plan.id)).toEqual(["cp-new", "ext-1"]);
    expect(defaultPlan(views)?.plan.id).toBe("cp-new");
    // Two active plans where neither takes over the other: still the user's choice.
    const unrelated = stored({ ...DRAFT, planId: "plan-b" }, "cp-b", "2026-11-24T10:00:00Z");
    expect(defaultPlan(listPlans([OTHER, copy.carePlan, unrelated.carePlan], [OTHER_GOAL, ...copy.goals, ...unrelated.goals], [copy.prov, unrelated.prov]))).toBeNull();
  });

  it("CarePlan.replaces is read as CarePlan references only; anything else is passed by", () => {
    const cp: CarePlan = { ...OTHER, replaces: [{ reference: "CarePlan/a-1" }, { reference: "Goal/x" }, { display: "no reference" }, null as never, { reference: "CarePlan/bad id" }] };
    expect(readCarePlan(cp).replaces).toEqual(["CarePlan/a-1"]);
    expect(readCarePlan(OTHER).replaces).toEqual([]);
  });

  it("lists plans newest first and opens the one active plan by default", () => {
    const a = stored(DRAFT, "cp-a", "2026-07-01T10:00:00Z");
    const old = stored({ ...DRAFT, planId: "plan-old", status: "completed", statusReason: "Replaced" }, "cp-old", "2026-01-01T10:00:00Z");
    const gone: CarePlan = { ...OTHER, id: "err", status: "entered-in-error" };
    const views = listPlans([old.carePlan, gone, OTHER, a.carePlan], [...a.goals, ...old.goals, OTHER_GOAL], [a.prov, old.prov]);
    expect(views.map((v) => v.plan.id)).toEqual(["cp-a", "cp-old", "ext-1"]);
    expect(defaultPlan(views)).toBeNull(); // two active plans (ours and the other app's): the user picks
    expect(defaultPlan(views.filter((v) => v.plan.id !== "ext-1"))?.plan.id).toBe("cp-a");
  });
});

describe("planDifferences", () => {
  const bundle = JSON.parse(readFileSync(new URL("../../fhir-resources/patients/pw-derek-return-to-use.json", import.meta.url), "utf8")) as Bundle;
  const ev = evaluate(recordFromBundle(bundle), { now: "2026-11-23" });
  const plan = readCarePlan(writeCarePlan({ ...DRAFT, activities: [...DRAFT.activities, { id: "network-therapy", title: "Network therapy", text: "" }] }, { patient: "Patient/p1", author: null, created: "2026-06-01", id: "cp-a", goalRef: (k) => `Goal/${k}` }));

  it("a real evaluation: every primary recommendation the plan lacks is offered with the engine's reasons", () => {
    const diffs = planDifferences(ev, plan, "2026-06-01");
    expect(diffs.filter((d) => d.kind === "recommended-not-in-plan").length).toBeGreaterThan(0);
    for (const r of ev.recommendations.filter((x) => x.tier === "primary" && !["cbt", "naloxone"].includes(x.id)))
      expect(diffs).toContainEqual(expect.objectContaining({ action: { type: "add", activityId: r.id }, reasons: r.reasons }));
    expect(diffs.some((d) => d.action?.type === "add" && d.action.activityId === "cbt")).toBe(false);
  });

  const with_ = (o: Partial<Evaluation>): Evaluation => ({ ...ev, ...o });
  it.each<[string, Evaluation, DifferenceKind, object | null]>([
    ["a return to use", with_({ returnToUse: true, returnToUseRefs: ["Observation/u1"] }), "return-to-use", null],
    ["a stage assessed after the plan", with_({ stage: { ...ev.stage, value: "action", observedAt: "2026-10-01", source: "Observation/s1" } }), "stage-changed", null],
    ["a recent overdose after the plan", with_({ conditions: { ...ev.conditions, recentOverdose: { ref: "Condition/od", date: "2026-09-01" } } }), "recent-overdose", null],
    ["CM enrolment from elsewhere", with_({ contingencyManagement: { ...ev.contingencyManagement, enrolled: true, source: "input:cm-start", startDate: "2026-08-01" } }), "cm-started", { type: "add", activityId: "contingency-management" }],
    ["a plan activity the engine no longer recommends", with_({ recommendations: ev.recommendations.filter((r) => r.id !== "network-therapy") }), "no-longer-recommended", { type: "retire", activityId: "network-therapy" }],
  ])("%s", (_, evaluation, kind, action) => {
    const d = planDifferences(evaluation, plan, "2026-06-01").find((x) => x.kind === kind);
    expect(d).toBeDefined();
    if (action) expect(d?.action).toEqual(action);
    expect(d?.text.length).toBeGreaterThan(10);
  });

  it("a recent overdose before the plan is not a difference", () => {
    const evaluation = with_({ conditions: { ...ev.conditions, recentOverdose: { ref: "Condition/od", date: "2026-05-01" } } });
    expect(planDifferences(evaluation, plan, "2026-06-01").some((d) => d.kind === "recent-overdose")).toBe(false);
  });
});

describe("mergeDrafts", () => {
  const edit = (f: (d: PlanDraft) => void): PlanDraft => {
    const d = structuredClone(DRAFT);
    f(d);
    return d;
  };
  it.each<[string, PlanDraft, PlanDraft, string[], string[]]>([
    ["only I changed the title", edit((d) => (d.title = "Mine")), DRAFT, [], []],
    ["only they changed the title", DRAFT, edit((d) => (d.title = "Theirs")), [], ["title"]],
    ["both changed the title", edit((d) => (d.title = "Mine")), edit((d) => (d.title = "Theirs")), ["title"], []],
    ["both changed an activity status", edit((d) => (d.activities[0]!.status = "on-hold")), edit((d) => (d.activities[0]!.status = "completed")), ["activity:cbt/status"], []],
    ["both changed a goal's achievement", edit((d) => (d.goals[0]!.achievementStatus = "achieved")), edit((d) => (d.goals[0]!.achievementStatus = "worsening")), ["goal:g1/achievementStatus"], []],
    ["they removed a goal I did not touch", DRAFT, edit((d) => d.goals.pop()), [], ["goal:g2"]],
    ["they removed a goal I edited", edit((d) => (d.goals[1]!.description = "Two kits")), edit((d) => d.goals.pop()), ["goal:g2"], []],
    ["both added different activities", edit((d) => d.activities.push({ id: "craft", title: "CRAFT", text: "" })), edit((d) => d.activities.push({ id: "mutual-help", title: "Mutual help", text: "" })), [], ["activity:mutual-help"]],
  ])("%s", (_, mine, theirs, conflicts, taken) => {
    const r = mergeDrafts(DRAFT, mine, theirs);
    expect(r.conflicts.map((c) => c.path)).toEqual(conflicts);
    expect(r.takenFromTheirs).toEqual(taken);
  });

  it("notes from both sides are all kept, whatever is chosen", () => {
    const mine = edit((d) => d.activities[0]!.progress!.push({ time: "2026-08-01", text: "Mine" }));
    const theirs = edit((d) => {
      d.activities[0]!.progress!.push({ time: "2026-07-15", text: "Theirs" });
      d.activities[0]!.status = "on-hold";
    });
    const r = mergeDrafts(DRAFT, { ...mine, activities: mine.activities.map((a) => (a.id === "cbt" ? { ...a, status: "completed" } : a)) }, theirs);
    const merged = applyChoices(r, { "activity:cbt/status": "theirs" });
    const cbt = merged.activities.find((a) => a.id === "cbt")!;
    expect(cbt.status).toBe("on-hold");
    expect(cbt.progress?.map((n) => n.text)).toEqual(["Going well", "Theirs", "Mine"]);
  });

  it("keep-mine and take-theirs per field", () => {
    const r = mergeDrafts(DRAFT, edit((d) => { d.title = "Mine"; d.goals[0]!.description = "Mine g1"; }), edit((d) => { d.title = "Theirs"; d.goals[0]!.description = "Theirs g1"; }));
    const d = applyChoices(r, { title: "theirs", "goal:g1/description": "mine" });
    expect([d.title, d.goals[0]?.description]).toEqual(["Theirs", "Mine g1"]);
    expect(applyChoices(r, {}).title).toBe("Mine");
  });
});
