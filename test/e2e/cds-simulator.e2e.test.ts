// The EHR simulator as a CDS Hooks client, in real headless Chromium: selecting a patient shows the patient-view card
// above the launch form (one line, as text, details folded), no card for a chart without OUD data, and the card's
// smart link launches the app for that patient like the Launch button. axe: 0 violations with the cards shown.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PATIENTS_DIR, startSandbox, type Sandbox } from "../../launch/server.ts";
import { axe, chromiumPath } from "./helpers/browser.ts";

const ANDRE = "pw-andre-cm-escalating";
const SOFIA = "pw-sofia-readiness-ruler-cm-prize";
const PAIN = "cds-pain-no-oud";

let sandbox: Sandbox;
let context: BrowserContext;
let page: Page;
let appLaunchUrl: string;
const profileDir = mkdtempSync(join(tmpdir(), "stagewise-e2e-cds-"));

beforeAll(async () => {
  // The app itself is not needed here: the iframe's address shows what the EHR launched.
  appLaunchUrl = "http://127.0.0.1:9/app-under-test/launch.html";
  const dataDirs = [PATIENTS_DIR, join(import.meta.dirname, "../integration/fixtures/cds")];
  sandbox = await startSandbox({ port: 0, quiet: true, dataDirs, appLaunchUrl });
  const browser = await chromiumPath();
  context = await chromium.launchPersistentContext(profileDir, { ...browser, headless: true, viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
  await page.goto(sandbox.ehrUrl);
  await page.locator(`#patient option[value="${ANDRE}"]`).waitFor({ state: "attached" });
}, 60_000);

afterAll(async () => {
  await context?.close();
  await sandbox?.close();
  rmSync(profileDir, { recursive: true, force: true });
});

const cards = () => page.getByRole("region", { name: /Decision support/ }).getByRole("listitem");

describe("CDS Hooks cards in the EHR simulator", () => {
  it("shows André's card on selection: indicator, summary, link, details folded", async () => {
    await page.getByLabel("Patient").selectOption(ANDRE);
    await expect.poll(() => cards().count(), { timeout: 20_000 }).toBe(1);
    const card = cards().first();
    await expect(card.innerText()).resolves.toMatch(/^INFO\s*Stage: preparation; MOUD: buprenorphine; CM week 7\/12: pending; next: /);
    await expect(card.getByRole("button", { name: "Open Stagewise" }).isVisible()).resolves.toBe(true);
    await expect(card.locator("pre").isVisible()).resolves.toBe(false);
    await card.getByText("Details").click();
    const details = await card.locator("pre").innerText();
    expect(details).toMatch(/^Stage: preparation; [\s\S]*- Contingency management: week 7 of 12[\s\S]*Source: Opioid use disorder: psychosocial management/);
    expect(details).not.toContain("**");
    // The card area stays small: with its details folded a card is one line (indicator, summary, link, "Details").
    await card.getByText("Details").click();
    const line = (await card.locator(".cds-summary").boundingBox())!;
    const box = (await card.boundingBox())!;
    expect(box.height).toBeLessThan(2 * line.height);
    expect((await page.getByRole("region", { name: /Decision support/ }).boundingBox())!.height).toBeLessThan(110);
    await expect(card.locator(".cds-summary").getAttribute("title")).resolves.toMatch(/^Stage: preparation; /);
  }, 40_000);

  it("marks a card with a safety warning (Sofia: no MOUD while in CM) and has no axe violations", async () => {
    await page.getByLabel("Patient").selectOption(SOFIA);
    await expect.poll(async () => (await cards().first().innerText().catch(() => "")).slice(0, 7), { timeout: 20_000 }).toBe("WARNING");
    expect(await axe(page)).toEqual([]);
  }, 40_000);

  it("says there is no card for a chart without OUD data", async () => {
    await page.getByLabel("Patient").selectOption(PAIN);
    await expect.poll(() => page.locator("#cds-status").innerText(), { timeout: 20_000 }).toMatch(/No card/);
    expect(await cards().count()).toBe(0);
  }, 40_000);

  it("the card's smart link launches the app for the selected patient, with iss and launch", async () => {
    await page.getByLabel("Patient").selectOption(ANDRE);
    await expect.poll(() => cards().count(), { timeout: 20_000 }).toBe(1);
    await cards().first().getByRole("button", { name: "Open Stagewise" }).click();
    await expect.poll(() => page.locator("#app-frame").getAttribute("src"), { timeout: 20_000 }).toContain(appLaunchUrl);
    const src = new URL((await page.locator("#app-frame").getAttribute("src"))!);
    expect(src.searchParams.get("iss")).toBe(sandbox.fhirBase);
    const launch = src.searchParams.get("launch")!;
    const info = (await (await fetch(`${sandbox.origin}/ehr/api/launch/${launch}`)).json()) as { patient: string };
    expect(info.patient).toBe(ANDRE);
  }, 40_000);
});
