// Faults end to end (issue 11): the built app in Chromium against the sandbox with its fault mode (launch/faults.ts,
// a fixed seed; each kind switched on alone, for every FHIR request, while one action runs). For each kind: the
// launch's reads, recording a stage and saving the plan. Each time: no blank screen, a specific message, the typed
// text still in the editor; then, with the faults off, the same action succeeds, and the sandbox holds exactly one
// CarePlan for the plan and one Observation for the stage (no duplicate) — including a save whose answer was
// dropped after the server committed it (no false 412 on Save again). An expired access token mid-edit: Save
// succeeds after exactly one refresh. Prints "faults injected: N, all handled" from the sandbox's fault counter.
import type { Bundle, CarePlan, Observation } from "fhir/r4.js";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getToken } from "../../launch/dev-client.ts";
import type { FaultKind } from "../../launch/faults.ts";
import type { Sandbox } from "../../launch/server.ts";
import { CAREPLAN_ID_SYSTEM } from "../../src/clinical/codes.ts";
import { OBSERVATION_ID_SYSTEM } from "../../src/app/record-stage.ts";
import { allPages } from "../integration/helpers/sandbox.ts";
import { ehrLaunchUrl, launchInWindow, openTab, startE2eStack, type E2eStack } from "./helpers/browser.ts";

const PATIENT = "pw-james-contemplation";
let stack: E2eStack;
let sandbox: Sandbox;
let page: Page;
/** The test's own token for reading the sandbox (taken again after "expire", which ends every live token). */
let token = "";
const errors: string[] = [];

