import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { RXNORM } from "../../src/clinical/codes.ts";
import {
  moudFromMedications,
  prescribedOn,
  readMedications,
  recentNaloxoneKit,
} from "../../src/clinical/medications.ts";
import { recordFromBundle } from "../../src/clinical/record.ts";
import type { MedicationFact } from "../../src/clinical/types.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const FIXTURES = path.resolve(here, "../../third_party/fixtures/hl7-cdc-opioid-cpg");

const PATIENT = { resourceType: "Patient", id: "p1" };
const rx = (code: string, display: string) => ({ coding: [{ system: RXNORM, code, display }] });

function mr(id: string, extra: Record<string, unknown>): Record<string, unknown> {
  return { resourceType: "MedicationRequest", id, status: "active", intent: "order", subject: { reference: "Patient/p1" }, ...extra };
}

function read(...resources: unknown[]) {
  const bundle = { resourceType: "Bundle", type: "collection", entry: [PATIENT, ...resources].map((resource) => ({ resource })) };
  return readMedications(recordFromBundle(bundle));
}

describe("where the medication comes from", () => {
  it("medicationCodeableConcept", () => {
    const { medications, warnings } = read(mr("a", { medicationCodeableConcept: rx("1996184", "Sublocade syringe"), authoredOn: "2025-01-02" }));
    expect(warnings).toEqual([]);
    expect(medications).toEqual([
      {
        request: "MedicationRequest/a",
        status: "active",
        authoredOn: "2025-01-02",
        endDate: null,
        validFrom: null,
        rxnorm: "1996184",
        display: "Sublocade syringe",
        moud: "buprenorphine",
        buprenorphineForPain: false,
        naloxoneKit: false,
        explains: ["buprenorphine"],
      },
    ]);
  });

  it("contained Medication (#id)", () => {
    const { medications } = read(
      mr("b", {
        contained: [{ resourceType: "Medication", id: "m", code: rx("864708", "methadone hydrochloride 10 MG Oral Tablet [Dolophine]") }],
        medicationReference: { reference: "#m" },
      }),
    );
    expect(medications[0]).toMatchObject({ rxnorm: "864708", moud: "methadone", explains: ["methadone"] });
  });

  it("bundled (_include) Medication by Type/id and by fullUrl", () => {
    const bundle = {
      resourceType: "Bundle",
      type: "searchset",
      entry: [
        { resource: PATIENT },
        { resource: mr("c", { medicationReference: { reference: "Medication/kit" } }) },
        { resource: mr("d", { medicationReference: { reference: "urn:uuid:0b5e" } }) },
        { resource: { resourceType: "Medication", id: "kit", code: rx("1725064", "naloxone hydrochloride 40 MG/ML Nasal Spray [Narcan]") } },
        { fullUrl: "urn:uuid:0b5e", resource: { resourceType: "Medication", code: rx("637213", "naltrexone 380 MG Injection") } },
      ],
    };
    const { medications, warnings } = readMedications(recordFromBundle(bundle));
    expect(warnings).toEqual([]);
    expect(medications.map((m) => [m.request, m.naloxoneKit, m.moud])).toEqual([
      ["MedicationRequest/c", true, null],
      ["MedicationRequest/d", false, "naltrexone"],
    ]);
    expect(medications[1]!.explains).toEqual([]); // naltrexone has no urine analyte here
  });

  it("referenced but absent → rxnorm null and an unresolved-medication warning naming the reference", () => {
    const { medications, warnings } = read(mr("e", { medicationReference: { reference: "Medication/opioid", display: "an opioid" } }));
    expect(medications[0]).toMatchObject({ request: "MedicationRequest/e", rxnorm: null, moud: null, display: "an opioid", explains: [] });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.code).toBe("unresolved-medication");
    expect(warnings[0]!.message).toContain("Medication/opioid");
  });

  it("classifies by RxNorm code only, never by name or id", () => {
    const { medications, warnings } = read(
      mr("naloxone", { medicationCodeableConcept: { text: "Suboxone", coding: [{ system: "urn:local", code: "SUB" }] } }),
    );
    expect(medications[0]).toMatchObject({ rxnorm: null, moud: null, naloxoneKit: false, display: "Suboxone" });
    expect(warnings.map((w) => w.code)).toEqual(["medication-not-coded"]);
  });

  it("entered-in-error requests are dropped", () => {
    const { medications } = read(mr("x", { status: "entered-in-error", medicationCodeableConcept: rx("351267", "bup/nx") }));
    expect(medications).toEqual([]);
  });

  it.each([
    // A stopped Percocet written without authoredOn: covered from validityPeriod.start to its end (§7.1).
    ["2025-03-01", true],
    ["2025-08-31", true],
    ["2025-02-28", false],
    ["2025-09-01", false],
  ])("a stopped request's dispenseRequest.validityPeriod is read: oxycodone on %s explained %s", (date, explained) => {
    const { medications } = read(
      mr("percocet", {
        status: "stopped",
        medicationCodeableConcept: rx("1049621", "oxycodone hydrochloride 5 MG / acetaminophen 325 MG Oral Tablet [Percocet]"),
        dispenseRequest: { validityPeriod: { start: "2025-03-01", end: "2025-08-31" } },
      }),
    );
    expect(medications[0]).toMatchObject({ status: "stopped", authoredOn: null, validFrom: "2025-03-01", endDate: "2025-08-31", explains: ["oxycodone"] });
    expect(prescribedOn(medications, "oxycodone", date)?.request ?? null).toBe(explained ? "MedicationRequest/percocet" : null);
  });
});

