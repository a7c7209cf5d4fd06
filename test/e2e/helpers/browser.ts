// Shared setup for the browser end-to-end tests (and the launch benchmark): the production build served by Vite's
// preview server, headless Chromium (@sparticuz/chromium; STAGEWISE_CHROMIUM=/usr/bin/chromium overrides it), the
// app's client registration at the sandbox, an EHR launch through the simulator's API, and axe.
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { AxeBuilder } from "@axe-core/playwright";
import sparticuz from "@sparticuz/chromium";
import { chromium, type BrowserContext, type Frame, type Page } from "playwright-core";
import { preview, type InlineConfig, type PreviewServer } from "vite";
import { DEV_REDIRECT_URI, getToken } from "../../../launch/dev-client.ts";
import { startSandbox, type Sandbox } from "../../../launch/server.ts";
import { productionBuild } from "./build.ts";

export { productionBuild };

export const ROOT = fileURLToPath(new URL("../../..", import.meta.url));

export async function chromiumPath(): Promise<{ executablePath: string; args: string[] }> {
  if (process.env.STAGEWISE_CHROMIUM) return { executablePath: process.env.STAGEWISE_CHROMIUM, args: ["--no-sandbox"] };
  return { executablePath: await sparticuz.executablePath(), args: sparticuz.args };
}

/** The app's registration at the sandbox for the given origins (ports picked at random). */
export function appClient(...origins: string[]) {
  return { client_id: "stagewise", name: "Stagewise", launch_url: `${origins[0]}/launch.html`, redirect_uris: origins.map((o) => `${o}/`) };
}

/** Asks the EHR simulator for a launch (what its "Launch app" button does); returns the URL the EHR opens. */
export async function ehrLaunchUrl(sandbox: Pick<Sandbox, "origin">, patient: string, mode: "window" | "iframe", appOrigin: string, user = "clinician"): Promise<string> {
  const res = await fetch(`${sandbox.origin}/ehr/api/launch`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ patient, user, mode, launchUrl: `${appOrigin}/launch.html` }),
  });
  if (res.status !== 200) throw new Error(`EHR launch: HTTP ${res.status} ${await res.text()}`);
  return ((await res.json()) as { url: string }).url;
}

/** The workspace is on screen: the overview tab, down to its next steps. */
export async function waitForWorkspace(target: Page | Frame): Promise<void> {
  await target.getByRole("heading", { name: "Next steps", level: 2 }).waitFor({ timeout: 20_000 });
}

/** An EHR launch in a new window (page) of `context`, once the workspace is on screen. */
export async function launchInWindow(context: BrowserContext, sandbox: Sandbox, patient: string, appOrigin: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(await ehrLaunchUrl(sandbox, patient, "window", appOrigin));
  await waitForWorkspace(page);
  return page;
}

export interface E2eStack {
  app: BuiltApp;
  sandbox: Sandbox;
  /** A clinician's token for the test's own reads (user/*.rs). */
  token: string;
  context: BrowserContext;
  close(): Promise<void>;
}

/** The built app, the sandbox (the app registered; the test's own token client too), a token and one browser. */
export async function startE2eStack(viewport = { width: 1280, height: 800 }): Promise<E2eStack> {
  const app = await buildAndPreview();
  const client = appClient(app.origin);
  // DEV_REDIRECT_URI too: the test's own HTTP token (launch/dev-client.ts) uses it.
  const sandbox = await startSandbox({ port: 0, quiet: true, clients: [{ ...client, redirect_uris: [...client.redirect_uris, DEV_REDIRECT_URI] }] });
  const token = (await getToken({ fhirBase: sandbox.fhirBase, scope: "user/*.rs", user: "clinician" })).access_token;
  const profileDir = mkdtempSync(join(tmpdir(), "stagewise-e2e-profile-"));
  const context = await chromium.launchPersistentContext(profileDir, { ...(await chromiumPath()), headless: true, viewport });
  return {
    app,
    sandbox,
    token,
    context,
    async close() {
      await context.close();
      await sandbox.close();
      await app.close();
      rmSync(profileDir, { recursive: true, force: true });
    },
  };
}

/** Opens a tab of the workspace as a user does (and waits until its panel shows). */
export async function openTab(target: Page | Frame, name: string | RegExp): Promise<void> {
  const tab = target.getByRole("tab", { name });
  await tab.click();
  const panel = await tab.getAttribute("aria-controls");
  await target.locator(`[id="${panel}"]`).waitFor({ state: "visible" });
}