/** What the message says for each kind, besides the title (what failed) and "kept". */
const MESSAGES: [FaultKind, RegExp][] = [
  ["500", /The server had an error \(500\)[\s\S]*Internal server error/],
  ["503", /The server is unavailable for now \(503\)[\s\S]*Wait a minute, then try again/],
  ["429", /The server is busy \(429\)[\s\S]*Wait a minute, then try again/],
  ["timeout", /could not be reached, or the connection was dropped[\s\S]*Check the network and try again/],
  ["drop-before", /could not be reached, or the connection was dropped[\s\S]*Check the network and try again/],
  ["drop-after", /could not be reached, or the connection was dropped[\s\S]*Check the network and try again/],
  ["401", /Your session with the EHR has ended; your edits are kept in this tab\. Launch Stagewise again from the patient's chart\./],
  ["non-json", /not FHIR \(502\)[\s\S]*The server answered with something that is not FHIR \(502 Bad Gateway/],
  ["multi-issue", /did not accept the data \(422\)[\s\S]*The server named 3 problems:[\s\S]*business rule[\s\S]*required element is missing[\s\S]*warning that comes/],
];

const faultsOn = (kind: FaultKind) => sandbox.faults.configure({ rate: 1, kinds: [kind], seed: 42, hangMs: 500 });
const faultsOff = () => sandbox.faults.configure({ rate: 0 });

async function count<T>(query: string): Promise<T[]> {
  const pages = await allPages(sandbox, token, query);
  return pages.flatMap((b: Bundle) => (b.entry ?? []).map((e) => e.resource as T));
}

/** The app is still there: the patient, the tabs. */
async function notBlank(): Promise<void> {
  expect(await page.getByRole("tablist").count()).toBe(1);
  expect((await page.locator("body").innerText()).length).toBeGreaterThan(200);
}

beforeAll(async () => {
  stack = await startE2eStack();
  sandbox = stack.sandbox;
  token = stack.token;
  page = await launchInWindow(stack.context, sandbox, PATIENT, stack.app.origin);
  page.on("pageerror", (e) => errors.push(e.message));
}, 120_000);

afterAll(async () => {
  const n = sandbox?.faults.injected.length ?? 0;
  console.log(`faults injected: ${n}, all handled`);
  await page?.close();
  await stack?.close();
});

describe("under each fault kind", () => {
  it.each(MESSAGES)("%s: the launch's reads fail with a specific message, no blank screen", async (kind, message) => {
    faultsOn(kind);
    const p = await stack.context.newPage();
    try {
      await p.goto(await ehrLaunchUrl(sandbox, PATIENT, "window", stack.app.origin));
      const alert = p.locator(".error-message").first();
      await alert.waitFor({ timeout: 30_000 });
      const text = await alert.innerText();
      expect(text).toMatch(kind === "401" ? message : /Could not read/);
      if (kind !== "401") expect(text).toMatch(message);
      expect(text).not.toMatch(/"resourceType"|\{"/);
    } finally {
      faultsOff();
      await p.close();
    }
  }, 60_000);

  it.each(MESSAGES)("%s: recording a stage fails with a specific message, then records once", async (kind, message) => {
    await openTab(page, "Overview");
    if ((await page.locator("#new-stage").count()) === 0) await page.getByRole("button", { name: "Record stage" }).click();
    await page.locator("#new-stage").selectOption({ label: "Preparation" });
    faultsOn(kind);
    await page.getByRole("button", { name: "Record", exact: true }).click();
    const alert = page.locator(".record-stage .error-message");
    await alert.waitFor({ timeout: 30_000 });
    faultsOff();
    expect(await alert.innerText()).toMatch(message);
    expect(await page.locator("#new-stage").inputValue()).toBe("preparation");
    await notBlank();
    const before = (await count<Observation>(`Observation?patient=${PATIENT}&category=survey`)).filter((o) => o.identifier?.[0]?.system === OBSERVATION_ID_SYSTEM);
    await page.getByRole("button", { name: "Record", exact: true }).click();
    await page.locator(".record-stage .ok").waitFor({ timeout: 15_000 });
    const after = (await count<Observation>(`Observation?patient=${PATIENT}&category=survey`)).filter((o) => o.identifier?.[0]?.system === OBSERVATION_ID_SYSTEM);
    // One new Observation at most: a drop-after committed it already, and Record again found it.
    expect(after.length - before.length).toBe(kind === "drop-after" ? 0 : 1);
    expect(new Set(after.map((o) => o.identifier?.[0]?.value)).size).toBe(after.length);
  }, 60_000);

  let planId = "";
  it.each(MESSAGES)("%s: saving the plan fails with a specific message, keeps the edits, then saves exactly one plan", async (kind, message) => {
    await openTab(page, "Plan");
    const typed = `Weekly counselling, fault ${kind}`;
    const field = page.getByLabel(/^Activity text: /).first();
    await field.fill(typed);
    const button = page.locator(".plan-editor button[type=submit]");
    faultsOn(kind);
    await button.click();
    const alert = page.locator(".plan-editor .error-message");
    await alert.waitFor({ timeout: 30_000 });
    faultsOff();
    expect(await alert.innerText()).toMatch(message);
    expect(await alert.innerText()).not.toMatch(/copy what you need|"resourceType"/);
    expect(await field.inputValue()).toBe(typed);
    await notBlank();
    await button.click();
    const result = page.locator(".save-result");
    await result.waitFor({ timeout: 20_000 });
    expect(await page.locator(".plan-editor .error-message").count()).toBe(0);
    const plans = await count<CarePlan>(`CarePlan?patient=${PATIENT}`);
    const ours = plans.filter((p) => p.identifier?.some((i) => i.system === CAREPLAN_ID_SYSTEM));
    expect(ours).toHaveLength(1);
    planId ||= ours[0]!.identifier![0]!.value!;
    expect(ours[0]!.identifier![0]!.value).toBe(planId);
    expect(JSON.stringify(ours[0]!.activity)).toContain(typed);
  }, 60_000);
});

describe("an expired access token mid-edit", () => {
  it("Save succeeds after fhirclient's refresh, and the edit is stored", async () => {
    await openTab(page, "Plan");
    const typed = "Edited after the token expired";
    await page.getByLabel(/^Activity text: /).first().fill(typed);
    // Tokens issued to the sessions that exist now (the app's launches); the test's own new token below is not one.
    const issued = () => new Map(sandbox.auth.allSessions().map((x) => [`${x.clientId}|${x.createdAt}|${x.launch ?? ""}`, x.accessTokensIssued]));
    const before = issued();
    const res = await fetch(`${sandbox.origin}/ehr/api/expire`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(((await res.json()) as { expired: number }).expired).toBeGreaterThan(0);
    await page.locator(".plan-editor button[type=submit]").click();
    await page.locator(".save-result").waitFor({ timeout: 20_000 });
    expect(await page.locator(".plan-editor .error-message").count()).toBe(0);
    // Exactly one refresh (one new access token for the app's session). The test's own token is taken after the count:
    // it is a session of the same client, which an earlier count included (then it looked like a second refresh).
    const after = issued();
    expect([...before].reduce((n, [k, v]) => n + ((after.get(k) ?? v) - v), 0)).toBe(1);
    token = (await getToken({ fhirBase: sandbox.fhirBase, scope: "user/*.rs", user: "clinician" })).access_token;
    const ours = (await count<CarePlan>(`CarePlan?patient=${PATIENT}`)).filter((p) => p.identifier?.some((i) => i.system === CAREPLAN_ID_SYSTEM));
    expect(ours).toHaveLength(1);
    expect(JSON.stringify(ours[0]!.activity)).toContain(typed);
    expect(errors).toEqual([]);
  }, 60_000);
});
