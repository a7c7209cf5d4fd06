// The patient-view card, pure over the engine's Evaluation: what it says for every synthetic patient, when it warns,
// when there is no card, and that record text cannot turn into Markdown markup.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Bundle, FhirResource, MedicationRequest } from "fhir/r4.js";
import { describe, expect, it } from "vitest";
import { mdEscape, shorten } from "../../src/cds/card-text.ts";
import { isSafetyWarning, opioidContext, patientViewCards, topRecommendation } from "../../src/cds/cards.ts";
import { evaluate } from "../../src/clinical/evaluate.ts";
import { recordFromBundle } from "../../src/clinical/record.ts";
import type { EngineWarning, Evaluation, Recommendation } from "../../src/clinical/types.ts";
import { EXPECTED_CARDS } from "../helpers/cds-expected.ts";
import { checkCard } from "../helpers/cds-hooks-shapes.ts";
import {
  cmCarePlan,
  collection,
  medRequest,
  oudCondition,
  overdose,
  patient,
  PATIENT_ID,
  stage,
  uds,
  udsDay,
} from "../helpers/resources.ts";

const PATIENTS = join(import.meta.dirname, "../../fhir-resources/patients");
const NOW = "2026-11-23"; // the synthetic patients' anchor day
const LAUNCH = "http://127.0.0.1:5173/launch.html";
const OPTIONS = { uuid: "0b6d4a52-7f34-4a2e-9c1f-3f0f6d1b2a11", appLaunchUrl: LAUNCH };

function evaluationOf(file: string): Evaluation {
  const bundle = JSON.parse(readFileSync(join(PATIENTS, file), "utf8")) as Bundle;
  return evaluate(recordFromBundle(bundle), { now: NOW });
}

const evaluationOfResources = (...resources: FhirResource[]): Evaluation =>
  evaluate(recordFromBundle(collection(patient(), ...resources)), { now: NOW });

describe("the card for every synthetic patient", () => {
  it("covers every patient file", () => {
    expect(EXPECTED_CARDS.map((e) => e[0]).sort()).toEqual(readdirSync(PATIENTS).filter((f) => f.startsWith("pw-")).sort());
  });

  it.each(EXPECTED_CARDS)("%s: stage %s, MOUD %s, %s", (file, stageText, moud, cm) => {
    const e = evaluationOf(file);
    const cards = patientViewCards(e, OPTIONS);
    expect(cards).toHaveLength(1);
    const card = cards[0]!;
    expect(checkCard(card)).toEqual([]);
    expect(card.summary).toContain(`Stage: ${stageText};`);
    expect(card.summary).toContain(`MOUD: ${moud};`);
    expect(card.summary).toContain(cm);
    const top = e.recommendations[0]!;
    expect(card.summary).toMatch(new RegExp(`next: ${top.title.slice(0, 20).replace(/[()]/g, "\\$&")}`));
    expect(card.detail).toContain(`**Next step (${top.tier === "primary" ? "do now" : "consider"}):** ${mdEscape(top.title)}`);
    expect(card.indicator).toBe(e.warnings.some(isSafetyWarning) ? "warning" : "info");
    expect(card.source.label).toBe("Opioid use disorder: psychosocial management (topic review, literature through Jan 2024)");
    expect(card.links).toEqual([{ label: "Open Stagewise", url: LAUNCH, type: "smart" }]);
    expect(card.uuid).toBe(OPTIONS.uuid);
    expect(JSON.stringify(card)).not.toMatch(/\bseed/i);
  });

  it("warns for Sofia (no MOUD while in CM: the lost-tolerance overdose warning) and Derek (return to use), not for André", () => {
    const sofia = patientViewCards(evaluationOf("pw-sofia-readiness-ruler-cm-prize.json"), OPTIONS)[0]!;
    expect(sofia.indicator).toBe("warning");
    expect(sofia.detail).toMatch(/\*\*Safety:\*\* No active MOUD while contingency management/);
    expect(patientViewCards(evaluationOf("pw-derek-return-to-use.json"), OPTIONS)[0]!.indicator).toBe("warning");
    expect(patientViewCards(evaluationOf("pw-andre-cm-escalating.json"), OPTIONS)[0]!.indicator).toBe("info");
  });

  it("gives André's CM week in the detail with the next voucher of the escalating schedule (16.00)", () => {
    const detail = patientViewCards(evaluationOf("pw-andre-cm-escalating.json"), OPTIONS)[0]!.detail!;
    expect(detail).toMatch(/\*\*Contingency management:\*\* week 7 of 12 \(started \d{4}-\d{2}-\d{2}, escalating schedule\): this week pending/);
    expect(detail).toContain("next reward if negative 16.00");
  });

  it("counts Sofia's prize-schedule rewards in draws", () => {
    expect(patientViewCards(evaluationOf("pw-sofia-readiness-ruler-cm-prize.json"), OPTIONS)[0]!.detail).toContain("next reward if negative 3 draws");
  });
});

