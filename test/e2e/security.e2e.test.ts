// Browser security end to end, in headless Chromium against the sandbox EHR:
// - the Content-Security-Policy (src/app/csp.ts) on every response of the preview server (the built app) and the
//   dev server; a full launch → read → record a stage → save a plan, in a window and in an EHR iframe, with no
//   violation (one is a failure); an unlisted FHIR server and an unlisted embedding page are refused;
// - a user whose name breaks window.atob ("Dr. Jürgen Groß") starts the app, and the saved Provenance names him;
// - secrets: the tokens, the patient's name and birth date appear in no console message, no request URL, no address
//   after the launch, no localStorage and no error the app shows.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Patient, Practitioner, Provenance } from "fhir/r4.js";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { createServer, type ViteDevServer } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../../launch/server.ts";
import { contentSecurityPolicy, cspOptionsFromEnv } from "../../src/app/csp.ts";
import { appClient, buildAndPreview, chromiumPath, ehrLaunchUrl, openTab, ROOT, waitForWorkspace, type BuiltApp } from "./helpers/browser.ts";
import { closeAll, watch, type Watch } from "./helpers/watch.ts";

const PATIENT = "pw-james-contemplation";
const JURGEN = "clinician-2"; // launch/users.json: Dr. Jürgen Groß, Practitioner/dr-2

let sandbox: Sandbox;
let app: BuiltApp;
let dev: ViteDevServer;
let devOrigin: string;
let context: BrowserContext;
let w: Watch;
const profileDir = mkdtempSync(join(tmpdir(), "stagewise-security-profile-"));
const env = { STAGEWISE_CSP_CONNECT_SRC: process.env.STAGEWISE_CSP_CONNECT_SRC, STAGEWISE_CSP_FRAME_ANCESTORS: process.env.STAGEWISE_CSP_FRAME_ANCESTORS };

beforeAll(async () => {
  app = await buildAndPreview();
  dev = await createServer({ root: ROOT, logLevel: "silent", server: { port: 0, strictPort: false } });
  await dev.listen();
  devOrigin = (dev.resolvedUrls?.local[0] ?? "").replace(/\/$/, "");
  sandbox = await startSandbox({ port: 0, quiet: true, clients: [appClient(app.origin, devOrigin)] });
  // The policy as an operator would configure it: exactly this sandbox (not the default 127.0.0.1:* of any port).
  process.env.STAGEWISE_CSP_CONNECT_SRC = sandbox.origin;
  process.env.STAGEWISE_CSP_FRAME_ANCESTORS = `'self' ${sandbox.origin}`;
  context = await chromium.launchPersistentContext(profileDir, { ...(await chromiumPath()), headless: true, viewport: { width: 1280, height: 800 } });
  w = await watch(context);
}, 120_000);

afterAll(async () => {
  await closeAll(profileDir, context, sandbox, app, dev);
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete process.env[k];
  else process.env[k] = v;
});

const expectNoCspProblem = () => {
  expect(w.violations).toEqual([]);
  expect(w.cspConsole()).toEqual([]);
};

