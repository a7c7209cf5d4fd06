// Screenshots for a visual review (not a test): the first screen of every synthetic patient at 1280×800 and at a
// 768-px side panel, in a window and embedded in the EHR simulator (after Launch, as the user sees it); every tab for
// a few patients; the EHR simulator, the launch page and the sandbox's standalone sign-in/patient picker, loading,
// the plan editor, the save result, a save conflict and the error screens.
//
//   node scripts/screenshots.ts [outDir] [--only first-screens|plans]  (default /tmp/stagewise-screens)
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Page } from "playwright-core";
import { startSandbox } from "../launch/server.ts";
import {
  appClient,
  buildAndPreview,
  chromiumPath,
  ehrLaunchUrl,
  launchInSimulator,
  openTab,
  startNewPlan,
  syntheticPatients,
  waitForWorkspace,
} from "../test/e2e/helpers/browser.ts";

const args = process.argv.slice(2);
const OUT = args.find((a) => !a.startsWith("--")) ?? "/tmp/stagewise-screens";
const ONLY_FIRST = args.includes("--only") && args[args.indexOf("--only") + 1] === "first-screens";
const ONLY_PLANS = args.includes("--only") && args[args.indexOf("--only") + 1] === "plans";
const WIDTHS = [
  { name: "1280", width: 1280, height: 800 },
  { name: "768", width: 768, height: 900 },
];
/** Every tab, full page, for these. */
const TOURED = ["pw-andre-cm-escalating", "pw-derek-return-to-use", "pw-tomas-unknown-stage-overdose", "pw-aisha-preparation-naltrexone"];
const TABS = ["Overview", "Urine tests", "Contingency management", /^Recommendations/, "Plan"];
const tabFile = (t: string | RegExp) => (typeof t === "string" ? t : "Recommendations").toLowerCase().replace(/\s+/g, "-");

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

async function launched(patient: string, w: (typeof WIDTHS)[number]): Promise<Page> {
  const page = await newPage(w);
  await page.goto(await ehrLaunchUrl(sandbox, patient, "window", app.origin));
  await waitForWorkspace(page);
  return page;
}

const short = (patient: string) => patient.replace(/^pw-/, "").split("-")[0];

