// The session ending, and authorization errors, end to end (issue 13's launcher rough edges): the built app in
// Chromium against the sandbox EHR.
// - The EHR ends the session (the simulator's "End session": access token expired, the refresh token answers
//   invalid_grant with HTTP 403, as the SMART App Launcher's simulated expired refresh token does). Whether the app
//   finds out from a 401 (then its refresh is refused) or when it refreshes a token about to expire before a request,
//   the user reads that the session ended, in plain words, with the choice or the plan draft still there: never "the
//   server refused access (403)", never "could not be reached".
// - An authorization error (the authorization server redirects back with error=…, or refuses the code exchange)
//   shows "Stagewise could not start" with what the server said, and no uncaught error or promise rejection.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../../launch/server.ts";
import { SESSION_ENDED_TEXT } from "../../src/fhir/errors.ts";
import { appClient, buildAndPreview, chromiumPath, ehrLaunchUrl, openTab, waitForWorkspace, type BuiltApp } from "./helpers/browser.ts";
import { closeAll } from "./helpers/watch.ts";

const PATIENT = "pw-james-contemplation";
let app: BuiltApp;
let sandbox: Sandbox;
let context: BrowserContext;
const profileDir = mkdtempSync(join(tmpdir(), "stagewise-session-end-"));

/** Uncaught errors and promise rejections of a page (Playwright's pageerror; Chromium's "Uncaught" console lines). */
function watchErrors(p: Page): string[] {
  const errors: string[] = [];
  p.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  p.on("console", (m) => {
    if (/Uncaught/i.test(m.text())) errors.push(`console: ${m.text()}`);
  });
  return errors;
}

async function launch(): Promise<{ page: Page; errors: string[] }> {
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(await ehrLaunchUrl(sandbox, PATIENT, "window", app.origin));
  await waitForWorkspace(page);
  return { page, errors };
}

/** The simulator's "End session (refresh fails: invalid_grant)" button, through its API. */
async function endSession(): Promise<void> {
  const res = await fetch(`${sandbox.origin}/ehr/api/expire`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ refresh: true }) });
  expect(((await res.json()) as { ended: number }).ended).toBeGreaterThan(0);
}

const NOT_THIS = /refused access|\(403\)|could not be reached|HTTP 403/;

beforeAll(async () => {
  app = await buildAndPreview();
  sandbox = await startSandbox({ port: 0, quiet: true, clients: [appClient(app.origin)] });
  context = await chromium.launchPersistentContext(profileDir, { ...(await chromiumPath()), headless: true, viewport: { width: 1280, height: 800 } });
}, 120_000);

afterAll(() => closeAll(profileDir, context, sandbox, app));

describe("the watch itself", () => {
  it("sees an unhandled promise rejection (so the checks below can fail)", async () => {
    const p = await context.newPage();
    const errors = watchErrors(p);
    await p.goto(`${app.origin}/launch.html`);
    await p.evaluate(() => void Promise.reject(new Error("probe")));
    await expect.poll(() => errors.length).toBeGreaterThan(0);
    expect(errors.join("\n")).toContain("probe");
    await p.close();
  });
});

// Two ways the app learns of it: a 401 then a refused refresh (tokens of an hour), or a refused refresh of a token
// about to expire, before the request is sent (tokens of 9 s: fhirclient refreshes within 10 s of the expiry).
describe.each([
  ["a 401, then the refresh is refused", 3600],
  ["the refresh of a token about to expire is refused", 9],
])("the EHR ends the session (%s)", (_how, ttl) => {
  let page: Page;
  let errors: string[];
  beforeAll(async () => {
    sandbox.auth.opts.tokenTtlSeconds = ttl;
    ({ page, errors } = await launch());
  }, 60_000);
  afterAll(async () => {
    sandbox.auth.opts.tokenTtlSeconds = 3600;
    await page?.close();
  });

  it("recording a stage says the session ended, in plain words; the choice is kept", async () => {
    await openTab(page, "Overview");
    await page.getByRole("button", { name: "Record stage" }).click();
    await page.locator("#new-stage").selectOption({ label: "Preparation" });
    await endSession();
    await page.getByRole("button", { name: "Record", exact: true }).click();
    const alert = page.locator(".record-stage .error-message");
    await alert.waitFor({ timeout: 20_000 });
    const text = await alert.innerText();
    expect(text).toContain(SESSION_ENDED_TEXT);
    expect(text).not.toMatch(NOT_THIS);
    expect(await page.locator("#new-stage").inputValue()).toBe("preparation");
  }, 30_000);

  it("saving the plan says the session ended; the draft is kept; no uncaught error", async () => {
    await openTab(page, "Plan");
    const typed = `Weekly counselling, kept after the session ended (${ttl} s)`;
    const field = page.getByLabel(/^Activity text: /).first();
    await field.fill(typed);
    await page.locator(".plan-editor button[type=submit]").click();
    const alert = page.locator(".plan-editor .error-message");
    await alert.waitFor({ timeout: 20_000 });
    const text = await alert.innerText();
    expect(text).toContain(SESSION_ENDED_TEXT);
    expect(text).not.toMatch(NOT_THIS);
    expect(await field.inputValue()).toBe(typed);
    expect(errors).toEqual([]);
  }, 30_000);
});

describe("an authorization error", () => {
  it("the authorization server redirects back with an error: 'could not start', what it said, no uncaught error", async () => {
    const p = await context.newPage();
    const errors = watchErrors(p);
    // An EHR launch whose launch id the server does not know: /auth/authorize redirects with error=invalid_request.
    await p.goto(`${app.origin}/launch.html?iss=${encodeURIComponent(sandbox.fhirBase)}&launch=unknown-launch`);
    const alert = p.getByRole("alert");
    await alert.waitFor({ timeout: 20_000 });
    const text = await alert.innerText();
    expect(text).toContain("Stagewise could not start");
    expect(text).toContain("Unknown or expired launch parameter");
    await p.waitForTimeout(500); // a late rejection would surface now
    expect(errors).toEqual([]);
    await p.close();
  }, 30_000);

  it("the code exchange is refused (the launcher's simulated invalid client): 'could not start', no uncaught error", async () => {
    const p = await context.newPage();
    const errors = watchErrors(p);
    // Only the token endpoint's answer is replaced (a fault the sandbox does not make): 401 invalid_client, as the
    // SMART App Launcher answers with its "token_invalid_token" error simulated.
    await p.route(`${sandbox.origin}/auth/token`, (route) =>
      route.fulfill({
        status: 401,
        contentType: "application/json",
        headers: { "access-control-allow-origin": app.origin },
        body: JSON.stringify({ error: "invalid_client", error_description: "Simulated invalid client error" }),
      }),
    );
    await p.goto(await ehrLaunchUrl(sandbox, PATIENT, "window", app.origin));
    const alert = p.getByRole("alert");
    await alert.waitFor({ timeout: 20_000 });
    expect(await alert.innerText()).toContain("Stagewise could not start");
    await p.waitForTimeout(500);
    expect(errors).toEqual([]);
    await p.close();
  }, 30_000);
});
