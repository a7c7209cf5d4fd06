// App launch speed as a clinician feels it: on the production build (vite build, served by Vite's preview server on
// 127.0.0.1) in headless Chromium against the sandbox EHR, each page launched from the EHR and measured twice:
//   - click to screen: from the EHR's launch URL being opened (launch page, authorize redirect, token, reads) to the
//     target on screen;
//   - token to screen: from the end of the token response to the target on screen.
// Three pages, measured the same way in the same run:
//   - Stagewise: the recommendations on screen;
//   - the reads baseline (bench/reads-baseline/): exactly the reads Stagewise makes before its first screen, with
//     fhirclient alone (no React, no engine), then a count on screen — the least the app's reads can cost;
//   - the minimal SMART app (bench/minimal-app/): ready() + one Patient read, the name on screen.
// The bench checks that the baseline made the same FHIR requests as the app before its first screen.
//
// Timing, inside the page: a MutationObserver (installed before any page script) notes when the target first
// appears; the token request's Resource Timing gives its end; click time is taken in Node just before the page is
// opened (one clock: epoch milliseconds on this machine). Each run is a new tab with a new EHR launch; one warm-up
// run of each page is discarded, then the pages alternate; medians are reported. The pages' files and the sandbox EHR
// each run in a process of their own (static-host.ts, sandbox-host.ts), as in a deployment: neither shares an event
// loop with the Playwright driver, which takes a DevTools message for every request the browser makes.
//
//   node bench/app-launch.ts [patient-id …]
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type BrowserContext } from "playwright-core";
import { PATIENTS_DIR } from "../launch/server.ts";
import { appClient, chromiumPath, ehrLaunchUrl } from "../test/e2e/helpers/browser.ts";
import { productionBuild } from "../test/e2e/helpers/build.ts";
import { weeklyHistory } from "./history.ts";
import { startSandboxHost, type SandboxHost } from "./sandbox-host.ts";
import { startStaticHost } from "./static-host.ts";

export type Target = "app" | "reads" | "minimal";
export const TARGETS: Target[] = ["app", "reads", "minimal"];

export interface Timing {
  /** ms from opening the EHR launch URL to the target on screen. */
  click: number;
  /** ms from the end of the token response to the target on screen. */
  token: number;
}

export interface PatientLaunch {
  patient: string;
  /** Median per page. */
  median: Record<Target, Timing>;
  samples: Record<Target, Timing[]>;
  /** FHIR requests (path and query) before the first screen: the app's and the baseline's. */
  requests: Record<"app" | "reads", string[]>;
}

export interface AppLaunchBench {
  runs: number;
  patients: PatientLaunch[];
}

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const PAGES: Record<Exclude<Target, "app">, { dir: string; client: string; name: string }> = {
  minimal: { dir: "minimal-app", client: "stagewise-minimal", name: "Minimal SMART app" },
  reads: { dir: "reads-baseline", client: "stagewise-reads", name: "The app's first reads" },
};
/** The generated 20-year patient (bench/history.ts), loaded into the sandbox next to the synthetic patients. */
export const LONG_PATIENT = "bench-20-years";
export const DEFAULT_PATIENTS = ["pw-andre-cm-escalating", "pw-helen-five-year-history", LONG_PATIENT];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Runs in every document before its scripts: notes when the target first appears. */
function watchForTarget(target: Target): void {
  const w = window as unknown as { __benchShownAt?: number };
  const present = () =>
    target === "app"
      ? document.querySelector(".next-steps") !== null
      : (document.getElementById(target === "minimal" ? "patient-name" : "reads-done")?.textContent ?? "") !== "";
  const observer = new MutationObserver(() => {
    if (w.__benchShownAt === undefined && present()) {
      w.__benchShownAt = performance.now();
      observer.disconnect();
    }
  });
  observer.observe(document, { childList: true, subtree: true, characterData: true });
}

async function measure(context: BrowserContext, url: string, target: Target, fhirBase: string): Promise<{ timing: Timing; requests: string[] }> {
  const page = await context.newPage();
  try {
    await page.addInitScript(watchForTarget, target);
    const clicked = Date.now();
    await page.goto(url);
    await page.waitForFunction(() => (window as unknown as { __benchShownAt?: number }).__benchShownAt !== undefined, undefined, { timeout: 60_000 });
    const t = await page.evaluate((base) => {
      const shownAt = (window as unknown as { __benchShownAt: number }).__benchShownAt;
      const entries = performance.getEntriesByType("resource") as PerformanceResourceTiming[];
      const token = entries.filter((e) => new URL(e.name).pathname.endsWith("/token")).pop();
      const requests = entries
        .filter((e) => e.name.startsWith(`${base}/`) && e.startTime < shownAt)
        .map((e) => {
          const u = new URL(e.name);
          return `${u.pathname.slice(new URL(base).pathname.length)}${u.search}`;
        });
      return { tokenEnd: token?.responseEnd ?? null, shownAt, shownEpoch: performance.timeOrigin + shownAt, requests };
    }, fhirBase);
    if (t.tokenEnd === null) throw new Error(`${target}: no token request was seen on the page that showed the result`);
    return { timing: { click: t.shownEpoch - clicked, token: t.shownAt - t.tokenEnd }, requests: t.requests.sort() };
  } finally {
    await page.close();
  }
}

