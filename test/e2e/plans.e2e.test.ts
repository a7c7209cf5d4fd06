// Continuing care plans end to end (issue 9): the built app in Chromium against the sandbox's synthetic patients.
// Linda's stored "Recovery maintenance plan" opens by default → an activity marked completed with a progress note and
// a goal marked achieved → Save → the sandbox holds the same CarePlan at version 2, the Goal updated, one Provenance
// more; a new launch shows them. Two tabs edit the same plan → the second save meets 412 → the merge view → both
// users' edits are stored. A reload mid-edit offers the unsaved changes back. An expired token mid-edit: Save
// succeeds after exactly one refresh. Kevin's plan from another system opens read-only → Continue in a new version
// → a new Stagewise plan, the other system's plan unchanged. axe on each plan screen.
import type { Bundle, CarePlan, Goal, Provenance, Resource } from "fhir/r4.js";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getToken } from "../../launch/dev-client.ts";
import type { Sandbox } from "../../launch/server.ts";
import { CAREPLAN_ID_SYSTEM } from "../../src/clinical/codes.ts";
import { allPages, fhir } from "../integration/helpers/sandbox.ts";
import { axe, launchInWindow, openTab, startE2eStack, waitForWorkspace, type E2eStack } from "./helpers/browser.ts";

const LINDA = "pw-linda-maintenance-sublocade";
const LINDA_PLAN = `${LINDA}-plan-maintenance`;
const KEVIN = "pw-kevin-free-text-no-medication";
const KEVIN_PLAN = `${KEVIN}-careflow-plan`;

let stack: E2eStack;
let sandbox: Sandbox;
let token = "";
const errors: string[] = [];

async function read<T extends Resource>(path: string): Promise<T> {
  const r = await fhir<T>(sandbox, token, path);
  if (r.status !== 200) throw new Error(`${path}: HTTP ${r.status}`);
  return r.body;
}
async function search<T extends Resource>(query: string): Promise<T[]> {
  return (await allPages(sandbox, token, query)).flatMap((b: Bundle) => (b.entry ?? []).map((e) => e.resource as T));
}
const provenancesOf = (id: string) => search<Provenance>(`Provenance?target=CarePlan/${id}`);
const activity = (cp: CarePlan, text: string) => cp.activity?.find((a) => a.detail?.code?.text === text);

async function open(patient: string): Promise<Page> {
  const page = await launchInWindow(stack.context, sandbox, patient, stack.app.origin);
  page.on("pageerror", (e) => errors.push(e.message));
  await openTab(page, "Plan");
  return page;
}

async function saveAndWait(page: Page, name = "Save changes"): Promise<void> {
  await page.getByRole("button", { name, exact: true }).click();
  await page.locator(".save-result").waitFor({ timeout: 20_000 });
  expect(await page.locator(".plan-editor .error-message").count()).toBe(0);
}

beforeAll(async () => {
  stack = await startE2eStack();
  sandbox = stack.sandbox;
  token = stack.token;
}, 120_000);

afterAll(async () => {
  await stack?.close();
});

