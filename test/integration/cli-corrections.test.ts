// The clinical corrections of clinical-spec §7, through the command line as a child process: small hand-written
// Bundles (today 2026-11-23) and the synthetic patients of the README. Expected values are worked out by hand.
import { join } from "node:path";
import type { FhirResource, Observation } from "fhir/r4.js";
import { describe, expect, it } from "vitest";
import { cmCarePlan, collection, medRequest, oudCondition, overdose, patient, stage, uds, udsDay } from "../helpers/resources.ts";
import { cli, evaluateBundle, NOW, ROOT, tier, warningCodes, type Json } from "./helpers/cli.ts";

const recs = (out: Json): Json[] => out.recommendations as Json[];
const rec = (out: Json, id: string): Json | undefined => recs(out).find((r) => r.id === id);
const warning = (out: Json, code: string): Json | undefined => (out.warnings as Json[]).find((w) => w.code === code);
const analytes = (out: Json, date: string): Json[] => ((out.uds.tests as Json[]).find((t) => t.date === date)?.analytes ?? []) as Json[];

/** A Percocet request valid 2025-06-01 … 2026-05-31, then stopped (§7.1). */
function stoppedPercocet(): FhirResource {
  return { ...medRequest("percocet", "2025-06-01", "stopped"), dispenseRequest: { validityPeriod: { start: "2025-06-01", end: "2026-05-31" } } };
}
const preliminary = (o: Observation): Observation => ({ ...o, status: "preliminary" });

describe("§7.1 a prescription explains positives taken while it was valid, whatever its status now", () => {
  it.each([
    ["stopped, test inside its validity", stoppedPercocet(), "2026-01-10", true],
    ["stopped, test after its validity end", stoppedPercocet(), "2026-06-10", false],
    ["completed without an end, day 90 (2026-01-10 + 90 days = 2026-04-10)", medRequest("percocet", "2026-01-10", "completed"), "2026-04-10", true],
    ["completed without an end, day 91", medRequest("percocet", "2026-01-10", "completed"), "2026-04-11", false],
    ["cancelled", medRequest("percocet", "2026-01-10", "cancelled"), "2026-01-20", false],
  ] as [string, FhirResource, string, boolean][])("%s → prescribed %s", async (_name, request, date, prescribed) => {
    const out = await evaluateBundle(collection(patient(), oudCondition(), request, ...udsDay(date, { oxycodone: "pos", fentanyl: "neg" })));
    expect(analytes(out, date)).toContainEqual(expect.objectContaining({ analyte: "oxycodone", result: "positive", prescribed }));
    expect((out.uds.tests as Json[]).find((t) => t.date === date)?.opioid).toBe(prescribed ? "negative" : "positive");
  });
});

describe("§7.2 a preliminary result is shown, labelled and never counted", () => {
  it("a preliminary fentanyl positive yesterday: listed with preliminary: true, no ongoing use, 'awaiting confirmation' on naloxone and stage assessment", async () => {
    const prelim = preliminary(uds("fentanyl", "pos", "2026-11-22", "fen-prelim"));
    const out = await evaluateBundle(
      collection(patient(), oudCondition(), stage("preparation", "2026-11-10"), medRequest("suboxoneFilm", "2026-06-01"), medRequest("narcan", "2026-05-01"), prelim, ...udsDay("2026-11-16", { fentanyl: "neg", opiates: "neg" })),
    );
    expect(analytes(out, "2026-11-22")).toEqual([
      expect.objectContaining({ analyte: "fentanyl", result: "positive", status: "preliminary", counted: false, preliminary: true, source: "Observation/fen-prelim" }),
    ]);
    expect(out.ongoingOpioidUse).toBe(false);
    expect(out.preliminaryOpioidPositives).toEqual([{ date: "2026-11-22", analyte: "fentanyl", source: "Observation/fen-prelim" }]);
    for (const id of ["naloxone", "stage-assessment"]) {
      const r = rec(out, id)!;
      expect(r.tier, id).toBe("consider");
      const i = (r.reasons as string[]).findIndex((t) => t.startsWith("Awaiting confirmation"));
      expect(i, id).toBeGreaterThanOrEqual(0);
      expect(r.reasonRefs[i]).toEqual(["Observation/fen-prelim"]);
    }
  });

  it("a preliminary positive 15 days ago is no longer awaiting confirmation", async () => {
    const out = await evaluateBundle(collection(patient(), oudCondition(), stage("preparation", "2026-11-10"), preliminary(uds("fentanyl", "pos", "2026-11-08"))));
    expect(out.preliminaryOpioidPositives).toEqual([]);
    expect(recs(out).flatMap((r) => r.reasons as string[]).some((t) => t.startsWith("Awaiting confirmation"))).toBe(false);
  });
});

