// XSS in headless Chromium: hostile strings (test/e2e/helpers/hostile.ts) wherever text reaches the screen — a
// patient seeded at runtime through the sandbox's FHIR API whose name, identifier, Observation code texts and
// values, MedicationRequest texts, Condition texts, CarePlan title, activity and narrative, and Goal carry them; an
// OperationOutcome's text (one search answered with it); hostile launch and error parameters on launch.html and
// index.html; hostile notes typed into the plan editor and saved. Nothing executes (no dialog), nothing is injected
// (no element a payload would create), and the strings show as the text they are; the saved narrative is escaped
// XHTML.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Bundle, BundleEntry, CarePlan, FhirResource } from "fhir/r4.js";
import { chromium, type BrowserContext, type Frame, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEV_REDIRECT_URI, getToken } from "../../launch/dev-client.ts";
import { startSandbox, type Sandbox } from "../../launch/server.ts";
import { escapeXhtml } from "../../src/clinical/plan-narrative.ts";
import { writeRewardObservation } from "../../src/clinical/reward-log.ts";
import { cmCarePlan, medRequest, oudCondition, overdose, patient, stage, uds } from "../helpers/resources.ts";
import { fhir } from "../integration/helpers/sandbox.ts";
import { appClient, buildAndPreview, chromiumPath, ehrLaunchUrl, openTab, waitForWorkspace, type BuiltApp, startNewPlan } from "./helpers/browser.ts";
import { HOSTILE, HOSTILE_LONG, INJECTED_SELECTOR } from "./helpers/hostile.ts";
import { closeAll, watch, type Watch } from "./helpers/watch.ts";

let sandbox: Sandbox;
let app: BuiltApp;
let context: BrowserContext;
let w: Watch;
let patientId: string;
const dialogs: string[] = [];
const profileDir = mkdtempSync(join(tmpdir(), "stagewise-xss-profile-"));

function daysAgo(n: number): string {
  const d = new Date(Date.now() - n * 86_400_000);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

/** The hostile patient's record, as one transaction (urn:uuid references; the server assigns the ids). */
function hostileRecord(): Bundle {
  const p = "urn:uuid:6d2b1c1e-0000-4000-8000-000000000001";
  const subject = { reference: p };
  const CM_PLAN = "urn:uuid:6d2b1c1e-0000-4000-8000-000000000009"; // the reward's basedOn points at it
  const resources: [string, FhirResource][] = [
    [
      p,
      {
        ...patient("ignored"),
        id: undefined,
        name: [{ use: "official", family: HOSTILE.script, given: [HOSTILE.img, HOSTILE.unicode] }],
        identifier: [{ type: { text: HOSTILE.attribute }, value: HOSTILE.svg }],
      } as FhirResource,
    ],
    ["urn:uuid:1", { ...stage("contemplation", daysAgo(3), "x"), id: undefined, subject, code: { ...stage("contemplation", daysAgo(3)).code, text: HOSTILE.breakout } } as FhirResource],
    // A fentanyl result whose code text is hostile, and an opiates result whose value is (unreadable: a warning quotes it).
    ["urn:uuid:2", { ...uds("fentanyl", "pos", daysAgo(5), "x"), id: undefined, subject, code: { coding: [{ system: "http://loinc.org", code: "59673-4", display: HOSTILE.textarea }], text: HOSTILE.textarea } } as FhirResource],
    ["urn:uuid:3", { ...uds("opiates", "neg", daysAgo(5), "x"), id: undefined, subject, valueString: HOSTILE.template } as FhirResource],
    ["urn:uuid:4", { ...uds("cocaine", "neg", daysAgo(5), "x"), id: undefined, subject, valueString: HOSTILE_LONG } as FhirResource],
    // Buprenorphine coded (display hostile) and one without a code whose text a warning quotes.
    [
      "urn:uuid:5",
      { ...medRequest("suboxoneFilm", daysAgo(60), "active", "x"), id: undefined, subject, medicationCodeableConcept: { coding: [{ system: "http://www.nlm.nih.gov/research/umls/rxnorm", code: "1010603", display: HOSTILE.link }], text: HOSTILE.link } } as FhirResource,
    ],
    ["urn:uuid:6", { resourceType: "MedicationRequest", status: "active", intent: "order", subject, authoredOn: daysAgo(30), medicationCodeableConcept: { text: `naloxone ${HOSTILE.iframe}` } } as FhirResource],
    ["urn:uuid:7", { ...oudCondition("x"), id: undefined, subject, code: { coding: [{ system: "http://hl7.org/fhir/sid/icd-10-cm", code: "F11.20", display: HOSTILE.details }], text: HOSTILE.details } } as FhirResource],
    ["urn:uuid:8", { ...overdose(daysAgo(20), "x"), id: undefined, subject, code: { coding: [{ system: "http://hl7.org/fhir/sid/icd-10-cm", code: "T40.411A", display: HOSTILE.entities }], text: HOSTILE.entities } } as FhirResource],
    [
      CM_PLAN,
      (() => {
        const plan = { ...cmCarePlan(daysAgo(21), "escalating", "x"), id: undefined, subject } as CarePlan;
        plan.title = HOSTILE.cdata;
        plan.note = [{ text: HOSTILE.jsUrl }];
        plan.activity![0]!.detail!.description = HOSTILE.singleQuote;
        plan.activity![0]!.progress = [{ time: `${daysAgo(2)}T10:00:00Z`, text: `progress note ${HOSTILE.img}` }]; // a dated progress note
        plan.text = { status: "generated", div: `<div xmlns="http://www.w3.org/1999/xhtml"><p>${escapeXhtml(HOSTILE.script)}</p></div>` };
        return plan as FhirResource;
      })(),
    ],
    ["urn:uuid:10", { resourceType: "Goal", lifecycleStatus: "active", subject, description: { text: HOSTILE.svg } } as FhirResource],
    // A reward handed out on the CM plan, its note hostile (the reward log on the Contingency management tab).
    [
      "urn:uuid:11",
      writeRewardObservation(
        { kind: "voucher", amount: 10 },
        { patient: p, carePlan: CM_PLAN, author: null, date: daysAgo(14), now: `${daysAgo(14)}T10:00:00Z`, identifier: "xss-reward-1", note: `reward note ${HOSTILE.breakout}` },
      ) as FhirResource,
    ],
  ];
  const entry: BundleEntry[] = resources.map(([fullUrl, resource]) => ({ fullUrl, resource, request: { method: "POST", url: resource.resourceType } }));
  return { resourceType: "Bundle", type: "transaction", entry };
}

beforeAll(async () => {
  app = await buildAndPreview();
  const client = appClient(app.origin);
  sandbox = await startSandbox({ port: 0, quiet: true, clients: [{ ...client, redirect_uris: [...client.redirect_uris, DEV_REDIRECT_URI] }] });
  const token = (await getToken({ fhirBase: sandbox.fhirBase, scope: "user/*.cruds", user: "clinician" })).access_token;
  const res = await fhir<Bundle>(sandbox, token, "", { method: "POST", body: hostileRecord() });
  if (res.status !== 200) throw new Error(`seeding the hostile patient: HTTP ${res.status} ${JSON.stringify(res.body).slice(0, 500)}`);
  patientId = /Patient\/([^/]+)/.exec(res.body.entry![0]!.response!.location!)![1]!;
  context = await chromium.launchPersistentContext(profileDir, { ...(await chromiumPath()), headless: true, viewport: { width: 1280, height: 800 } });
  context.on("page", (page) =>
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    }),
  );
  w = await watch(context);
}, 120_000);