export async function benchAppLaunch(options: { patients?: string[]; runs?: number } = {}): Promise<AppLaunchBench> {
  const patients = options.patients ?? DEFAULT_PATIENTS;
  const runs = Math.max(3, options.runs ?? 7);
  const outDir = mkdtempSync(join(tmpdir(), "stagewise-bench-dist-"));
  const profile = mkdtempSync(join(tmpdir(), "stagewise-bench-profile-"));
  const longDir = mkdtempSync(join(tmpdir(), "stagewise-bench-long-"));
  writeFileSync(join(longDir, `${LONG_PATIENT}.json`), JSON.stringify(weeklyHistory(20, "2026-11-23", LONG_PATIENT)));
  let sandbox: SandboxHost | undefined;
  let context: BrowserContext | undefined;
  await productionBuild({ root: ROOT, logLevel: "silent", build: { outDir, emptyOutDir: true, sourcemap: false } });
  // The baselines: their own small builds (no React), the same fhirclient settings as the app.
  for (const p of Object.values(PAGES)) {
    await productionBuild({
      configFile: false,
      root: join(ROOT, "bench", p.dir),
      base: `/${p.dir}/`,
      logLevel: "silent",
      define: { FHIRCLIENT_PURE: "true" },
      build: { outDir: join(outDir, p.dir), emptyOutDir: true, sourcemap: false, target: "es2022" },
    });
  }
  const server = await startStaticHost(outDir);
  try {
    const origin = server.origin;
    const pageUrl = (target: Exclude<Target, "app">) => `${origin}/${PAGES[target].dir}/index.html`;
    sandbox = await startSandboxHost({
      port: 0,
      quiet: true,
      dataDirs: [PATIENTS_DIR, longDir],
      clients: [
        appClient(origin),
        ...(["minimal", "reads"] as const).map((t) => ({ client_id: PAGES[t].client, name: PAGES[t].name, launch_url: pageUrl(t), redirect_uris: [pageUrl(t)] })),
      ],
    });
    const sb = sandbox;
    context = await chromium.launchPersistentContext(profile, { ...(await chromiumPath()), headless: true, viewport: { width: 1280, height: 800 } });
    const ctx = context;
    const launchUrl = async (patient: string, target: Target) => {
      const url = await ehrLaunchUrl(sb, patient, "window", origin);
      return target === "app" ? url : `${pageUrl(target)}${new URL(url).search}`; // the same iss and launch, sent to the baseline
    };
    const results: PatientLaunch[] = [];
    for (const patient of patients) {
      for (const target of TARGETS) await measure(ctx, await launchUrl(patient, target), target, sb.fhirBase); // warm-up
      const samples: Record<Target, Timing[]> = { app: [], reads: [], minimal: [] };
      const requests: Record<"app" | "reads", string[]> = { app: [], reads: [] };
      for (let i = 0; i < runs; i++) {
        for (const target of i % 2 ? [...TARGETS].reverse() : TARGETS) {
          const m = await measure(ctx, await launchUrl(patient, target), target, sb.fhirBase);
          samples[target].push(m.timing);
          if (target !== "minimal") requests[target] = m.requests;
        }
      }
      const med = (t: Target): Timing => ({ click: median(samples[t].map((s) => s.click)), token: median(samples[t].map((s) => s.token)) });
      results.push({ patient, median: { app: med("app"), reads: med("reads"), minimal: med("minimal") }, samples, requests });
    }
    return { runs, patients: results };
  } finally {
    await context?.close();
    await sandbox?.close();
    await server.close();
    for (const d of [outDir, profile, longDir]) rmSync(d, { recursive: true, force: true });
  }
}

/** The lines `npm run bench` prints for the launch, with the three ratios the issue asks for. */
export function launchReport(r: AppLaunchBench): string[] {
  const f = (n: number) => n.toFixed(1);
  const lines: string[] = [];
  for (const p of r.patients) {
    const m = p.median;
    const same = p.requests.app.join("\n") === p.requests.reads.join("\n");
    lines.push(`app launch, ${p.patient} (median of ${r.runs}; click = EHR launch URL opened, token = token response):`);
    lines.push(`  Stagewise (recommendations)    click → screen ${f(m.app.click)} ms, token → screen ${f(m.app.token)} ms`);
    lines.push(`  its reads alone (fhirclient)   click → screen ${f(m.reads.click)} ms, token → screen ${f(m.reads.token)} ms` +
      `  [${p.requests.reads.length} requests, ${same ? "the same as the app's" : "NOT the same as the app's"}]`);
    lines.push(`  minimal SMART app (1 read)     click → screen ${f(m.minimal.click)} ms, token → screen ${f(m.minimal.token)} ms`);
    lines.push(`  app / its reads: ${(m.app.click / m.reads.click).toFixed(2)}× click → screen, ${(m.app.token / m.reads.token).toFixed(2)}× token → screen (goal ≤ 1.25×)`);
  }
  const [andre, ...others] = r.patients;
  if (andre) {
    for (const [p, goal] of others.map((o, i) => [o, i === 0 ? 1.2 : 1.3] as const)) {
      lines.push(
        `${p.patient} / ${andre.patient}: ${(p.median.app.click / andre.median.app.click).toFixed(2)}× click → screen, ` +
          `${(p.median.app.token / andre.median.app.token).toFixed(2)}× token → screen (goal ≤ ${goal}×)`,
      );
    }
  }
  return lines;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const r = await benchAppLaunch(process.argv.length > 2 ? { patients: process.argv.slice(2) } : {});
  for (const line of launchReport(r)) console.log(line);
}
