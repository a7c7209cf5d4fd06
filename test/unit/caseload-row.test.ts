// The caseload row and the worklists (src/clinical/caseload-row.ts, worklists.ts): every patient of the sandbox
// caseload on the anchor day (a Monday) lands on the worklists its profile says (fhir-resources/caseload/README.md),
// and the rules' edges on small records.
import type { Bundle, FhirResource } from "fhir/r4.js";
import { describe, expect, it } from "vitest";
import { caseloadRow, type CaseloadRow } from "../../src/clinical/caseload-row.ts";
import { recordFromBundle } from "../../src/clinical/record.ts";
import { onWorklist, safetyFlags, WORKLISTS, worklistCounts, type WorklistId } from "../../src/clinical/worklists.ts";
import { generateCaseload } from "../../scripts/generate-caseload.ts";
import { ANCHOR } from "../../scripts/patient-dates.ts";
import { cmCarePlan, collection, medRequest, oudCondition, overdose, patient, stage, udsDay } from "../helpers/resources.ts";

const caseload = JSON.parse([...generateCaseload().values()][0]!) as Bundle;

/** One patient's resources of the caseload Bundle (its compartment: subject/patient references). */
function rowOf(id: string): CaseloadRow {
  const mine = (caseload.entry ?? []).filter((e) => {
    const r = e.resource as FhirResource & { subject?: { reference?: string } };
    return (r.resourceType === "Patient" && r.id === id) || r.subject?.reference === `Patient/${id}`;
  });
  return caseloadRow(recordFromBundle({ resourceType: "Bundle", type: "collection", entry: mine }), { now: ANCHOR });
}

const U: WorklistId = "urine-test-due";
const R: WorklistId = "reward-owed";
const P: WorklistId = "plan-review-due";
const S: WorklistId = "stage-stale";
const F: WorklistId = "safety";

// id, worklists, stage, CM week and outcome, owed, safety flags
const EXPECTED: [string, WorklistId[], string, string, number, string[]][] = [
  ["cl-001", [U, R], "action", "5 pending", 39, []],
  ["cl-002", [R], "preparation", "5 negative", 10, []],
  ["cl-003", [U, R], "preparation", "3 pending", 1, []],
  ["cl-004", [U, R, P, S], "action", "12 pending", 192.5, []],
  ["cl-005", [U, F], "contemplation", "4 pending", 0, ["Lost tolerance", "No naloxone kit"]],
  ["cl-006", [U, P, S], "maintenance", "-", 0, []],
  ["cl-007", [P, F], "precontemplation", "-", 0, ["Recent overdose", "Lost tolerance"]],
  ["cl-008", [F], "action", "-", 0, ["Lost tolerance"]],
  ["cl-009", [], "maintenance", "-", 0, []],
  ["cl-010", [S, F], "action", "-", 0, ["No naloxone kit"]],
  ["cl-011", [U, P, S, F], "preparation", "-", 0, ["Recent overdose"]],
  ["cl-012", [S, F], "unknown", "-", 0, ["Lost tolerance", "No naloxone kit"]],
  ["cl-013", [U], "action", "8 pending", 0, []],
  ["cl-014", [R], "action", "6 positive", 44.5, []],
  ["cl-015", [U, P, S], "contemplation", "-", 0, []],
  ["cl-016", [], "maintenance", "-", 0, []],
  ["cl-017", [U, R], "action", "9 pending", 2, []],
  ["cl-018", [P, F], "action", "-", 0, ["Recent overdose"]],
  ["cl-019", [U, P, S, F], "preparation", "-", 0, ["Lost tolerance", "No naloxone kit"]],
  ["cl-020", [], "action", "-", 0, []],
  ["cl-021", [R, P], "maintenance", "-", 219, []],
  ["cl-022", [P, F], "precontemplation", "-", 0, ["Lost tolerance"]],
  ["cl-023", [], "maintenance", "-", 0, []],
  ["cl-024", [U, R], "preparation", "2 pending", 10, []],
  ["cl-025", [P, S, F], "action", "-", 0, ["No naloxone kit"]],
];