afterAll(() => closeAll(profileDir, context, sandbox, app));

/** Nothing ran, nothing was injected. */
async function expectInert(target: Page | Frame): Promise<void> {
  expect(dialogs).toEqual([]);
  expect(w.pageErrors).toEqual([]);
  expect(await target.locator(INJECTED_SELECTOR).count()).toBe(0);
  expect(await target.evaluate(() => document.querySelectorAll("script:not([src])").length)).toBe(0);
}

/** The visible text of every tab of the workspace in turn, with the whitespace the browser collapses collapsed. */
async function shown(target: Page | Frame): Promise<string> {
  if ((await target.getByRole("tab").count()) === 0) return (await target.locator("body").innerText()).replace(/\s+/g, " ");
  const texts: string[] = [];
  for (const tab of [/^Overview/, /^Urine tests/, /^Contingency management/, /^Recommendations/, /^Plan/]) {
    await openTab(target, tab);
    await target.evaluate(() => document.querySelectorAll("details").forEach((d) => (d.open = true)));
    texts.push(await target.locator("body").innerText());
  }
  await openTab(target, /^Overview/);
  return texts.join("\n").replace(/\s+/g, " ");
}

describe("a patient whose record is full of hostile strings", () => {
  let page: Page;
  beforeAll(async () => {
    page = await context.newPage();
    await page.goto(await ehrLaunchUrl(sandbox, patientId, "window", app.origin));
    await waitForWorkspace(page);
    await page.evaluate(() => document.querySelectorAll("details").forEach((d) => (d.open = true)));
  }, 60_000);
  afterAll(() => page?.close());

  it("runs no script and injects no element", async () => {
    await expectInert(page);
  });

  it.each([
    ["the name in the banner", HOSTILE.script],
    ["the given names in the banner", HOSTILE.img],
    ["Unicode tricks in the name", HOSTILE.unicode],
    ["the identifier", HOSTILE.svg],
    ["the identifier's type", HOSTILE.attribute],
    ["an unreadable urine result (quoted in a warning)", HOSTILE.template],
    ["a medication's name", HOSTILE.link],
    ["an uncoded medication (quoted in a warning)", HOSTILE.iframe],
    ["the care plan's title", HOSTILE.cdata],
    ["an overdose Condition's text (a safety item)", HOSTILE.entities],
    ["a reward's note in the reward log", `reward note ${HOSTILE.breakout}`],
    ["a stored plan's activity progress note", `progress note ${HOSTILE.img}`],
  ])("shows %s as text", async (_where, payload) => {
    expect(await shown(page)).toContain(payload.replace(/\s+/g, " "));
  });

  it("shows the 20,000-character value without breaking the page", async () => {
    expect(await shown(page)).toContain(HOSTILE_LONG.slice(0, 60));
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
  });

  it("typed hostile notes are saved as escaped XHTML, and the stored narrative reads back as the same text", async () => {
    const notes = [HOSTILE.script, HOSTILE.textarea, HOSTILE.cdata, HOSTILE.entities, HOSTILE.unicode];
    const text = notes.join("\n");
    await openTab(page, /^Plan/);
    // The active CM plan (written elsewhere: no Stagewise identifier) opens read-only; a new plan leaves it as it is.
    await startNewPlan(page, false);
    await page.getByLabel("Activity text: Contingency management", { exact: true }).fill(text);
    await page.getByRole("button", { name: "Add a goal" }).click();
    await page.getByLabel("Goal 1", { exact: true }).fill(HOSTILE.attribute);
    const before = new Set([...sandbox.store.all("CarePlan")].map((p) => p.id));
    await page.getByRole("button", { name: "Save plan" }).click();
    await page.locator(".save-result").waitFor({ timeout: 10_000 });
    await expectInert(page);
    const saved = [...sandbox.store.all("CarePlan")].find((p) => !before.has(p.id)) as CarePlan;
    const div = saved.text!.div;
    expect(div).not.toMatch(/<(script|img|svg|iframe|a|details|textarea)\b/i);
    expect(div).toContain("&lt;script&gt;");
    // Parsed as XHTML (as an EHR would render it): well-formed, only the narrative's own elements, no attributes
    // but the namespace, and every note and the goal back as text.
    const parsed = await page.evaluate((xhtml) => {
      const doc = new DOMParser().parseFromString(xhtml, "application/xhtml+xml");
      const all = [...doc.querySelectorAll("*")];
      return {
        error: doc.querySelector("parsererror")?.textContent ?? null,
        tags: [...new Set(all.map((e) => e.localName))].sort(),
        attributes: all.flatMap((e) => [...e.attributes].map((a) => a.name)).filter((n) => n !== "xmlns"),
        text: doc.documentElement.textContent ?? "",
      };
    }, div);
    expect(parsed.error).toBeNull();
    expect(parsed.tags.every((t) => ["b", "br", "div", "h2", "h3", "li", "p", "span", "table", "tbody", "td", "th", "thead", "tr", "ul"].includes(t)), parsed.tags.join()).toBe(true);
    expect(parsed.attributes).toEqual([]);
    for (const note of [...notes, HOSTILE.attribute]) expect(parsed.text).toContain(note);
  }, 45_000);
});

