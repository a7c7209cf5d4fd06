// Browser end-to-end: the built app (and the dev server, for React StrictMode) in real headless Chromium against
// the sandbox EHR. EHR launch in a window and in an iframe, standalone launch, two tabs with two patients, plan
// save, address bar and storage hygiene, axe on every tab at 1280×800 and at a 768-px side panel.
// Browser: @sparticuz/chromium (ships in its npm package); STAGEWISE_CHROMIUM=/usr/bin/chromium overrides it.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { createServer, type ViteDevServer } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../../launch/server.ts";
import { appClient, axe, buildAndPreview, chromiumPath, ehrLaunchUrl, openTab, ROOT, TABS, waitForWorkspace, type BuiltApp, startNewPlan } from "./helpers/browser.ts";

const DATE = String.raw`\d{1,2} [A-Z][a-z]{2} \d{4}`;

const ANDRE = "pw-andre-cm-escalating";
const MARIA = "pw-maria-precontemplation";

let sandbox: Sandbox;
let app: BuiltApp;
let appOrigin: string;
let dev: ViteDevServer;
let devOrigin: string;
let context: BrowserContext;
const profileDir = mkdtempSync(join(tmpdir(), "stagewise-e2e-profile-"));

/** Asks the EHR simulator for a launch; returns the URL the EHR would open. */
function ehrLaunch(patient: string, mode: "window" | "iframe", origin = appOrigin): Promise<string> {
  return ehrLaunchUrl(sandbox, patient, mode, origin);
}

beforeAll(async () => {
  app = await buildAndPreview();
  appOrigin = app.origin;
  dev = await createServer({ root: ROOT, logLevel: "silent", server: { port: 0, strictPort: false } });
  await dev.listen();
  devOrigin = (dev.resolvedUrls?.local[0] ?? "").replace(/\/$/, "");
  sandbox = await startSandbox({ port: 0, quiet: true, clients: [appClient(appOrigin, devOrigin)] });
  const browser = await chromiumPath();
  context = await chromium.launchPersistentContext(profileDir, { ...browser, headless: true, viewport: { width: 1280, height: 800 } });
}, 120_000);

afterAll(async () => {
  await context?.close();
  await sandbox?.close();
  await app?.close();
  await dev?.close();
  rmSync(profileDir, { recursive: true, force: true });
});

