// The command line end to end, as a child process (clinical-spec §6): clinical cases written by hand for each
// stage and each CM schedule, the HL7 fixtures, NDJSON input, and every bad-input case.
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Bundle, FhirResource } from "fhir/r4.js";
import { describe, expect, it } from "vitest";
import { writeRewardObservation } from "../../src/clinical/reward-log.ts";
import {
  cmCarePlan,
  collection,
  medRequest,
  oudCondition,
  overdose,
  patient,
  ruler,
  stage,
  uds,
  udsDay,
} from "../helpers/resources.ts";
import { cli, dir, evaluateBundle, exec, NOW, ROOT, tier, warningCodes, write, type Json } from "./helpers/cli.ts";

const FIXTURES = resolve(ROOT, "third_party/fixtures/hl7-cdc-opioid-cpg");

describe("clinical cases, one per stage", () => {
  it("precontemplation, no MOUD, fentanyl in last week: MOUD, MI, CM, peer support and naloxone are primary, with the overdose warning", async () => {
    const out = await evaluateBundle(
      collection(patient(), oudCondition(), stage("precontemplation", "2026-11-01"), ...udsDay("2026-11-16", { opiates: "neg", fentanyl: "pos" })),
    );
    expect(out.patient).toBe("Patient/p1");
    expect(out.stage).toMatchObject({ value: "precontemplation", stale: false, observedAt: "2026-11-01" });
    expect(out.stage.source).toMatch(/^Observation\//);
    expect(out.ongoingOpioidUse).toBe(true);
    expect(out.moud.active).toEqual([]);
    for (const id of ["moud", "motivational-interviewing", "contingency-management", "peer-support", "naloxone"])
      expect(tier(out, id), id).toBe("primary");
    expect(tier(out, "cbt")).toBeUndefined();
    expect(tier(out, "stage-assessment")).toBeUndefined();
    expect(warningCodes(out)).toContain("overdose-risk-lost-tolerance");
    const fentanylTest = (out.uds.tests as Json[]).find((t) => t.date === "2026-11-16")!;
    expect(fentanylTest.opioid).toBe("positive");
    expect(fentanylTest.analytes).toContainEqual(expect.objectContaining({ analyte: "fentanyl", result: "positive", prescribed: false }));
    // Every recommendation carries reasons and evidence citing the source review by title.
    for (const r of out.recommendations as Json[]) {
      expect(r.reasons.length, r.id).toBeGreaterThan(0);
      expect((r.evidence as string[]).some((e) => e.includes("(Opioid use disorder: psychosocial management, ")), r.id).toBe(true);
    }
    expect(JSON.stringify(out)).not.toMatch(/\bseed\b/i);
  });

  it("the same patient where the setting cannot deliver CM: CM drops to consider and says why", async () => {
    const out = await evaluateBundle(
      collection(patient(), stage("precontemplation", "2026-11-01"), ...udsDay("2026-11-16", { opiates: "neg", fentanyl: "pos" })),
      "--no-cm",
    );
    expect(tier(out, "contingency-management")).toBe("consider");
    const cm = (out.recommendations as Json[]).find((r) => r.id === "contingency-management")!;
    expect((cm.reasons as string[]).join(" ")).toMatch(/cannot deliver|not available|can't deliver/i);
    expect(tier(out, "naloxone")).toBe("primary"); // no rescue kit on record
  });

  it("contemplation from a readiness ruler of 5, on buprenorphine with a naloxone kit: MOUD continues, MI primary, CM as a bridge", async () => {
    const out = await evaluateBundle(
      collection(
        patient(),
        ruler(5, "2026-10-20"),
        medRequest("suboxoneFilm", "2026-06-01"),
        medRequest("narcan", "2026-03-01", "completed"),
        ...udsDay("2026-11-09", { buprenorphine: "pos", opiates: "neg", fentanyl: "neg" }),
        ...udsDay("2026-11-16", { buprenorphine: "pos", opiates: "neg", fentanyl: "neg" }),
      ),
    );
    expect(out.stage).toMatchObject({ value: "contemplation", stale: false });
    expect(out.moud.active).toEqual([expect.objectContaining({ medication: "buprenorphine" })]);
    expect(out.ongoingOpioidUse).toBe(false);
    expect(tier(out, "moud")).toBe("consider");
    expect(tier(out, "motivational-interviewing")).toBe("primary");
    expect(tier(out, "contingency-management")).toBe("consider");
    expect(tier(out, "naloxone")).toBe("consider");
    expect(warningCodes(out)).not.toContain("overdose-risk-lost-tolerance");
    const bup = (out.uds.tests as Json[]).flatMap((t) => t.analytes as Json[]).filter((a) => a.analyte === "buprenorphine");
    expect(bup.every((a) => a.prescribed === true && a.result === "positive")).toBe(true);
  });

  it("preparation assessed 145 days ago, on methadone at an OTP: stale stage still drives CBT, reassessment and counseling are primary", async () => {
    const out = await evaluateBundle(
      collection(patient(), stage("preparation", "2026-07-01"), medRequest("methadone", "2025-01-10"), ...udsDay("2026-11-16", { methadone: "pos", opiates: "neg", fentanyl: "neg" })),
      "--otp",
    );
    expect(out.stage).toMatchObject({ value: "preparation", stale: true });
    expect(tier(out, "stage-assessment")).toBe("primary");
    expect(tier(out, "cbt")).toBe("primary");
    expect(tier(out, "wraparound-services")).toBe("primary");
    expect(tier(out, "community-reinforcement")).toBe("consider");
    expect(tier(out, "addiction-counseling")).toBe("primary");
    const sa = (out.recommendations as Json[]).find((r) => r.id === "stage-assessment")!;
    expect((sa.reasons as string[]).join(" ")).toMatch(/stale|days|older/i);
  });

  it("action with heroin after the assessment, on methadone: return to use brings reassessment, MI and CM; action keeps mutual help and peer support", async () => {
    const out = await evaluateBundle(
      collection(patient(), stage("action", "2026-09-01"), medRequest("methadone", "2025-01-10"), ...udsDay("2026-11-15", { methadone: "pos", heroin: "pos", fentanyl: "neg" })),
    );
    expect(out.returnToUse).toBe(true);
    expect(out.ongoingOpioidUse).toBe(true);
    for (const id of ["stage-assessment", "motivational-interviewing", "contingency-management", "mutual-help", "peer-support", "cbt", "addiction-counseling"])
      expect(tier(out, id), id).toBe("primary");
    expect(warningCodes(out)).not.toContain("overdose-risk-lost-tolerance"); // on MOUD
  });

  it("maintenance on extended-release naltrexone with family involved: mutual help and peer support primary, family approaches to consider", async () => {
    const out = await evaluateBundle(
      collection(patient(), stage("maintenance", "2026-11-01"), medRequest("naltrexoneEr", "2026-08-01"), ...udsDay("2026-11-16", { opiates: "neg", fentanyl: "neg" })),
      "--family",
    );
    expect(out.moud.active).toEqual([expect.objectContaining({ medication: "naltrexone" })]);
    expect(tier(out, "mutual-help")).toBe("primary");
    expect(tier(out, "peer-support")).toBe("primary");
    for (const id of ["family-therapy", "craft", "network-therapy"]) expect(tier(out, id), id).toBe("consider");
    expect(tier(out, "cbt")).toBeUndefined();
  });

  it("no stage on record and the patient prefers no medication: MOUD stays primary as an offer, next to the non-medication program, with the overdose warning", async () => {
    const out = await evaluateBundle(collection(patient(), overdose("2026-09-30")), "--prefers-no-medication");
    expect(out.stage).toEqual(expect.objectContaining({ value: "unknown", observedAt: null, stale: false, source: null }));
    for (const id of ["stage-assessment", "motivational-interviewing", "moud", "nonmedication-program", "naloxone", "peer-support"])
      expect(tier(out, id), id).toBe("primary");
    expect(out.recentOverdose).toMatchObject({ date: "2026-09-30" });
    expect(warningCodes(out)).toContain("overdose-risk-lost-tolerance");
  });
});

describe("clinical cases, one per CM schedule", () => {
  // Weekly tests on the second day of each week; "P" positive, "N" negative, "M" no test (missed).
  function cmWeeks(start: string, pattern: string) {
    const day0 = Date.parse(`${start}T00:00:00Z`);
    return [...pattern].flatMap((p, k) => {
      if (p === "M") return [];
      const date = new Date(day0 + (7 * k + 1) * 86_400_000).toISOString().slice(0, 10);
      return udsDay(date, { opiates: p === "P" ? "pos" : "neg", fentanyl: "neg" });
    });
  }

  it("escalating, enrolled by the app's CarePlan on 2026-10-05: N N N P N N N earns 75.00 and the next negative week earns 17.50", async () => {
    const out = await evaluateBundle(collection(patient(), medRequest("suboxoneFilm", "2026-01-01"), cmCarePlan("2026-10-05", "escalating"), ...cmWeeks("2026-10-05", "NNNPNNN")));
    const cm = out.contingencyManagement;
    expect(cm).toMatchObject({ enrolled: true, schedule: "escalating", startDate: "2026-10-05", currentWeek: 8 });
    expect(cm.weeks.map((w: Json) => w.outcome)).toEqual(["negative", "negative", "negative", "positive", "negative", "negative", "negative", "pending"]);
    expect(cm.weeks.map((w: Json) => w.earned)).toEqual([10, 11.5, 13, 0, 10, 14.5, 16, 0]);
    expect(cm.earnedTotal).toBe(75);
    expect(cm.nextIfNegative).toBe(17.5);
    expect(cm.currentStreak).toBe(3);
    expect(cm.longestStreak).toBe(3);
    expect(cm.capRemaining).toBe(675);
    expect(cm.source).toMatch(/^CarePlan\//);
  });

  it("prize, with a missed week: draws 1, 2, 0, 1 and two draws next", async () => {
    const out = await evaluateBundle(collection(patient(), medRequest("suboxoneFilm", "2026-01-01"), ...cmWeeks("2026-10-26", "NNMN")), "--schedule", "prize", "--cm-start", "2026-10-26");
    const cm = out.contingencyManagement;
    expect(cm).toMatchObject({ enrolled: true, schedule: "prize", currentWeek: 5 });
    expect(cm.weeks.map((w: Json) => w.outcome)).toEqual(["negative", "negative", "missed", "negative", "pending"]);
    expect(cm.weeks.map((w: Json) => w.earned)).toEqual([1, 2, 0, 1, 0]);
    expect(cm.earnedTotal).toBe(4);
    expect(cm.nextIfNegative).toBe(2);
    expect(cm.expectedValuePerDraw).toBeCloseTo(2.218, 3);
    expect(cm.capRemaining).toBeCloseTo(750 - 4 * 2.218, 1);
  });

  it("fixed, started from the command line: 10.00 per negative week, nothing for a positive one", async () => {
    const out = await evaluateBundle(collection(patient(), medRequest("suboxoneFilm", "2026-01-01"), ...cmWeeks("2026-11-02", "NPN")), "--schedule", "fixed", "--cm-start", "2026-11-02");
    const cm = out.contingencyManagement;
    expect(cm).toMatchObject({ enrolled: true, schedule: "fixed", currentWeek: 4, earnedTotal: 20, nextIfNegative: 10, capRemaining: 730 });
    expect(cm.weeks.map((w: Json) => w.outcome)).toEqual(["negative", "positive", "negative", "pending"]);
    expect(cm.currentStreak).toBe(1);
  });

  it("fixed with a reward log: given and owed from the reward Observations (one entered in error); a reward in euros is a data warning", async () => {
    const reward = (id: string, date: string, over: Partial<FhirResource> = {}) =>
      ({ ...writeRewardObservation({ kind: "voucher", amount: 10 }, { patient: "Patient/p1", carePlan: "CarePlan/x", author: null, date, now: `${date}T10:00:00Z`, identifier: id }), id, ...over }) as FhirResource;
    const out = await evaluateBundle(
      collection(
        patient(),
        ...cmWeeks("2026-11-02", "NNN"),
        reward("r1", "2026-11-03"),
        reward("r2", "2026-11-10", { status: "entered-in-error" } as Partial<FhirResource>),
        reward("r3", "2026-11-11", { valueQuantity: { value: 10, code: "EUR", system: "urn:iso:std:iso:4217" } } as Partial<FhirResource>),
      ),
      "--schedule",
      "fixed",
      "--cm-start",
      "2026-11-02",
    );
    expect(out.contingencyManagement).toMatchObject({ earnedTotal: 30, givenTotal: 10, givenValue: 10, owed: 20, givenBeyondEarned: 0, capRemaining: 720 });
    expect(warningCodes(out)).toContain("malformed-reward");
  });

  it("no enrolment: CM status says not enrolled", async () => {
    const out = await evaluateBundle(collection(patient()));
    expect(out.contingencyManagement).toMatchObject({ enrolled: false, startDate: null, weeks: [] });
  });
});

describe("inputs", () => {
  it("reads every HL7 CDC opioid CPG fixture: the 'naloxone' Medication is buprenorphine/naloxone (MOUD), the opiate screen is positive", async () => {
    const resources = readdirSync(FIXTURES)
      .filter((f) => f.endsWith(".json"))
      .map((f) => JSON.parse(readFileSync(join(FIXTURES, f), "utf8")) as FhirResource);
    const r = await cli("evaluate", "--bundle", write(collection(...resources)), "--now", "2025-07-25");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as Json;
    expect(out.patient).toBe("Patient/opioid-review-indicated");
    expect(out.moud.active).toEqual(
      expect.arrayContaining([
        { medication: "buprenorphine", request: "MedicationRequest/naloxone" },
        { medication: "buprenorphine", request: "MedicationRequest/buprenorphine" },
        { medication: "methadone", request: "MedicationRequest/methadone" },
      ]),
    );
    const test = (out.uds.tests as Json[]).find((t) => t.date === "2025-07-01")!;
    expect(test.opioid).toBe("positive");
    expect(test.analytes).toContainEqual(expect.objectContaining({ analyte: "opiates", result: "positive", source: "Observation/opiate-urine-drug-screening-result" }));
    expect(test.analytes).toContainEqual(expect.objectContaining({ analyte: "fentanyl", result: "negative" }));
    // Medication/opioid is referenced but not in the input: said, not crashed.
    expect((out.warnings as Json[]).some((w) => w.code === "unresolved-medication" && String(w.message).includes("Medication/opioid"))).toBe(true);
  });

  it("reads NDJSON, one resource per line", async () => {
    const lines = [patient(), stage("contemplation", "2026-11-10"), uds("opiates", "neg", "2026-11-12")].map((r) => JSON.stringify(r)).join("\n");
    const r = await cli("evaluate", "--bundle", write(lines, "ndjson"), "--now", NOW);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).stage.value).toBe("contemplation");
  });

  it("reads a searchset and a transaction Bundle alike", async () => {
    for (const type of ["searchset", "transaction"] as const) {
      const b = collection(patient(), stage("action", "2026-11-10"));
      const bundle: Bundle = { ...b, type, entry: b.entry!.map((e) => ({ ...e, ...(type === "transaction" ? { request: { method: "POST" as const, url: e.resource!.resourceType } } : {}) })) };
      const out = await evaluateBundle(bundle);
      expect(out.stage.value, type).toBe("action");
    }
  });

  it("skips a malformed resource with a warning and still evaluates the rest", async () => {
    const broken = { resourceType: "Observation", id: "broken", status: "final", subject: { reference: "Patient/p1" } }; // no code
    const out = await evaluateBundle(collection(patient(), stage("maintenance", "2026-11-10"), broken as unknown as FhirResource));
    expect(out.stage.value).toBe("maintenance");
    expect(out.warnings).toContainEqual(expect.objectContaining({ code: "malformed-resource", message: expect.stringContaining("Observation/broken") }));
  });

  it("runs through the npm script of the contract", async () => {
    const file = write(collection(patient(), stage("action", "2026-11-10")));
    const { stdout } = await exec("npm", ["run", "--silent", "cli", "--", "evaluate", "--bundle", file, "--now", NOW], { cwd: ROOT });
    expect(JSON.parse(stdout).stage.value).toBe("action");
  });
});

describe("bad input: exit 2, one line 'error: …' on stderr, nothing on stdout", () => {
  const good = () => write(collection(patient()));
  const cases: [string, () => string[], RegExp][] = [
    ["a file that does not exist", () => ["evaluate", "--bundle", join(dir, "nope.json")], /cannot read .*nope\.json/],
    ["a file that is not JSON", () => ["evaluate", "--bundle", write("this is { not json", "json")], /not valid JSON/],
    ["JSON that is not FHIR", () => ["evaluate", "--bundle", write({ hello: "world" })], /not FHIR/],
    ["a Bundle with no Patient", () => ["evaluate", "--bundle", write(collection(stage("action", "2026-01-01")))], /no Patient/],
    ["two patients", () => ["evaluate", "--bundle", write(collection(patient("a"), patient("b")))], /2 patients/],
    ["an unknown schedule", () => ["evaluate", "--bundle", good(), "--schedule", "lottery"], /unknown schedule "lottery"/],
    ["an unknown CM target", () => ["evaluate", "--bundle", good(), "--cm-target", "alcohol"], /unknown CM target "alcohol" \(expected opioids or opioids,stimulants\)/],
    ["a CM target without opioids", () => ["evaluate", "--bundle", good(), "--cm-target", "stimulants"], /unknown CM target "stimulants"/],
    ["an empty CM target", () => ["evaluate", "--bundle", good(), "--cm-target", ""], /unknown CM target ""/],
    ["an invalid --now", () => ["evaluate", "--bundle", good(), "--now", "2026-02-30"], /--now "2026-02-30" is not a valid date/],
    ["an invalid --cm-start", () => ["evaluate", "--bundle", good(), "--cm-start", "soon"], /--cm-start "soon" is not a valid date/],
    ["both --bundle and --server", () => ["evaluate", "--bundle", good(), "--server", "http://127.0.0.1:9/fhir", "--patient", "x"], /either --bundle or --server/],
    ["neither --bundle nor --server", () => ["evaluate"], /give --bundle FILE or --server URL/],
    ["an unknown option", () => ["evaluate", "--bundle", good(), "--fmaily"], /Unknown option '--fmaily'/],
    ["--server without --patient", () => ["evaluate", "--server", "http://127.0.0.1:9/fhir"], /needs --patient/],
    ["--token without --server", () => ["evaluate", "--bundle", good(), "--token", "abc"], /--token goes with --server/],
    ["no command", () => ["--bundle", good()], /missing command/],
    ["a patient id not in the bundle", () => ["evaluate", "--bundle", good(), "--patient", "zzz"], /no Patient with id "zzz"/],
  ];
  it.each(cases)("%s", async (_name, args, message) => {
    const r = await cli(...args());
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^error: /);
    expect(lines[0]).toMatch(message);
  });

  it("an unreachable server is a failure with a clear message, not bad input", async () => {
    const r = await cli("evaluate", "--server", "http://127.0.0.1:9/fhir", "--patient", "x", "--now", NOW);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^error: could not reach http:\/\/127\.0\.0\.1:9\/fhir/);
  });
});
