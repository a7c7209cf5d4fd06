// What the first screen condenses, checked on the engine's own output: the safety strip (safety warnings by
// severity, or by code when the engine gives none, and the safety facts: no naloxone kit, a recent overdose, no OUD
// diagnosis), the next three steps with one line of why each, facts shared by several recommendations shown once,
// and the last urine test in a few words.
import { readFileSync } from "node:fs";
import type { Observation } from "fhir/r4.js";
import { describe, expect, it } from "vitest";
import { lastTest } from "../../src/app/last-test.ts";
import { factOf, nextSteps, shareFacts, withoutCitation } from "../../src/app/reasons.ts";
import { firstSentence, safetyItems } from "../../src/app/safety.ts";
import { evaluate } from "../../src/clinical/evaluate.ts";
import { recordFromBundle } from "../../src/clinical/record.ts";
import type { EngineWarning, Evaluation, Recommendation } from "../../src/clinical/types.ts";
import { collection, medRequest, oudCondition, overdose, patient, stage, uds, udsDay } from "../helpers/resources.ts";

const NOW = "2026-11-23";

function synthetic(id: string): Evaluation {
  const bundle = JSON.parse(readFileSync(new URL(`../../fhir-resources/patients/${id}.json`, import.meta.url), "utf8"));
  return evaluate(recordFromBundle(bundle), { now: NOW });
}

const small = (...resources: Parameters<typeof collection>) => evaluate(recordFromBundle(collection(patient(), ...resources)), { now: NOW });
const strip = (e: Evaluation) => safetyItems(e).map((i) => `${i.safety ? "alert" : "notice"} ${i.label}`);
const withWarnings = (e: Evaluation, warnings: (EngineWarning & { severity?: string })[]): Evaluation => ({ ...e, warnings });