describe("Linda's stored plan", () => {
  it("opens by default; an activity completed and a goal achieved are saved on the same CarePlan at version 2, and a new launch shows them", async () => {
    const before = await read<CarePlan>(`CarePlan/${LINDA_PLAN}`);
    const provsBefore = (await provenancesOf(LINDA_PLAN)).length;
    const page = await open(LINDA);
    const head = await page.locator(".plan-summary").innerText();
    expect(head).toContain("Recovery maintenance plan");
    expect(head).toContain("Active");
    // Her three goals, not a proposal of a new one.
    expect(await page.getByLabel(/^Goal \d$/).count()).toBe(3);
    expect(await page.getByLabel("Goal 3", { exact: true }).inputValue()).toBe("Return to part-time work at the library");
    expect(await axe(page)).toEqual([]);

    await page.getByLabel("Status: Peer recovery support").selectOption("completed");
    await page.getByLabel("Progress note (dated today): Peer recovery support").fill("Coach sessions finished; she meets her coach monthly now.");
    await page.getByLabel("Goal 3 progress").selectOption("achieved");
    await page.getByLabel("Goal 3 note (dated today)").fill("Started at the library three mornings a week.");
    await saveAndWait(page);

    const after = await read<CarePlan>(`CarePlan/${LINDA_PLAN}`);
    expect(after.id).toBe(before.id);
    expect(after.meta?.versionId).toBe("2");
    expect(after.identifier).toEqual(before.identifier);
    const peer = activity(after, "Peer recovery support")!;
    expect(peer.detail?.status).toBe("completed");
    expect(peer.progress?.map((p) => p.text)).toContain("Coach sessions finished; she meets her coach monthly now.");
    expect(activity(after, "Mutual help (MOUD-friendly group)")?.detail?.status).toBe("in-progress");
    const work = await read<Goal>(`Goal/${LINDA}-goal-work`);
    expect(work.meta?.versionId).toBe("2");
    expect(work.achievementStatus?.coding?.[0]?.code).toBe("achieved");
    expect(work.note?.map((n) => n.text)).toContain("Started at the library three mornings a week.");
    expect((await read<Goal>(`Goal/${LINDA}-goal-opioid-free`)).meta?.versionId).toBe("1"); // unchanged: not sent
    expect((await provenancesOf(LINDA_PLAN)).length).toBe(provsBefore + 1);
    const ours = (await search<CarePlan>(`CarePlan?patient=${LINDA}`)).filter((c) => c.identifier?.some((i) => i.system === CAREPLAN_ID_SYSTEM));
    expect(ours).toHaveLength(1); // no second plan

    // A second save from the same editor works without a reload (it holds version 2 now).
    await page.getByLabel("Goal 1 note (dated today)").fill("Monthly tests negative so far.");
    await saveAndWait(page);
    expect((await read<CarePlan>(`CarePlan/${LINDA_PLAN}`)).meta?.versionId).toBe("3");
    expect((await read<Goal>(`Goal/${LINDA}-goal-opioid-free`)).note?.map((n) => n.text)).toContain("Monthly tests negative so far.");
    await page.close();

    const again = await open(LINDA);
    expect(await again.getByLabel("Status: Peer recovery support").inputValue()).toBe("completed");
    expect(await again.getByLabel("Goal 3 progress").inputValue()).toBe("achieved");
    expect(await again.locator(".plan-tab").innerText()).toContain("Coach sessions finished; she meets her coach monthly now.");
    await again.close();
  }, 120_000);

  it("two tabs edit the same plan: the second save meets 412, merges field by field, and both users' edits are stored", async () => {
    const a = await open(LINDA);
    const b = await open(LINDA);
    await a.getByLabel("Activity text: Mutual help (MOUD-friendly group)").fill("MARS meeting every Tuesday evening (edited in tab A).");
    await a.getByLabel("Goal 2 note (dated today)").fill("Note from tab A");
    await b.getByLabel("Activity text: Mutual help (MOUD-friendly group)").fill("MARS meeting, and SMART Recovery online (edited in tab B).");
    await b.getByLabel("Goal 2 note (dated today)").fill("Note from tab B");
    await saveAndWait(a);
    const version = (await read<CarePlan>(`CarePlan/${LINDA_PLAN}`)).meta?.versionId;

    await b.getByRole("button", { name: "Save changes", exact: true }).click();
    const merge = b.locator(".plan-merge");
    await merge.waitFor({ timeout: 20_000 });
    expect(await b.locator(".plan-editor .error-message").first().innerText()).toMatch(/Someone else changed the data \(412\)/);
    const text = await merge.innerText();
    expect(text).toContain(`now version ${version}`);
    expect(text).toContain("Keep mine: MARS meeting, and SMART Recovery online (edited in tab B).");
    expect(text).toContain("Take theirs: MARS meeting every Tuesday evening (edited in tab A).");
    expect(text).not.toMatch(/"resourceType"|\{"/);
    expect(await axe(b)).toEqual([]);
    // Tab B keeps its own text for the activity both changed; tab A's note and B's note are both kept.
    await b.getByRole("button", { name: `Save the merged plan on version ${version}` }).click();
    await b.locator(".save-result").waitFor({ timeout: 20_000 });

    const stored = await read<CarePlan>(`CarePlan/${LINDA_PLAN}`);
    expect(Number(stored.meta?.versionId)).toBe(Number(version) + 1);
    expect(activity(stored, "Mutual help (MOUD-friendly group)")?.detail?.description).toBe("MARS meeting, and SMART Recovery online (edited in tab B).");
    const mars = await read<Goal>(`Goal/${LINDA}-goal-mutual-help`);
    expect(mars.note?.map((n) => n.text)).toEqual(expect.arrayContaining(["Note from tab A", "Note from tab B"]));
    await a.close();
    await b.close();
  }, 120_000);

  it("a reload mid-edit offers the unsaved changes back", async () => {
    const page = await open(LINDA);
    const typed = "Typed before the reload: weekly MARS meeting with her sister.";
    await page.getByLabel("Activity text: Mutual help (MOUD-friendly group)").fill(typed);
    await page.reload();
    await waitForWorkspace(page);
    const offer = page.getByRole("region", { name: "Unsaved changes" });
    expect(await offer.innerText()).toMatch(/You have unsaved changes to “Recovery maintenance plan” from .* at \d{2}:\d{2}, kept in this tab/);
    expect(await axe(page)).toEqual([]);
    await page.getByRole("button", { name: "Resume your unsaved changes" }).click();
    expect(await page.getByLabel("Activity text: Mutual help (MOUD-friendly group)").inputValue()).toBe(typed);
    await saveAndWait(page);
    expect(activity(await read<CarePlan>(`CarePlan/${LINDA_PLAN}`), "Mutual help (MOUD-friendly group)")?.detail?.description).toBe(typed);
    // Saved: nothing is offered at the next reload.
    await page.reload();
    await waitForWorkspace(page);
    expect(await page.getByRole("region", { name: "Unsaved changes" }).count()).toBe(0);
    await page.close();
  }, 120_000);

  it("an expired access token mid-edit: Save succeeds after exactly one refresh", async () => {
    const page = await open(LINDA);
    const typed = "Edited after the token expired.";
    await page.getByLabel("Activity text: Peer recovery support").fill(typed);
    const issued = () => new Map(sandbox.auth.allSessions().map((s) => [`${s.clientId}|${s.createdAt}|${s.launch ?? ""}`, s.accessTokensIssued]));
    const before = issued();
    const res = await fetch(`${sandbox.origin}/ehr/api/expire`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(((await res.json()) as { expired: number }).expired).toBeGreaterThan(0);
    await saveAndWait(page);
    // Only the sessions that existed before (the app's launches), not the test's own new token below.
    const after = issued();
    const refreshed = [...before].reduce((n, [k, v]) => n + ((after.get(k) ?? v) - v), 0);
    expect(refreshed).toBe(1);
    token = (await getToken({ fhirBase: sandbox.fhirBase, scope: "user/*.rs", user: "clinician" })).access_token;
    expect(activity(await read<CarePlan>(`CarePlan/${LINDA_PLAN}`), "Peer recovery support")?.detail?.description).toBe(typed);
    await page.close();
  }, 120_000);
});

describe("a plan another system wrote", () => {
  it("a new plan started beside it says that plan stays active, and how to continue it instead", async () => {
    const page = await open(KEVIN);
    await page.locator(".plan-readonly").waitFor();
    await page.getByRole("button", { name: "Start a new plan", exact: true }).click();
    const summary = await page.locator(".plan-summary").innerText();
    expect(summary).toContain("A new plan, not saved yet.");
    expect(summary).toMatch(/“Outpatient counseling plan” \(.*CareFlow EHR 3\.2.*\) stays active beside it: Stagewise does not change a plan another system wrote/);
    expect(await axe(page)).toEqual([]);
    await page.close();
  });

  it("opens read-only and continues in a new Stagewise plan; the other system's plan is unchanged", async () => {
    const theirs = await read<CarePlan>(`CarePlan/${KEVIN_PLAN}`);
    const page = await open(KEVIN);
    const view = page.locator(".plan-readonly");
    await view.waitFor();
    const text = await view.innerText();
    expect(text).toContain("Outpatient counseling plan");
    expect(text).toContain("CareFlow EHR 3.2");
    expect(text).toContain("Group counseling twice a week");
    expect(text).toContain("Check in with a peer mentor every other week");
    expect(await page.locator(".plan-readonly textarea, .plan-readonly select").count()).toBe(0);
    expect(await axe(page)).toEqual([]);

    await page.getByRole("button", { name: "Continue in a new version" }).click();
    expect(await page.getByLabel("Goal 1", { exact: true }).inputValue()).toBe("Keep attending group counseling");
    expect(await page.locator(".plan-summary").innerText()).toMatch(/It continues “Outpatient counseling plan” \(.*CareFlow EHR 3\.2.*\), which is left as it was\./);
    await saveAndWait(page, "Save plan");
    expect(await axe(page)).toEqual([]);

    const plans = await search<CarePlan>(`CarePlan?patient=${KEVIN}`);
    const ours = plans.filter((c) => c.identifier?.some((i) => i.system === CAREPLAN_ID_SYSTEM));
    expect(ours).toHaveLength(1);
    const texts = JSON.stringify(ours[0]!.activity);
    expect(texts).toContain("Group counseling twice a week");
    expect(texts).toContain("Check in with a peer mentor every other week");
    expect(ours[0]!.title).toBe("Outpatient counseling plan");
    // Ours names theirs as the plan it takes over; nothing of theirs is rewritten.
    expect(ours[0]!.replaces).toEqual([{ reference: `CarePlan/${KEVIN_PLAN}` }]);
    expect(await read<CarePlan>(`CarePlan/${KEVIN_PLAN}`)).toEqual(theirs);
    await page.close();

    // The next launch opens the continued plan (theirs is still active, and listed), not a choice between the two.
    const again = await open(KEVIN);
    await again.locator(".plan-summary").waitFor();
    expect(await again.locator(".plan-summary").innerText()).toContain("It continues “Outpatient counseling plan”");
    expect(await again.locator(".plan-readonly").count()).toBe(0);
    expect(await again.getByLabel("Goal 1", { exact: true }).inputValue()).toBe("Keep attending group counseling");
    // "Start a new plan" offers to replace ours, never theirs.
    await again.getByRole("button", { name: "Start a new plan", exact: true }).click();
    await expect(again.getByRole("button", { name: /^Start a new plan replacing “Outpatient counseling plan”/ }).count()).resolves.toBe(1);
    expect(await again.locator(".start-new").innerText()).toContain("“Outpatient counseling plan” is active");
    expect(errors).toEqual([]);
    await again.close();
  }, 120_000);
});