describe("§7.3–§7.5 safety: naltrexone, a recent overdose, use on MOUD", () => {
  it.each([
    {
      name: "naltrexone the only MOUD, a kit on record → naloxone primary and first, overdose-risk-lost-tolerance (FDA label)",
      resources: [medRequest("naltrexoneEr", "2026-10-01"), medRequest("narcan", "2026-05-01")],
      first: "naloxone",
      code: "overdose-risk-lost-tolerance",
      says: /naltrexone.*no opioid tolerance.*FDA label for extended-release naltrexone/,
    },
    {
      name: "an overdose on 2026-09-23, a kit on record → naloxone primary and first, recent-overdose with date and days ago",
      resources: [medRequest("suboxoneFilm", "2026-06-01"), medRequest("narcan", "2026-09-24"), overdose("2026-09-23", "od-1")],
      first: "naloxone",
      code: "recent-overdose",
      says: /^Opioid overdose on 2026-09-23 \(61 days ago\)/,
    },
  ])("$name", async ({ resources, first, code, says }) => {
    const out = await evaluateBundle(collection(patient(), oudCondition(), stage("preparation", "2026-11-10"), ...resources));
    expect(out.recentNaloxoneKit).not.toBeNull();
    expect(tier(out, "naloxone")).toBe("primary");
    expect(recs(out)[0]).toMatchObject({ id: first, rank: 1 });
    expect(warning(out, code)).toMatchObject({ severity: "safety", message: expect.stringMatching(says) });
  });

  it("the recent-overdose warning points at the Condition", async () => {
    const out = await evaluateBundle(collection(patient(), oudCondition(), overdose("2026-09-23", "od-1")));
    expect(warning(out, "recent-overdose")?.refs).toEqual(["Condition/od-1"]);
  });

  it.each([
    ["fentanyl 7 days ago on buprenorphine", [stage("preparation", "2026-11-01"), ...udsDay("2026-11-16", { buprenorphine: "pos", fentanyl: "pos" })]],
    ["return to use after an action stage", [stage("action", "2026-09-01"), ...udsDay("2026-09-15", { buprenorphine: "pos", fentanyl: "pos" })]],
  ] as [string, FhirResource[]][])("%s → moud primary and first: review the dose, adherence and formulation, never stop", async (_name, resources) => {
    const out = await evaluateBundle(collection(patient(), oudCondition(), medRequest("suboxoneFilm", "2026-01-01"), medRequest("narcan", "2026-05-01"), ...resources));
    const moud = rec(out, "moud")!;
    expect(moud).toMatchObject({ tier: "primary", rank: 1 });
    expect(moud.reasons[0]).toContain("review the dose, adherence and formulation");
    expect(moud.reasons[0]).toContain("ASAM National Practice Guideline, 2020");
    for (const t of moud.reasons as string[]) expect(t).not.toMatch(/\bstop/i);
  });
});

