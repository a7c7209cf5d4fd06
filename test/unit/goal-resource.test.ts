// The Goal module: what it writes, that it reads it back identically, and how it reads other systems' goals.
import type { Goal } from "fhir/r4.js";
import { describe, expect, it } from "vitest";
import { GOAL_ACHIEVEMENT_SYSTEM, GOAL_ID_SYSTEM, SECURITY_LABELS } from "../../src/clinical/codes.ts";
import { readGoal, writeGoal } from "../../src/clinical/goal-resource.ts";
import type { PlanGoalDraft } from "../../src/clinical/plan-types.ts";

const CTX = { planId: "plan-1", planStatus: "active" as const, patient: "Patient/p1", author: "Practitioner/dr-1" };

describe("goal-resource", () => {
  it.each<[string, PlanGoalDraft]>([
    ["a bare goal", { key: "g1", description: "Negative tests", startDate: "2026-01-05" }],
    [
      "a goal with every field",
      {
        key: "g2",
        description: "Attend group weekly",
        startDate: "2026-01-05",
        dueDate: "2026-04-01",
        lifecycleStatus: "active",
        achievementStatus: "improving",
        statusReason: "Going well",
        notes: [{ time: "2026-02-01", text: "Three of four sessions", author: "Practitioner/dr-1" }],
      },
    ],
    ["a retired goal", { key: "g3", description: "Old goal", startDate: "2025-01-05", lifecycleStatus: "cancelled", statusReason: "No longer relevant" }],
    ["an achieved goal", { key: "g4", description: "Naloxone kit at home", startDate: "2025-01-05", lifecycleStatus: "completed", achievementStatus: "achieved" }],
  ])("%s reads back identically", (_, draft) => {
    const goal = { ...writeGoal(draft, CTX), id: "goal-x", meta: { versionId: "2" } };
    const r = readGoal(goal);
    expect(r).toMatchObject({ id: "goal-x", versionId: "2", planId: "plan-1", key: draft.key, ours: true });
    expect(r.draft).toEqual({ lifecycleStatus: "active", ...draft });
  });

  it("writes the identifier, labels, achievement coding and notes", () => {
    const g = writeGoal({ key: "g1", description: " Walk ", startDate: "2026-01-05", achievementStatus: "not-achieved", notes: [{ time: "2026-01-06", text: "Missed" }] }, { ...CTX, planStatus: "draft" });
    expect(g.identifier).toEqual([{ system: GOAL_ID_SYSTEM, value: "plan-1/g1" }]);
    expect(g.meta?.security).toEqual(SECURITY_LABELS.map((s) => ({ ...s })));
    expect(g.lifecycleStatus).toBe("proposed");
    expect(g.description).toEqual({ text: "Walk" });
    expect(g.achievementStatus?.coding).toEqual([{ system: GOAL_ACHIEVEMENT_SYSTEM, code: "not-achieved", display: "Not Achieved" }]);
    expect(g.note).toEqual([{ time: "2026-01-06", text: "Missed" }]);
  });

  it.each<[string, Goal, Partial<ReturnType<typeof readGoal>>]>([
    [
      "a goal without achievementStatus or identifier",
      { resourceType: "Goal", id: "o1", lifecycleStatus: "active", description: { text: "Stay housed" }, subject: { reference: "Patient/p1" } },
      { ours: false, key: null, draft: { key: "goal-o1", description: "Stay housed", startDate: "", lifecycleStatus: "active" } },
    ],
    [
      "a coded description and a text-only achievement",
      { resourceType: "Goal", id: "o2", lifecycleStatus: "accepted", description: { coding: [{ system: "http://snomed.info/sct", code: "1", display: "Abstinence" }] }, achievementStatus: { text: "Doing better" }, subject: { reference: "Patient/p1" }, startDate: "2025-05-01" },
      { ours: false, achievementText: "Doing better", draft: { key: "goal-o2", description: "Abstinence", startDate: "2025-05-01", lifecycleStatus: "accepted" } },
    ],
  ])("reads %s", (_, goal, expected) => {
    expect(readGoal(goal)).toMatchObject(expected);
  });
});
