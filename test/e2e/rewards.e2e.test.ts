// The contingency-management reward log, the patient handout and copy-to-note, end to end in headless Chromium on
// the built app launched from the sandbox: open Marcus (fixed 10.00; README: 30.00 earned, 20.00 given, a duplicate
// entered in error, 10.00 owed) → the CM tab shows earned/given/owed and the log → a mistaken form names what is
// wrong and keeps it → record a reward → owed updated, the sandbox holds the Observation with its labels and its
// Provenance → mark it entered in error → owed back; the handout printed to PDF (its text, at most 2 pages); the
// note on the clipboard. axe on each screen; screenshots at 1280×800 and 768 px in /tmp/stagewise-screens/.
import { mkdirSync } from "node:fs";
import type { Bundle, Observation, Provenance, Resource } from "fhir/r4.js";
import type { Page } from "playwright-core";
import { extractText } from "unpdf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatDate } from "../../src/app/format.ts";
import { CM_REWARD_SYSTEM } from "../../src/clinical/codes.ts";
import { bannedAbbreviations, fleschKincaidGrade } from "../helpers/readability.ts";
import { allPages } from "../integration/helpers/sandbox.ts";
import { engineView, today } from "./helpers/engine-view.ts";
import { axe, definitionList, launchInWindow, openTab, startE2eStack, type E2eStack } from "./helpers/browser.ts";

const MARCUS = "pw-marcus-cm-fixed-stimulants";
const SHOTS = "/tmp/stagewise-screens";
const LABELS = [
  "http://terminology.hl7.org/CodeSystem/v3-Confidentiality|R",
  "http://terminology.hl7.org/CodeSystem/v3-ActCode|42CFRPart2",
  "http://terminology.hl7.org/CodeSystem/v3-ActCode|SUD",
  "http://terminology.hl7.org/CodeSystem/v3-ActCode|OPIOIDUD",
];
const labels = (r: Resource) => (r.meta?.security ?? []).map((s) => `${s.system}|${s.code}`);

let stack: E2eStack;
let page: Page;

async function search<T extends Resource>(query: string): Promise<T[]> {
  const pages = await allPages(stack.sandbox, stack.token, query);
  return pages.flatMap((b: Bundle) => (b.entry ?? []).map((e) => e.resource as T));
}
const rewardsOnServer = () => search<Observation>(`Observation?patient=${MARCUS}&code=${encodeURIComponent(`${CM_REWARD_SYSTEM}|reward-given`)}`);
const owedOnServer = async () => (await engineView(stack.sandbox, stack.token, MARCUS)).contingencyManagement.owed;

/** Earned / Given / Owed as shown. */
const summary = () => definitionList(page, "dl.reward-summary");

const logRows = () => page.locator("table.reward-log tbody tr").evaluateAll((rows) => rows.map((r) => ({ text: (r as HTMLElement).innerText.replace(/\s+/g, " ").trim(), struck: r.querySelector("s") !== null })));

/** Print handout → the dialog: axe, then screenshots of the dialog and of the print layout at this width. */
async function openHandout(width: number): Promise<void> {
  await page.getByRole("button", { name: "Print handout" }).click();
  await page.getByRole("dialog", { name: "Your care plan" }).waitFor();
  expect(await axe(page)).toEqual([]);
  await page.screenshot({ path: `${SHOTS}/rewards-handout-dialog-${width}.png` });
  await page.emulateMedia({ media: "print" });
  await page.screenshot({ path: `${SHOTS}/rewards-handout-print-${width}.png`, fullPage: true });
  // page.pdf prints with the print stylesheet unless screen media is emulated: back to no emulation.
  await page.emulateMedia({ media: null });
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  stack = await startE2eStack();
  page = await launchInWindow(stack.context, stack.sandbox, MARCUS, stack.app.origin);
}, 180_000);
afterAll(() => stack?.close());

