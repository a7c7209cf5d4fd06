// The caseload screen's pure parts: where a launch opens (role-aware landing), the role read from PractitionerRole
// texts, and the table's sorting by every column.
import { describe, expect, it } from "vitest";
import type { Bundle, FhirResource } from "fhir/r4.js";
import { landingFor, roleFrom, type Role } from "../../src/app/caseload/landing.ts";
import { COLUMNS, cmText, owedText, planText, planTitle, sortRows, stageText, testText, type ColumnId } from "../../src/app/caseload/cells.ts";
import { caseloadRow, type CaseloadRow } from "../../src/clinical/caseload-row.ts";
import { recordFromBundle } from "../../src/clinical/record.ts";
import { generateCaseload } from "../../scripts/generate-caseload.ts";
import { ANCHOR } from "../../scripts/patient-dates.ts";

describe("where a launch opens", () => {
  it.each([
    [["Care coordinator"], "care-coordinator"],
    [["Case coordinator, peer recovery"], "care-coordinator"],
    [["Clinician"], "clinician"],
    [["Addiction medicine physician"], "clinician"],
    [[], "unknown"],
  ] as [string[], Role][])("role from %j: %s", (texts, role) => {
    expect(roleFrom(texts)).toBe(role);
  });

  it.each([
    [false, true, "clinician", "caseload"],
    [false, true, "care-coordinator", "caseload"],
    [true, true, "care-coordinator", "caseload"],
    [true, true, "clinician", "patient"],
    [true, true, "unknown", "patient"],
    [true, false, "care-coordinator", "patient"],
  ] as [boolean, boolean, Role, string][])("patient in context %s, caseload granted %s, %s → %s", (patientInContext, caseload, role, landing) => {
    expect(landingFor({ patientInContext, caseload, role })).toBe(landing);
  });
});

const bundle = JSON.parse([...generateCaseload().values()][0]!) as Bundle;
const rows: CaseloadRow[] = (bundle.entry ?? [])
  .filter((e) => e.resource?.resourceType === "Patient")
  .map((p) => {
    const id = p.resource!.id!;
    const mine = (bundle.entry ?? []).filter((e) => {
      const r = e.resource as FhirResource & { subject?: { reference?: string } };
      return r.id === id || r.subject?.reference === `Patient/${id}`;
    });
    return caseloadRow(recordFromBundle({ resourceType: "Bundle", type: "collection", entry: mine }), { now: ANCHOR });
  });
const first = (column: ColumnId, direction: "ascending" | "descending" = "ascending") => sortRows(rows, column, direction)[0]!.patient;

describe("sorting the table", () => {
  it.each([
    ["name", "Patient/cl-025"], // Adams, Zeke
    ["stage", "Patient/cl-015"], // stale first, then the earliest stage (contemplation)
    ["test", "Patient/cl-019"], // due, oldest test
    ["cm", "Patient/cl-024"], // CM week 2
    ["owed", "Patient/cl-021"], // 219.00 owed
    ["plan", "Patient/cl-007"], // review due, no plan (name order among them)
    ["safety", "Patient/cl-005"], // two flags (name order among them)
  ] as [ColumnId, string][])("by %s, ascending: %s first", (column, patient) => {
    expect(first(column)).toBe(patient);
  });

  it.each(COLUMNS.map((c) => c.id))("by %s: descending is ascending reversed, ties in name order both ways", (column) => {
    const up = sortRows(rows, column, "ascending");
    const down = sortRows(rows, column, "descending");
    expect(down).toHaveLength(rows.length);
    const key = COLUMNS.find((c) => c.id === column)!.key;
    expect(down.map(key)).toEqual([...up].reverse().map(key));
  });
});

describe("what the cells say", () => {
  const row = (id: string) => rows.find((r) => r.patient === `Patient/${id}`)!;
  it.each([
    ["cl-001", "Action, 30 days ago", "19 Nov 2026: negative", "Week 5 of 12: pending", "$39.00", "Review 17 Jan 2027", "Contingency management"],
    ["cl-003", "Preparation, 20 days ago", "19 Nov 2026: negative", "Week 3 of 12: pending", "1 draw", "Review 31 Jan 2027", "Contingency management"],
    ["cl-012", "Not assessed", "20 Nov 2026: positive", "Not enrolled", "None", "Review 7 Dec 2026", "Psychosocial care"],
    ["cl-021", "Maintenance, 84 days ago", "19 Nov 2026: negative", "Program finished", "$219.00", "Review 22 Nov 2026", "Contingency management"],
    ["cl-022", "Precontemplation, 5 days ago", "18 Nov 2026: positive", "Not enrolled", "None", "No active plan", null],
  ])("%s: %s | %s | %s | %s | %s (%s)", (id, stage, test, cm, owed, plan, title) => {
    const r = row(id);
    expect([stageText(r), testText(r), cmText(r), owedText(r), planText(r), planTitle(r)]).toEqual([stage, test, cm, owed, plan, title]);
  });
});
