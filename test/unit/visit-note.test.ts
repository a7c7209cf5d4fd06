// Copy-to-note text: the plan and what changed at this visit (today: stages recorded, plans written, rewards given
// or marked entered in error), in plain text, from the record, so a reload gives the same note.
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Bundle, FhirResource, Observation } from "fhir/r4.js";
import { describe, expect, it } from "vitest";
import { visitNote } from "../../src/app/visit-note.ts";
import { evaluate } from "../../src/clinical/evaluate.ts";
import { recordFromBundle } from "../../src/clinical/record.ts";
import { markRewardEnteredInError, writeRewardObservation } from "../../src/clinical/reward-log.ts";
import { writeStageObservation } from "../../src/clinical/stage-observation.ts";

const NOW = "2026-11-23";
const MARCUS = "pw-marcus-cm-fixed-stimulants";
const bundle = (): Bundle => JSON.parse(readFileSync(path.resolve(import.meta.dirname, `../../fhir-resources/patients/${MARCUS}.json`), "utf8")) as Bundle;
const note = (...added: FhirResource[]) => {
  const b = bundle();
  b.entry = [...(b.entry ?? []), ...added.map((resource) => ({ resource }))];
  const record = recordFromBundle(b);
  return visitNote({ record, evaluation: evaluate(record, { now: NOW }), now: NOW });
};
const reward = (id: string, amount: number, text?: string): Observation => ({
  ...writeRewardObservation({ kind: "voucher", amount }, { patient: `Patient/${MARCUS}`, carePlan: `CarePlan/${MARCUS}-plan-cm`, author: "Practitioner/cc-1", date: NOW, now: `${NOW}T10:00:00-06:00`, identifier: id, ...(text ? { note: text } : {}) }),
  id,
});

describe("visitNote", () => {
  it("summarises the patient and the plan; nothing changed today", () => {
    expect(note().split("\n")).toEqual([
      "Stagewise summary, 23 Nov 2026 (Marcus Bell)",
      "Stage of change: action (assessed 24 Oct 2026).",
      "Medication for OUD: buprenorphine.",
      "Last urine drug screen: 16 Nov 2026, illicit opioids negative; also buprenorphine (prescribed).",
      "Contingency management (fixed reward): week 6 of 12; earned $30.00, given $20.00, owed $10.00; next reward $10.00 if negative.",
      "Plan: Contingency management (active, from 15 Oct 2026 to 6 Jan 2027).",
      "- Contingency management (in-progress)",
      "Goals: Cocaine-free and opioid-free weeks, confirmed by urine tests.",
      "Changes at this visit:",
      "- None recorded today.",
      expect.stringMatching(/^Next steps: Contingency management; /),
    ]);
  });

  it.each<[string, FhirResource[], string[]]>([
    ["a stage recorded today", [{ ...writeStageObservation({ kind: "stage", stage: "maintenance" }, { patient: `Patient/${MARCUS}`, author: null, now: `${NOW}T09:00:00-06:00`, identifier: "s1" }), id: "s1" }], ["- Stage of change recorded: maintenance."]],
    ["a ruler today", [{ ...writeStageObservation({ kind: "ruler", score: 8 }, { patient: `Patient/${MARCUS}`, author: null, now: `${NOW}T09:00:00-06:00`, identifier: "s2" }), id: "s2" }], ["- Readiness ruler recorded: 8 of 10."]],
    ["a reward given today, with its note", [reward("r1", 10, "Gift card")], ["- Reward given: $10.00 (Gift card)."]],
    ["a reward marked entered in error today", [markRewardEnteredInError(reward("r2", 12), { reason: "wrong amount", author: null, now: `${NOW}T11:00:00Z` })], ["- Reward entry marked entered in error: $12.00 (wrong amount)."]],
  ])("lists %s under the changes at this visit", (_what, added, lines) => {
    const text = note(...added);
    const changes = text.split("\n").slice(text.split("\n").indexOf("Changes at this visit:") + 1).filter((l) => l.startsWith("- "));
    expect(changes).toEqual(lines);
  });

  it("a reward given today lowers what is owed in the summary", () => {
    expect(note(reward("r1", 10))).toContain("earned $30.00, given $30.00, owed $0.00");
  });

  it("is plain text: no HTML, no Markdown, no resource ids", () => {
    expect(note(reward("r1", 10, "<b>x</b>"))).not.toMatch(/\*\*|Observation\/|CarePlan\//);
  });
});
