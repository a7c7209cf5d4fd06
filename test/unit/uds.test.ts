import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Observation } from "fhir/r4.js";
import { describe, expect, it } from "vitest";
import { recordFromBundle, type PatientRecord } from "../../src/clinical/record.ts";
import type { Analyte, MedicationFact, UdsTest } from "../../src/clinical/types.ts";
import { readUds } from "../../src/clinical/uds.ts";

const LOINC = "http://loinc.org";
const SCT = "http://snomed.info/sct";
const V3 = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";
const PATIENT = { resourceType: "Patient", id: "p1" };
// LOINC result codes used below (fhir-vocabulary.md §1): 19295-5 opiates, 59673-4 fentanyl, 19642-8 oxycodone,
// 19321-9 6-MAM (heroin), 14314-9 benzoylecgonine (cocaine), 93494-3 buprenorphine, 65750-2 a 5-drug panel,
// 70151-6 opiates screen >300 ng/mL.
const OPIATES = "19295-5";
const FENTANYL = "59673-4";
const OXYCODONE = "19642-8";
const HEROIN = "19321-9";
const COCAINE = "14314-9";
const PANEL = "65750-2";

let n = 0;
function obs(code: string, partial: Record<string, unknown> = {}): Observation {
  n += 1;
  return {
    resourceType: "Observation",
    id: `o${n}`,
    status: "final",
    category: [{ coding: [{ system: "http://terminology.hl7.org/CodeSystem/observation-category", code: "laboratory" }] }],
    code: { coding: [{ system: LOINC, code }] },
    subject: { reference: "Patient/p1" },
    effectiveDateTime: "2025-03-01",
    valueString: "negative",
    ...partial,
  } as Observation;
}
function record(...resources: unknown[]): PatientRecord {
  return recordFromBundle({
    resourceType: "Bundle",
    type: "collection",
    entry: [PATIENT, ...resources].map((resource) => ({ resource })),
  });
}
const uds = (resources: unknown[], meds: MedicationFact[] = []) => readUds(record(...resources), meds);
const ref = (o: Observation) => `Observation/${o.id}`;
const only = (tests: UdsTest[]) => {
  expect(tests).toHaveLength(1);
  return tests[0]!;
};

function rx(explains: Analyte[], extra: Partial<MedicationFact> = {}): MedicationFact {
  return {
    request: "MedicationRequest/rx1",
    status: "active",
    authoredOn: "2025-01-01",
    endDate: null,
    rxnorm: null,
    display: explains.join("+"),
    moud: null,
    buprenorphineForPain: false,
    naloxoneKit: false,
    explains,
    ...extra,
  };
}

describe("each result form, through the record", () => {
  it.each([
    ["valueCodeableConcept SNOMED Detected", { valueString: undefined, valueCodeableConcept: { coding: [{ system: SCT, code: "260373001" }] } }, "positive", "codeable-concept"],
    ["valueString NEG", { valueString: "NEG" }, "negative", "string"],
    ["valueBoolean true", { valueString: undefined, valueBoolean: true }, "positive", "boolean"],
    ["interpretation POS (legacy v2-0078)", { valueString: undefined, interpretation: [{ coding: [{ system: "http://hl7.org/fhir/v2/0078", code: "POS" }] }] }, "positive", "interpretation"],
    ["valueQuantity vs referenceRange.high", { valueString: undefined, valueQuantity: { value: 80, unit: "ng/mL" }, referenceRange: [{ high: { value: 300, unit: "ng/mL" } }] }, "negative", "quantity"],
  ] as [string, Record<string, unknown>, string, string][])("%s → %s", (_l, partial, result, form) => {
    const o = obs(OPIATES, partial);
    const { tests, warnings } = uds([o]);
    expect(warnings).toEqual([]);
    expect(only(tests).analytes).toEqual([
      { analyte: "opiates", result, prescribed: false, source: ref(o), code: OPIATES, status: "final", counted: true, preliminary: false, form },
    ]);
  });

  it.each([
    [350, "positive"],
    [299, "negative"],
  ])("the cutoff stated in the code (70151-6 >300 ng/mL): %i ng/mL → %s", (value, result) => {
    const { tests } = uds([obs("70151-6", { valueString: undefined, valueQuantity: { value, unit: "ng/mL", system: "http://unitsofmeasure.org", code: "ng/mL" } })]);
    expect(only(tests).analytes[0]).toMatchObject({ analyte: "opiates", result, form: "quantity" });
  });

  it("a quantity with no cutoff → indeterminate with a warning naming the problem", () => {
    const o = obs(OPIATES, { valueString: undefined, valueQuantity: { value: 120, unit: "ng/mL" } });
    const { tests, warnings } = uds([o]);
    expect(only(tests)).toMatchObject({ opioid: "indeterminate", analytes: [{ analyte: "opiates", result: "indeterminate", form: "quantity" }] });
    expect(warnings).toEqual([{ code: "uds-result-indeterminate", message: expect.stringContaining("no cutoff"), refs: [ref(o)] }]);
  });

  it("a quantity in a unit that does not match the cutoff → indeterminate with a warning naming both units", () => {
    const o = obs("70151-6", { valueString: undefined, valueQuantity: { value: 0.5, unit: "mg/L" } });
    const { tests, warnings } = uds([o]);
    expect(only(tests).analytes[0]).toMatchObject({ result: "indeterminate" });
    expect(warnings[0]!.message).toMatch(/mg\/L.*ng\/mL/);
  });
});

