// Screenshots of every screen for a visual review (not a test): the EHR simulator, the launch page and the
// sandbox's standalone sign-in/patient picker, loading, the workspace sections for several patients, the plan
// editor, the save result, a save conflict and the error screens, each at 1280×800 and at 768 px wide.
//
//   node scripts/screenshots.ts [outDir]        (default /tmp/stagewise-screens)
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Page } from "playwright-core";
import { startSandbox } from "../launch/server.ts";
import { appClient, buildAndPreview, chromiumPath, ehrLaunchUrl, waitForWorkspace } from "../test/e2e/helpers/browser.ts";

const OUT = process.argv[2] ?? "/tmp/stagewise-screens";
const WIDTHS = [
  { name: "1280", width: 1280, height: 800 },
  { name: "768", width: 768, height: 900 },
];
const PATIENTS = [
  "pw-andre-cm-escalating",
  "pw-sofia-readiness-ruler-cm-prize",
  "pw-marcus-cm-fixed-stimulants",
  "pw-tomas-unknown-stage-overdose",
  "pw-derek-return-to-use",
  "pw-helen-five-year-history",
  "pw-grace-stale-stage-pain-patch",
  "pw-linda-maintenance-sublocade",
];
const SECTIONS = ["#summary", "#urine-tests", "#cm", "#recommendations", "#plan"];

mkdirSync(OUT, { recursive: true });
const app = await buildAndPreview();
const sandbox = await startSandbox({ port: 0, quiet: true, clients: [appClient(app.origin)] });
const exe = await chromiumPath();
// One persistent context (the @sparticuz build runs single-process: a second context would end it); pages
// are independent launches anyway (fhirclient keeps its state in per-tab sessionStorage).
const profile = mkdtempSync(join(tmpdir(), "stagewise-shots-"));
const browser = await chromium.launchPersistentContext(profile, { ...exe, headless: true });
async function newPage(w: { width: number; height: number }): Promise<Page> {
  const page = await browser.newPage();
  await page.setViewportSize({ width: w.width, height: w.height });
  return page;
}
const shots: string[] = [];

async function shot(page: Page, name: string, opts: { fullPage?: boolean; selector?: string } = {}): Promise<void> {
  const file = join(OUT, `${name}.png`);
  if (opts.selector) await page.locator(opts.selector).first().screenshot({ path: file });
  else await page.screenshot({ path: file, fullPage: opts.fullPage ?? false });
  shots.push(file);
}

async function launched(patient: string, w: (typeof WIDTHS)[number], mode: "window" | "iframe" = "window"): Promise<Page> {
  const page = await newPage(w);
  await page.goto(await ehrLaunchUrl(sandbox, patient, mode, app.origin));
  await waitForWorkspace(page);
  // Element screenshots scroll; a sticky section nav would then be drawn over the element.
  await page.addStyleTag({ content: ".section-nav { position: static !important; }" });
  return page;
}