try {
  // The first screen of every patient, in a window and embedded in the simulator, as it is right after the launch.
  // The Plan tab: a stored plan opened by default, the list of plans, another system's plan read-only.
  for (const w of ONLY_FIRST ? [] : WIDTHS) {
    const linda = await launched("pw-linda-maintenance-sublocade", w);
    await openTab(linda, "Plan");
    await shot(linda, `${w.name}-plan-open-linda`);
    await shot(linda, `${w.name}-plan-open-linda-page`, { fullPage: true });
    await linda.locator(".plan-list-box > summary").click();
    await shot(linda, `${w.name}-plan-list-linda`, { selector: ".plan-list-box" });
    // Someone else saves the plan first: the next save meets a 412 and shows the merge view.
    const stored = await sandbox.store.readResource("CarePlan", "pw-linda-maintenance-sublocade-plan-maintenance");
    await sandbox.store.updateResource({ ...stored, title: `Changed elsewhere (${w.name})` });
    await linda.getByLabel("Title (optional)").fill("Changed here too");
    await linda.getByRole("button", { name: "Save changes" }).click();
    await linda.locator(".plan-merge").waitFor();
    await shot(linda, `${w.name}-plan-merge-linda`, { selector: ".plan-merge" });
    await linda.close();
    const kevin = await launched("pw-kevin-free-text-no-medication", w);
    await openTab(kevin, "Plan");
    await shot(kevin, `${w.name}-plan-readonly-kevin`);
    // Continued in a new version (not saved): the summary names the plan it continues.
    await kevin.getByRole("button", { name: "Continue in a new version" }).click();
    await kevin.locator(".plan-summary").waitFor();
    await shot(kevin, `${w.name}-plan-continued-kevin`);
    await kevin.close();
  }
  for (const w of ONLY_PLANS ? [] : WIDTHS) {
    for (const patient of syntheticPatients()) {
      const p = await launched(patient, w);
      await shot(p, `${w.name}-first-${short(patient)}-window`);
      await p.close();
      const ehr = await newPage(w);
      await launchInSimulator(ehr, sandbox, patient, app.origin);
      await shot(ehr, `${w.name}-first-${short(patient)}-simulator`);
      await ehr.close();
    }
  }
  for (const w of ONLY_FIRST || ONLY_PLANS ? [] : WIDTHS) {
    // Every tab, full page.
    for (const patient of TOURED) {
      const p = await launched(patient, w);
      for (const t of TABS) {
        await openTab(p, t);
        await shot(p, `${w.name}-tab-${short(patient)}-${tabFile(t)}`, { fullPage: true });
      }
      await p.close();
    }

    const page = await newPage(w);
    // The EHR simulator before a launch.
    await page.goto(sandbox.ehrUrl);
    await page.locator("#patient option").first().waitFor({ state: "attached" });
    await page.locator("#launch-url").fill(`${app.origin}/launch.html`);
    await shot(page, `${w.name}-ehr-simulator`, { fullPage: true });
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
      // The read list is drawn once the reads have taken 400 ms (useRecord's PROGRESS_DELAY_MS).
      await p.getByText("Patient: finished").waitFor({ timeout: 20_000 });
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

    // Record a stage, then the plan: edit, add a goal, save, update, a conflict, a failed save.
    {
      const p = await launched("pw-sofia-readiness-ruler-cm-prize", w);
      await p.getByRole("button", { name: "Record stage" }).click();
      await p.getByLabel("Readiness ruler (0–10)").check();
      await p.locator("#ruler-score").fill("8");
      await shot(p, `${w.name}-record-ruler`);
      await p.getByRole("button", { name: "Record", exact: true }).click();
      await p.getByText(/^Recorded: readiness 8 of 10/).waitFor();
      await shot(p, `${w.name}-record-ruler-done`);
      await p.getByRole("button", { name: "Open plan" }).click();
      // At 1280 px the plan from the CM enrolment is replaced; at 768 px the draft saved at 1280 px is still there,
      // and a draft is not replaced (no prompt).
      await startNewPlan(p, w.name === "1280", "Replaced after the readiness ruler");
      await p.getByRole("button", { name: "Add a goal" }).click();
      await p.getByLabel("Goal 1", { exact: true }).fill("Four negative weeks in a row");
      await p.getByLabel("Goal 1 due date").fill("31 Jan 2030");
      await shot(p, `${w.name}-plan-editor`, { fullPage: true });
      await p.route((u) => u.href === `${sandbox.fhirBase}` || u.href === `${sandbox.fhirBase}/`, (route) => (route.request().method() === "POST" ? route.abort("connectionreset") : route.continue()), { times: 2 }); // the app retries a transaction once after a dropped connection: both fail
      await p.getByRole("button", { name: "Save plan" }).click();
      await p.getByText(/^The (plan was|changes were) not saved/).waitFor();
      await p.locator(".plan-editor .error-message").scrollIntoViewIfNeeded();
      await shot(p, `${w.name}-save-failed`);
      await p.getByRole("button", { name: "Save plan" }).click();
      await p.locator(".save-result").waitFor();
      await shot(p, `${w.name}-save-result`, { selector: ".save-result" });
      await shot(p, `${w.name}-save-result-page`);
      // Someone else changes the stored plan: the next save meets a 412.
      const ref = await p.locator(".save-result li[data-ref^='CarePlan/']").first().getAttribute("data-ref");
      const plan = await sandbox.store.readResource("CarePlan", ref!.slice("CarePlan/".length));
      await sandbox.store.updateResource({ ...plan, title: "Changed elsewhere" });
      await p.getByLabel("Title (optional)").fill("Changed here too");
      await p.getByRole("button", { name: "Save changes" }).click();
      await p.locator(".plan-merge").waitFor();
      await p.locator(".plan-merge").scrollIntoViewIfNeeded();
      await shot(p, `${w.name}-save-conflict`);
      await shot(p, `${w.name}-plan-merge`, { selector: ".plan-merge" });
      await p.close();
    }
  }
} finally {
  console.log(shots.join("\n"));
  await browser.close();
  await sandbox.close();
  await app.close();
  rmSync(profile, { recursive: true, force: true });
}
