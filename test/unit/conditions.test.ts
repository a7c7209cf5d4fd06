import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ICD10CM, SNOMED } from "../../src/clinical/codes.ts";
import { readConditions } from "../../src/clinical/conditions.ts";
import { recordFromBundle } from "../../src/clinical/record.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const FIXTURES = path.resolve(here, "../../third_party/fixtures/hl7-cdc-opioid-cpg");
const NOW = "2025-06-15";
const CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical";
const VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status";

function condition(id: string, system: string, code: string, extra: Record<string, unknown> = {}) {
  return { resourceType: "Condition", id, subject: { reference: "Patient/p1" }, code: { coding: [{ system, code }] }, ...extra };
}
const clinical = (code: string) => ({ clinicalStatus: { coding: [{ system: CLINICAL, code }] } });
const verification = (code: string) => ({ verificationStatus: { coding: [{ system: VERIFICATION, code }] } });

function read(now: string, ...resources: unknown[]) {
  const entry = [{ resourceType: "Patient", id: "p1" }, ...resources].map((resource) => ({ resource }));
  return readConditions(recordFromBundle({ resourceType: "Bundle", type: "collection", entry }), now);
}

describe("OUD diagnoses", () => {
  it.each([
    ["ICD-10-CM F11.20, no clinicalStatus", condition("c", ICD10CM, "F11.20"), true],
    ["ICD-10-CM F11.10 active", condition("c", ICD10CM, "F11.10", clinical("active")), true],
    ["ICD-10-CM F11.21 (in remission) recurrence", condition("c", ICD10CM, "F11.21", clinical("recurrence")), true],
    ["SNOMED 75544000 relapse", condition("c", SNOMED, "75544000", clinical("relapse")), true],
    ["SNOMED 5602001 confirmed", condition("c", SNOMED, "5602001", verification("confirmed")), true],
    ["inactive", condition("c", ICD10CM, "F11.20", clinical("inactive")), false],
    ["resolved", condition("c", SNOMED, "75544000", clinical("resolved")), false],
    ["remission (clinical status)", condition("c", SNOMED, "75544000", clinical("remission")), false],
    ["refuted", condition("c", ICD10CM, "F11.20", { ...clinical("active"), ...verification("refuted") }), false],
    ["entered-in-error", condition("c", ICD10CM, "F11.20", verification("entered-in-error")), false],
    ["alcohol dependence F10.20", condition("c", ICD10CM, "F10.20"), false],
  ])("%s → OUD %s", (_label, resource, expected) => {
    expect(read(NOW, resource).conditions.oud).toEqual(expected ? ["Condition/c"] : []);
  });

  it("the HL7 fixture Conditions (cancer, sickle cell, end of life) are neither OUD nor overdose", () => {
    const files = readdirSync(FIXTURES).filter((f) => /^(Condition|Patient)-.*\.json$/.test(f)).sort();
    expect(files.filter((f) => f.startsWith("Condition-"))).toHaveLength(6);
    const entry = files.map((f) => ({ resource: JSON.parse(readFileSync(path.join(FIXTURES, f), "utf8")) }));
    const { conditions, warnings } = readConditions(recordFromBundle({ resourceType: "Bundle", type: "collection", entry }), NOW);
    expect(conditions).toEqual({ oud: [], overdoses: [], recentOverdose: null });
    expect(warnings).toEqual([]);
  });
});

describe("opioid overdoses", () => {
  it.each([
    // addMonths(2025-06-15, -6) = 2024-12-15: the recent window is 2024-12-15 … 2025-06-15.
    ["onsetDateTime exactly 6 months ago", { onsetDateTime: "2024-12-15T23:00:00-05:00" }, "2024-12-15", true],
    ["one day older", { onsetDateTime: "2024-12-14" }, "2024-12-14", false],
    ["onsetPeriod.start", { onsetPeriod: { start: "2025-03-01" } }, "2025-03-01", true],
    ["recordedDate when no onset", { recordedDate: "2025-06-15T08:00:00Z" }, "2025-06-15", true],
    ["onset wins over recordedDate", { onsetDateTime: "2024-01-01", recordedDate: "2025-05-01" }, "2024-01-01", false],
    ["resolved overdose still counts (an event)", { ...clinical("resolved"), onsetDateTime: "2025-05-01" }, "2025-05-01", true],
    ["dated after now", { onsetDateTime: "2025-07-01" }, "2025-07-01", false],
  ])("%s → date %s, recent %s", (_label, extra, date, recent) => {
    const { conditions } = read(NOW, condition("od", ICD10CM, "T40.1X1A", extra));
    expect(conditions.overdoses).toEqual([{ ref: "Condition/od", date }]);
    expect(conditions.recentOverdose).toEqual(recent ? { ref: "Condition/od", date } : null);
  });

  it.each([
    ["T40.411A fentanyl, accidental", ICD10CM, "T40.411A", true],
    ["T40.2X5A adverse effect", ICD10CM, "T40.2X5A", false],
    ["T40.5X1A cocaine", ICD10CM, "T40.5X1A", false],
    ["SNOMED 242253008 overdose of opiate", SNOMED, "242253008", true],
  ])("%s → overdose %s", (_label, system, code, expected) => {
    const { conditions } = read(NOW, condition("od", system, code, { onsetDateTime: "2025-05-01" }));
    expect(conditions.overdoses.length).toBe(expected ? 1 : 0);
  });

  it("recentOverdose is the latest of several", () => {
    const { conditions } = read(
      NOW,
      condition("a", ICD10CM, "T40.1X1A", { onsetDateTime: "2025-02-01" }),
      condition("b", SNOMED, "295193008", { onsetDateTime: "2025-04-20" }),
      condition("c", ICD10CM, "T40.2X1A", { onsetDateTime: "2023-01-01" }),
    );
    expect(conditions.overdoses).toHaveLength(3);
    expect(conditions.recentOverdose).toEqual({ ref: "Condition/b", date: "2025-04-20" });
  });

  it("refuted and entered-in-error overdoses are skipped", () => {
    const { conditions } = read(
      NOW,
      condition("r", ICD10CM, "T40.1X1A", { ...verification("refuted"), onsetDateTime: "2025-05-01" }),
      condition("e", ICD10CM, "T40.1X1A", { ...verification("entered-in-error"), onsetDateTime: "2025-05-01" }),
    );
    expect(conditions).toEqual({ oud: [], overdoses: [], recentOverdose: null });
  });

  it("an undated overdose is listed, cannot be recent, and is warned about", () => {
    const { conditions, warnings } = read(NOW, condition("u", ICD10CM, "T40.4X1A"));
    expect(conditions.overdoses).toEqual([{ ref: "Condition/u", date: null }]);
    expect(conditions.recentOverdose).toBeNull();
    expect(warnings).toEqual([expect.objectContaining({ code: "overdose-without-date", refs: ["Condition/u"] })]);
  });
});