// A chronic-pain patient: Percocet and a naloxone kit, an oxycodone-positive screen explained by the prescription,
// fentanyl negative, and a BuTrans patch (buprenorphine for pain, not MOUD). Nothing about opioid use disorder.
const percocet: MedicationRequest = {
  resourceType: "MedicationRequest",
  id: "percocet",
  status: "active",
  intent: "order",
  subject: { reference: `Patient/${PATIENT_ID}` },
  authoredOn: "2026-09-01",
  medicationCodeableConcept: {
    coding: [{ system: "http://www.nlm.nih.gov/research/umls/rxnorm", code: "1049640", display: "acetaminophen 325 MG / oxycodone hydrochloride 5 MG Oral Tablet [Percocet]" }],
  },
};
const butrans: MedicationRequest = {
  ...percocet,
  id: "butrans",
  medicationCodeableConcept: {
    coding: [{ system: "http://www.nlm.nih.gov/research/umls/rxnorm", code: "904878", display: "168 HR buprenorphine 0.02 MG/HR Transdermal System [BuTrans]" }],
  },
};
const painRecord = (): FhirResource[] => [percocet, butrans, medRequest("narcan", "2026-09-01"), ...udsDay("2026-11-01", { oxycodone: "pos", fentanyl: "neg" })];

describe("no card without an OUD diagnosis or opioid-related data", () => {
  it("gives no card for a patient with nothing in the chart", () => {
    expect(patientViewCards(evaluationOfResources(), OPTIONS)).toEqual([]);
  });

  it("gives no card for pain care: an opioid prescription, an explained positive, a naloxone kit, buprenorphine for pain", () => {
    const e = evaluationOfResources(...painRecord());
    expect(e.uds.tests).toHaveLength(1); // the test was read…
    expect(opioidContext(e)).toEqual([]); // …and is not OUD data
    expect(patientViewCards(e, OPTIONS)).toEqual([]);
  });

  it.each([
    ["OUD diagnosis", () => [oudCondition()]],
    ["opioid overdose", () => [overdose("2025-01-10")]],
    ["MOUD prescription", () => [medRequest("methadone", "2026-10-01")]],
    ["illicit-opioid-positive urine test", () => [uds("fentanyl", "pos", "2026-11-10")]],
    ["stage-of-change assessment", () => [stage("contemplation", "2026-11-01")]],
    ["contingency management enrolment", () => [cmCarePlan("2026-11-02", "fixed")]],
  ] as [string, () => FhirResource[]][])("one card once the chart holds a %s", (what, extra) => {
    const e = evaluationOfResources(...painRecord(), ...extra());
    expect(opioidContext(e)).toContain(what);
    expect(patientViewCards(e, OPTIONS)).toHaveLength(1);
  });
});

describe("card text", () => {
  it("escapes Markdown in engine and record text, keeping reference numbers readable", () => {
    expect(mdEscape("*bold* _x_ `code` <img src=x> [a](javascript:alert(1)) a|b ~~s~~ &amp; [62]")).toBe(
      "\\*bold\\* \\_x\\_ \\`code\\` \\<img src=x\\> [a]\\(javascript:alert(1)) a\\|b \\~\\~s\\~\\~ \\&amp; [62]",
    );
    expect(mdEscape("two\nlines")).toBe("two lines");
  });

  it("keeps summaries under 140 characters, cutting at a word", () => {
    const long = shorten("word ".repeat(60).trim(), 139);
    expect(long.length).toBeLessThanOrEqual(139);
    expect(long.endsWith("word…")).toBe(true);
  });

  it("keeps the summary under 140 characters with the longest stage, MOUD and title texts", () => {
    const e = evaluationOfResources(oudCondition(), stage("precontemplation", "2026-01-01"), cmCarePlan("2026-11-02", "escalating"));
    const rec = { ...e.recommendations[0]!, title: "An unusually long recommendation title ".repeat(4) } as Recommendation;
    const card = patientViewCards({ ...e, moud: { ...e.moud, onHold: [{ medication: "buprenorphine", request: "MedicationRequest/a" }, { medication: "methadone", request: "MedicationRequest/b" }] }, recommendations: [rec] }, OPTIONS)[0]!;
    expect(card.summary.length).toBeLessThan(140);
    expect(card.summary).toContain("Stage: precontemplation (stale); MOUD: none active (buprenorphine, methadone on hold); CM week 4/12");
    expect(card.summary.endsWith("…")).toBe(true);
  });
});

describe("what the card picks", () => {
  const rec = (id: string, rank?: number): Recommendation =>
    ({ id, tier: "primary", title: id, activity: "", reasons: [], evidence: [], ...(rank === undefined ? {} : { rank }) }) as Recommendation;

  it("takes the engine's rank when recommendations are ranked, else the first", () => {
    expect(topRecommendation([rec("a", 3), rec("b", 1), rec("c", 2)])?.id).toBe("b");
    expect(topRecommendation([rec("a"), rec("b")])?.id).toBe("a");
    expect(topRecommendation([])).toBeUndefined();
  });

  it.each([
    [{ code: "overdose-risk-lost-tolerance", message: "" }, true],
    [{ code: "recent-overdose", message: "" }, true],
    [{ code: "return-to-use", message: "" }, true],
    [{ code: "no-oud-diagnosis", message: "" }, true],
    [{ code: "malformed-resource", message: "" }, false],
    [{ code: "cm-cap-reached", message: "" }, false],
    [{ code: "anything", message: "", severity: "safety" }, true],
    [{ code: "recent-overdose", message: "", severity: "data" }, false],
  ] as [EngineWarning, boolean][])("safety warning %o → %s", (w, safety) => {
    expect(isSafetyWarning(w)).toBe(safety);
  });
});
