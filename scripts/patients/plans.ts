// Stored plans of different ages, statuses and authors for the synthetic patients (issue 9): written with the same
// resource modules the app uses (careplan-resource.ts, goal-resource.ts, provenance-resource.ts), except the one
// "another app" wrote, which is built by hand in another system's style (free-text activities, no Stagewise
// identifier, its own Provenance agent). None of them holds a CM activity, so no engine answer changes.
import type { CarePlan, FhirResource, Goal, Provenance } from "fhir/r4.js";
import { APP_INFO } from "../../src/clinical/app-info.ts";
import { writeCarePlan } from "../../src/clinical/careplan-resource.ts";
import { writeGoal } from "../../src/clinical/goal-resource.ts";
import type { PlanDraft } from "../../src/clinical/plan-types.ts";
import { writeProvenance } from "../../src/clinical/provenance-resource.ts";
import { CLINICIAN, COORDINATOR } from "./builders.ts";

/** The Provenance of an app-written save, with a resource id. */
export function appProvenance(patientId: string, o: { id: string; planId: string; targets: string[]; recorded: string; update?: boolean }): Provenance {
  const p = writeProvenance({
    planId: o.planId, saveKey: o.planId, targets: o.targets, now: o.recorded, author: CLINICIAN.reference!, app: APP_INFO, update: o.update ?? false,
  });
  return { ...p, id: `${patientId}-${o.id}` };
}

/** An app-written plan (CarePlan + Goals + Provenance) from a draft; resource ids `${patientId}-…`. */
export function appPlan(patientId: string, draft: PlanDraft, o: { created: string; oudCondition?: string }): FhirResource[] {
  const goalId = (key: string) => `${patientId}-${draft.planId}-${key}`;
  const goals: Goal[] = draft.goals.map((g) =>
    writeGoal(g, { planId: draft.planId, planStatus: draft.status, patient: `Patient/${patientId}`, author: CLINICIAN.reference!, id: goalId(g.key) }),
  );
  const carePlan: CarePlan = writeCarePlan(draft, {
    patient: `Patient/${patientId}`, author: CLINICIAN.reference!, oudCondition: o.oudCondition, created: o.created,
    id: `${patientId}-${draft.planId}`, goalRef: (k) => `Goal/${goalId(k)}`,
  });
  const provenance = appProvenance(patientId, {
    id: `prov-${draft.planId}`, planId: draft.planId, recorded: o.created,
    targets: [`CarePlan/${carePlan.id}`, ...goals.map((g) => `Goal/${g.id}`)],
  });
  return [...goals, carePlan, provenance];
}

/** A plan another system wrote: free-text activities, no Stagewise identifier, its own software agent. */
export function otherAppPlan(patientId: string, o: { created: string; start: string; oudCondition: string }): FhirResource[] {
  const goal: Goal = {
    resourceType: "Goal",
    id: `${patientId}-careflow-goal-1`,
    identifier: [{ system: "urn:oid:2.16.840.1.113883.3.9999.7.2", value: "G-88213" }],
    lifecycleStatus: "active",
    description: { text: "Keep attending group counseling" },
    subject: { reference: `Patient/${patientId}` },
    startDate: o.start,
  };
  const carePlan: CarePlan = {
    resourceType: "CarePlan",
    id: `${patientId}-careflow-plan`,
    identifier: [{ system: "urn:oid:2.16.840.1.113883.3.9999.7.1", value: "CP-40117" }],
    text: { status: "generated", div: '<div xmlns="http://www.w3.org/1999/xhtml">Outpatient counseling plan: group counseling twice a week; peer mentor check-ins.</div>' },
    status: "active",
    intent: "plan",
    title: "Outpatient counseling plan",
    subject: { reference: `Patient/${patientId}` },
    period: { start: o.start },
    created: o.created,
    author: COORDINATOR,
    addresses: [{ reference: o.oudCondition }],
    goal: [{ reference: `Goal/${goal.id}` }],
    activity: [
      { detail: { status: "in-progress", code: { text: "Group counseling twice a week" }, goal: [{ reference: `Goal/${goal.id}` }] } },
      { detail: { status: "scheduled", description: "Check in with a peer mentor every other week" } },
    ],
  };
  const provenance: Provenance = {
    resourceType: "Provenance",
    id: `${patientId}-careflow-prov`,
    target: [{ reference: `CarePlan/${carePlan.id}` }, { reference: `Goal/${goal.id}` }],
    recorded: o.created,
    agent: [
      { who: { type: "Device", identifier: { system: "urn:oid:2.16.840.1.113883.3.9999.7", value: "careflow" }, display: "CareFlow EHR 3.2" } },
      { who: COORDINATOR },
    ],
  };
  return [goal, carePlan, provenance];
}
