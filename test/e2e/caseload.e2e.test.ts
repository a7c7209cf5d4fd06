// The care coordinator's week, end to end in headless Chromium: an EHR launch as the care coordinator without a
// patient opens the caseload → each worklist holds the patients its profile says (fhir-resources/caseload/README.md;
// the sandbox moves the dates so that today is the caseload's anchor day) → sort by a column with the keyboard →
// open a patient in one click (the same workspace as a patient launch) → back to the list, still filtered, the focus
// on that patient, without a new launch → open another, record the reward handed out → back on the list, the reward
// owed is updated. Role-aware landing: a coordinator with a patient in context lands on the
// caseload, a clinician on the patient, and either reaches the other. axe: 0 violations; screenshots at 1280×800
// and 768 px (written to /tmp/stagewise-screens/caseload-*.png).
import { mkdirSync } from "node:fs";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatDate } from "../../src/app/format.ts";
import { axe, ehrLaunchUrl, openTab, startE2eStack, waitForWorkspace, type E2eStack } from "./helpers/browser.ts";
import { today } from "./helpers/engine-view.ts";

const SHOTS = "/tmp/stagewise-screens";
let stack: E2eStack;

/** Who is on each worklist (by name as the table writes it), known from the profiles. */
const WORKLISTS: [string, string[]][] = [
  ["Urine test due this week", ["Brooks, Aaliyah", "Diaz, Chloe", "Evans, Daniel", "Fischer, Elena", "Ghani, Farid", "Lewis, Kira", "Nguyen, Maya", "Perez, Olivia", "Rivera, Quinn", "Turner, Samuel", "Young, Yara"]],
  ["Reward owed", ["Brooks, Aaliyah", "Carter, Benjamin", "Diaz, Chloe", "Evans, Daniel", "Ortiz, Noah", "Rivera, Quinn", "Vega, Umar", "Young, Yara"]],
  ["Plan review due", ["Adams, Zeke", "Evans, Daniel", "Ghani, Farid", "Hall, Grace", "Lewis, Kira", "Perez, Olivia", "Singh, Rosa", "Turner, Samuel", "Vega, Umar", "White, Vera"]],
  ["Stage stale", ["Adams, Zeke", "Evans, Daniel", "Ghani, Farid", "King, Jamal", "Lewis, Kira", "Moore, Liam", "Perez, Olivia", "Turner, Samuel"]],
  ["Safety flags", ["Adams, Zeke", "Fischer, Elena", "Hall, Grace", "Ibarra, Hugo", "King, Jamal", "Lewis, Kira", "Moore, Liam", "Singh, Rosa", "Turner, Samuel", "White, Vera"]],
];

const names = (page: Page) => page.locator(".caseload-table tbody th").allInnerTexts();
const worklistButton = (page: Page, label: string) => page.getByRole("group", { name: "Worklists" }).getByRole("button", { name: new RegExp(`^${label} \\(\\d+\\)$`) });

async function launch(patient: string, user: string, width = 1280): Promise<Page> {
  const page = await stack.context.newPage();
  await page.setViewportSize({ width, height: 800 });
  await page.goto(await ehrLaunchUrl(stack.sandbox, patient, "window", stack.app.origin, user));
  return page;
}

async function waitForCaseload(page: Page): Promise<void> {
  await page.getByRole("heading", { name: "Caseload", level: 2 }).waitFor({ timeout: 30_000 });
  await page.locator(".caseload-table tbody tr").first().waitFor({ timeout: 30_000 });
}

beforeAll(async () => {
  stack = await startE2eStack();
  mkdirSync(SHOTS, { recursive: true });
}, 180_000);

afterAll(async () => {
  await stack?.close();
});