describe("the reward log (Marcus, fixed 10.00)", () => {
  it("shows earned, given and owed as the engine reads the sandbox, and the log with the entered-in-error entry struck out", async () => {
    await openTab(page, "Contingency management");
    const cm = (await engineView(stack.sandbox, stack.token, MARCUS)).contingencyManagement;
    expect([cm.earnedTotal, cm.givenTotal, cm.owed]).toEqual([30, 20, 10]);
    expect(await summary()).toEqual({ Earned: "$30.00", Given: "$20.00", Owed: "$10.00" });
    const rows = await logRows();
    expect(rows).toHaveLength(3);
    expect(rows.filter((r) => r.struck).map((r) => r.text)).toEqual([expect.stringContaining("Entered in error: Duplicate of the week 2 voucher")]);
    expect(rows.filter((r) => !r.struck).every((r) => /\$10\.00 Luis Herrera Grocery store gift card/.test(r.text))).toBe(true);
    // The weeks grid's notes: weeks 1 and 2 handed out, week 5 owed.
    const notes = await page.locator("table.cm-weeks tbody tr").evaluateAll((rows) => rows.map((r) => (r.lastElementChild as HTMLElement).innerText.trim()));
    expect(notes.slice(0, 5)).toEqual(["handed out", "handed out", "", "", "owed: $10.00"]);
    expect(await axe(page)).toEqual([]);
    await page.screenshot({ path: `${SHOTS}/rewards-cm-tab-1280.png`, fullPage: true });
  });

  it("a mistaken form names what is wrong and keeps what was typed; nothing is sent", async () => {
    const before = (await rewardsOnServer()).length;
    await page.getByLabel("Amount ($)").fill("ten dollars");
    await page.getByLabel("Date handed out").fill("31 Feb 2026");
    await page.getByLabel("Note (optional)").fill("Gift card for week 5");
    await page.getByRole("button", { name: "Record reward" }).click();
    const alert = await page.locator(".record-reward [role=alert]").innerText();
    expect(alert).toContain('Date: "31 Feb 2026" is not a date');
    expect(alert).toContain('Amount: "ten dollars" is not an amount in dollars above 0');
    expect(await page.getByLabel("Amount ($)").inputValue()).toBe("ten dollars");
    expect(await page.getByLabel("Note (optional)").inputValue()).toBe("Gift card for week 5");
    expect(await page.getByLabel("Amount ($)").getAttribute("aria-invalid")).toBe("true");
    expect((await rewardsOnServer()).length).toBe(before);
  });

  let recorded: Observation;
  it("records a reward: owed goes to 0, and the sandbox holds the Observation with its labels and its Provenance", async () => {
    await page.getByLabel("Amount ($)").fill("10.00");
    await page.getByLabel("Date handed out").fill(formatDate(today()));
    await page.getByRole("button", { name: "Record reward" }).click();
    await expect.poll(() => page.locator(".record-reward [role=status]").innerText()).toBe(`Recorded: a $10.00 voucher on ${formatDate(today())}.`);
    expect(await summary()).toEqual({ Earned: "$30.00", Given: "$30.00", Owed: "$0.00" });
    expect(await page.getByLabel("Note (optional)").inputValue()).toBe("");

    const mine = (await rewardsOnServer()).filter((o) => o.note?.some((n) => n.text === "Gift card for week 5"));
    expect(mine).toHaveLength(1);
    recorded = mine[0]!;
    expect(recorded).toMatchObject({
      status: "final",
      effectiveDateTime: today(),
      valueQuantity: { value: 10, unit: "USD", system: "urn:iso:std:iso:4217", code: "USD" },
      basedOn: [{ reference: `CarePlan/${MARCUS}-plan-cm` }],
      performer: [{ reference: "Practitioner/dr-1" }],
      category: [{ coding: [{ code: "therapy" }] }],
    });
    expect(labels(recorded).sort()).toEqual([...LABELS].sort());
    const provenances = await search<Provenance>(`Provenance?target=Observation/${recorded.id}`);
    expect(provenances).toHaveLength(1);
    expect(labels(provenances[0]!).sort()).toEqual([...LABELS].sort());
    expect(provenances[0]!.agent?.[0]?.who?.reference).toBe("Practitioner/dr-1");
    expect(await owedOnServer()).toBe(0);
  });

  it("marks it entered in error with a reason: struck out, owed back to 10.00, the sandbox holds it (not deleted) with a second Provenance", async () => {
    const row = page.locator(`table.reward-log tr[data-ref="Observation/${recorded.id}"]`);
    await row.getByRole("button", { name: /^Mark entered in error/ }).click();
    await row.getByRole("button", { name: "Mark entered in error" }).click();
    expect(await row.locator("[role=alert]").innerText()).toMatch(/^Reason: say why/);
    await row.getByLabel("Reason").fill("Handed out to the wrong patient");
    await row.getByRole("button", { name: "Mark entered in error" }).click();
    await expect.poll(() => row.innerText()).toContain("Entered in error: Handed out to the wrong patient");
    expect(await row.locator("s").count()).toBeGreaterThan(0);
    expect(await summary()).toEqual({ Earned: "$30.00", Given: "$20.00", Owed: "$10.00" });

    const stored = (await rewardsOnServer()).find((o) => o.id === recorded.id)!;
    expect(stored.status).toBe("entered-in-error");
    expect(stored.meta?.versionId).not.toBe(recorded.meta?.versionId);
    expect(stored.note?.map((n) => n.text)).toEqual(["Gift card for week 5", "Entered in error: Handed out to the wrong patient"]);
    expect(labels(stored).sort()).toEqual([...LABELS].sort());
    expect(await search<Provenance>(`Provenance?target=Observation/${recorded.id}`)).toHaveLength(2);
    expect(await owedOnServer()).toBe(10);
    expect(await axe(page)).toEqual([]);
  });
});