describe("a separate cutoff result (LOINC 19299-7 Opiates cutoff) gives the cutoff for that day's quantity", () => {
  const quantity = (value: number, date = "2025-03-01") =>
    obs("8220-6", { valueString: undefined, effectiveDateTime: date, valueQuantity: { value, unit: "ng/mL" } });
  const cutoff = (value: number, date = "2025-03-01") =>
    obs("19299-7", { valueString: undefined, effectiveDateTime: date, valueQuantity: { value, unit: "ng/mL" } });
  it.each([
    ["250 vs cutoff 200 the same day", [quantity(250), cutoff(200)], "positive"],
    ["150 vs cutoff 200 the same day", [cutoff(200), quantity(150)], "negative"],
    ["cutoff on another day does not apply", [quantity(250), cutoff(200, "2025-03-02")], "indeterminate"],
  ] as [string, Observation[], string][])("%s → %s", (_l, observations, result) => {
    const { tests } = uds(observations);
    const day = tests.find((t) => t.date === "2025-03-01")!;
    // The cutoff result itself is not an analyte reading.
    expect(day.analytes.map((a) => [a.analyte, a.result, a.code])).toEqual([["opiates", result, "8220-6"]]);
  });

  it("as a component of a panel", () => {
    const panel = obs(PANEL, {
      valueString: undefined,
      component: [
        { code: { coding: [{ system: LOINC, code: "8220-6" }] }, valueQuantity: { value: 90, unit: "ng/mL" } },
        { code: { coding: [{ system: LOINC, code: "19299-7" }] }, valueQuantity: { value: 100, unit: "ng/mL" } },
      ],
    });
    expect(only(uds([panel]).tests).analytes.map((a) => a.result)).toEqual(["negative"]);
  });
});

