// @vitest-environment jsdom
// The urine-test chart and table with preliminary results (clinical-spec §7.2): a preliminary result is shown in the
// chart with a mark of its own, labelled preliminary in words, and labelled in the table; no row claims an analyte
// was not tested when it was. Rendered from the engine's evaluation of small hand-written records.
import type { FhirResource, Observation } from "fhir/r4.js";
import { afterEach, describe, expect, it } from "vitest";
import { UdsTimeline } from "../../src/app/components/UdsTimeline.tsx";
import { evaluate } from "../../src/clinical/evaluate.ts";
import { recordFromBundle } from "../../src/clinical/record.ts";
import { collection, oudCondition, patient, uds, udsDay } from "../helpers/resources.ts";
import { render, text, type Rendered } from "./helpers/app-dom.tsx";
import { InWorkspace } from "./helpers/workspace.tsx";

const NOW = "2026-11-23";
const preliminary = (o: Observation): Observation => ({ ...o, status: "preliminary" });

let view: Rendered | undefined;
afterEach(() => {
  view?.unmount();
  view = undefined;
});

async function show(...resources: FhirResource[]): Promise<HTMLElement> {
  const record = recordFromBundle(collection(patient(), oudCondition(), ...resources));
  const evaluation = evaluate(record, { now: NOW });
  view = await render(
    <InWorkspace record={record} evaluation={evaluation}>
      <UdsTimeline tests={evaluation.uds.tests} />
    </InWorkspace>,
  );
  return view.container;
}

/** The table row of one reading: its date (as the app writes dates) and substance cells. */
function row(root: HTMLElement, date: string, analyte: string): HTMLTableRowElement {
  const rows = [...root.querySelectorAll<HTMLTableRowElement>(".uds-table tbody tr")].filter(
    (tr) => tr.cells[0]?.textContent === date && tr.cells[1]?.textContent === analyte,
  );
  expect(rows, `${date} ${analyte}`).toHaveLength(1);
  return rows[0]!;
}

const preliminaryMarks = (root: HTMLElement) => [...root.querySelectorAll("svg.uds-chart .mark-preliminary")];

describe("UdsTimeline: preliminary results", () => {
  it.each([
    { name: "a preliminary fentanyl positive", result: "pos", sign: "p+", word: "positive" },
    { name: "a preliminary fentanyl negative", result: "neg", sign: "p−", word: "negative" },
  ] as const)("$name yesterday: a mark of its own labelled preliminary, and 'preliminary' in the table", async ({ result, sign, word }) => {
    const root = await show(...udsDay("2026-11-16", { opiates: "neg", fentanyl: "neg" }), preliminary(uds("fentanyl", result, "2026-11-22", "fen-p")));
    const marks = preliminaryMarks(root);
    expect(marks).toHaveLength(1);
    expect(marks[0]!.querySelector("title")?.textContent).toBe(
      `Preliminary, not counted until confirmed: illicit opioids fentanyl ${word} on 22 Nov 2026`,
    );
    expect(marks[0]!.querySelector("text")?.textContent).toBe(sign);
    const r = row(root, "22 Nov 2026", "fentanyl");
    expect(r.cells[2]?.textContent).toBe(`${word} (preliminary)`);
    expect(r.cells[3]?.textContent).toContain("preliminary, not counted until confirmed");
    expect(r.cells[4]?.textContent).toBe("no (preliminary)");
    // It was tested: the row never says otherwise.
    expect(text(r)).not.toContain("no fentanyl test");
    expect(root.querySelector("svg.uds-chart desc")?.textContent).toContain("1 preliminary result, not counted until confirmed.");
  });

  it("a counted test with no preliminary result has no preliminary mark", async () => {
    const root = await show(...udsDay("2026-11-16", { opiates: "neg", fentanyl: "pos" }));
    expect(preliminaryMarks(root)).toHaveLength(0);
    expect(text(row(root, "16 Nov 2026", "fentanyl"))).not.toContain("preliminary");
  });

  it.each([
    { name: "opiates only: no fentanyl test that day", resources: () => udsDay("2026-11-16", { opiates: "neg" }), says: true },
    { name: "opiates and a final fentanyl result", resources: () => udsDay("2026-11-16", { opiates: "neg", fentanyl: "neg" }), says: false },
    {
      name: "opiates and a preliminary fentanyl result the same day",
      resources: () => [uds("opiates", "neg", "2026-11-16"), preliminary(uds("fentanyl", "pos", "2026-11-16"))],
      says: false,
    },
  ])("$name → 'no fentanyl test' shown: $says", async ({ resources, says }) => {
    const root = await show(...resources());
    expect(text(row(root, "16 Nov 2026", "opiates")).includes("no fentanyl test that day")).toBe(says);
  });

  it("the legend explains the preliminary mark in words", async () => {
    const root = await show(preliminary(uds("fentanyl", "pos", "2026-11-22")));
    expect(text(root.querySelector(".legend")!)).toContain("preliminary (p+ positive, p− negative), not counted until confirmed");
  });
});
