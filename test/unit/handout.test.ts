// The patient handout: plain language (Flesch–Kincaid grade ≤ 7, no clinical abbreviations) for its fixed text and
// for what it says about each synthetic patient; what it says about the next reward and the plan.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { evaluate } from "../../src/clinical/evaluate.ts";
import { recordFromBundle } from "../../src/clinical/record.ts";
import { buildHandout, NALOXONE_TEXT, PLAN_STEPS, WHO_TO_CALL, type Handout } from "../../src/app/handout.ts";
import { bannedAbbreviations, fleschKincaidGrade, syllables } from "../helpers/readability.ts";

const ANCHOR = "2026-11-23";
const DIR = path.resolve(import.meta.dirname, "../../fhir-resources/patients");
const handoutOf = (id: string): Handout => {
  const record = recordFromBundle(JSON.parse(readFileSync(path.join(DIR, `${id}.json`), "utf8")));
  return buildHandout({ record, evaluation: evaluate(record, { now: ANCHOR }), now: ANCHOR });
};
/** Everything the handout says in its own words (the clinician's goals are shown as written). */
const ownText = (h: Handout): string =>
  [h.title, ...h.sections.flatMap((s) => [s.heading, ...s.paragraphs, ...(s.items ?? []).filter((i) => !h.clinicianText.includes(i))])].join("\n");

describe("the readability check itself (controls)", () => {
  it.each([
    ["the", 1], ["take", 1], ["medicine", 3], ["people", 2], ["overdose", 3], ["naloxone", 3], ["opioids", 3], ["recovery", 4],
  ])("%s has %i syllable(s)", (word, n) => expect(syllables(word)).toBe(n));

  it("grades a short plain text low and a dense clinical text high", () => {
    expect(fleschKincaidGrade("Call the clinic. Keep your spray with you. Come to every visit.").grade).toBeLessThan(3);
    expect(
      fleschKincaidGrade("Contingency management operationalizes behavioral reinforcement contingent upon biochemically verified abstinence, demonstrating efficacy across heterogeneous populations.").grade,
    ).toBeGreaterThan(16);
  });

  it("finds abbreviations as whole words only", () => {
    expect(bannedAbbreviations("Your MOUD and UDS results")).toEqual(["MOUD", "UDS"]);
    expect(bannedAbbreviations("Come to the clinic; CMV is not CM.")).toEqual(["CM"]);
    expect(bannedAbbreviations("Medicine and urine tests")).toEqual([]);
  });
});

describe("the handout's fixed text", () => {
  const fixed = [...Object.values(PLAN_STEPS), ...NALOXONE_TEXT, ...WHO_TO_CALL].join("\n");
  it("reads at grade 7 or below (Flesch–Kincaid) and uses no clinical abbreviations", () => {
    const fk = fleschKincaidGrade(fixed);
    console.log(`handout fixed text: Flesch–Kincaid grade ${fk.grade.toFixed(1)} (${fk.words} words, ${fk.sentences} sentences)`);
    expect(fk.grade).toBeLessThanOrEqual(7);
    expect(bannedAbbreviations(fixed)).toEqual([]);
  });

  it.each(Object.entries(PLAN_STEPS))("the step for %s is short (at most 20 words a sentence)", (_id, text) => {
    for (const s of text.split(/(?<=[.:])\s+/)) expect(s.split(/\s+/).length, s).toBeLessThanOrEqual(20);
  });
});

describe("each synthetic patient's handout", () => {
  const ids = readdirSync(DIR).filter((f) => /^pw-.*\.json$/.test(f)).map((f) => f.slice(0, -5));
  it.each(ids)("%s: grade ≤ 7, no abbreviations, naloxone and who to call", (id) => {
    const h = handoutOf(id);
    const text = ownText(h);
    expect(fleschKincaidGrade(text).grade).toBeLessThanOrEqual(7);
    expect(bannedAbbreviations(text)).toEqual([]);
    expect(h.sections.map((s) => s.heading)).toEqual(expect.arrayContaining(["Your plan this week", "Naloxone and overdose", "Who to call"]));
  });

  it("Marcus (fixed 10.00, opioids and stimulants, 10.00 owed): the next reward and what earns it, the owed reward, the goal", () => {
    const h = handoutOf("pw-marcus-cm-fixed-stimulants");
    const reward = h.sections.find((s) => s.heading === "Your next reward")!;
    expect(reward.paragraphs).toEqual([
      "This is week 6 of 12.",
      "Your next reward is worth $10.00 if all your urine tests this week show no opioids and no stimulants (such as cocaine or meth).",
      "A missed test counts as a week without a reward. Come to every visit.",
      "We owe you $10.00 in rewards from past weeks. Ask for it at your next visit.",
    ]);
    expect(h.sections.find((s) => s.heading === "Your plan this week")!.items).toContain(PLAN_STEPS["contingency-management"]);
    expect(h.sections.find((s) => s.heading === "Your goals")!.items).toEqual(["Cocaine-free and opioid-free weeks, confirmed by urine tests"]);
    expect(h.subtitle).toBe("For Marcus Bell, 23 Nov 2026");
  });

  it("Sofia (prize): draws from the prize bowl", () => {
    const reward = handoutOf("pw-sofia-readiness-ruler-cm-prize").sections.find((s) => s.heading === "Your next reward")!;
    expect(reward.paragraphs[1]).toMatch(/^Your next reward is \d+ draws? from the prize bowl if all your urine tests (this|next) week show no opioids\.$/);
  });

  it("a patient not in a reward program has no reward section", () => {
    expect(handoutOf("pw-maria-precontemplation").sections.map((s) => s.heading)).not.toContain("Your next reward");
  });
});
