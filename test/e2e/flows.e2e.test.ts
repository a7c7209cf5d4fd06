// End-to-end clinical flows on synthetic patients (fhir-resources/patients/, dates shifted to today by the sandbox):
// EHR launch from the simulator page in a new window → the stage, CM status and recommendations the engine derives
// from the same data (read back from the sandbox over HTTP here, independently of the app's own reads), plus a few
// facts known by hand from fhir-resources/patients/README.md → record a stage and see it change → choose, edit,
// add a goal, choose a CM schedule, Save → the sandbox holds the CarePlan, Goal and Provenance with the security
// labels → Save again updates without duplicates; a save that never reached the server is retried into exactly one
// CarePlan. axe on every screen visited.
import type { Bundle, CarePlan, Goal, Provenance, Resource } from "fhir/r4.js";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "../../launch/server.ts";
import { formatDate } from "../../src/app/format.ts";
import { CAREPLAN_ID_SYSTEM, CM_SCHEDULE_EXTENSION } from "../../src/clinical/codes.ts";
import type { CmScheduleKind, CmStatus, Evaluation } from "../../src/clinical/types.ts";
import { allPages, fhir } from "../integration/helpers/sandbox.ts";
import { engineView as readEngineView, today } from "./helpers/engine-view.ts";
import { axe, definitionList, openTab, startE2eStack, startNewPlan, waitForWorkspace, type BuiltApp, type E2eStack } from "./helpers/browser.ts";

let stack: E2eStack;
let sandbox: Sandbox;
let app: BuiltApp;
let context: BrowserContext;
let token: string;

/** The four labels every written resource carries (42 CFR Part 2 / DS4P), written out by hand. */
const LABELS = [
  "http://terminology.hl7.org/CodeSystem/v3-Confidentiality|R",
  "http://terminology.hl7.org/CodeSystem/v3-ActCode|42CFRPart2",
  "http://terminology.hl7.org/CodeSystem/v3-ActCode|SUD",
  "http://terminology.hl7.org/CodeSystem/v3-ActCode|OPIOIDUD",
];

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const usd = (n: number) => `$${n.toFixed(2)}`;
const amount = (cm: CmStatus, n: number) => (cm.schedule === "prize" ? `${n} draw${n === 1 ? "" : "s"}` : usd(n));
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The patient's data as the sandbox holds it now, read over HTTP with a clinician token, through the engine. */
const engineView = (patient: string, options: { schedule?: CmScheduleKind } = {}): Promise<Evaluation> => readEngineView(sandbox, token, patient, options);

async function search<T extends Resource>(query: string): Promise<T[]> {
  const pages = await allPages(sandbox, token, query);
  return pages.flatMap((b: Bundle) => (b.entry ?? []).map((e) => e.resource as T));
}

const labels = (r: Resource) => (r.meta?.security ?? []).map((s) => `${s.system}|${s.code}`);

/** dt → dd text of a definition list. */
const facts = (page: Page, selector: string) => definitionList(page, selector);

async function shownRecommendations(page: Page): Promise<{ primary: string[]; consider: string[] }> {
  await openTab(page, /^Recommendations/);
  return {
    primary: await page.locator('section[aria-labelledby="recs-primary"] h4').allInnerTexts(),
    consider: await page.locator('section[aria-labelledby="recs-consider"] h4').allInnerTexts(),
  };
}

function expectedRecommendations(e: Evaluation): { primary: string[]; consider: string[] } {
  return {
    primary: e.recommendations.filter((r) => r.tier === "primary").map((r) => r.title),
    consider: e.recommendations.filter((r) => r.tier === "consider").map((r) => r.title),
  };
}

/** What the screen shows about CM (this week on the first screen, then the CM tab), next to what the engine says. */
async function expectCm(page: Page, cm: CmStatus): Promise<void> {
  await openTab(page, "Overview");
  const week = cm.weeks.find((w) => w.week === cm.currentWeek)!;
  expect(await page.locator(".cm-week .big-value").innerText()).toMatch(new RegExp(`^Week ${cm.currentWeek} of ${cm.programWeeks}\\b`));
  expect(await page.getByTestId("cm-this-week").innerText()).toContain(`Earned so far: ${amount(cm, cm.earnedTotal)}`);
  if (cm.owed > 0) expect(await page.getByTestId("cm-this-week").innerText()).toContain(`Owed: ${amount(cm, cm.owed)}`);
  else expect(await page.getByTestId("cm-this-week").innerText()).not.toContain("Owed");
  if (week.outcome === "pending") expect(await page.getByTestId("cm-this-week").innerText()).toContain(`Reward if negative: ${amount(cm, cm.nextIfNegative ?? 0)}`);
  await openTab(page, "Contingency management");
  const enrolment = await page.locator(".cm-enrolment").innerText();
  expect(enrolment).toContain(`Enrolled from ${formatDate(cm.startDate)}`);
  expect(enrolment).toContain(`week ${cm.currentWeek} of ${cm.programWeeks}`);
  const stats = await facts(page, "dl.cm-stats");
  expect(stats["Earned in total"]).toMatch(new RegExp(`^${esc(amount(cm, cm.earnedTotal))}`));
  expect(stats["If the next test is negative"]).toBe(amount(cm, cm.nextIfNegative ?? 0));
  expect(stats["Cap remaining"]).toBe(`${usd(cm.capRemaining)} of ${usd(cm.params.yearlyCap)} this program year`);
  expect(stats["Current streak"]).toMatch(new RegExp(`^${cm.currentStreak} negative week`));
}