describe("explained analytes", () => {
  it.each([
    ["1049640", "acetaminophen 325 MG / oxycodone hydrochloride 5 MG Oral Tablet [Percocet]", ["oxycodone"]],
    ["1053654", "fentanyl 0.2 MG Sublingual Tablet [Abstral]", ["fentanyl"]],
    ["891888", "morphine sulfate 15 MG Oral Tablet", ["morphine", "opiates"]],
    ["993781", "acetaminophen 300 MG / codeine phosphate 30 MG Oral Tablet", ["codeine", "opiates"]],
    ["856999", "hydrocodone bitartrate 5 MG / acetaminophen 325 MG Oral Tablet", ["hydrocodone", "opiates"]],
    ["897696", "hydromorphone hydrochloride 2 MG Oral Tablet", ["hydromorphone", "opiates"]],
    ["904874", "168 HR buprenorphine 0.01 MG/HR Transdermal System [BuTrans]", ["buprenorphine"]],
    ["1725064", "naloxone hydrochloride 40 MG/ML Nasal Spray [Narcan]", []],
  ])("%s %s → %j", (code, display, explains) => {
    const { medications } = read(mr("m", { medicationCodeableConcept: rx(code, display) }));
    expect(medications[0]!.explains).toEqual(explains);
  });

  it("BuTrans is buprenorphine for pain: shown, explains buprenorphine, never MOUD", () => {
    const { medications } = read(mr("m", { medicationCodeableConcept: rx("904874", "BuTrans") }));
    expect(medications[0]).toMatchObject({ moud: null, buprenorphineForPain: true });
  });
});

describe("HL7 CDC opioid CPG fixtures", () => {
  const files = readdirSync(FIXTURES).filter((f) => /^(Medication|MedicationRequest|Patient)-.*\.json$/.test(f)).sort();
  const bundle = {
    resourceType: "Bundle",
    type: "collection",
    entry: files.map((f) => ({ resource: JSON.parse(readFileSync(path.join(FIXTURES, f), "utf8")) })),
  };
  const { medications, warnings } = readMedications(recordFromBundle(bundle));
  const byRef = new Map(medications.map((m) => [m.request, m]));

  it("lists every MedicationRequest", () => {
    expect([...byRef.keys()].sort()).toEqual(
      ["buprenorphine", "fentanyl", "methadone", "naloxone", "opioid", "opioid-review-indicated-patient", "oxycodone"].map((id) => `MedicationRequest/${id}`),
    );
  });

  it.each([
    ["buprenorphine", "1010603", "buprenorphine", false, ["buprenorphine"]],
    ["methadone", "864708", "methadone", false, ["methadone"]],
    // Medication-naloxone.json is buprenorphine 8 mg / naloxone 2 mg (351267): MOUD, not a rescue kit.
    ["naloxone", "351267", "buprenorphine", false, ["buprenorphine"]],
    ["fentanyl", "1053654", null, false, ["fentanyl"]],
    ["oxycodone", "1049640", null, false, ["oxycodone"]],
    ["opioid", null, null, false, []],
    ["opioid-review-indicated-patient", null, null, false, []],
  ])("MedicationRequest/%s → rxnorm %s, moud %s, kit %s, explains %j", (id, code, moud, kit, explains) => {
    const m = byRef.get(`MedicationRequest/${id}`)!;
    expect(m).toMatchObject({ status: "active", authoredOn: "2025-07-21", rxnorm: code, moud, naloxoneKit: kit, explains });
  });

  it("Medication/opioid is absent from the fixtures: one warning per request", () => {
    expect(warnings.map((w) => [w.code, w.refs?.[0]])).toEqual([
      ["unresolved-medication", "MedicationRequest/opioid-review-indicated-patient"],
      ["unresolved-medication", "MedicationRequest/opioid"],
    ]);
  });

  it("MOUD: buprenorphine (two requests) and methadone active", () => {
    expect(moudFromMedications(medications).active.map((a) => a.medication).sort()).toEqual(["buprenorphine", "buprenorphine", "methadone"]);
  });
});