describe("panels", () => {
  it("component[] per analyte: each component read with its own code and value; the source is the panel", () => {
    const panel = obs(PANEL, {
      valueString: undefined,
      component: [
        { code: { coding: [{ system: LOINC, code: OPIATES }] }, valueString: "positive" },
        { code: { coding: [{ system: LOINC, code: COCAINE }] }, valueCodeableConcept: { coding: [{ system: SCT, code: "260385009" }] } },
        { code: { coding: [{ system: LOINC, code: FENTANYL }] }, interpretation: [{ coding: [{ system: V3, code: "ND" }] }] },
        { code: { coding: [{ system: LOINC, code: "2160-0" }] }, valueQuantity: { value: 1 } }, // creatinine: not a drug result
      ],
    });
    const { tests, warnings } = uds([panel]);
    expect(warnings).toEqual([]);
    const t = only(tests);
    expect(t.analytes.map((a) => [a.analyte, a.result, a.form, a.source])).toEqual([
      ["opiates", "positive", "string", ref(panel)],
      ["cocaine", "negative", "codeable-concept", ref(panel)],
      ["fentanyl", "negative", "interpretation", ref(panel)],
    ]);
    expect(t.opioid).toBe("positive");
    expect(t.fentanylTested).toBe(true);
  });

  it("hasMember: members read once even when also listed on their own; undated members take the panel's date", () => {
    const m1 = obs(OPIATES, { effectiveDateTime: undefined, valueString: "positive" });
    const m2 = obs(COCAINE, { effectiveDateTime: "2025-03-04", valueString: "negative" });
    const panel = obs(PANEL, {
      valueString: undefined,
      effectiveDateTime: "2025-03-03T09:00:00-05:00",
      hasMember: [{ reference: ref(m1) }, { reference: ref(m2) }, { reference: "Observation/not-here" }],
    });
    const { tests, warnings } = uds([m1, panel, m2]);
    expect(tests.map((t) => [t.date, t.analytes.map((a) => `${a.analyte}:${a.result}:${a.source}`)])).toEqual([
      ["2025-03-03", [`opiates:positive:${ref(m1)}`]],
      ["2025-03-04", [`cocaine:negative:${ref(m2)}`]],
    ]);
    expect(warnings).toEqual([{ code: "unresolved-member", message: expect.stringContaining("Observation/not-here"), refs: [ref(panel)] }]);
  });

  it("hasMember resolves fullUrl references and contained members", () => {
    const member = obs(HEROIN, { valueString: "positive" });
    const contained = { resourceType: "Observation", id: "c1", status: "final", code: { coding: [{ system: LOINC, code: FENTANYL }] }, valueString: "negative" };
    const panel = obs(PANEL, { valueString: undefined, contained: [contained], hasMember: [{ reference: "urn:uuid:m-1" }, { reference: "#c1" }] });
    const r = recordFromBundle({
      resourceType: "Bundle",
      type: "collection",
      entry: [{ resource: PATIENT }, { resource: panel }, { fullUrl: "urn:uuid:m-1", resource: member }],
    });
    const { tests, warnings } = readUds(r, []);
    expect(warnings).toEqual([]);
    expect(only(tests).analytes.map((a) => `${a.analyte}:${a.result}`).sort()).toEqual(["fentanyl:negative", "heroin:positive"]);
  });

  it("a panel entered in error drops its members, even when they are also listed on their own", () => {
    const m1 = obs(OPIATES, { valueString: "positive" });
    const panel = obs(PANEL, { status: "entered-in-error", valueString: undefined, hasMember: [{ reference: ref(m1) }, { reference: "Observation/gone" }] });
    const other = obs(COCAINE, { effectiveDateTime: "2025-03-05" });
    const { tests, warnings } = uds([panel, m1, other]);
    expect(tests.map((t) => t.date)).toEqual(["2025-03-05"]);
    expect(warnings).toEqual([]);
  });

  it("a component panel entered in error is dropped", () => {
    const panel = obs(PANEL, { status: "entered-in-error", valueString: undefined, component: [{ code: { coding: [{ system: LOINC, code: OPIATES }] }, valueString: "positive" }] });
    expect(uds([panel])).toEqual({ tests: [], warnings: [] });
  });
});

describe("status", () => {
  it.each([
    ["final", true],
    ["amended", true],
    ["corrected", true],
    ["preliminary", false],
  ])("%s → kept, counted %s, flagged preliminary when it is (§7.2)", (status, counted) => {
    const { tests, warnings } = uds([obs(FENTANYL, { status, valueString: "positive" })]);
    const t = only(tests);
    expect(t.analytes[0]).toMatchObject({ status, counted, preliminary: !counted, result: "positive" });
    expect(t.opioid).toBe(counted ? "positive" : "none");
    expect(t.fentanylTested).toBe(counted);
    expect(warnings).toEqual([]);
  });

  it("a preliminary positive never changes the day's summary", () => {
    const { tests } = uds([obs(HEROIN, { status: "preliminary", valueString: "positive" }), obs(OPIATES, { valueString: "negative" })]);
    expect(only(tests).opioid).toBe("negative");
  });

  it("entered-in-error → dropped without a test or a warning", () => {
    expect(uds([obs(OPIATES, { status: "entered-in-error", valueString: "positive" })])).toEqual({ tests: [], warnings: [] });
  });

  it.each(["registered", "cancelled", "unknown"])("%s → skipped with a warning naming the status", (status) => {
    const o = obs(OPIATES, { status });
    const { tests, warnings } = uds([o]);
    expect(tests).toEqual([]);
    expect(warnings).toEqual([{ code: "uds-status-skipped", message: expect.stringContaining(`"${status}"`), refs: [ref(o)] }]);
  });
});