describe("the sandbox caseload on the anchor day", () => {
  const rows = EXPECTED.map(([id]) => rowOf(id));

  it.each(EXPECTED)("%s is on %j (stage %s, CM week %s, owed %d, flags %j)", (id, lists, stageValue, week, owed, flags) => {
    const row = rowOf(id);
    expect(WORKLISTS.filter((w) => w.includes(row)).map((w) => w.id)).toEqual(lists);
    expect(row.stage.value).toBe(stageValue);
    expect(row.cm.week === null ? "-" : `${row.cm.week} ${row.cm.outcome}`).toBe(week);
    expect(row.cm.owed).toBe(owed);
    expect(safetyFlags(row)).toEqual(flags);
  });

  it("holds at least 25 patients and every worklist has some and misses some", () => {
    expect(rows.length).toBeGreaterThanOrEqual(25);
    const counts = worklistCounts(rows);
    for (const w of WORKLISTS) {
      expect(counts[w.id], w.id).toBeGreaterThan(0);
      expect(counts[w.id], w.id).toBeLessThan(rows.length);
    }
    expect(onWorklist(rows, "reward-owed").map((r) => r.patient)).toEqual(
      ["cl-001", "cl-002", "cl-003", "cl-004", "cl-014", "cl-017", "cl-021", "cl-024"].map((id) => `Patient/${id}`),
    );
  });

  it("names, MOUD, last test and plan as a coordinator reads them", () => {
    const r = rowOf("cl-001");
    expect(r.name).toBe("Brooks, Aaliyah");
    expect(r.moud.active).toEqual(["buprenorphine"]);
    expect(r.lastTest).toMatchObject({ date: "2026-11-19", opioid: "negative", daysAgo: 4 });
    expect(r.plan).toMatchObject({ status: "active", title: "Contingency management", reviewDate: "2027-01-17", reviewDue: false });
    expect(rowOf("cl-003").cm.unit).toBe("draws");
    expect(rowOf("cl-007").lastTest?.opioid).toBe("positive");
    expect(rowOf("cl-012").stage).toMatchObject({ value: "unknown", date: null, ageDays: null, stale: true });
  });

  it.each([
    ["cl-001", 49, 10, 39], // a 10.00 voucher, and a duplicate entered in error that does not count
    ["cl-002", 50, 40, 10],
    ["cl-013", 70, 70, 0], // all given: off the reward-owed worklist
    ["cl-017", 22, 20, 2], // prize draws
    ["cl-024", 10, 0, 10], // nothing given yet
  ])("%s: earned %d, given %d (the reward log on the CM plan), owed %d", (id, earned, given, owed) => {
    const r = rowOf(id);
    expect(r.cm).toMatchObject({ earned, given, owed });
    expect(onWorklist([r], "reward-owed")).toHaveLength(owed > 0 ? 1 : 0);
  });
});

describe("rule edges on small records", () => {
  const NOW = "2026-11-23";
  const row = (...resources: FhirResource[]) => caseloadRow(recordFromBundle(collection(patient(), ...resources)), { now: NOW });

  it.each([
    ["no test at all", [], true, "no urine test on record"],
    ["a test 27 days ago", udsDay("2026-10-27", { opiates: "neg", fentanyl: "neg" }), false, "last test 27 days ago"],
    ["a test 28 days ago", udsDay("2026-10-26", { opiates: "neg", fentanyl: "neg" }), true, "last test 28 days ago"],
  ] as [string, FhirResource[], boolean, string][])("outside CM, %s: due %s", (_label, tests, due, reason) => {
    expect(row(oudCondition(), ...tests).urineTest).toEqual({ due, reason });
  });

  it.each([
    ["CM week 1 started today, no test", "2026-11-23", [], true],
    ["CM week 1 tested today", "2026-11-23", udsDay("2026-11-23", { opiates: "neg", fentanyl: "neg" }), false],
    ["CM starting next week (week 0): as outside CM, no test", "2026-11-30", [], true],
  ] as [string, string, FhirResource[], boolean][])("%s: due %s", (_label, start, tests, due) => {
    expect(row(oudCondition(), cmCarePlan(start, "fixed"), ...tests).urineTest.due).toBe(due);
  });

  it.each([
    ["a plan ending in 7 days", "2026-11-30", true],
    ["a plan ending in 8 days", "2026-12-01", false],
    ["a plan that ended", "2026-11-01", true],
  ])("plan review: %s → due %s", (_label, end, due) => {
    const plan = { ...cmCarePlan("2026-09-01", "fixed"), period: { start: "2026-09-01", end } };
    expect(row(plan).plan).toMatchObject({ status: "active", reviewDate: end, reviewDue: due });
  });

  it("an active plan that a newer active plan takes over (CarePlan.replaces) is not the one under review", () => {
    const theirs = { ...cmCarePlan("2026-09-01", "fixed"), id: "theirs", title: "Theirs", period: { start: "2026-10-01", end: "2026-11-25" } };
    const ours = { ...cmCarePlan("2026-09-01", "fixed"), id: "ours", title: "Ours", period: { start: "2026-08-01", end: "2027-02-01" }, replaces: [{ reference: "CarePlan/theirs" }] };
    expect(row(theirs, ours).plan).toMatchObject({ title: "Ours", reviewDate: "2027-02-01", reviewDue: false });
    // Without the link the newest start is the one under review.
    expect(row(theirs, { ...ours, replaces: undefined }).plan).toMatchObject({ title: "Theirs", reviewDue: true });
  });

  it("no active plan: review due; a completed plan does not count", () => {
    const done = { ...cmCarePlan("2026-01-01", "fixed"), status: "completed" as const };
    expect(row(done).plan).toEqual({ status: "none", title: null, reviewDate: null, reviewDue: true });
  });

  it.each([
    ["overdose 100 days ago", [overdose("2026-08-15")], ["Recent overdose", "No naloxone kit"]],
    ["overdose 200 days ago", [overdose("2026-05-07")], ["No naloxone kit"]],
    ["a kit 30 days ago", [medRequest("narcan", "2026-10-24", "completed")], []],
    ["naltrexone only", [medRequest("naltrexoneEr", "2026-11-01"), medRequest("narcan", "2026-10-24", "completed")], ["Lost tolerance"]],
  ] as [string, FhirResource[], string[]][])("safety: %s", (_label, resources, flags) => {
    expect(safetyFlags(row(oudCondition(), stage("action", "2026-11-01"), ...resources))).toEqual(flags);
  });

  it("stage assessed 91 days ago is stale, 90 days ago is not", () => {
    expect(row(stage("action", "2026-08-24")).stage).toMatchObject({ ageDays: 91, stale: true });
    expect(row(stage("action", "2026-08-25")).stage).toMatchObject({ ageDays: 90, stale: false });
  });
});
