// Malformed resources inside good input, as the fuzzer (engine-fuzz.test.ts) found them crashing the engine and the
// CLI ("internal error", exit 1): each is now skipped with a warning naming the resource and the element, the rest of
// the record is evaluated, and the CLI exits 0. Plus the structures that used to overflow the stack or hang: Bundles
// nested 10,000 deep, hasMember cycles and 20,000-deep chains, a 200,000-character reference, 100,000 Observations.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FhirResource, Observation } from "fhir/r4.js";
import { afterAll, describe, expect, it } from "vitest";
import { evaluate } from "../../src/clinical/evaluate.ts";
import { recordFromBundle, recordFromEntries } from "../../src/clinical/record.ts";
import { run } from "../../src/cli/run.ts";
import { cliShapeProblems } from "../helpers/cli-shape.ts";
import { cmCarePlan, collection, medRequest, oudCondition, patient, stage, uds } from "../helpers/resources.ts";

const NOW = "2026-11-23";
const dir = mkdtempSync(join(tmpdir(), "stagewise-malformed-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
let files = 0;

/** `cli evaluate --bundle` in-process on this text: exit code, parsed stdout, stderr. */
async function cli(text: string): Promise<{ code: number; out: Json | null; stderr: string }> {
  const file = join(dir, `case-${++files}.json`);
  writeFileSync(file, text);
  let stdout = "";
  let stderr = "";
  const code = await run(["evaluate", "--bundle", file, "--now", NOW], (s) => (stdout += s), (s) => (stderr += s));
  return { code, out: stdout ? (JSON.parse(stdout) as Json) : null, stderr };
}

const warningsOf = (out: Json | null) => ((out?.warnings ?? []) as { code: string; message: string }[]).map((w) => w.message);

/** A good record (a stage, an OUD diagnosis) around one bad resource. */
function around(bad: unknown): Json {
  return collection(patient(), stage("preparation", "2026-11-10", "good-stage"), oudCondition("good-oud"), bad as FhirResource);
}

const subject = { reference: "Patient/p1" };
const coded = (coding: unknown) => ({ coding, text: "x" });

describe("a malformed resource inside good input is skipped with a warning naming it and the element (was: exit 1)", () => {
  it.each([
    ["Condition.code.coding as an object", { resourceType: "Condition", id: "c1", subject, code: { coding: { system: "http://hl7.org/fhir/sid/icd-10-cm", code: "F11.20" } } }, "Condition/c1 skipped: code.coding is not an array."],
    ["Condition coding: [null]", { resourceType: "Condition", id: "c1", subject, code: coded([null]) }, "Condition/c1 skipped: code.coding[0] is null, not an object."],
    ["Condition.clinicalStatus.coding as text", { resourceType: "Condition", id: "c1", subject, code: coded([]), clinicalStatus: { coding: "active" } }, "Condition/c1 skipped: clinicalStatus.coding is not an array."],
    ["MedicationRequest coding as an object", { ...medRequest("suboxoneFilm", "2026-10-01", "active", "m1"), medicationCodeableConcept: { coding: { system: "http://www.nlm.nih.gov/research/umls/rxnorm", code: "1010603" } } }, "MedicationRequest/m1 skipped: medicationCodeableConcept.coding is not an array."],
    ["MedicationRequest coding: [null]", { ...medRequest("suboxoneFilm", "2026-10-01", "active", "m1"), medicationCodeableConcept: coded([null]) }, "MedicationRequest/m1 skipped: medicationCodeableConcept.coding[0] is null, not an object."],
    ["contained: {}", { resourceType: "MedicationRequest", id: "m1", status: "active", intent: "order", subject, medicationReference: { reference: "#med" }, contained: {} }, "MedicationRequest/m1 skipped: contained is not an array."],
    ["a contained Medication whose coding is an object", { resourceType: "MedicationRequest", id: "m1", status: "active", intent: "order", subject, medicationReference: { reference: "#med" }, contained: [{ resourceType: "Medication", id: "med", code: { coding: { code: "1010603" } } }] }, "MedicationRequest/m1 skipped: contained[0].code.coding is not an array."],
    ["a CarePlan activity's coding as an object", (() => { const p = cmCarePlan("2026-10-01", "fixed", "cp1") as Json; p.activity[0].detail.code.coding = p.activity[0].detail.code.coding[0]; return p; })(), "CarePlan/cp1 skipped: activity[0].detail.code.coding is not an array."],
    ["a CarePlan activity as an object", { ...cmCarePlan("2026-10-01", "fixed", "cp1"), activity: { detail: {} } }, "CarePlan/cp1 skipped: activity is not an array."],
    ["a CarePlan activity's extension as an object", (() => { const p = cmCarePlan("2026-10-01", "fixed", "cp1") as Json; p.activity[0].detail.extension = p.activity[0].detail.extension[0]; return p; })(), "CarePlan/cp1 skipped: activity[0].detail.extension is not an array."],
    ["an Observation hasMember: [null]", { ...uds("opiates", "neg", "2026-11-01", "o1"), hasMember: [null] }, "Observation/o1 skipped: hasMember[0] is null, not an object."],
    ["an Observation component without a code", { ...uds("opiates", "neg", "2026-11-01", "o1"), component: [{ valueString: "positive" }] }, "Observation/o1 skipped: component[0].code is missing."],
    ["an empty id", { ...uds("opiates", "pos", "2026-11-01"), id: "" }, 'Observation (entry 4) skipped: id "" is not a FHIR id.'],
    ["an id that is not a FHIR id", { ...uds("opiates", "pos", "2026-11-01"), id: "not an id" }, 'Observation (entry 4) skipped: id "not an id" is not a FHIR id.'],
  ])("%s", async (_label, bad, warning) => {
    const { code, out, stderr } = await cli(JSON.stringify(around(bad)));
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    expect(cliShapeProblems(out)).toEqual([]);
    expect(warningsOf(out)).toContain(warning);
    // The rest of the record is still read.
    expect(out!.stage.value).toBe("preparation");
    expect(out!.oudConditions).toEqual(["Condition/good-oud"]);
  });

  it.each([
    ["null", null, "Entry 2 of the Bundle is not an entry object (it is null); skipped."],
    ["a number", 7, "Entry 2 of the Bundle is not an entry object (it is number); skipped."],
    ["an array", [], "Entry 2 of the Bundle is not an entry object (it is an array); skipped."],
  ])("a Bundle entry that is %s", async (_label, entry, warning) => {
    const bundle = around(uds("opiates", "neg", "2026-11-01"));
    bundle.entry.splice(1, 0, entry);
    const { code, out } = await cli(JSON.stringify(bundle));
    expect(code).toBe(0);
    expect(warningsOf(out)).toContain(warning);
    expect(out!.stage.value).toBe("preparation");
  });

  it("a Patient whose name and birth date are malformed is still the patient; those elements are left out", () => {
    const record = recordFromBundle(collection({ ...patient(), name: { family: "Test" }, birthDate: 19850402 } as unknown as FhirResource, stage("action", "2026-11-10")));
    expect(record.patientRef).toBe("Patient/p1");
    expect(record.patient.name).toBeUndefined();
    expect(record.patient.birthDate).toBeUndefined();
    expect(record.warnings.map((w) => w.message)).toEqual([
      "Patient/p1: name is not an array; left out, the rest of the Patient is used.",
      "Patient/p1: birthDate is a number, not text; left out, the rest of the Patient is used.",
    ]);
    expect(evaluate(record, { now: NOW }).stage.value).toBe("action");
  });
});

describe("deep, cyclic, long and large input: no stack overflow, no hang", () => {
  it("a Bundle nested 10,000 deep is read to the bottom (the CLI exits 0)", async () => {
    // Written as text: JSON.stringify itself recurses.
    const depth = 10_000;
    const leaf = JSON.stringify({ resourceType: "Bundle", type: "collection", entry: [{ resource: patient() }, { resource: stage("action", "2026-11-10", "deep-stage") }] });
    const text = `${'{"resourceType":"Bundle","type":"collection","entry":[{"resource":'.repeat(depth)}${leaf}${"}]}".repeat(depth)}`;
    const { code, out, stderr } = await cli(text);
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    expect(out!.stage).toMatchObject({ value: "action", source: "Observation/deep-stage" });
  });

  it("hasMember cycles (a panel that is its own member, two panels that hold each other) read each result once", () => {
    const a: Observation = { ...uds("opiates", "pos", "2026-11-16", "a"), hasMember: [{ reference: "Observation/a" }, { reference: "Observation/b" }] };
    const b: Observation = { ...uds("fentanyl", "neg", "2026-11-16", "b"), hasMember: [{ reference: "Observation/a" }] };
    const e = evaluate(recordFromBundle(collection(patient(), a, b)), { now: NOW });
    expect(e.uds.tests).toHaveLength(1);
    expect(e.uds.tests[0]!.analytes.map((x) => `${x.analyte} ${x.result} ${x.source}`).sort()).toEqual(["fentanyl negative Observation/b", "opiates positive Observation/a"]);
  });

  it("a hasMember chain 20,000 deep is read without recursion, each result once", () => {
    const n = 20_000;
    const chain: Observation[] = [];
    for (let i = 0; i < n; i++) {
      const date = `20${String(10 + (i % 16)).padStart(2, "0")}-${String(1 + (i % 12)).padStart(2, "0")}-${String(1 + (i % 28)).padStart(2, "0")}`;
      chain.push({ ...uds("opiates", i % 2 ? "pos" : "neg", date, `link-${i}`), ...(i + 1 < n ? { hasMember: [{ reference: `Observation/link-${i + 1}` }] } : {}) });
    }
    const start = performance.now();
    const e = evaluate(recordFromBundle(collection(patient(), ...chain)), { now: NOW });
    expect(performance.now() - start).toBeLessThan(10_000);
    expect(e.uds.tests.reduce((sum, t) => sum + t.analytes.length, 0)).toBe(n);
  }, 30_000);

  it("a 200,000-character reference resolves to nothing in well under a second (was: minutes of regex backtracking)", async () => {
    const request = { ...medRequest("suboxoneFilm", "2026-10-01", "active", "m1"), medicationCodeableConcept: undefined, medicationReference: { reference: "x".repeat(200_000) } };
    const start = performance.now();
    const { code, out } = await cli(JSON.stringify(around(request)));
    expect(performance.now() - start).toBeLessThan(2_000);
    expect(code).toBe(0);
    expect(out!.warnings).toContainEqual(expect.objectContaining({ code: "unresolved-medication" }));
  });

  it("100,000 Observations (25,000 test days) are evaluated within the test timeout", () => {
    const entries = [{ resource: patient() as unknown }];
    const analytes = ["opiates", "fentanyl", "cocaine", "buprenorphine"] as const;
    const day0 = Date.UTC(1958, 0, 1);
    for (let d = 0; d < 25_000; d++) {
      const date = new Date(day0 + d * 86_400_000).toISOString().slice(0, 10);
      for (const a of analytes) entries.push({ resource: uds(a, d % 7 === 0 ? "pos" : "neg", date, `o-${d}-${a}`) });
    }
    expect(entries).toHaveLength(100_001);
    const start = performance.now();
    const e = evaluate(recordFromEntries(entries), { now: NOW });
    const ms = performance.now() - start;
    expect(e.uds.tests).toHaveLength(25_000);
    expect(e.uds.tests.every((t) => t.analytes.length === analytes.length)).toBe(true);
    expect(ms).toBeLessThan(15_000);
  }, 60_000);
});