describe("the handout", () => {
  it("prints to PDF in at most 2 pages: plain language, the next reward, naloxone, who to call, no form controls", async () => {
    await openHandout(1280);

    const pdf = await page.pdf({ format: "Letter", printBackground: false });
    const { totalPages, text } = await extractText(new Uint8Array(pdf), { mergePages: true });
    const flat = text.replace(/\s+/g, " ");
    console.log(`handout PDF: ${totalPages} page(s), Flesch–Kincaid grade ${fleschKincaidGrade(text).grade.toFixed(1)}`);
    expect(totalPages).toBeLessThanOrEqual(2);
    expect(flat).toContain("Your care plan");
    expect(flat).toContain(`For Marcus Bell, ${formatDate(today())}`);
    expect(flat).toContain("Your next reward is worth $10.00 if all your urine tests this week show no opioids and no stimulants");
    expect(flat).toContain("We owe you $10.00 in rewards from past weeks.");
    expect(flat).toContain("Naloxone can stop an opioid overdose.");
    expect(flat).toMatch(/call 911/i);
    expect(flat).toContain("call or text 988");
    expect(flat).toContain("Cocaine-free and opioid-free weeks, confirmed by urine tests");
    expect(bannedAbbreviations(text)).toEqual([]);
    expect(fleschKincaidGrade(text).grade).toBeLessThanOrEqual(7);
    for (const control of ["Print handout", "Copy to note", "Record reward", "Urine tests", "Recommendations", "Close"]) expect(flat).not.toContain(control);

    await page.getByRole("button", { name: "Close" }).click();
    await expect.poll(() => page.getByRole("dialog").count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Print handout");
  });
});

describe("copy to note", () => {
  it("puts the plan and today's changes on the clipboard with one click, and says so", async () => {
    await stack.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: stack.app.origin });
    await page.getByRole("button", { name: "Copy to note" }).click();
    await expect.poll(() => page.locator(".copy-status").innerText()).toMatch(/^Copied: a summary of \d+ lines\. Paste it into the note\.$/);
    const note = await page.evaluate(() => navigator.clipboard.readText());
    const lines = note.split("\n");
    expect(lines[0]).toBe(`Stagewise summary, ${formatDate(today())} (Marcus Bell)`);
    expect(lines).toContain("Stage of change: action (assessed " + lines.find((l) => l.startsWith("Stage of change:"))!.split("(assessed ")[1]);
    expect(lines).toContain("Contingency management (fixed reward): week 6 of 12; earned $30.00, given $20.00, owed $10.00; next reward $10.00 if negative.");
    expect(lines).toContain("Plan: Contingency management (active, from " + lines.find((l) => l.startsWith("Plan:"))!.split(", from ")[1]);
    expect(lines).toContain("Changes at this visit:");
    expect(lines).toContain("- Reward entry marked entered in error: $10.00 (Handed out to the wrong patient).");
    expect(note).not.toMatch(/<[a-z]|\*\*|Observation\//);
  });
});

describe("at 768 px", () => {
  it("the CM tab and the handout dialog: zero axe violations; screenshots", async () => {
    await page.setViewportSize({ width: 768, height: 1024 });
    await openTab(page, "Contingency management");
    expect(await axe(page)).toEqual([]);
    await page.screenshot({ path: `${SHOTS}/rewards-cm-tab-768.png`, fullPage: true });
    await openHandout(768);
    await page.getByRole("button", { name: "Close" }).click();
  });
});
