// The CarePlan module: what it writes, that it reads it back identically, and how it reads other systems' plans.
import type { CarePlan } from "fhir/r4.js";
import { describe, expect, it } from "vitest";
import { readCarePlan, readClinicianContext, writeCarePlan, writeClinicianContext } from "../../src/clinical/careplan-resource.ts";
import { cmEnrolmentFromCarePlans } from "../../src/clinical/cm.ts";
import { CLINICIAN_CONTEXT_EXTENSION, CM_SCHEDULE_EXTENSION, CM_TARGET_EXTENSION, SECURITY_LABELS } from "../../src/clinical/codes.ts";
import type { PlanDraft } from "../../src/clinical/plan-types.ts";

const DRAFT: PlanDraft = {
  planId: "plan-rt-1",
  status: "active",
  statusReason: "Restarted after a return to use",
  context: { familyInvolved: true, prefersNoMedication: false, canDeliverCm: true, otp: true },
  title: "Recovery plan",
  period: { start: "2026-03-02", end: "2026-09-01" },
  activities: [
    {
      id: "contingency-management",
      title: "Contingency management",
      text: "Weekly visits",
      status: "in-progress",
      progress: [{ time: "2026-03-09", text: "Week 1 negative", author: "Practitioner/dr-1" }],
    },
    { id: "cbt", title: "CBT", text: "Weekly sessions", status: "on-hold", progress: [{ time: "2026-03-10T09:00:00Z", text: "Paused: therapist away" }] },
    { id: "free:walks", title: "Evening walks with a friend", text: "", status: "scheduled" },
  ],
  goals: [],
  cm: { schedule: "prize", startDate: "2026-03-02", weeks: 10, description: [], target: ["opioids", "stimulants"] },
};

function write(d: PlanDraft, id = "cp-1"): CarePlan {
  const cp = writeCarePlan(d, { patient: "Patient/p1", author: "Practitioner/dr-1", created: "2026-03-02T10:00:00Z", id, goalRef: (k) => `Goal/${k}` });
  return { ...cp, meta: { ...cp.meta, versionId: "3", lastUpdated: "2026-03-10T10:00:00Z" } };
}

describe("careplan-resource: write", () => {
  it("writes the statuses, notes, clinician context, reason, CM extensions and the security labels", () => {
    const cp = write(DRAFT);
    expect(cp.status).toBe("active");
    expect(cp.meta?.security).toEqual(SECURITY_LABELS.map((s) => ({ ...s })));
    expect(cp.extension?.find((e) => e.url === CLINICIAN_CONTEXT_EXTENSION)?.extension).toEqual([
      { url: "familyInvolved", valueBoolean: true },
      { url: "prefersNoMedication", valueBoolean: false },
      { url: "canDeliverCm", valueBoolean: true },
      { url: "otp", valueBoolean: true },
    ]);
    const [cm, cbt, walks] = cp.activity ?? [];
    expect(cm?.detail?.status).toBe("in-progress");
    expect(cm?.progress).toEqual([{ time: "2026-03-09", text: "Week 1 negative", authorReference: { reference: "Practitioner/dr-1" } }]);
    expect(cm?.detail?.extension).toEqual([
      { url: CM_SCHEDULE_EXTENSION, valueCode: "prize" },
      { url: CM_TARGET_EXTENSION, valueCode: "opioids" },
      { url: CM_TARGET_EXTENSION, valueCode: "stimulants" },
    ]);
    expect(cm?.detail?.scheduledTiming?.repeat?.boundsPeriod).toEqual({ start: "2026-03-02", end: "2026-05-10" });
    expect(cbt?.detail?.status).toBe("on-hold");
    expect(walks?.detail?.code).toEqual({ text: "Evening walks with a friend" });
  });

  it.each([
    ["active", "scheduled"],
    ["draft", "not-started"],
  ] as const)("an activity without a status in a %s plan is written %s", (status, expected) => {
    const cp = write({ ...DRAFT, status, activities: [{ id: "cbt", title: "CBT", text: "" }], cm: undefined });
    expect(cp.activity?.[0]?.detail?.status).toBe(expected);
  });
});