/** The workspace's tabs, by name, in order. */
export const TABS: (string | RegExp)[] = ["Overview", "Urine tests", "Contingency management", /^Recommendations/, "Plan"];

/**
 * Opens every tab in turn as a user does (with every table and evidence list opened too, if asked), calls `each` on
 * it, and returns the visible text of them all; ends back on the overview.
 */
export async function visitEveryTab(
  t: Page | Frame,
  options: { openDetails?: boolean; each?: (tab: string | RegExp) => Promise<void> } = {},
): Promise<string> {
  const texts: string[] = [];
  for (const tab of TABS) {
    await openTab(t, tab);
    if (options.openDetails) await t.evaluate(() => document.querySelectorAll("details").forEach((d) => (d.open = true)));
    await options.each?.(tab);
    texts.push(await t.evaluate(() => document.body.innerText));
  }
  await openTab(t, "Overview");
  return texts.join("\n");
}

/** The synthetic patients (fhir-resources/patients/*.json), by id. */
export function syntheticPatients(): string[] {
  return readdirSync(join(ROOT, "fhir-resources/patients"))
    .filter((f) => /^pw-.*\.json$/.test(f))
    .map((f) => f.replace(/\.json$/, ""))
    .sort();
}

/**
 * The EHR simulator page as a user works it: pick the patient, point it at the app, "Embedded in this page", Launch
 * app. Returns the app's frame once its workspace is on screen.
 */
export async function launchInSimulator(page: Page, sandbox: Sandbox, patient: string, appOrigin: string): Promise<Frame> {
  await page.goto(sandbox.ehrUrl);
  await page.locator(`#patient option[value="${patient}"]`).waitFor({ state: "attached" });
  await page.getByLabel("Patient").selectOption(patient);
  await page.getByLabel("App launch URL").fill(`${appOrigin}/launch.html`);
  await page.getByLabel("Embedded in this page (iframe)").check();
  await page.getByRole("button", { name: "Launch app" }).click();
  const frame = await (await page.waitForSelector("#app-frame")).contentFrame();
  if (!frame) throw new Error("the simulator has no app frame");
  await waitForWorkspace(frame);
  return frame;
}

/** A definition list as shown: each dt's text → its dd's text (whitespace collapsed). */
export function definitionList(target: Page | Frame, selector: string): Promise<Record<string, string>> {
  return target.locator(selector).evaluate((dl) => {
    const out: Record<string, string> = {};
    let key = "";
    for (const el of Array.from(dl.children)) {
      const t = (el.textContent ?? "").replace(/\s+/g, " ").trim();
      if (el.tagName === "DT") key = t;
      else if (el.tagName === "DD" && key) out[key] = t;
    }
    return out;
  });
}

/** axe violations as short lines (rule, count, first targets); [] when clean. */
export async function axe(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations.map((v) => `${v.id} (${v.nodes.length}): ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`);
}

export interface BuiltApp {
  outDir: string;
  server: PreviewServer;
  /** http://127.0.0.1:<port> */
  origin: string;
  close(): Promise<void>;
}

/** `vite build` into a temp folder and `vite preview` of it on a free port of 127.0.0.1. */
export async function buildAndPreview(extra: { before?: (outDir: string) => Promise<void>; config?: InlineConfig } = {}): Promise<BuiltApp> {
  const outDir = mkdtempSync(join(tmpdir(), "stagewise-dist-"));
  await productionBuild({ root: ROOT, logLevel: "silent", ...extra.config, build: { outDir, emptyOutDir: true, sourcemap: false, ...extra.config?.build } });
  await extra.before?.(outDir);
  const server = await preview({ root: ROOT, logLevel: "silent", build: { outDir }, preview: { host: "127.0.0.1", port: 0, strictPort: false } });
  const origin = (server.resolvedUrls?.local[0] ?? "").replace(/\/$/, "");
  return {
    outDir,
    server,
    origin,
    async close() {
      await server.close();
      rmSync(outDir, { recursive: true, force: true });
    },
  };
}

/**
 * On the Plan tab: start a new plan (the editor opens the patient's one active plan by default). With `replacing`,
 * the active plan is completed, with `reason`, in the same save.
 */
export async function startNewPlan(t: Page | Frame, replacing: boolean, reason = "Replaced by a new plan"): Promise<void> {
  await t.getByRole("button", { name: "Start a new plan", exact: true }).click();
  if (!replacing) return;
  await t.getByRole("button", { name: /^Start a new plan replacing/ }).click();
  await t.getByLabel(/^Why it is completed/).fill(reason);
}