interface Case {
  id: string;
  name: RegExp;
  /** The stage word the README gives. */
  stage: string;
  schedule: CmScheduleKind;
  scheduleLabel: string;
  /** Hand-known facts from the README line. */
  known: (page: Page) => Promise<void>;
  record: { kind: "stage"; option: string; stage: string } | { kind: "ruler"; score: number; stage: string };
  /** The schedule to choose in the plan editor. */
  planSchedule: CmScheduleKind;
  /** The first save never reaches the server (aborted in the browser), then Save is pressed again. */
  failFirstSave: boolean;
}

const CASES: Case[] = [
  {
    id: "pw-andre-cm-escalating",
    name: /Andr[ée] Marcel Thompson/,
    stage: "Preparation",
    schedule: "escalating",
    scheduleLabel: "Escalating vouchers",
    async known(page) {
      // README: weeks N N N P N N earn 10.00, 11.50, 13.00, 0, 10.00, 14.50 = 59.00; next 16.00; cap remaining 691.00.
      await openTab(page, "Contingency management");
      expect(await page.locator(".cm-enrolment").innerText()).toContain("week 7 of 12");
      const stats = await facts(page, "dl.cm-stats");
      expect(stats["Earned in total"]).toBe("$59.00");
      expect(stats["If the next test is negative"]).toBe("$16.00");
      expect(stats["Cap remaining"]).toBe("$691.00 of $750.00 this program year");
      expect(await page.locator("#panel-cm table.cm-weeks").innerText()).toMatch(/4\s+\d+ \w{3} \d{4} to \d+ \w{3} \d{4}\s+Positive/);
    },
    record: { kind: "stage", option: "Action", stage: "Action" },
    planSchedule: "prize",
    failFirstSave: false,
  },
  {
    id: "pw-sofia-readiness-ruler-cm-prize",
    name: /Sofia/,
    stage: "Contemplation",
    schedule: "prize",
    scheduleLabel: "Prize draws (fishbowl)",
    async known(page) {
      // README: readiness ruler 5 → contemplation; 1+0+1+2+0+1+2 = 7 draws, next week 3 draws; no MOUD while in
      // CM: naloxone primary with the lost-tolerance overdose warning.
      await openTab(page, "Overview");
      expect(await page.getByTestId("stage-assessed").innerText()).toMatch(/; readiness ruler 5 of 10$/);
      await openTab(page, "Contingency management");
      const stats = await facts(page, "dl.cm-stats");
      expect(stats["Earned in total"]).toMatch(/^7 draws \(worth about \$/);
      expect(stats["If the next test is negative"]).toBe("3 draws");
      expect(await page.locator(".cm-enrolment").innerText()).toContain("week 7 of 12");
      expect(await page.getByRole("alert").filter({ hasText: "Overdose risk" }).count()).toBe(1);
      expect((await shownRecommendations(page)).primary).toContain("Overdose education and naloxone");
    },
    record: { kind: "ruler", score: 8, stage: "Preparation" },
    planSchedule: "fixed",
    failFirstSave: true,
  },
  {
    id: "pw-marcus-cm-fixed-stimulants",
    name: /Marcus/,
    stage: "Action",
    schedule: "fixed",
    scheduleLabel: "Fixed reward",
    async known(page) {
      // README: scored on opioids and stimulants (the default, cocaine before the start): weeks N N missed P N =
      // 3 × 10.00 = 30.00 (week 4 holds the cocaine positive), next 10.00, week 6 of 12; buprenorphine/naloxone active.
      await openTab(page, "Contingency management");
      expect(await page.locator(".cm-enrolment").innerText()).toContain("week 6 of 12");
      const stats = await facts(page, "dl.cm-stats");
      expect(stats["Earned in total"]).toBe("$30.00");
      expect(stats["If the next test is negative"]).toBe("$10.00");
      expect(await page.locator("#panel-cm table.cm-weeks caption").innerText()).toContain("3 negative, 1 positive, 1 missed");
      await openTab(page, "Overview");
      expect(await page.locator(".moud-status .big-value").innerText()).toBe("Buprenorphine");
      // Stimulant use: cocaine positive 14 days ago, in the facts behind the recommendations.
      await openTab(page, /^Recommendations/);
      expect(await page.locator("#panel-recommendations").innerText()).toMatch(/Stimulant use/);
    },
    record: { kind: "stage", option: "Maintenance", stage: "Maintenance" },
    planSchedule: "escalating",
    failFirstSave: false,
  },
];

beforeAll(async () => {
  stack = await startE2eStack();
  ({ sandbox, app, context, token } = stack);
}, 120_000);

afterAll(() => stack?.close());

/** The simulator page: pick the patient, point it at the built app, "In a new window", Launch app. */
async function launchFromSimulator(patient: string, checkAxe: boolean): Promise<Page> {
  const ehr = await context.newPage();
  await ehr.goto(sandbox.ehrUrl);
  await ehr.locator(`#patient option[value="${patient}"]`).waitFor({ state: "attached" });
  await ehr.getByLabel("Patient").selectOption(patient);
  await ehr.getByLabel("App launch URL").fill(`${app.origin}/launch.html`);
  await ehr.getByLabel("In a new window").check();
  if (checkAxe) expect(await axe(ehr)).toEqual([]);
  const [popup] = await Promise.all([context.waitForEvent("page"), ehr.getByRole("button", { name: "Launch app" }).click()]);
  await waitForWorkspace(popup);
  await ehr.close();
  return popup;
}

describe.each(CASES)("$id", (c) => {
  let page: Page;
  const errors: string[] = [];
  let planId = "";
  let planRef = "";

  beforeAll(async () => {
    page = await launchFromSimulator(c.id, c === CASES[0]);
    page.on("pageerror", (e) => errors.push(e.message));
  }, 60_000);
  afterAll(() => page?.close());

  it("shows the stage, CM status and recommendations the engine derives from the same data", async () => {
    const e = await engineView(c.id);
    expect(await page.getByRole("region", { name: "Patient" }).innerText()).toMatch(c.name);
    // The next steps: the engine's first three "do now" recommendations, in its order.
    const next = await page.locator(".next-list .next-title").allInnerTexts();
    expect(next).toEqual(e.recommendations.filter((r) => r.tier === "primary").slice(0, 3).map((r) => r.title));
    // Stage: the engine's, and the README's word.
    const stage = await page.getByTestId("stage-value").innerText();
    expect(stage.startsWith(cap(e.stage.value))).toBe(true);
    expect(stage.startsWith(c.stage)).toBe(true);
    // CM: enrolled on the plan's schedule, figures as the engine computes them, and the README's figures.
    expect(e.contingencyManagement.enrolled).toBe(true);
    expect(e.contingencyManagement.schedule).toBe(c.schedule);
    await expectCm(page, e.contingencyManagement);
    expect(await page.getByRole("radio", { name: c.scheduleLabel }).isChecked()).toBe(true);
    await c.known(page);
    // Recommendations, in the engine's order and groups.
    const shown = await shownRecommendations(page);
    expect(shown).toEqual(expectedRecommendations(e));
    expect(shown.primary).toContain("Contingency management");
    expect(await page.getByRole("heading", { name: `Do now (${shown.primary.length})` }).count()).toBe(1);
    expect(errors).toEqual([]);
    expect(await axe(page)).toEqual([]);
  }, 90_000);

  it(`records a new stage (${c.record.kind === "stage" ? "stage picker" : "readiness ruler"}) and the stage and recommendations change`, async () => {
    const before = await shownRecommendations(page);
    await openTab(page, "Overview");
    await page.getByRole("button", { name: "Record stage" }).click();
    if (c.record.kind === "stage") {
      await page.locator("#new-stage").selectOption({ label: c.record.option });
    } else {
      await page.getByRole("radio", { name: "Readiness ruler (0–10)" }).check();
      await page.getByLabel("Readiness score (0–10)").fill(String(c.record.score));
    }
    await page.getByRole("button", { name: "Record", exact: true }).click();
    await page.locator(".record-stage .ok").waitFor({ timeout: 10_000 });
    expect(await page.getByTestId("stage-value").innerText()).toMatch(new RegExp(`^${c.record.stage}`));
    expect(await page.getByTestId("stage-assessed").innerText()).toMatch(new RegExp(`^Assessed ${formatDate(today())} \\(today\\)`));
    const e = await engineView(c.id); // now with the Observation the app wrote
    expect(cap(e.stage.value)).toBe(c.record.stage);
    expect(e.stage.observedAt?.slice(0, 10)).toBe(today());
    const shown = await shownRecommendations(page);
    expect(shown).toEqual(expectedRecommendations(e));
    expect(shown).not.toEqual(before);
    expect(await axe(page)).toEqual([]);
  }, 90_000);

  it("saves the edited plan; the sandbox holds the CarePlan, Goal and Provenance with the security labels", async () => {
    const e = await engineView(c.id);
    const primary = e.recommendations.filter((r) => r.tier === "primary");
    const add = e.recommendations.find((r) => r.tier === "consider")!;
    const drop = primary.find((r) => r.id !== "contingency-management")!;
    await page.getByRole("tab", { name: "Overview" }).click();
    await page.getByRole("button", { name: "Open plan" }).click();
    // The stored CM plan opens by default; this flow writes a new plan, which completes it in the same save.
    const replaced = (await search<CarePlan>(`CarePlan?patient=${c.id}&status=active`)).map((p) => `CarePlan/${p.id}`);
    expect(replaced).toHaveLength(1);
    await startNewPlan(page, true);
    const checkbox = (title: string) => page.getByRole("checkbox", { name: new RegExp(`^${esc(title)} (do now|consider)$`) });
    await checkbox(add.title).check();
    await checkbox(drop.title).uncheck();
    const cmText = `CM weekly for ${c.id}: vouchers for opioid-negative tests, reviewed each Monday`;
    await page.getByLabel("Activity text: Contingency management", { exact: true }).fill(cmText);
    await page.getByRole("button", { name: "Add a goal" }).click();
    const goalText = `Four opioid-negative weeks in a row (${c.id})`;
    await page.getByLabel("Goal 1", { exact: true }).fill(goalText);
    await page.getByLabel("Goal 1 due date").fill("31 Mar 2031");
    // The schedule is set in one place, the CM tab, which the plan leads to; CM is evaluated again at once.
    const scheduleLabel = { escalating: "Escalating vouchers", prize: "Prize draws (fishbowl)", fixed: "Fixed reward" }[c.planSchedule];
    await page.getByRole("button", { name: "Change the schedule or start date" }).click();
    await page.getByRole("radio", { name: scheduleLabel }).check();
    const withSchedule = await engineView(c.id, { schedule: c.planSchedule });
    await expectCm(page, withSchedule.contingencyManagement);
    expect(await page.getByRole("radio", { name: scheduleLabel }).isChecked()).toBe(true);
    await openTab(page, "Plan");
    expect(await page.getByTestId("plan-cm-summary").innerText()).toContain(`${scheduleLabel}, from ${formatDate(withSchedule.contingencyManagement.startDate)}.`);
    expect(await axe(page)).toEqual([]);

    const plansBefore = await search<CarePlan>(`CarePlan?patient=${c.id}`);
    const goalsBefore = await search<Goal>(`Goal?patient=${c.id}`);
    if (c.failFirstSave) {
      // The transaction is aborted in the browser before it reaches the server, and so is the transport's one
      // automatic retry (src/fhir/retry.ts); the edits stay, Save again.
      const base = sandbox.fhirBase;
      let aborted = 0;
      await page.route((u) => u.href === base || u.href === `${base}/`, (route) => (route.request().method() === "POST" && aborted++ < 2 ? route.abort("connectionreset") : route.fallback()));
      await page.getByRole("button", { name: "Save plan" }).click();
      await page.getByText("The plan was not saved").waitFor({ timeout: 10_000 });
      expect(await page.locator(".plan-editor .error-message").innerText()).toContain("never creates a second plan");
      expect(await search<CarePlan>(`CarePlan?patient=${c.id}`)).toHaveLength(plansBefore.length);
      expect(await page.getByLabel("Goal 1", { exact: true }).inputValue()).toBe(goalText);
      expect(await axe(page)).toEqual([]);
    }
    await page.getByRole("button", { name: "Save plan" }).click();
    const result = page.locator(".save-result");
    await result.waitFor({ timeout: 10_000 });
    expect(await result.innerText()).toMatch(/The plan was saved\.[\s\S]*Care plan: created \(version 1\)[\s\S]*Goal 1: created \(version 1\)[\s\S]*Provenance\): created \(version 1\)/);
    expect(await axe(page)).toEqual([]);

    // Exactly one new CarePlan and one new Goal (also after the failed attempt).
    const plans = await search<CarePlan>(`CarePlan?patient=${c.id}`);
    const goals = await search<Goal>(`Goal?patient=${c.id}`);
    expect(plans).toHaveLength(plansBefore.length + 1);
    expect(goals).toHaveLength(goalsBefore.length + 1);
    const plan = plans.find((p) => !plansBefore.some((b) => b.id === p.id))!;
    const goal = goals.find((g) => !goalsBefore.some((b) => b.id === g.id))!;
    planRef = `CarePlan/${plan.id}`;
    planId = plan.identifier?.[0]?.value ?? "";
    expect(await result.locator(`li[data-ref="${planRef}"]`).count()).toBe(1);

    // The CarePlan: the chosen activities with the edited text, the schedule, the OUD condition, the narrative.
    const chosen = new Set([...primary.filter((r) => r.id !== drop.id), add].map((r) => r.title));
    expect(new Set(plan.activity?.map((a) => a.detail?.code?.text))).toEqual(chosen);
    const cm = plan.activity?.find((a) => a.detail?.code?.text === "Contingency management")?.detail;
    expect(cm?.description).toBe(cmText);
    expect(cm?.extension?.find((x) => x.url === CM_SCHEDULE_EXTENSION)?.valueCode).toBe(c.planSchedule);
    expect(cm?.scheduledTiming?.repeat?.boundsPeriod?.start).toBe(e.contingencyManagement.startDate);
    expect(plan.addresses?.map((a) => a.reference)).toEqual([`Condition/${c.id}-oud`]);
    expect(plan.subject?.reference).toBe(`Patient/${c.id}`);
    expect(plan.author?.reference).toBe("Practitioner/dr-1");
    expect(plan.status).toBe("draft");
    expect(plan.text?.status).toBe("generated");
    expect(plan.text?.div).toContain(cmText);
    expect(plan.text?.div).toContain(goalText);
    expect(plan.text?.div).toContain("2031-03-31");
    expect(plan.text?.div).not.toContain(drop.title);
    expect(plan.goal?.map((g) => g.reference)).toEqual([`Goal/${goal.id}`]);
    // The Goal.
    expect(goal.description.text).toBe(goalText);
    expect(goal.target?.[0]?.dueDate).toBe("2031-03-31");
    expect(goal.subject.reference).toBe(`Patient/${c.id}`);
    // The Provenance of the save.
    const provenances = await search<Provenance>(`Provenance?target=${planRef}`);
    expect(provenances).toHaveLength(1);
    const prov = provenances[0]!;
    expect(prov.target.map((t) => t.reference).sort()).toEqual([planRef, `Goal/${goal.id}`, ...replaced].sort());
    const closed = (await fhir<CarePlan>(sandbox, token, replaced[0]!)).body;
    expect(closed.status).toBe("completed");
    expect(prov.activity?.coding?.[0]?.code).toBe("CREATE");
    expect(prov.agent.some((a) => a.who.reference === "Practitioner/dr-1")).toBe(true);
    // The labels, on all three.
    for (const r of [plan, goal, prov]) expect(labels(r).sort(), `${r.resourceType}/${r.id}`).toEqual([...LABELS].sort());
    expect(errors).toEqual([]);
  }, 120_000);

  it("Save again updates the plan: same CarePlans and Goals, one Provenance for the revision", async () => {
    const count = async (q: string) => (await search(q)).length;
    const plans = await count(`CarePlan?patient=${c.id}`);
    const goals = await count(`Goal?patient=${c.id}`);
    const provs = await count(`Provenance?target=${planRef}`);
    const allProvenance = sandbox.store.count("Provenance");
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.getByText("The plan was updated.").waitFor({ timeout: 10_000 });
    expect(await count(`CarePlan?patient=${c.id}`)).toBe(plans);
    expect(await count(`Goal?patient=${c.id}`)).toBe(goals);
    expect(await count(`Provenance?target=${planRef}`)).toBe(provs + 1);
    expect(sandbox.store.count("Provenance")).toBe(allProvenance + 1);
    expect(await search<CarePlan>(`CarePlan?identifier=${encodeURIComponent(`${CAREPLAN_ID_SYSTEM}|${planId}`)}`)).toHaveLength(1);
    const stored = (await fhir<CarePlan>(sandbox, token, planRef)).body;
    expect(stored.meta?.versionId).toBe("2");
    const revision = (await search<Provenance>(`Provenance?target=${planRef}`)).find((p) => p.activity?.coding?.[0]?.code === "UPDATE");
    expect(revision && labels(revision).sort()).toEqual([...LABELS].sort());
    expect(await axe(page)).toEqual([]);
    expect(errors).toEqual([]);
  }, 60_000);
});