describe("careplan-resource: round trip", () => {
  it("reads back what it wrote", () => {
    const r = readCarePlan(write(DRAFT));
    expect(r).toMatchObject({ id: "cp-1", versionId: "3", planId: "plan-rt-1", ours: true, status: "active", problems: [] });
    expect(r.context).toEqual(DRAFT.context);
    expect(r.statusReason).toBe(DRAFT.statusReason);
    expect(r.title).toBe(DRAFT.title);
    expect(r.period).toEqual(DRAFT.period);
    expect(r.cm).toEqual(DRAFT.cm);
    expect(r.activities.map(({ goalRefs: _g, coded: _c, ...a }) => a)).toEqual(DRAFT.activities);
  });

  it.each([
    { familyInvolved: false, prefersNoMedication: true, canDeliverCm: false, otp: false },
    { familyInvolved: true, prefersNoMedication: true, canDeliverCm: true, otp: true },
  ])("the clinician context %o reads back", (ctx) => {
    expect(readClinicianContext([writeClinicianContext(ctx)])).toEqual(ctx);
  });

  it("the CM enrolment reader reads the CM activity the module writes (start, schedule, target)", () => {
    expect(cmEnrolmentFromCarePlans([write(DRAFT)])).toEqual({
      startDate: "2026-03-02",
      source: "CarePlan/cp-1",
      schedule: "prize",
      target: ["opioids", "stimulants"],
    });
  });
});

describe("careplan-resource: other systems' plans", () => {
  const OTHER: CarePlan = {
    resourceType: "CarePlan",
    id: "ext-1",
    meta: { versionId: "1" },
    status: "active",
    intent: "plan",
    subject: { reference: "Patient/p1" },
    period: { start: "2025-06-01" },
    title: "Counseling plan",
    activity: [
      { detail: { status: "in-progress", code: { text: "Group counseling twice a week" } } },
      { detail: { status: "scheduled", description: "Check in with peer mentor" } },
      { reference: { reference: "ServiceRequest/sr-9", display: "Housing referral" } },
      { detail: { status: "completed", code: { coding: [{ system: "http://snomed.info/sct", code: "60112009", display: "Drug addiction counseling" }] } } },
    ],
  };

  it("reads free-text activities as free text, not ours, with nothing lost", () => {
    const r = readCarePlan(OTHER);
    expect(r.ours).toBe(false);
    expect(r.planId).toBeNull();
    expect(r.activities.map((a) => [a.id, a.title, a.status ?? null, a.coded])).toEqual([
      ["free:1", "Group counseling twice a week", "in-progress", false],
      ["free:2", "Check in with peer mentor", "scheduled", false],
      ["free:3", "Housing referral", null, false],
      ["free:4", "Drug addiction counseling", "completed", false],
    ]);
    expect(r.context).toBeNull();
    expect(r.cm).toBeUndefined();
  });

  it.each([
    ["no context", [], null],
    ["a context missing a field", [{ url: CLINICIAN_CONTEXT_EXTENSION, extension: [{ url: "otp", valueBoolean: true }] }], null],
    ["a context field that is not a boolean", [{ url: CLINICIAN_CONTEXT_EXTENSION, extension: [{ url: "familyInvolved", valueString: "yes" }] }], null],
  ])("reads %s as no stored context", (_, extension, expected) => {
    expect(readCarePlan({ ...OTHER, extension }).context).toEqual(expected);
  });

  it("names a malformed activity and an unusual status without throwing", () => {
    const r = readCarePlan({ ...OTHER, status: "unknown", activity: [null as never, ...(OTHER.activity ?? [])] });
    expect(r.problems).toEqual(["activity 1 is not an object; skipped", 'status "unknown" is not one the editor sets']);
    expect(r.activities).toHaveLength(4);
  });
});