describe("one test per day, by the date as written", () => {
  it("2025-03-01T23:30:00-08:00 and 2025-03-02T01:00:00+01:00 are different days (same UTC day)", () => {
    const a = obs(OPIATES, { effectiveDateTime: "2025-03-02T01:00:00+01:00" });
    const b = obs(COCAINE, { effectiveDateTime: "2025-03-01T23:30:00-08:00" });
    const { tests } = uds([a, b]);
    expect(tests.map((t) => [t.date, t.analytes.map((x) => x.analyte)])).toEqual([
      ["2025-03-01", ["cocaine"]],
      ["2025-03-02", ["opiates"]],
    ]);
  });

  it("several results on one day are one test; tests sorted by date ascending", () => {
    const { tests } = uds([
      obs(OPIATES, { effectiveDateTime: "2025-03-09T08:00:00Z" }),
      obs(FENTANYL, { effectiveDateTime: "2025-03-02" }),
      obs(COCAINE, { effectiveDateTime: "2025-03-09T17:45:00-04:00" }),
      obs(OXYCODONE, { effectivePeriod: { start: "2025-03-05T10:00:00Z", end: "2025-03-05T11:00:00Z" }, effectiveDateTime: undefined }),
      obs(HEROIN, { effectiveInstant: "2025-03-05T22:00:00.000+00:00", effectiveDateTime: undefined }),
    ]);
    expect(tests.map((t) => [t.date, t.analytes.length])).toEqual([
      ["2025-03-02", 1],
      ["2025-03-05", 2],
      ["2025-03-09", 2],
    ]);
  });

  it.each([
    ["no effective", { effectiveDateTime: undefined }, "no effective date"],
    ["an invalid date", { effectiveDateTime: "2025-02-30" }, "2025-02-30"],
  ])("%s → skipped with a warning", (_l, partial, words) => {
    const o = obs(OPIATES, partial);
    const { tests, warnings } = uds([o]);
    expect(tests).toEqual([]);
    expect(warnings).toEqual([{ code: "malformed-resource", message: expect.stringContaining(words), refs: [ref(o)] }]);
  });
});

describe("opioid summary and prescriptions", () => {
  const P = "positive";
  const N = "negative";
  const I = "indeterminate";
  it.each([
    ["heroin positive", [[HEROIN, P]], "positive"],
    ["opiates negative, fentanyl negative", [[OPIATES, N], [FENTANYL, N]], "negative"],
    ["opiates negative, fentanyl positive", [[OPIATES, N], [FENTANYL, P]], "positive"],
    ["only indeterminate", [[OPIATES, I]], "indeterminate"],
    ["indeterminate and negative", [[OPIATES, I], [FENTANYL, N]], "negative"],
    ["only cocaine tested", [[COCAINE, P]], "none"],
    ["buprenorphine positive is not an illicit opioid", [["93494-3", P]], "none"],
  ] as [string, [string, string][], string][])("%s → %s", (_l, results, expected) => {
    const { tests } = uds(results.map(([code, value]) => obs(code, { valueString: value })));
    expect(only(tests).opioid).toBe(expected);
  });

  it("oxycodone positive with an active oxycodone prescription → prescribed, and the test is opioid-negative", () => {
    const { tests } = uds([obs(OXYCODONE, { valueString: "positive" })], [rx(["oxycodone"])]);
    const t = only(tests);
    expect(t.analytes[0]).toMatchObject({ analyte: "oxycodone", result: "positive", prescribed: true });
    expect(t.opioid).toBe("negative");
  });

  it("without that prescription the same result is opioid-positive", () => {
    const { tests } = uds([obs(OXYCODONE, { valueString: "positive" })], []);
    expect(only(tests)).toMatchObject({ opioid: "positive", analytes: [{ prescribed: false }] });
  });

  it("an oxycodone prescription does not explain fentanyl", () => {
    const { tests } = uds([obs(OXYCODONE, { valueString: "positive" }), obs(FENTANYL, { valueString: "positive" })], [rx(["oxycodone"])]);
    const t = only(tests);
    expect(t.opioid).toBe("positive");
    expect(t.analytes.map((a) => [a.analyte, a.prescribed])).toEqual([
      ["oxycodone", true],
      ["fentanyl", false],
    ]);
  });

  // §7.1: a prescription explains positives taken while it was valid, whatever its status now. obs() is dated
  // 2025-03-01; rx() is authored 2025-01-01.
  it.each([
    ["stopped, valid until 2025-06-30", { status: "stopped", endDate: "2025-06-30" }, true],
    ["stopped, valid until 2025-02-28", { status: "stopped", endDate: "2025-02-28" }, false],
    ["completed, no end (90 days from 2025-01-01 = 2025-04-01)", { status: "completed" }, true],
    ["stopped, no end, authored 2024-11-30 (90 days = 2025-02-28)", { status: "stopped", authoredOn: "2024-11-30" }, false],
    ["cancelled", { status: "cancelled", endDate: "2025-06-30" }, false],
    ["draft", { status: "draft" }, false],
  ] as [string, Partial<MedicationFact>, boolean][])("oxycodone positive under a %s prescription → prescribed %s", (_l, extra, prescribed) => {
    const { tests } = uds([obs(OXYCODONE, { valueString: "positive" })], [rx(["oxycodone"], extra)]);
    expect(only(tests)).toMatchObject({ opioid: prescribed ? "negative" : "positive", analytes: [{ prescribed }] });
  });

  it("a negative result is never marked prescribed", () => {
    const { tests } = uds([obs(OXYCODONE, { valueString: "negative" })], [rx(["oxycodone"])]);
    expect(only(tests).analytes[0]!.prescribed).toBe(false);
  });
});