describe("a care coordinator's launch without a patient", () => {
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    page = await launch("", "care-coordinator");
    page.on("pageerror", (e) => errors.push(e.message));
    await waitForCaseload(page);
  }, 60_000);

  it("opens the caseload: 25 patients, read in a few requests, no error, 0 axe violations", async () => {
    expect(await names(page)).toHaveLength(25);
    expect(await page.getByTestId("caseload-summary").innerText()).toMatch(/^25 patients on your care teams; read in 3 requests, \d+\.\d s\.$/);
    expect(await axe(page)).toEqual([]);
    expect(errors).toEqual([]);
    await page.screenshot({ path: `${SHOTS}/caseload-1280.png`, fullPage: true });
  });

  it.each(WORKLISTS)("the worklist %s holds the expected patients", async (label, expected) => {
    await worklistButton(page, label).click();
    await expect.poll(() => worklistButton(page, label).getAttribute("aria-pressed"), { timeout: 10_000 }).toBe("true");
    expect(await worklistButton(page, label).innerText()).toBe(`${label} (${expected.length})`);
    expect((await names(page)).sort()).toEqual(expected);
  });

  it("sorts by any column from the keyboard; aria-sort says the order", async () => {
    await worklistButton(page, "Reward owed").click();
    const header = page.getByRole("columnheader", { name: /Reward owed/ });
    await header.getByRole("button").focus();
    await page.keyboard.press("Enter");
    expect(await header.getAttribute("aria-sort")).toBe("ascending");
    expect((await names(page))[0]).toBe("Vega, Umar"); // $219.00, the most owed
    expect(await page.locator(".caseload-table tbody tr").first().locator('td[data-column="owed"]').innerText()).toBe("$219.00");
    await page.keyboard.press("Enter");
    expect(await header.getAttribute("aria-sort")).toBe("descending");
    expect((await names(page))[0]).toBe("Diaz, Chloe"); // 1 draw, the least owed
  });

  it("opens a patient in one click (the same workspace) and comes back to the same list, the focus on that patient", async () => {
    const before = page.url();
    await page.getByRole("button", { name: "Evans, Daniel" }).click();
    await waitForWorkspace(page);
    await expect.poll(() => page.locator(".patient-name").innerText(), { timeout: 10_000 }).toBe("Daniel Evans");
    expect(await axe(page)).toEqual([]);
    expect(page.url()).toBe(before); // no new launch, nothing in the address bar
    await page.getByRole("button", { name: "← Caseload" }).click();
    await page.locator(".caseload-table").waitFor();
    expect(await worklistButton(page, "Reward owed").getAttribute("aria-pressed")).toBe("true");
    expect(await names(page)).toHaveLength(8);
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent), { timeout: 10_000 }).toBe("Evans, Daniel");
    expect(errors).toEqual([]);
  });

  it("records a reward for a patient opened from the list (user/ scopes); back on the list, the reward owed is updated", async () => {
    const row = page.locator('tr[data-patient="Patient/cl-024"]');
    expect(await row.locator('td[data-column="owed"]').innerText()).toBe("$10.00");
    await page.getByRole("button", { name: "Young, Yara" }).click();
    await waitForWorkspace(page);
    await openTab(page, "Contingency management");
    await page.getByLabel("Amount ($)").fill("10.00");
    await page.getByLabel("Date handed out").fill(formatDate(today()));
    await page.getByRole("button", { name: "Record reward" }).click();
    await expect.poll(() => page.locator(".record-reward [role=status]").innerText(), { timeout: 15_000 }).toBe(`Recorded: a $10.00 voucher on ${formatDate(today())}.`);
    await page.getByRole("button", { name: "← Caseload" }).click();
    await expect.poll(() => worklistButton(page, "Reward owed").innerText(), { timeout: 15_000 }).toBe("Reward owed (7)");
    expect(await names(page)).not.toContain("Young, Yara");
    await worklistButton(page, "All patients").click();
    expect(await row.locator('td[data-column="owed"]').innerText()).toBe("None");
    expect(errors).toEqual([]);
  });
});