describe("the Content-Security-Policy header", () => {
  it.each(["/", "/index.html", "/launch.html"])("preview server %s: the production policy, no inline script, this sandbox only", async (path) => {
    const res = await fetch(`${app.origin}${path}`);
    expect(res.status).toBe(200);
    const csp = res.headers.get("content-security-policy");
    expect(csp).toBe(contentSecurityPolicy(cspOptionsFromEnv(process.env)));
    expect(csp).toContain("script-src 'self';");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(csp).toContain(`connect-src 'self' ${sandbox.origin};`);
    expect(csp).toContain(`frame-ancestors 'self' ${sandbox.origin};`);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
  });

  it("the built pages have no inline script, inline style or event-handler attribute", () => {
    for (const page of ["index.html", "launch.html"]) {
      const html = readFileSync(join(app.outDir, page), "utf8");
      const scripts = html.match(/<script\b[^>]*>/g) ?? [];
      expect(scripts.length, page).toBeGreaterThan(0);
      for (const s of scripts) expect(s, page).toMatch(/\ssrc="/);
      expect(html, page).not.toMatch(/<style\b|\sstyle="|\son[a-z]+=/i);
    }
  });

  it("dev server: a relaxed policy (injected styles, HMR; no inline script), still limited to this sandbox", async () => {
    const csp = (await fetch(`${devOrigin}/launch.html`)).headers.get("content-security-policy");
    expect(csp).toBe(contentSecurityPolicy(cspOptionsFromEnv(process.env), true));
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("style-src 'self' 'unsafe-inline';");
    expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:* ${sandbox.origin};`);
  });
});

describe(`EHR launch in a window as Dr. Jürgen Groß (an id_token window.atob rejects): read, record, save`, () => {
  let page: Page;
  let tokenResponse: { access_token: string; refresh_token?: string; id_token?: string };

  beforeAll(async () => {
    w.clear();
    page = await context.newPage();
    const token = page.waitForResponse((r) => r.url() === `${sandbox.origin}/auth/token` && r.status() === 200);
    await page.goto(await ehrLaunchUrl(sandbox, PATIENT, "window", app.origin, JURGEN));
    tokenResponse = (await (await token).json()) as typeof tokenResponse;
    await waitForWorkspace(page);
  }, 60_000);
  afterAll(() => page?.close());

  it("the id_token's payload is one window.atob rejects (what stopped the app before), and the app started", async () => {
    const payload = tokenResponse.id_token!.split(".")[1]!;
    expect(payload).toMatch(/[-_]/);
    expect(await page.evaluate((p) => { try { atob(p); return "decoded"; } catch (e) { return (e as Error).name; } }, payload)).toBe("InvalidCharacterError");
    expect(await page.locator(".error-message").count()).toBe(0);
    expect(w.pageErrors).toEqual([]);
  });

  it("records a stage and saves a plan; the Provenance names Dr. Jürgen Groß; no CSP violation on the way", async () => {
    await openTab(page, "Overview");
    await page.getByRole("button", { name: "Record stage" }).click();
    await page.locator("#new-stage").selectOption({ label: "Preparation" });
    await page.getByRole("button", { name: "Record", exact: true }).click();
    await page.locator(".record-stage .ok").waitFor({ timeout: 10_000 });
    const before = new Set([...sandbox.store.all("Provenance")].map((p) => p.id));
    await openTab(page, "Plan");
    await page.getByRole("button", { name: "Save plan" }).click();
    await page.locator(".save-result").waitFor({ timeout: 10_000 });
    const saved = [...sandbox.store.all("Provenance")].filter((p) => !before.has(p.id)) as Provenance[];
    expect(saved).toHaveLength(1);
    const authors = saved[0]!.agent.map((a) => a.who.reference).filter(Boolean);
    expect(authors).toEqual(["Practitioner/dr-2"]);
    const who = [...sandbox.store.all("Practitioner")].find((p) => p.id === "dr-2") as Practitioner;
    expect(who.name?.[0]).toMatchObject({ family: "Groß", given: ["Jürgen"] });
    expectNoCspProblem();
    expect(w.pageErrors).toEqual([]);
  }, 45_000);

  it("connect-src is enforced: the page cannot reach a server that is not configured", async () => {
    const result = await page.evaluate(() => fetch("http://localhost:9/collect").then(() => "sent", (e: Error) => e.name));
    expect(result).toBe("TypeError");
    await expect.poll(() => w.violations.map((v) => `${v.directive} ${v.blocked}`)).toEqual(["connect-src http://localhost:9/collect"]);
    w.violations.length = 0; // provoked here; the console and request history stay for the checks below
  });

  describe("secrets: tokens and patient data", () => {
    let patient: Patient;
    let secrets: [string, string][];
    beforeAll(() => {
      patient = [...sandbox.store.all("Patient")].find((p) => p.id === PATIENT) as Patient;
      const name = patient.name![0]!;
      secrets = [
        ["access token", tokenResponse.access_token],
        ["refresh token", tokenResponse.refresh_token!],
        ["id token", tokenResponse.id_token!],
        ["family name", name.family!],
        ...name.given!.map((g): [string, string] => ["given name", g]),
        ["birth date", patient.birthDate!],
      ];
      expect(secrets.every(([, s]) => typeof s === "string" && s.length >= 4)).toBe(true);
    });

    it("appear in no console message of the whole launch, read, record and save", async () => {
      // The watcher hears the page's console (so an empty list means nothing was logged, not that nobody listened).
      await page.evaluate(() => console.info("console probe"));
      await expect.poll(() => w.console).toContain("info: console probe");
      for (const [what, secret] of secrets) expect(w.console.filter((m) => m.includes(secret)), what).toEqual([]);
    });

    it("appear in no request URL, and the address bar holds no code, state or token", () => {
      expect(w.requests.length).toBeGreaterThan(0);
      for (const [what, secret] of secrets.slice(0, 3)) expect(w.requests.filter((u) => u.includes(secret)), what).toEqual([]);
      const url = new URL(page.url());
      expect(url.search).toBe("");
      expect(url.hash).toBe("");
    });

    it("are not in localStorage or cookies", async () => {
      expect(await page.evaluate(() => ({ local: localStorage.length, cookie: document.cookie }))).toEqual({ local: 0, cookie: "" });
    });

    it("are not in an error the app shows (a failed save)", async () => {
      await page.route(
        (u) => u.href === sandbox.fhirBase || u.href === `${sandbox.fhirBase}/`,
        (route) => route.fulfill({ status: 500, contentType: "application/fhir+json", body: JSON.stringify({ resourceType: "OperationOutcome", issue: [{ severity: "error", code: "exception", diagnostics: "database unavailable" }] }) }),
        { times: 1 },
      );
      await page.getByRole("button", { name: "Save changes" }).click();
      const error = page.locator(".plan-editor .error-message");
      await error.waitFor({ timeout: 10_000 });
      const shown = await page.locator("body").innerText();
      expect(await error.innerText()).toContain("database unavailable");
      for (const [what, secret] of secrets.slice(0, 3)) expect(shown.includes(secret), what).toBe(false);
      for (const [what, secret] of secrets) expect(w.console.filter((m) => m.includes(secret)), what).toEqual([]);
    });
  });
});

describe("EHR launch in an iframe of the EHR (frame-ancestors allows it)", () => {
  it("authorizes and shows the record inside the frame with no CSP violation", async () => {
    w.clear();
    const page = await context.newPage();
    const url = await ehrLaunchUrl(sandbox, PATIENT, "iframe", app.origin);
    await page.goto(sandbox.ehrUrl);
    await page.evaluate((src) => {
      document.body.append(Object.assign(document.createElement("iframe"), { src, title: "Stagewise", width: "768", height: "900", id: "embedded" }));
    }, url);
    const frame = await (await page.waitForSelector("#embedded")).contentFrame();
    await waitForWorkspace(frame!);
    expectNoCspProblem();
    await page.close();
  }, 60_000);

  it("a page of another origin cannot frame the app", async () => {
    w.clear();
    const page = await context.newPage();
    await page.route("https://unlisted-ehr.example/**", (route) =>
      route.fulfill({ contentType: "text/html", body: `<!doctype html><title>x</title><iframe id="f" src="${app.origin}/launch.html"></iframe>` }),
    );
    await page.goto("https://unlisted-ehr.example/");
    await expect.poll(() => w.cspConsole().join("\n"), { timeout: 10_000 }).toMatch(/frame-ancestors/);
    const frame = await (await page.waitForSelector("#f")).contentFrame();
    expect(await frame!.locator("h1").count()).toBe(0);
    await page.close();
    w.clear();
  }, 30_000);
});

describe("a launch from a FHIR server the policy does not list", () => {
  it("is refused by connect-src, and the launch page names the server", async () => {
    w.clear();
    const page = await context.newPage();
    await page.goto(`${app.origin}/launch.html?iss=${encodeURIComponent("https://fhir.unlisted.example/r4")}&launch=abc`);
    await page.getByRole("alert").filter({ hasText: "may not connect to https://fhir.unlisted.example (its Content-Security-Policy, connect-src)" }).waitFor({ timeout: 10_000 });
    expect(w.violations.map((v) => v.directive)).toContain("connect-src");
    expect(w.violations.every((v) => v.blocked.startsWith("https://fhir.unlisted.example/"))).toBe(true);
    await page.close();
    w.clear();
  }, 30_000);
});

describe("dev server", () => {
  it("a full EHR launch runs under the dev policy with no CSP violation", async () => {
    w.clear();
    const page = await context.newPage();
    await page.goto(await ehrLaunchUrl(sandbox, PATIENT, "window", devOrigin));
    await waitForWorkspace(page);
    expectNoCspProblem();
    expect(w.pageErrors).toEqual([]);
    await page.close();
  }, 90_000);
});