describe("the safety strip", () => {
  it.each([
    // id, what the strip says (alerts first, overdose first)
    ["pw-maria-precontemplation", ["alert Overdose risk", "alert No naloxone kit"]],
    ["pw-tomas-unknown-stage-overdose", ["alert Overdose risk", "alert Recent overdose"]],
    ["pw-derek-return-to-use", ["alert No naloxone kit", "alert Return to use"]],
    ["pw-helen-five-year-history", []],
    ["pw-robert-action-methadone-otp", []],
  ])("%s: %j", (id, expected) => {
    expect(strip(synthetic(id))).toEqual(expected);
  });

  it("a recent overdose is the engine's warning (date and days ago), once", () => {
    const items = safetyItems(synthetic("pw-tomas-unknown-stage-overdose")).filter((i) => i.code === "recent-overdose");
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ refs: ["Condition/pw-tomas-unknown-stage-overdose-overdose"], safety: true });
    expect(items[0]!.message).toMatch(/^Opioid overdose on \d{4}-\d{2}-\d{2} \(\d+ days ago\)/);
  });

  it("an engine that marks no severity: the safety codes are alerts, return to use and the CM cap notices, and the facts fill in", () => {
    const e = small(stage("action", "2026-11-01"), overdose("2026-10-01"));
    const unmarked = withWarnings(e, [
      { code: "overdose-risk-lost-tolerance", message: "Overdose risk: no active MOUD." },
      { code: "return-to-use", message: "Return to use: after the action stage." },
      { code: "cm-cap-reached", message: "The yearly cap is reached." },
      { code: "malformed-resource", message: "Observation skipped: no status." },
    ]);
    expect(safetyItems(unmarked).map((i) => `${i.safety ? "alert" : "notice"} ${i.label}: ${i.message}`)).toEqual([
      "alert Overdose risk: no active MOUD.",
      "alert Recent overdose: (within the last 6 months).",
      "alert No naloxone kit: none prescribed (active or completed) in the last 12 months.",
      "alert No OUD diagnosis: No active opioid use disorder diagnosis was found in the record.",
      "notice Return to use: after the action stage.",
      "notice CM yearly cap reached: The yearly cap is reached.",
    ]);
  });

  it.each([
    ["One. Two.", "One.", "Two."],
    ["Overdose on 2026-09-23 (61 days ago), within 6 months. Give naloxone (review [65]. More). Then this.", "Overdose on 2026-09-23 (61 days ago), within 6 months.", "Give naloxone (review [65]. More). Then this."],
    ["No sentence end here", "No sentence end here", ""],
    ["A dose of 2.5 mg. Next.", "A dose of 2.5 mg.", "Next."],
  ])("the strip's first sentence of %j", (text, head, rest) => {
    expect(firstSentence(text)).toEqual({ head, rest });
  });

  it("no OUD diagnosis is a safety item; with one on record it is gone", () => {
    const base = [stage("action", "2026-11-01"), medRequest("suboxoneFilm", "2026-09-01"), medRequest("narcan", "2026-06-01", "completed")];
    expect(strip(small(...base))).toEqual(["alert No OUD diagnosis"]);
    expect(strip(small(...base, oudCondition()))).toEqual([]);
    expect(strip(small(...base, oudCondition(), overdose("2026-10-01")))).toEqual(["alert Recent overdose"]);
  });

  it("follows the engine's severity when it gives one, and does not repeat a fact a warning already states", () => {
    const e = small(stage("action", "2026-11-01"), oudCondition());
    const shown = withWarnings(e, [
      { code: "recent-overdose", severity: "safety", message: "Opioid overdose on 2026-10-01, 53 days ago.", refs: [] },
      { code: "no-naloxone-kit", severity: "safety", message: "No naloxone kit in the last 12 months." },
      { code: "return-to-use", severity: "safety", message: "Return to use: after the action stage." },
      { code: "malformed-resource", severity: "data", message: "Observation skipped: no status." },
      { code: "overdose-risk-lost-tolerance", severity: "data", message: "marked as data by the engine" },
    ]);
    const items = safetyItems(shown);
    // One naloxone item (the engine's), the overdose first, the message without a repeat of its label.
    expect(items.map((i) => [i.label, i.safety, i.message])).toEqual([
      ["Recent overdose", true, "Opioid overdose on 2026-10-01, 53 days ago."],
      ["No naloxone kit", true, "No naloxone kit in the last 12 months."],
      ["Return to use", true, "after the action stage."],
    ]);
  });
});

describe("next steps", () => {
  it("are the first three 'do now' recommendations in the engine's order, each with the fact behind it", () => {
    const e = synthetic("pw-grace-stale-stage-pain-patch");
    const steps = nextSteps(e.recommendations);
    expect(steps.map((s) => s.rec.id)).toEqual(e.recommendations.filter((r) => r.tier === "primary").slice(0, 3).map((r) => r.id));
    for (const { rec, why } of steps) expect(rec.reasons[0]!.text.startsWith(why)).toBe(true);
  });

  it("a fact a step above already gave is not repeated: the advice after it is the why", () => {
    const rec = (id: string, text: string): Recommendation =>
      ({ id, tier: "primary", title: id, activity: "", evidence: [], reasons: [{ text, refs: [] }] }) as unknown as Recommendation;
    const steps = nextSteps([
      rec("stage-assessment", "Return to use: a positive test after the action stage recorded 2026-09-14: reassess the stage [1]."),
      rec("motivational-interviewing", "Return to use: a positive test after the action stage recorded 2026-09-14: use MI to revisit motivation [13]."),
      rec("addiction-counseling", "Counseling can support treatment [44–49]."),
      rec("cbt", "Stage action (recorded 2026-09-14): skills work."),
    ]);
    expect(steps.map((s) => s.why)).toEqual([
      "Return to use: a positive test after the action stage recorded 2026-09-14",
      "Use MI to revisit motivation",
      "Counseling can support treatment",
    ]);
  });
});