describe("a stage recorded for a patient opened from the caseload", () => {
  it("writes with the caseload's user/ scopes (QuestionnaireResponse, Observation, Provenance); back on the list the stage is no longer stale", async () => {
    const page = await launch("", "care-coordinator");
    await waitForCaseload(page);
    await worklistButton(page, "Stage stale").click();
    expect(await names(page)).toContain("Moore, Liam");
    await page.getByRole("button", { name: "Moore, Liam" }).click();
    await waitForWorkspace(page);
    await page.getByRole("button", { name: "Record stage" }).click();
    await page.locator("#new-stage").selectOption({ label: "Contemplation" });
    await page.getByRole("button", { name: "Record", exact: true }).click();
    await page.locator(".record-stage .ok").waitFor({ timeout: 15_000 });
    await page.getByRole("button", { name: "← Caseload" }).click();
    await expect.poll(() => names(page), { timeout: 15_000 }).not.toContain("Moore, Liam");
    await worklistButton(page, "All patients").click();
    expect(await page.locator('tr[data-patient="Patient/cl-012"] td[data-column="stage"]').innerText()).toBe("Contemplation, today");
    await page.close();
  });
});

describe("role-aware landing with a patient in context", () => {
  it("a care coordinator lands on the caseload, the patient in context one click away", async () => {
    const page = await launch("cl-007", "care-coordinator");
    await waitForCaseload(page);
    await page.getByRole("button", { name: "Open this patient" }).click();
    await waitForWorkspace(page);
    expect(await page.locator(".patient-name").innerText()).toBe("Grace Hall");
    await page.close();
  });

  it("a clinician lands on the patient, the caseload one click away", async () => {
    const page = await launch("cl-007", "clinician");
    await waitForWorkspace(page);
    expect(await page.locator(".patient-name").innerText()).toBe("Grace Hall");
    await page.getByRole("button", { name: "← Caseload" }).click();
    await waitForCaseload(page);
    expect(await names(page)).toHaveLength(25);
    await page.close();
  });
});

describe("the EHR simulator's launch without a patient", () => {
  it("\"No patient\" and the care coordinator, embedded: the caseload in the EHR's frame", async () => {
    const page = await stack.context.newPage();
    await page.goto(stack.sandbox.ehrUrl);
    await page.locator('#patient option[value=""]').waitFor({ state: "attached" });
    await page.getByLabel("Patient", { exact: true }).selectOption("");
    await page.getByLabel("Signed-in user").selectOption("care-coordinator");
    await page.getByLabel("App launch URL").fill(`${stack.app.origin}/launch.html`);
    await page.getByLabel("Embedded in this page (iframe)").check();
    await page.getByRole("button", { name: "Launch app" }).click();
    const frame = await (await page.waitForSelector("#app-frame")).contentFrame();
    await frame!.getByRole("heading", { name: "Caseload", level: 2 }).waitFor({ timeout: 30_000 });
    await frame!.locator(".caseload-table tbody tr").first().waitFor({ timeout: 30_000 });
    expect(await frame!.locator(".caseload-table tbody th").count()).toBe(25);
    await expect.poll(() => page.locator("#context").innerText(), { timeout: 10_000 }).toMatch(/Patient\s*\(none\)/);
    await page.close();
  });
});

describe("a standalone launch of the caseload (no launch/patient)", () => {
  it("the launch page's \"My caseload\", the sandbox's sign-in without a patient picker, then the caseload", async () => {
    const page = await stack.context.newPage();
    await page.goto(`${stack.app.origin}/launch.html`);
    await page.getByLabel("FHIR server address").fill(stack.sandbox.fhirBase);
    await page.getByLabel("My caseload").check();
    await page.getByRole("button", { name: "Connect" }).click();
    await page.getByLabel("Signed-in user").selectOption("care-coordinator");
    expect(await page.getByLabel("Patient").count()).toBe(0);
    await page.getByRole("button", { name: "Allow" }).click();
    await waitForCaseload(page);
    expect(await names(page)).toHaveLength(25);
    await page.close();
  });
});

describe("at a 768-px side panel", () => {
  it("the caseload has 0 axe violations", async () => {
    const page = await launch("", "care-coordinator", 768);
    await waitForCaseload(page);
    expect(await axe(page)).toEqual([]);
    await page.screenshot({ path: `${SHOTS}/caseload-768.png`, fullPage: true });
    await page.close();
  });
});