try {
  for (const w of WIDTHS) {
    const page = await newPage(w);
    // The EHR simulator, before and after an embedded launch.
    await page.goto(sandbox.ehrUrl);
    await page.locator("#patient option").first().waitFor({ state: "attached" });
    await page.locator("#launch-url").fill(`${app.origin}/launch.html`);
    await shot(page, `${w.name}-ehr-simulator`, { fullPage: true });
    await page.locator("#patient").selectOption("pw-andre-cm-escalating");
    await page.getByRole("button", { name: "Launch app" }).click();
    const frame = page.frameLocator("#app-frame");
    await frame.getByRole("heading", { name: "Recommendations", level: 2 }).waitFor({ timeout: 20_000 });
    await shot(page, `${w.name}-ehr-simulator-embedded`, { fullPage: true });
    // The launch page asking for a server, then the sandbox's sign-in and patient picker.
    await page.goto(`${app.origin}/launch.html`);
    await page.getByLabel("FHIR server address").waitFor();
    await shot(page, `${w.name}-launch-page`);
    await page.getByLabel("FHIR server address").fill(sandbox.fhirBase);
    await page.getByRole("button", { name: "Connect" }).click();
    await page.getByRole("button", { name: "Allow" }).waitFor();
    await shot(page, `${w.name}-standalone-picker`, { fullPage: true });
    // A launch page error (an unreachable server).
    await page.goto(`${app.origin}/launch.html?iss=${encodeURIComponent("http://127.0.0.1:9/fhir")}&launch=x`);
    await page.locator("[role=alert]").waitFor({ timeout: 10_000 });
    await shot(page, `${w.name}-launch-error`);
    // The app page opened without a launch.
    await page.goto(`${app.origin}/`);
    await page.getByText("Stagewise could not start").waitFor();
    await shot(page, `${w.name}-could-not-start`);
    await page.close();

    // Loading: the Observation search held back.
    {
      const p = await newPage(w);
      let release: () => void = () => undefined;
      const held = new Promise<void>((r) => (release = r));
      await p.route(/\/fhir\/Observation\?/, async (route) => {
        await held;
        await route.continue();
      });
      await p.goto(await ehrLaunchUrl(sandbox, "pw-andre-cm-escalating", "window", app.origin));
      await p.getByRole("heading", { name: "Reading the patient's record" }).waitFor({ timeout: 20_000 });
      await p.waitForTimeout(300);
      await shot(p, `${w.name}-loading`);
      release();
      await waitForWorkspace(p);
      await p.close();
    }
    // Record could not be read (the Patient read fails), and an incomplete record (the Condition search fails).
    {
      const p = await newPage(w);
      await p.route(/\/fhir\/Patient\/[^/?]+$/, (route) => route.fulfill({ status: 500, contentType: "application/fhir+json", body: JSON.stringify({ resourceType: "OperationOutcome", issue: [{ severity: "error", code: "exception", diagnostics: "Database unavailable" }] }) }));
      await p.goto(await ehrLaunchUrl(sandbox, "pw-andre-cm-escalating", "window", app.origin));
      await p.getByRole("heading", { name: "The record could not be read" }).waitFor({ timeout: 20_000 });
      await shot(p, `${w.name}-error-record-unreadable`);
      await p.close();
    }
    {
      const p = await newPage(w);
      await p.route(/\/fhir\/Condition\?/, (route) => route.fulfill({ status: 403, contentType: "application/fhir+json", body: JSON.stringify({ resourceType: "OperationOutcome", issue: [{ severity: "error", code: "forbidden", details: { text: "Access to Condition is not granted" } }] }) }));
      await p.goto(await ehrLaunchUrl(sandbox, "pw-maria-precontemplation", "window", app.origin));
      await waitForWorkspace(p);
      await shot(p, `${w.name}-error-incomplete`);
      await p.close();
    }

    // The workspace, section by section, for several patients.
    for (const patient of PATIENTS) {
      const p = await launched(patient, w);
      const short = patient.replace(/^pw-/, "").split("-")[0];
      await shot(p, `${w.name}-${short}-top`);
      if (patient === PATIENTS[0]) {
        // A jump from the sticky section nav (the nav must not cover the section's heading).
        await p.addStyleTag({ content: ".section-nav { position: sticky !important; }" });
        await p.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "Contingency management" }).click();
        await p.waitForTimeout(200);
        await shot(p, `${w.name}-${short}-nav-jump-cm`);
        await p.addStyleTag({ content: ".section-nav { position: static !important; }" });
      }
      for (const s of SECTIONS) await shot(p, `${w.name}-${short}-section-${s.slice(1)}`, { selector: s });
      await p.close();
    }

    // Plan editor flow: record a stage, edit, add a goal, save, update, a conflict, a failed save.
    {
      const p = await launched("pw-sofia-readiness-ruler-cm-prize", w);
      await p.getByLabel("Readiness ruler (0–10)").check();
      await p.locator("#ruler-score").fill("8");
      await shot(p, `${w.name}-record-ruler`, { selector: "#summary" });
      await p.getByRole("button", { name: "Record", exact: true }).click();
      await p.getByText(/^Recorded: readiness 8 of 10/).waitFor();
      await shot(p, `${w.name}-record-ruler-done`, { selector: "#summary" });
      await p.getByRole("button", { name: "Add a goal" }).click();
      await p.getByLabel("Goal 1", { exact: true }).fill("Four negative weeks in a row");
      await p.getByLabel("Goal 1 due date").fill("2030-01-31");
      await p.evaluate(() => document.querySelectorAll("details").forEach((d) => (d.open = true)));
      await shot(p, `${w.name}-plan-editor`, { selector: "#plan" });
      await p.route((u) => u.href === `${sandbox.fhirBase}` || u.href === `${sandbox.fhirBase}/`, (route) => (route.request().method() === "POST" ? route.abort("connectionreset") : route.continue()), { times: 1 });
      await p.getByRole("button", { name: "Save plan" }).click();
      await p.getByText("The plan was not saved").waitFor();
      await p.locator(".plan-editor .error-message").scrollIntoViewIfNeeded();
      await shot(p, `${w.name}-save-failed`);
      await p.getByRole("button", { name: "Save plan" }).click();
      await p.locator(".save-result").waitFor();
      await shot(p, `${w.name}-save-result`, { selector: ".save-result" });
      await shot(p, `${w.name}-save-result-page`);
      // Someone else changes the stored plan: the next save meets a 412.
      const id = /CarePlan\/([^,\s]+), version/.exec(await p.locator(".save-result").innerText())?.[1];
      const plan = await sandbox.store.readResource("CarePlan", id!);
      await sandbox.store.updateResource({ ...plan, title: "Changed elsewhere" });
      await p.getByRole("button", { name: "Save changes" }).click();
      await p.locator(".conflict").waitFor();
      await p.locator(".conflict").scrollIntoViewIfNeeded();
      await shot(p, `${w.name}-save-conflict`);
      await p.close();
    }
  }
  console.log(shots.join("\n"));
} finally {
  await browser.close();
  await sandbox.close();
  await app.close();
  rmSync(profile, { recursive: true, force: true });
}
