// App launch speed as a clinician feels it: on the production build (vite build, served by Vite's preview server on
// 127.0.0.1) in headless Chromium against the sandbox EHR, EHR launch → the time from the end of the token response
// to the recommendations on screen. Next to it, measured the same way in the same run, a minimal SMART app
// (bench/minimal-app/: fhirclient ready() + one Patient read, then the name on screen), and the ratio.
//
// Timing, inside the page (one clock): the token request's Resource Timing `responseEnd`, and the moment a
// MutationObserver (installed before any page script) first sees the target in the DOM — the recommendations
// block for the app, a non-empty patient name for the minimal app. Each run is a new tab with a new EHR launch;
// one warm-up run of each is discarded, then the two apps alternate; the medians are reported.
//
//   node bench/app-launch.ts [patient-id] [runs]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type BrowserContext } from "playwright-core";
import { preview } from "vite";
import { startSandbox, type Sandbox } from "../launch/server.ts";
import { appClient, chromiumPath, ehrLaunchUrl } from "../test/e2e/helpers/browser.ts";
import { productionBuild } from "../test/e2e/helpers/build.ts";

export interface AppLaunchBench {
  /** Median ms from the token response to the recommendations on screen (Stagewise). */
  appMs: number;
  /** Median ms from the token response to the patient's name on screen (minimal SMART app). */
  minimalMs: number;
  ratio: number;
  /** Measured runs per app (after one warm-up each). */
  runs: number;
  patient: string;
  appSamples: number[];
  minimalSamples: number[];
}

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const MINIMAL_ROOT = join(ROOT, "bench/minimal-app");
const MINIMAL_CLIENT = "stagewise-minimal";
const DEFAULT_PATIENT = "pw-andre-cm-escalating";

type Target = "app" | "minimal";

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
      : (document.getElementById("patient-name")?.textContent ?? "") !== "";
  const observer = new MutationObserver(() => {
    if (w.__benchShownAt === undefined && present()) {
      w.__benchShownAt = performance.now();
      observer.disconnect();
    }
  });
  observer.observe(document, { childList: true, subtree: true, characterData: true });
}

async function measure(context: BrowserContext, url: string, target: Target): Promise<number> {
  const page = await context.newPage();
  try {
    await page.addInitScript(watchForTarget, target);
    await page.goto(url);
    await page.waitForFunction(() => (window as unknown as { __benchShownAt?: number }).__benchShownAt !== undefined, undefined, { timeout: 30_000 });
    const t = await page.evaluate(() => {
      const token = performance
        .getEntriesByType("resource")
        .filter((e) => new URL(e.name).pathname.endsWith("/token"))
        .pop() as PerformanceResourceTiming | undefined;
      return { tokenEnd: token?.responseEnd ?? null, shown: (window as unknown as { __benchShownAt: number }).__benchShownAt };
    });
    if (t.tokenEnd === null) throw new Error(`${target}: no token request was seen on the page that showed the result`);
    return t.shown - t.tokenEnd;
  } finally {
    await page.close();
  }
}

export async function benchAppLaunch(options: { patient?: string; runs?: number } = {}): Promise<AppLaunchBench> {
  const patient = options.patient ?? DEFAULT_PATIENT;
  const runs = Math.max(5, options.runs ?? 7);
  const outDir = mkdtempSync(join(tmpdir(), "stagewise-bench-dist-"));
  const profile = mkdtempSync(join(tmpdir(), "stagewise-bench-profile-"));
  let sandbox: Sandbox | undefined;
  let context: BrowserContext | undefined;
  const server = await (async () => {
    await productionBuild({ root: ROOT, logLevel: "silent", build: { outDir, emptyOutDir: true, sourcemap: false } });
    // The baseline: its own small build (no React), same fhirclient settings as the app.
    await productionBuild({
      configFile: false,
      root: MINIMAL_ROOT,
      base: "/minimal-app/",
      logLevel: "silent",
      define: { FHIRCLIENT_PURE: "true" },
      build: { outDir: join(outDir, "minimal-app"), emptyOutDir: true, sourcemap: false, target: "es2022" },
    });
    return preview({ root: ROOT, logLevel: "silent", build: { outDir }, preview: { host: "127.0.0.1", port: 0, strictPort: false } });
  })();
  try {
    const origin = (server.resolvedUrls?.local[0] ?? "").replace(/\/$/, "");
    const minimalPage = `${origin}/minimal-app/index.html`;
    sandbox = await startSandbox({
      port: 0,
      quiet: true,
      clients: [appClient(origin), { client_id: MINIMAL_CLIENT, name: "Minimal SMART app", launch_url: minimalPage, redirect_uris: [minimalPage] }],
    });
    const sb = sandbox;
    context = await chromium.launchPersistentContext(profile, { ...(await chromiumPath()), headless: true, viewport: { width: 1280, height: 800 } });
    const ctx = context;
    const launchUrl = async (target: Target) => {
      if (target === "app") return ehrLaunchUrl(sb, patient, "window", origin);
      const url = new URL(await ehrLaunchUrl(sb, patient, "window", origin));
      return `${minimalPage}${url.search}`; // the same iss and launch, sent to the minimal app instead
    };
    await measure(ctx, await launchUrl("app"), "app");
    await measure(ctx, await launchUrl("minimal"), "minimal");
    const appSamples: number[] = [];
    const minimalSamples: number[] = [];
    for (let i = 0; i < runs; i++) {
      appSamples.push(await measure(ctx, await launchUrl("app"), "app"));
      minimalSamples.push(await measure(ctx, await launchUrl("minimal"), "minimal"));
    }
    const appMs = median(appSamples);
    const minimalMs = median(minimalSamples);
    return { appMs, minimalMs, ratio: appMs / minimalMs, runs, patient, appSamples, minimalSamples };
  } finally {
    await context?.close();
    await sandbox?.close();
    await server.close();
    rmSync(outDir, { recursive: true, force: true });
    rmSync(profile, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const r = await benchAppLaunch({
    ...(process.argv[2] ? { patient: process.argv[2] } : {}),
    ...(process.argv[3] ? { runs: Number(process.argv[3]) } : {}),
  });
  const f = (n: number) => n.toFixed(1);
  console.log(`app launch (built bundle, headless Chromium, sandbox EHR; patient ${r.patient}; median of ${r.runs} runs after a warm-up)`);
  console.log(`  Stagewise: token response → recommendations on screen ${f(r.appMs)} ms  [${r.appSamples.map(f).join(", ")}]`);
  console.log(`  minimal SMART app: token response → patient name on screen ${f(r.minimalMs)} ms  [${r.minimalSamples.map(f).join(", ")}]`);
  console.log(`  ratio ${r.ratio.toFixed(2)}×`);
}