const fact = (over: Partial<MedicationFact>): MedicationFact => ({
  request: "MedicationRequest/f",
  status: "active",
  authoredOn: "2025-01-10",
  endDate: null,
  rxnorm: "1",
  display: null,
  moud: null,
  buprenorphineForPain: false,
  naloxoneKit: false,
  explains: [],
  ...over,
});

describe("moudFromMedications", () => {
  it("on-hold counts as not active and is flagged", () => {
    const meds = [
      fact({ request: "MedicationRequest/held", status: "on-hold", moud: "methadone" }),
      fact({ request: "MedicationRequest/bup", moud: "buprenorphine" }),
      fact({ request: "MedicationRequest/done", status: "completed", moud: "naltrexone" }),
      fact({ request: "MedicationRequest/oxy", explains: ["oxycodone"] }),
    ];
    const moud = moudFromMedications(meds);
    expect(moud.active).toEqual([{ medication: "buprenorphine", request: "MedicationRequest/bup" }]);
    expect(moud.onHold).toEqual([{ medication: "methadone", request: "MedicationRequest/held" }]);
    expect(moud.flags).toHaveLength(1);
    expect(moud.flags[0]).toMatchObject({ code: "on-hold", medication: "methadone", refs: ["MedicationRequest/held"] });
    expect(moud.flags[0]!.message).toMatch(/not active/);
  });
});