describe("§7.6 CM scores what its target names", () => {
  // Enrolled 2026-10-26 (week 5 today). Week 3's test is opioid-negative with a cocaine positive; a cocaine
  // positive on 2026-10-20 lies in the 30 days before the start.
  const bundle = (...extra: FhirResource[]) =>
    collection(
      patient(),
      oudCondition(),
      medRequest("suboxoneFilm", "2026-01-01"),
      ...udsDay("2026-10-20", { fentanyl: "neg", cocaine: "pos" }),
      ...udsDay("2026-10-27", { fentanyl: "neg", cocaine: "neg" }),
      ...udsDay("2026-11-03", { fentanyl: "neg", cocaine: "neg" }),
      ...udsDay("2026-11-10", { fentanyl: "neg", cocaine: "pos" }),
      ...udsDay("2026-11-17", { fentanyl: "neg", cocaine: "neg" }),
      ...extra,
    );
  it.each([
    { name: "--cm-target opioids: the cocaine week is negative", flags: ["--cm-target", "opioids"], extra: [], target: { analytes: ["opioids"], source: "input" }, week3: "negative", earned: 40 },
    {
      name: "--cm-target opioids,stimulants: the cocaine week is positive",
      flags: ["--cm-target", "opioids,stimulants"], extra: [], target: { analytes: ["opioids", "stimulants"], source: "input" }, week3: "positive", earned: 30,
    },
    {
      name: "no choice: stimulants by default (cocaine 6 days before the start)",
      flags: [], extra: [], target: { analytes: ["opioids", "stimulants"], source: "default" }, week3: "positive", earned: 30,
    },
    {
      name: "the plan recorded opioids: the plan's choice beats the default",
      flags: [], extra: [cmCarePlan("2026-10-26", "fixed", "cp-1", ["opioids"])], target: { analytes: ["opioids"], source: "plan" }, week3: "negative", earned: 40,
    },
    {
      name: "--cm-target beats the plan",
      flags: ["--cm-target", "opioids,stimulants"], extra: [cmCarePlan("2026-10-26", "fixed", "cp-1", ["opioids"])], target: { analytes: ["opioids", "stimulants"], source: "input" }, week3: "positive", earned: 30,
    },
  ])("$name", async ({ flags, extra, target, week3, earned }) => {
    const enrol = extra.length ? [] : ["--cm-start", "2026-10-26"];
    const out = await evaluateBundle(bundle(...extra), "--schedule", "fixed", ...enrol, ...flags);
    const cm = out.contingencyManagement;
    expect(cm.target).toMatchObject(target);
    expect(cm.weeks.map((w: Json) => w.outcome)).toEqual(["negative", "negative", week3, "negative", "pending"]);
    expect(cm.earnedTotal).toBe(earned);
    // The target on screen names exactly what is scored.
    const text = rec(out, "contingency-management")!.target as string;
    expect(/stimulant/.test(text)).toBe(target.analytes.includes("stimulants"));
    expect(text).not.toMatch(/MOUD|attend/);
  });

  it("not on MOUD: the target is opioid abstinence; starting MOUD and attendance are aims, not scored", async () => {
    const out = await evaluateBundle(collection(patient(), oudCondition(), ...udsDay("2026-11-16", { fentanyl: "pos" })));
    const cmRec = rec(out, "contingency-management")!;
    expect(cmRec.target).toMatch(/^abstinence from illicit opioids/);
    expect(cmRec.aims).toEqual(["starting MOUD", "taking it as prescribed", "attending visits"]);
  });
});