describe("EHR launch in a window", () => {
  let page: Page;
  const errors: string[] = [];

  const requests: string[] = [];

  beforeAll(async () => {
    page = await context.newPage();
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("request", (r) => requests.push(`${r.method()} ${r.url()}`));
    await page.goto(await ehrLaunch(ANDRE, "window"));
    await waitForWorkspace(page);
  }, 60_000);
  afterAll(() => page?.close());

  it("asks the server for its SMART configuration once: the launch page's read is the one fhirclient authorizes with", () => {
    const config = requests.filter((r) => r.endsWith("/.well-known/smart-configuration"));
    expect(config).toEqual([`GET ${sandbox.fhirBase}/.well-known/smart-configuration`]);
    // …and the launch went on from it: the authorization request, then the token exchange.
    expect(requests.some((r) => r.startsWith(`GET ${sandbox.origin}/auth/authorize?`))).toBe(true);
    expect(requests.filter((r) => r.startsWith("POST") && r.endsWith("/auth/token"))).toHaveLength(1);
  });

  it("shows the patient's record with a banner, and leaves no code, state or token in the address bar", async () => {
    const url = new URL(page.url());
    expect(url.origin + url.pathname).toBe(`${appOrigin}/`);
    expect(url.search).toBe("");
    await expect(page.getByRole("region", { name: "Patient" }).innerText()).resolves.toMatch(/Andr[eé]/);
    await openTab(page, "Contingency management");
    await expect(page.locator(".cm-enrolment").innerText()).resolves.toMatch(new RegExp(`Enrolled from ${DATE} \\(recorded in Contingency management \\(care plan from ${DATE}\\)\\)`));
    expect(await page.locator(".cm-enrolment button").getAttribute("data-ref")).toMatch(/^CarePlan\//);
    await openTab(page, "Overview");
    expect(errors).toEqual([]);
  });

  it("keeps nothing in localStorage", async () => {
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
  });

  it("has no axe violations on any tab at 1280×800, with every table, evidence list and schedule opened", async () => {
    await page.getByRole("button", { name: "Record stage" }).click();
    await page.getByLabel("Readiness ruler (0–10)").check();
    for (const tab of TABS) {
      await openTab(page, tab);
      await page.evaluate(() => document.querySelectorAll("details").forEach((d) => (d.open = true)));
      expect(await axe(page), String(tab)).toEqual([]);
    }
    await openTab(page, "Overview"); // the overview is built again, the stage form closed
  }, 300_000);

  it("fits a 768-px EHR side panel without sideways scrolling, on every tab, with no axe violations", async () => {
    await page.setViewportSize({ width: 768, height: 900 });
    for (const tab of TABS) {
      await openTab(page, tab);
      expect(await page.evaluate(() => document.documentElement.scrollWidth), String(tab)).toBeLessThanOrEqual(768);
      expect(await axe(page), String(tab)).toEqual([]);
    }
    await openTab(page, "Overview");
    await page.setViewportSize({ width: 1280, height: 800 });
  }, 300_000);

  it("saves the plan as one transaction the server stores with the security labels, and a second Save updates it", async () => {
    const before = [...sandbox.store.all("CarePlan")].length;
    await page.getByRole("button", { name: "Open plan" }).click();
    await startNewPlan(page, true); // the stored CM plan opens by default; this one replaces it
    await page.getByLabel("Activity text: Contingency management").fill("CM weekly, vouchers for opioid-negative tests");
    await page.getByRole("button", { name: "Save plan" }).click();
    const result = page.locator(".save-result");
    await result.waitFor({ timeout: 10_000 });
    expect(await result.innerText()).toMatch(/Care plan: created \(version 1\)/);
    const plans = [...sandbox.store.all("CarePlan")];
    expect(plans.length).toBe(before + 1);
    const saved = plans.find((p) => (p as { activity?: { detail?: { description?: string } }[] }).activity?.some((a) => a.detail?.description === "CM weekly, vouchers for opioid-negative tests"));
    expect(saved).toBeDefined();
    expect((saved as { meta?: { security?: { code?: string }[] } }).meta?.security?.map((s) => s.code)).toEqual(expect.arrayContaining(["R", "42CFRPart2"]));

    await page.getByRole("button", { name: "Save changes" }).click();
    await page.getByText("The plan was updated.").waitFor({ timeout: 10_000 });
    expect([...sandbox.store.all("CarePlan")].length).toBe(before + 1);
  }, 40_000);

  it("a reload keeps the session (sessionStorage) without a new launch", async () => {
    await page.reload();
    await waitForWorkspace(page);
    await expect(page.getByRole("region", { name: "Patient" }).innerText()).resolves.toMatch(/Andr[eé]/);
  });
});

describe("EHR launch in an iframe", () => {
  it("authorizes inside the frame and leaves the banner to the EHR", async () => {
    const page = await context.newPage();
    const url = await ehrLaunch(MARIA, "iframe");
    // Framed by an EHR page (a secure context: 127.0.0.1; an about:blank parent would not be one, and WebCrypto
    // for PKCE needs it).
    await page.goto(sandbox.ehrUrl);
    await page.evaluate((src) => {
      const f = Object.assign(document.createElement("iframe"), { src, title: "Stagewise", width: "768", height: "900", id: "embedded-stagewise" });
      document.body.append(f);
    }, url);
    const frame = await (await page.waitForSelector("#embedded-stagewise")).contentFrame();
    await waitForWorkspace(frame!);
    expect(new URL(frame!.url()).search).toBe("");
    expect(await frame!.locator('[aria-label="Patient"]').count()).toBe(0);
    // The patient is still named in the app's header (the EHR's own banner may be out of sight).
    expect(await frame!.locator(".app-header").innerText()).toMatch(/Maria Elena Alvarez/);
    await expect(frame!.locator('[data-testid="stage-value"]').innerText()).resolves.toMatch(/^Precontemplation/);
    await page.close();
  }, 60_000);
});

describe("two tabs, two patients", () => {
  it("each tab keeps its own patient, also after a reload", async () => {
    const a = await context.newPage();
    const b = await context.newPage();
    await a.goto(await ehrLaunch(ANDRE, "window"));
    await b.goto(await ehrLaunch(MARIA, "window"));
    await Promise.all([waitForWorkspace(a), waitForWorkspace(b)]);
    await a.reload();
    await waitForWorkspace(a);
    expect(await a.getByRole("region", { name: "Patient" }).innerText()).toMatch(/Andr[eé]/);
    expect(await b.getByRole("region", { name: "Patient" }).innerText()).toMatch(/Maria/);
    await Promise.all([a.close(), b.close()]);
  }, 60_000);
});

describe("standalone launch", () => {
  it("asks for the server, lets the user pick a patient, and opens the record", async () => {
    const page = await context.newPage();
    await page.goto(`${appOrigin}/launch.html`);
    await page.getByLabel("FHIR server address").fill(sandbox.fhirBase);
    await page.getByRole("button", { name: "Connect" }).click();
    await page.getByLabel("Patient").selectOption(MARIA);
    await page.getByRole("button", { name: "Allow" }).click();
    await waitForWorkspace(page);
    expect(new URL(page.url()).search).toBe("");
    expect(await page.getByRole("region", { name: "Patient" }).innerText()).toMatch(/Maria/);
    await page.close();
  }, 60_000);
});

describe("dev server (React StrictMode)", () => {
  it("finishes the launch once although StrictMode runs effects twice", async () => {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(await ehrLaunch(MARIA, "window", devOrigin));
    await waitForWorkspace(page);
    expect(errors).toEqual([]);
    expect(await page.locator(".error-message").count()).toBe(0);
    await page.close();
  }, 90_000);
});