describe("facts shared by several recommendations", () => {
  it("Derek: the stage and the return to use are stated once, each recommendation keeps its own advice", () => {
    const e = synthetic("pw-derek-return-to-use");
    const { facts, reasons } = shareFacts(e.recommendations);
    expect(facts.map((f) => f.short)).toEqual(expect.arrayContaining(["Return to use", "Stage action", "On MOUD"]));
    const stageFact = facts.find((f) => f.short === "Stage action")!;
    expect(stageFact.text).toMatch(/^Stage action \(recorded \d{4}-\d{2}-\d{2}\)$/);
    expect(stageFact.refs).toEqual([e.stage.source]);
    // Every reason is still there: its fact (by tag) plus its advice make up the engine's text.
    for (const rec of e.recommendations) {
      const shown = reasons.get(rec)!;
      expect(shown.map((r) => (r.fact ? `${r.fact.text}: ${r.text}` : r.text))).toEqual(rec.reasons.map((r) => r.text));
    }
    // No fact is written out more than once.
    const written = [...reasons.values()].flat().filter((r) => r.fact === null).map((r) => factOf(r.text)).filter(Boolean);
    for (const f of facts) expect(written).not.toContain(f.text);
  });

  it("identical reasons within one recommendation are shown once", () => {
    const rec = { id: "cbt", reasons: [{ text: "Same: x", refs: [] }, { text: "Same: x", refs: [] }] } as unknown as Recommendation;
    expect(shareFacts([rec]).reasons.get(rec)).toHaveLength(1);
  });

  it("a colon inside parentheses does not split a fact", () => {
    expect(factOf("Stage preparation (recorded 2026-07-26, stale: older than 90 days): pair CBT")).toBe("Stage preparation (recorded 2026-07-26, stale: older than 90 days)");
    expect(factOf("Addiction counseling can support treatment [44–49].")).toBeNull();
  });
});

describe("the last urine test", () => {
  it("Derek: fentanyl positive, buprenorphine found and prescribed", () => {
    expect(lastTest(synthetic("pw-derek-return-to-use").uds.tests)).toMatchObject({
      opioid: "positive",
      illicit: ["fentanyl"],
      alsoFound: ["buprenorphine (prescribed)"],
      preliminary: [],
      lastJudged: null,
    });
  });

  it("Aisha: yesterday's fentanyl is preliminary (not counted); the last counted opioid result is given", () => {
    const last = lastTest(synthetic("pw-aisha-preparation-naltrexone").uds.tests)!;
    expect(last).toMatchObject({ date: "2026-11-22", opioid: "none", illicit: [], preliminary: ["fentanyl positive"] });
    expect(last.lastJudged).toMatchObject({ opioid: "negative" });
    expect(last.lastJudged!.date < "2026-11-22").toBe(true);
  });

  it("stimulants are named; a negative without fentanyl is marked", () => {
    const prelim: Observation = { ...uds("cocaine", "pos", "2026-11-20"), status: "preliminary" };
    const e = small(...udsDay("2026-11-16", { opiates: "neg", cocaine: "pos" }), prelim);
    expect(lastTest(e.uds.tests)).toMatchObject({ date: "2026-11-20", opioid: "none", preliminary: ["cocaine positive"], lastJudged: { date: "2026-11-16", opioid: "negative" } });
    expect(lastTest(e.uds.tests.slice(0, 1))).toMatchObject({ opioid: "negative", fentanylTested: false, alsoFound: ["cocaine"] });
  });

  it("none on record", () => {
    expect(lastTest([])).toBeNull();
  });
});

describe("one line of why", () => {
  it.each([
    ["Pair CBT with wraparound social services (Opioid use disorder: psychosocial management, Selecting psychotherapy).", "Pair CBT with wraparound social services"],
    ["Use MI to revisit motivation (Opioid use disorder: psychosocial management, Selecting psychotherapy; Motivational interviewing [13]).", "Use MI to revisit motivation"],
    ["Review the dose (ASAM National Practice Guideline, 2020).", "Review the dose (ASAM National Practice Guideline, 2020)."],
    ["CM gives a defined target [18,19].", "CM gives a defined target"],
    ["No citation here.", "No citation here."],
  ])("%s → %s", (text, expected) => {
    expect(withoutCitation(text)).toBe(expected);
  });
});