describe("§7.7 and §7.8: no OUD diagnosis, ranking, severity", () => {
  it("no OUD Condition → the no-oud-diagnosis safety warning in the words of §7.7", async () => {
    const out = await evaluateBundle(collection(patient(), stage("action", "2026-11-10")));
    expect(warning(out, "no-oud-diagnosis")).toEqual({
      code: "no-oud-diagnosis",
      severity: "safety",
      message: "No opioid use disorder diagnosis on record: recommendations assume OUD; confirm the diagnosis.",
    });
    expect(warningCodes(await evaluateBundle(collection(patient(), oudCondition(), stage("action", "2026-11-10"))))).not.toContain("no-oud-diagnosis");
  });

  it("every warning has a severity; a data notice is 'data'", async () => {
    const broken = { resourceType: "Observation", id: "broken", status: "final", subject: { reference: "Patient/p1" } } as unknown as FhirResource;
    const out = await evaluateBundle(collection(patient(), broken));
    expect((out.warnings as Json[]).every((w) => ["safety", "notice", "data"].includes(w.severity))).toBe(true);
    expect(warning(out, "malformed-resource")?.severity).toBe("data");
  });

  it("recommendations come ranked 1…n: safety, stage assessment, psychosocial in catalog order, then consider", async () => {
    // By hand: no MOUD, no stage, fentanyl 7 days ago, an overdose 2026-09-23, a kit on record.
    const out = await evaluateBundle(
      collection(patient(), oudCondition(), overdose("2026-09-23"), medRequest("narcan", "2026-09-24", "completed"), ...udsDay("2026-11-16", { fentanyl: "pos" })),
    );
    expect(recs(out).map((r) => `${r.rank}.${r.tier}:${r.id}`)).toEqual([
      "1.primary:naloxone",
      "2.primary:moud",
      "3.primary:stage-assessment",
      "4.primary:motivational-interviewing",
      "5.primary:contingency-management",
      "6.primary:peer-support",
      "7.consider:addiction-counseling",
    ]);
  });

  it("--help documents --cm-target", async () => {
    const r = await cli("--help");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/--cm-target TARGET\s+what CM weeks are scored on: opioids, or opioids,stimulants/);
  });
});

describe("the synthetic patients of the README, on the anchor day", () => {
  const patientFile = (id: string) => join(ROOT, "fhir-resources/patients", `${id}.json`);
  const run = async (id: string) => {
    const r = await cli("evaluate", "--bundle", patientFile(id), "--now", NOW);
    expect(r.code).toBe(0);
    return JSON.parse(r.stdout) as Json;
  };
  it.each([
    { id: "pw-tomas-unknown-stage-overdose", first: ["naloxone", "moud", "stage-assessment"], warn: "recent-overdose", says: /^Opioid overdose on 2026-09-23 \(61 days ago\)/ },
    { id: "pw-aisha-preparation-naltrexone", first: ["naloxone", "cbt", "wraparound-services"], warn: "overdose-risk-lost-tolerance", says: /naltrexone/ },
    { id: "pw-derek-return-to-use", first: ["moud", "stage-assessment", "motivational-interviewing"], warn: "return-to-use", says: /return to use/i },
  ])("$id: first three next steps $first, warning $warn", async ({ id, first, warn, says }) => {
    const out = await run(id);
    expect(recs(out).slice(0, 3).map((r) => r.id)).toEqual(first);
    expect(warning(out, warn)).toMatchObject({ severity: "safety", message: expect.stringMatching(says) });
  });

  it("pw-marcus-cm-fixed-stimulants: weeks N N missed P N earn 30.00 on opioids and stimulants", async () => {
    const cm = (await run("pw-marcus-cm-fixed-stimulants")).contingencyManagement;
    expect(cm.target).toMatchObject({ analytes: ["opioids", "stimulants"], source: "default" });
    expect(cm.weeks.map((w: Json) => w.outcome)).toEqual(["negative", "negative", "missed", "positive", "negative", "pending"]);
    expect(cm.earnedTotal).toBe(30);
  });

  it("pw-grace-stale-stage-pain-patch: the stopped Percocet explains its positives; illicit only before and after it", async () => {
    const out = await run("pw-grace-stale-stage-pain-patch");
    expect((out.uds.tests as Json[]).filter((t) => t.opioid === "positive").map((t) => t.date)).toEqual(["2024-12-01", "2026-06-14"]);
    expect(out.ongoingOpioidUse).toBe(false);
  });
});