describe("an OperationOutcome with hostile text", () => {
  it("is shown as text under 'Incomplete record'", async () => {
    const page = await context.newPage();
    const said = `${HOSTILE.img} ${HOSTILE.script}`;
    await page.route(
      (u) => u.href.startsWith(`${sandbox.fhirBase}/Goal?`),
      (route) => route.fulfill({ status: 500, contentType: "application/fhir+json", body: JSON.stringify({ resourceType: "OperationOutcome", issue: [{ severity: "error", code: "exception", diagnostics: said }] }) }),
    );
    await page.goto(await ehrLaunchUrl(sandbox, patientId, "window", app.origin));
    await waitForWorkspace(page);
    const incomplete = page.locator("section.incomplete");
    expect(await incomplete.innerText()).toContain(said);
    await expectInert(page);
    await page.close();
  }, 60_000);
});

describe("hostile launch and error parameters", () => {
  const param = (s: string) => encodeURIComponent(s);
  it.each([
    ["launch.html: iss and launch", () => `${app.origin}/launch.html?iss=${param(HOSTILE.script)}&launch=${param(HOSTILE.img)}`, [HOSTILE.script]],
    ["launch.html: a javascript: iss", () => `${app.origin}/launch.html?iss=${param(HOSTILE.jsUrl)}`, [HOSTILE.jsUrl]],
    ["index.html: an OAuth error and its description", () => `${app.origin}/?error=${param(HOSTILE.svg)}&error_description=${param(HOSTILE.attribute)}&state=${param(HOSTILE.script)}`, [HOSTILE.svg, HOSTILE.attribute]],
    ["index.html: a code and state that were never issued", () => `${app.origin}/?code=${param(HOSTILE.img)}&state=${param(HOSTILE.textarea)}`, []],
  ])("%s: an error shown as text, nothing run", async (_label, url, visible) => {
    const page = await context.newPage();
    w.clear();
    await page.goto(url());
    await page.locator('[role="alert"]').first().waitFor({ timeout: 15_000 });
    const text = await shown(page);
    for (const v of visible) expect(text).toContain(v);
    await expectInert(page);
    await page.close();
  }, 30_000);
});
