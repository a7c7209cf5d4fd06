// @vitest-environment jsdom
// What the app shows of the clinical source: each recommendation's evidence list names the review by title once and
// gives every line its section and reference numbers (or its other source); reasons and safety warnings carry the
// engine's citations; the word "seed" appears nowhere on the screen. Rendered from real synthetic patients.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Bundle } from "fhir/r4.js";
import { afterEach, describe, expect, it } from "vitest";
import { ANCHOR } from "../../scripts/generate-patients.ts";
import { Recommendations } from "../../src/app/components/Recommendations.tsx";
import { SafetyStrip } from "../../src/app/components/Warnings.tsx";
import { evaluate } from "../../src/clinical/evaluate.ts";
import { recordFromBundle } from "../../src/clinical/record.ts";
import { SOURCE_TITLE } from "../../src/clinical/references.ts";
import type { ClinicianContext } from "../../src/clinical/types.ts";
import { render, text, type Rendered } from "./helpers/app-dom.tsx";
import { InWorkspace } from "./helpers/workspace.tsx";

const PATIENTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../fhir-resources/patients");

let view: Rendered | undefined;
afterEach(() => {
  view?.unmount();
  view = undefined;
});

async function show(id: string, context: Partial<ClinicianContext>) {
  const record = recordFromBundle(JSON.parse(readFileSync(path.join(PATIENTS, `${id}.json`), "utf8")) as Bundle);
  const evaluation = evaluate(record, { now: ANCHOR, context });
  view = await render(
    <InWorkspace record={record} evaluation={evaluation}>
      <SafetyStrip />
      <Recommendations />
    </InWorkspace>,
  );
  return evaluation;
}

/** The evidence list of one recommendation, by its heading. */
function evidenceOf(title: string): { cites: string[]; note: string } {
  const heading = [...document.querySelectorAll("h4")].find((h) => h.textContent === title);
  const item = heading?.closest("li.recommendation");
  if (!item) throw new Error(`no recommendation "${title}" on screen`);
  return {
    cites: [...item.querySelectorAll(".evidence li .cite")].map((c) => c.textContent ?? ""),
    note: item.querySelector(".evidence p")?.textContent ?? "",
  };
}

describe("evidence and citations on screen", () => {
  it.each([
    ["pw-kevin-free-text-no-medication", { prefersNoMedication: true }],
    ["pw-maria-precontemplation", { familyInvolved: true }],
    ["pw-robert-action-methadone-otp", { otp: true }],
    ["pw-andre-cm-escalating", {}],
  ] as const)("%s: no 'seed', the review named in every evidence list", async (id, context) => {
    const evaluation = await show(id, context);
    expect(text()).not.toMatch(/\bseed\b/i);
    for (const rec of evaluation.recommendations) {
      const { note } = evidenceOf(rec.title);
      expect(note.split(SOURCE_TITLE)).toHaveLength(2); // the title, exactly once per list
    }
  });

  it("each evidence line shows its section and reference numbers, or its other source", async () => {
    await show("pw-kevin-free-text-no-medication", { prefersNoMedication: true });
    const moud = evidenceOf("Medication for opioid use disorder (MOUD)").cites;
    expect(moud).toContain("(Overview)");
    expect(moud).toContain("(Selecting psychotherapy)");
    expect(moud).toContain("(ASAM National Practice Guideline, 2020)");
    const cm = evidenceOf("Contingency management").cites;
    expect(cm).toContain("(Contingency management [18])");
    expect(cm).toContain("(Contingency management [2, 10–17])");
    expect(cm).toContain("(Psychosocial treatment alone [62])");
    expect(evidenceOf("Overdose education and naloxone").cites).toContain("(SAMHSA, 2025)");
  });

  it("the overdose warning credits SAMHSA for lost tolerance and the review for CM without medication", async () => {
    await show("pw-kevin-free-text-no-medication", { prefersNoMedication: true });
    const alert = document.querySelector('[role="alert"]');
    expect(alert).not.toBeNull();
    expect(text(alert!)).toContain("fatal overdose (SAMHSA, 2025)");
    expect(text(alert!)).toContain(`(${SOURCE_TITLE}, Psychosocial treatment alone [62])`);
  });
});
