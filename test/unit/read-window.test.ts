// The first screen's window (src/clinical/read-window.ts): from which day the engine's answers need laboratory
// results, and the proof that it is enough — for every synthetic patient and for long generated records (up to 20
// years, with old stages, old CM enrolments, gaps in testing, panels of every form), evaluating only what the app
// reads first (survey Observations, laboratory Observations dated in the window, panel members, and every other
// resource) gives the same answers (the §6 object without the list of tests) as the whole record.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Observation } from "fhir/r4.js";
import { describe, expect, it } from "vitest";
import { datePart } from "../../src/clinical/dates.ts";
import { evaluate } from "../../src/clinical/evaluate.ts";
import { labWindowStart } from "../../src/clinical/read-window.ts";
import { recordFromBundle, resolveReference, type PatientRecord } from "../../src/clinical/record.ts";
import { toCliJson } from "../../src/cli/output.ts";
import { recordBundle, syntheticRecord } from "../../scripts/synthetic/record.ts";
import { cmCarePlan, collection, patient, ruler, stage, udsDay } from "../helpers/resources.ts";

const NOW = "2026-11-23";
const PATIENTS = join(import.meta.dirname, "../../fhir-resources/patients");

function hasCategory(o: Observation, code: string): boolean {
  return (o.category ?? []).some((c) => (c.coding ?? []).some((x) => x.code === code));
}

/** What the app's first screen holds: the searches of src/fhir/patient-queries.ts firstScreenQueries, as a server answers them. */
function firstScreenRecord(record: PatientRecord, from: string): PatientRecord {
  const kept = record.observations.filter((o) => {
    if (hasCategory(o, "survey") || hasCategory(o, "therapy")) return true; // stage assessments, the reward log
    const day = datePart(o.effectiveDateTime ?? o.effectivePeriod?.start ?? o.effectiveInstant);
    return hasCategory(o, "laboratory") && day !== null && day >= from;
  });
  const ids = new Set(kept);
  for (const o of [...kept]) {
    for (const m of o.hasMember ?? []) {
      const target = resolveReference<Observation>(record, m.reference);
      if (target && !ids.has(target)) {
        ids.add(target);
        kept.push(target);
      }
    }
  }
  return { ...record, observations: kept };
}

/** The answers a user acts on: everything but the list of tests (which fills in with the older history). */
function answers(record: PatientRecord, options: { cmStart?: string } = {}) {
  const out = toCliJson(evaluate(record, { now: NOW, ...options }));
  delete out.uds;
  return out;
}

describe("labWindowStart", () => {
  it.each([
    ["no stage, no CM: the last 12 months", [], {}, "2025-11-23"],
    ["a recent action stage: 12 months", [stage("action", "2026-09-01")], {}, "2025-11-23"],
    ["an action stage 20 months ago: back to it (return to use looks back to the stage)", [stage("action", "2025-03-14")], {}, "2025-03-14"],
    ["a maintenance stage 3 years ago", [stage("maintenance", "2023-10-02T09:00:00-05:00")], {}, "2023-10-02"],
    ["an old precontemplation stage needs no more", [stage("precontemplation", "2022-01-05")], {}, "2025-11-23"],
    ["an old action stage followed by a newer ruler: the latest stage counts", [stage("action", "2023-01-05"), ruler(5, "2026-10-01")], {}, "2025-11-23"],
    ["a CM enrolment from a care plan 18 months ago", [cmCarePlan("2025-05-05", "prize")], {}, "2025-05-05"],
    ["a CM start the user gives overrides the care plan's", [cmCarePlan("2025-05-05", "prize")], { cmStart: "2024-02-01" }, "2024-02-01"],
    ["a recent CM start the user gives: 12 months", [cmCarePlan("2025-05-05", "prize")], { cmStart: "2026-10-01" }, "2025-11-23"],
    ["the earliest of an old stage and an old CM start", [stage("action", "2024-06-01"), cmCarePlan("2025-01-01", "fixed")], {}, "2024-06-01"],
  ] as const)("%s", (_name, resources, options, expected) => {
    const record = recordFromBundle(collection(patient(), ...resources));
    expect(labWindowStart(record, { now: NOW, ...options })).toBe(expected);
  });

  it("refuses a day that is not a date", () => {
    expect(() => labWindowStart(recordFromBundle(collection(patient())), { now: "soon" })).toThrow(/not a date/);
  });
});

describe("the first screen gives the whole record's answers", () => {
  const files = readdirSync(PATIENTS).filter((f) => /^pw-.*\.json$/.test(f));
  it.each(files)("synthetic patient %s", (file) => {
    const record = recordFromBundle(JSON.parse(readFileSync(join(PATIENTS, file), "utf8")));
    const first = firstScreenRecord(record, labWindowStart(record, { now: NOW }));
    expect(answers(first)).toEqual(answers(record));
  });

  // 60 generated records: 2 to 20 years, tests every 3 to 13 days, 0 to 7 extra analytes.
  const generated = Array.from({ length: 60 }, (_, i) => ({
    id: `long-${i}`,
    years: 2 + (i % 19),
    testEveryDays: 3 + (i % 11),
    extraAnalytes: i % 8,
  }));
  const built = new Map<string, PatientRecord>();
  const recordOf = ({ id, years, testEveryDays, extraAnalytes }: (typeof generated)[number]): PatientRecord => {
    let r = built.get(id);
    if (!r) built.set(id, (r = recordFromBundle(recordBundle(syntheticRecord(id, { now: NOW, years, testEveryDays, extraAnalytes })))));
    return r;
  };
  it.each(generated)("generated record $id: $years years, a test every $testEveryDays days", (shape) => {
    const record = recordOf(shape);
    const from = labWindowStart(record, { now: NOW });
    const first = firstScreenRecord(record, from);
    expect(first.observations.length).toBeLessThanOrEqual(record.observations.length);
    expect(answers(first)).toEqual(answers(record));
  });

  it("the generated records include the cases that widen the window", () => {
    const widened = generated.filter((shape) => labWindowStart(recordOf(shape), { now: NOW }) < "2025-11-23");
    expect(widened.length).toBeGreaterThanOrEqual(5);
  });

  it("a results-only window that missed the stage date would give another answer (the test can fail)", () => {
    // Action 20 months ago, a fentanyl positive 15 months ago: return to use, which a 12-month window misses.
    const record = recordFromBundle(
      collection(patient(), stage("action", "2025-03-14"), ...udsDay("2025-08-01", { fentanyl: "pos" }), ...udsDay("2026-11-01", { fentanyl: "neg" })),
    );
    expect(answers(firstScreenRecord(record, "2025-11-23"))).not.toEqual(answers(record));
    expect(answers(firstScreenRecord(record, labWindowStart(record, { now: NOW })))).toEqual(answers(record));
  });
});
