// The synthetic patients' stored plans (issue 9): each is what the patients README says, read through the same
// code the app uses to list and open plans, and none changes an engine answer.
import type { Bundle, CarePlan, Goal, Provenance, Resource } from "fhir/r4.js";
import { describe, expect, it } from "vitest";
import { APP_INFO } from "../../src/clinical/app-info.ts";
import { cmEnrolmentFromCarePlans } from "../../src/clinical/cm.ts";
import { continueInNewVersion, defaultPlan, listPlans } from "../../src/clinical/plan-continue.ts";
import { validatePlanDraft } from "../../src/clinical/plan-validate.ts";
import { ANCHOR, generatePatients, PATIENTS_DIR, README_FILE } from "../../scripts/generate-patients.ts";

const generated = generatePatients();
function plansOf(id: string) {
  const b = JSON.parse(generated.get(`${PATIENTS_DIR}/${id}.json`)!) as Bundle;
  // As the sandbox serves them: every resource at version 1.
  const all = (b.entry ?? []).map((e) => ({ ...e.resource, meta: { ...e.resource?.meta, versionId: "1" } }) as Resource);
  const of = <T extends Resource>(t: string) => all.filter((r) => r.resourceType === t) as T[];
  return { views: listPlans(of<CarePlan>("CarePlan"), of<Goal>("Goal"), of<Provenance>("Provenance")), carePlans: of<CarePlan>("CarePlan") };
}
const readme = generated.get(README_FILE)!;
const line = (id: string) => readme.split("\n").find((l) => l.startsWith(`| \`${id}\` |`)) ?? "";

describe("stored plans in the sandbox data", () => {
  it("Linda: one active Stagewise plan, 60 days old, 3 goals, written by Dr. Okafor with Stagewise; it opens by default", () => {
    const { views } = plansOf("pw-linda-maintenance-sublocade");
    expect(views).toHaveLength(1);
    const v = defaultPlan(views)!;
    expect(v.plan).toMatchObject({ status: "active", title: "Recovery maintenance plan", ours: true });
    expect(v.goals).toHaveLength(3);
    expect(v.writtenBy).toEqual(["Practitioner/dr-1", `Stagewise ${APP_INFO.version}`]);
    expect(v.writtenAt?.slice(0, 10)).toBe("2026-09-24"); // ANCHOR − 60 days
    expect(v.editable).toBe(true);
    expect(line("pw-linda-maintenance-sublocade")).toContain("written 60 days ago by Dr. Naomi Okafor with Stagewise");
  });

  it("André: the active CM plan first, then the older completed plan with its reason; CM enrolment still from the CM plan", () => {
    const { views, carePlans } = plansOf("pw-andre-cm-escalating");
    expect(views.map((v) => [v.plan.title, v.plan.status])).toEqual([
      ["Contingency management", "active"],
      ["Early recovery plan", "completed"],
    ]);
    const old = views[1]!;
    expect(old.plan.statusReason).toBe("Replaced by the contingency-management plan");
    expect(old.draft?.activities.map((a) => [a.id, a.status])).toEqual([["motivational-interviewing", "completed"], ["naloxone", "completed"]]);
    expect(old.goals[0]?.draft).toMatchObject({ lifecycleStatus: "completed", achievementStatus: "achieved" });
    expect(defaultPlan(views)?.plan.title).toBe("Contingency management");
    expect(cmEnrolmentFromCarePlans(carePlans)?.source).toBe("CarePlan/pw-andre-cm-escalating-plan-cm");
    expect(line("pw-andre-cm-escalating")).toContain("older COMPLETED");
  });

  it("Kevin: a plan another app wrote opens read-only and continues into a valid new Stagewise draft", () => {
    const { views } = plansOf("pw-kevin-free-text-no-medication");
    expect(views).toHaveLength(1);
    const v = views[0]!;
    expect(v).toMatchObject({ editable: false, draft: null });
    expect(v.plan.ours).toBe(false);
    expect(v.writtenBy).toContain("CareFlow EHR 3.2");
    expect(v.goals[0]?.draft.achievementStatus).toBeUndefined();
    const copy = continueInNewVersion(v, { planId: "plan-kevin-2", today: ANCHOR });
    expect(copy.activities.map((a) => a.title)).toEqual(["Group counseling twice a week", "Check in with a peer mentor every other week"]);
    expect(copy.activities.every((a) => a.id.startsWith("free:"))).toBe(true);
    expect(validatePlanDraft(copy)).toEqual([]);
    expect(line("pw-kevin-free-text-no-medication")).toContain("ANOTHER APP");
  });

  it("at least three patients hold plans of different statuses and ages", () => {
    const all = ["pw-linda-maintenance-sublocade", "pw-andre-cm-escalating", "pw-kevin-free-text-no-medication"].flatMap((id) => plansOf(id).views);
    expect(new Set(all.map((v) => v.plan.status))).toEqual(new Set(["active", "completed"]));
    expect(new Set(all.map((v) => v.writtenAt?.slice(0, 10))).size).toBe(all.length);
    expect(all.some((v) => !v.plan.ours)).toBe(true);
  });
});