describe("malformed input: skipped with a warning, never a throw", () => {
  it("a UDS Observation with no value in any form → warning, analyte skipped, other analytes kept", () => {
    const bad = obs(OPIATES, { valueString: undefined });
    const good = obs(COCAINE);
    const { tests, warnings } = uds([bad, good]);
    expect(only(tests).analytes.map((a) => a.analyte)).toEqual(["cocaine"]);
    expect(warnings).toEqual([{ code: "malformed-resource", message: expect.stringContaining("no result value"), refs: [ref(bad)] }]);
  });

  it("an unreadable string names the value", () => {
    const { warnings } = uds([obs(OPIATES, { valueString: "see lab comment" })]);
    expect(warnings[0]!.message).toContain("see lab comment");
  });

  it("junk shapes do not throw", () => {
    const junk = [
      obs(OPIATES, { code: { coding: "nope" } }),
      obs(OPIATES, { code: { coding: [null, { system: LOINC }] } }),
      obs(PANEL, { component: [null, 3, { code: null }], valueString: undefined }),
      obs(PANEL, { hasMember: [null, {}, { reference: 5 }], valueString: undefined }),
      obs(OPIATES, { valueQuantity: "lots", valueString: undefined }),
      obs(OPIATES, { interpretation: "POS", valueString: undefined }),
      obs(OPIATES, { effectiveDateTime: 20250301 }),
      obs(OPIATES, { valueString: undefined, valueCodeableConcept: { coding: "x" } }),
      obs(OPIATES, { valueString: undefined, valueQuantity: { value: 5 }, referenceRange: [null, { high: "x" }] }),
      obs(PANEL, { valueString: undefined, contained: "x", hasMember: [{ reference: "#c1" }] }),
    ];
    expect(() => uds(junk)).not.toThrow();
  });

  it("non-UDS Observations are ignored silently", () => {
    expect(uds([obs("8867-4", { valueQuantity: { value: 70 }, valueString: undefined })])).toEqual({ tests: [], warnings: [] });
  });
});