describe("prescribedOn: a prescription covers a test day whatever its status now (clinical-spec §7.1)", () => {
  it.each([
    ["active, before authoredOn", fact({ explains: ["oxycodone"] }), "2025-01-09", false],
    ["active, on authoredOn", fact({ explains: ["oxycodone"] }), "2025-01-10", true],
    ["active, no validity end, long after", fact({ explains: ["oxycodone"] }), "2026-06-01", true],
    ["active, no authoredOn", fact({ authoredOn: null, explains: ["oxycodone"] }), "2020-01-01", true],
    ["active, on its validity end", fact({ endDate: "2025-03-10", explains: ["oxycodone"] }), "2025-03-10", true],
    ["active, after its validity end", fact({ endDate: "2025-03-10", explains: ["oxycodone"] }), "2025-03-11", false],
    ["on-hold, no validity end", fact({ status: "on-hold", explains: ["oxycodone"] }), "2025-09-01", true],
    ["on-hold, after its validity end", fact({ status: "on-hold", endDate: "2025-03-10", explains: ["oxycodone"] }), "2025-03-11", false],
    ["completed, within validity", fact({ status: "completed", endDate: "2025-02-10", explains: ["oxycodone"] }), "2025-02-10", true],
    ["completed, after validity", fact({ status: "completed", endDate: "2025-02-10", explains: ["oxycodone"] }), "2025-02-11", false],
    ["completed, validity as date-time", fact({ status: "completed", endDate: "2025-02-10T00:00:00-07:00", explains: ["oxycodone"] }), "2025-02-10", true],
    // 2025-01-10 + 90 days = 2025-04-10
    ["completed, no end, day 90", fact({ status: "completed", explains: ["oxycodone"] }), "2025-04-10", true],
    ["completed, no end, day 91", fact({ status: "completed", explains: ["oxycodone"] }), "2025-04-11", false],
    ["completed, no authoredOn", fact({ status: "completed", authoredOn: null, explains: ["oxycodone"] }), "2025-02-01", false],
    ["completed, no authoredOn: from validityPeriod.start, day 90", fact({ status: "completed", authoredOn: null, validFrom: "2025-01-10", explains: ["oxycodone"] }), "2025-04-10", true],
    ["completed, no authoredOn: from validityPeriod.start, day before", fact({ status: "completed", authoredOn: null, validFrom: "2025-01-10", explains: ["oxycodone"] }), "2025-01-09", false],
    ["stopped, within validity (16 months of Percocet)", fact({ status: "stopped", endDate: "2026-05-10", explains: ["oxycodone"] }), "2026-05-10", true],
    ["stopped, after validity", fact({ status: "stopped", endDate: "2026-05-10", explains: ["oxycodone"] }), "2026-05-11", false],
    ["stopped, no end, day 90", fact({ status: "stopped", explains: ["oxycodone"] }), "2025-04-10", true],
    ["stopped, no end, day 91", fact({ status: "stopped", explains: ["oxycodone"] }), "2025-04-11", false],
    ["stopped, before authoredOn", fact({ status: "stopped", endDate: "2026-05-10", explains: ["oxycodone"] }), "2025-01-09", false],
    ["unknown status: bounded like completed, day 90", fact({ status: "unknown", explains: ["oxycodone"] }), "2025-04-10", true],
    ["unknown status: bounded like completed, day 91", fact({ status: "unknown", explains: ["oxycodone"] }), "2025-04-11", false],
    ["cancelled, within validity", fact({ status: "cancelled", endDate: "2026-05-10", explains: ["oxycodone"] }), "2025-02-01", false],
    ["draft, within validity", fact({ status: "draft", endDate: "2026-05-10", explains: ["oxycodone"] }), "2025-02-01", false],
    ["entered-in-error", fact({ status: "entered-in-error", explains: ["oxycodone"] }), "2025-02-01", false],
    ["other analyte", fact({ explains: ["fentanyl"] }), "2025-02-01", false],
  ])("%s → %s", (_label, med, date, expected) => {
    expect(prescribedOn([med], "oxycodone", date)?.request ?? null).toBe(expected ? med.request : null);
  });

  it("is fast for 10,000 look-ups over 200 requests", () => {
    const meds = Array.from({ length: 200 }, (_, i) =>
      fact({ request: `MedicationRequest/${i}`, status: "completed", authoredOn: "2020-01-01", endDate: "2020-02-01", explains: ["oxycodone"] }),
    );
    const start = performance.now();
    for (let i = 0; i < 10_000; i++) prescribedOn(meds, i % 2 ? "oxycodone" : "fentanyl", "2024-05-05");
    expect(performance.now() - start).toBeLessThan(500);
  });
});

describe("recentNaloxoneKit (12 months)", () => {
  const NOW = "2025-06-15";
  it.each([
    ["authored exactly 12 months ago", fact({ naloxoneKit: true, authoredOn: "2024-06-15" }), true],
    ["one day older", fact({ naloxoneKit: true, authoredOn: "2024-06-14" }), false],
    ["completed, recent", fact({ naloxoneKit: true, status: "completed", authoredOn: "2025-01-01T10:00:00Z" }), true],
    ["cancelled", fact({ naloxoneKit: true, status: "cancelled", authoredOn: "2025-01-01" }), false],
    ["no authoredOn", fact({ naloxoneKit: true, authoredOn: null }), false],
    ["not a kit", fact({ authoredOn: "2025-01-01" }), false],
  ])("%s → %s", (_label, med, expected) => {
    expect(recentNaloxoneKit([med], NOW)).toBe(expected ? med.request : null);
  });

  it("returns the latest kit", () => {
    const meds = [
      fact({ request: "MedicationRequest/old", naloxoneKit: true, authoredOn: "2024-12-01" }),
      fact({ request: "MedicationRequest/new", naloxoneKit: true, status: "completed", authoredOn: "2025-05-01" }),
    ];
    expect(recentNaloxoneKit(meds, NOW)).toBe("MedicationRequest/new");
  });
});