describe("HL7 CDC Opioid CPG example Observations", () => {
  const DIR = fileURLToPath(new URL("../../third_party/fixtures/hl7-cdc-opioid-cpg", import.meta.url));
  const load = (f: string) => JSON.parse(readFileSync(`${DIR}/${f}`, "utf8")) as unknown;
  const patient = load("Patient-opioid-review-indicated.json");
  it.each([
    ["Observation-amphetamine-urine-drug-screening-result.json", "3349-8", "amphetamine", "positive"],
    ["Observation-barbiturate-urine-drug-screening-result.json", "3372-0", "barbiturate", "negative"],
    ["Observation-benzodiazepine-urine-drug-screening-result.json", "3390-2", "benzodiazepine", "negative"],
    ["Observation-buprenorphine-urine-drug-screening-result.json", "38373-7", "buprenorphine", "negative"],
    ["Observation-cannabinoid-urine-drug-screening-result.json", "26747-6", "cannabinoid", "negative"],
    ["Observation-cocaine-urine-drug-screening-result.json", "3394-4", "cocaine", "negative"],
    ["Observation-fentanyl-urine-drug-screening-result.json", "74372-4", "fentanyl", "negative"],
    ["Observation-heroin-urine-drug-screening-result.json", "10976-9", "heroin", "negative"],
    ["Observation-methadone-urine-drug-screening-result.json", "41466-4", "methadone", "negative"],
    ["Observation-opiate-urine-drug-screening-result.json", "8220-6", "opiates", "positive"],
    ["Observation-oxycodone-urine-drug-screening-result.json", "89302-4", "oxycodone", "negative"],
    ["Observation-pcp-urine-drug-screening-result.json", "3937-0", "phencyclidine", "negative"],
  ])("%s (LOINC %s) → %s %s", (file, code, analyte, result) => {
    const o = load(file) as Observation;
    const r = recordFromBundle({ resourceType: "Bundle", type: "collection", entry: [{ resource: patient }, { resource: o }] });
    expect(r.observations).toHaveLength(1);
    const { tests, warnings } = readUds(r, []);
    expect(warnings).toEqual([]);
    expect(only(tests)).toMatchObject({ date: "2025-07-01" });
    expect(only(tests).analytes).toEqual([
      { analyte, result, prescribed: false, source: `Observation/${o.id}`, code, status: "final", counted: true, preliminary: false, form: "string" },
    ]);
  });

  it("all twelve together are one test on 2025-07-01, opioid-positive (opiates POS)", () => {
    const files = [
      "amphetamine", "barbiturate", "benzodiazepine", "buprenorphine", "cannabinoid", "cocaine",
      "fentanyl", "heroin", "methadone", "opiate", "oxycodone", "pcp",
    ].map((d) => `Observation-${d}-urine-drug-screening-result.json`);
    const r = recordFromBundle({ resourceType: "Bundle", type: "collection", entry: [patient, ...files.map(load)].map((resource) => ({ resource })) });
    const { tests } = readUds(r, []);
    const t = only(tests);
    expect(t.analytes).toHaveLength(12);
    expect(t.opioid).toBe("positive");
    expect(t.fentanylTested).toBe(true);
  });
});

describe("performance", () => {
  it("reads 10,000 Observations within 3× the time JSON.parse takes for them (a ratio: the machine is shared)", () => {
    const codes = [OPIATES, FENTANYL, OXYCODONE, HEROIN, COCAINE, "93494-3"];
    const values = ["positive", "negative", "NEG", "Not detected"];
    const observations: Observation[] = [];
    for (let i = 0; i < 10_000; i++) {
      const day = 1 + (i % 28);
      const month = 1 + (Math.floor(i / 28) % 12);
      observations.push({
        resourceType: "Observation",
        id: `perf${i}`,
        status: i % 50 === 0 ? "preliminary" : "final",
        code: { coding: [{ system: LOINC, code: codes[i % codes.length]! }] },
        subject: { reference: "Patient/p1" },
        effectiveDateTime: `${2020 + (i % 5)}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}T10:00:00-05:00`,
        valueString: values[i % values.length]!,
      });
    }
    const r = record(...observations);
    const meds = [rx(["oxycodone"]), rx(["buprenorphine"], { request: "MedicationRequest/rx2", moud: "buprenorphine" })];
    const text = JSON.stringify(observations);
    // Alternate the two, so whatever else runs on the machine slows both alike; compare the medians.
    const read: number[] = [];
    const parse: number[] = [];
    let result = readUds(r, meds); // warm-up
    for (let i = 0; i < 7; i++) {
      const t0 = performance.now();
      JSON.parse(text);
      const t1 = performance.now();
      result = readUds(r, meds);
      const t2 = performance.now();
      parse.push(t1 - t0);
      read.push(t2 - t1);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
    const ratio = median(read) / median(parse);
    console.log(`readUds: 10,000 Observations → ${result.tests.length} tests in ${median(read).toFixed(1)} ms, ${ratio.toFixed(2)}× JSON.parse`);
    expect(result.warnings).toEqual([]);
    expect(result.tests.reduce((s, t) => s + t.analytes.length, 0)).toBe(10_000);
    expect(ratio).toBeLessThan(3); // about 1.2× measured; a per-test scan of the record would be 100×
  });
});
