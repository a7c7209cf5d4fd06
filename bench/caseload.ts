// The caseload's reads and screen, for 25 and 250 patients (issue #10: at most 10 requests for 250 patients, the
// list on screen in under 2 s on the loopback sandbox). For each size: a generated caseload
// (scripts/generate-caseload.ts) in its own sandbox, then
//   - reads (Node): src/fhir/caseload-queries.ts over HTTP with the care coordinator's token (an EHR launch without
//     a patient, the app's own scopes): requests and time, median of 5;
//   - screen (headless Chromium, the production build): from opening the EHR's launch URL (launch page, authorize
//     redirect, token, reads, engine, table) to every row on screen, median of 3 after one warm-up, with the FHIR
//     requests the page made after the token.
//
//   node bench/caseload.ts
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { preview } from "vite";
import { createLaunch, DEV_REDIRECT_URI, getToken } from "../launch/dev-client.ts";
import { startSandbox } from "../launch/server.ts";
import { generateCaseload } from "../scripts/generate-caseload.ts";
import { scopesFor } from "../src/app/launch-config.ts";
import { localToday } from "../src/app/session.ts";
import { readCaseload } from "../src/fhir/caseload-queries.ts";
import { bearerTransport } from "../src/fhir/transport.ts";
import { appClient, chromiumPath, ehrLaunchUrl } from "../test/e2e/helpers/browser.ts";
import { productionBuild } from "../test/e2e/helpers/build.ts";

export interface CaseloadBench {
  patients: number;
  reads: { requests: number; medianMs: number };
  /** Click: from opening the EHR's launch URL; token: from the token response's end. */
  screen: { medianMs: number; tokenMs: number; requests: number };
}

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function benchCaseload(sizes = [25, 250], runs = { reads: 5, screen: 3 }): Promise<CaseloadBench[]> {
  const outDir = mkdtempSync(join(tmpdir(), "stagewise-bench-caseload-dist-"));
  const profile = mkdtempSync(join(tmpdir(), "stagewise-bench-caseload-profile-"));
  await productionBuild({ root: ROOT, logLevel: "silent", build: { outDir, emptyOutDir: true, sourcemap: false } });
  const server = await preview({ root: ROOT, logLevel: "silent", build: { outDir }, preview: { host: "127.0.0.1", port: 0, strictPort: false } });
  const origin = (server.resolvedUrls?.local[0] ?? "").replace(/\/$/, "");
  const context = await chromium.launchPersistentContext(profile, { ...(await chromiumPath()), headless: true, viewport: { width: 1280, height: 800 } });
  const out: CaseloadBench[] = [];
  try {
    for (const n of sizes) {
      const dataDir = mkdtempSync(join(tmpdir(), `stagewise-bench-caseload-${n}-`));
      for (const [path, text] of generateCaseload(n)) writeFileSync(join(dataDir, path.split("/").pop()!), text);
      const client = appClient(origin);
      // DEV_REDIRECT_URI too: the bench's own token for the reads in Node (launch/dev-client.ts) uses it.
      const sandbox = await startSandbox({ port: 0, quiet: true, dataDirs: [dataDir], clients: [{ ...client, redirect_uris: [...client.redirect_uris, DEV_REDIRECT_URI] }] });
      try {
        const { launch } = await createLaunch(sandbox.origin, "", "care-coordinator");
        const token = (await getToken({ fhirBase: sandbox.fhirBase, scope: scopesFor("ehr", "v2"), launch })).access_token;
        const transport = bearerTransport(sandbox.fhirBase, token);
        const readMs: number[] = [];
        let requests = 0;
        for (let i = 0; i < runs.reads; i++) {
          const t0 = performance.now();
          const read = await readCaseload(transport, { careTeamOf: "Practitioner/cc-1" }, { now: localToday() });
          readMs.push(performance.now() - t0);
          if (read.patients.length !== n || read.failures.length > 0) throw new Error(`caseload of ${n}: read ${read.patients.length} patients, ${read.failures.length} failures`);
          requests = read.requests;
        }
        const screenMs: number[] = [];
        const tokenMs: number[] = [];
        let pageRequests = 0;
        for (let i = 0; i <= runs.screen; i++) {
          const page = await context.newPage();
          let tokenAt = 0;
          let fhir = 0;
          const isFhir = (u: string) => (u === sandbox.fhirBase || u.startsWith(`${sandbox.fhirBase}/`) || u.startsWith(`${sandbox.fhirBase}?`)) && !u.includes("/.well-known/");
          page.on("requestfinished", (r) => {
            if (r.url().startsWith(`${sandbox.origin}/auth/token`)) tokenAt = performance.now();
          });
          page.on("request", (r) => {
            if (tokenAt > 0 && isFhir(r.url()) && r.method() !== "OPTIONS") fhir++;
          });
          const url = await ehrLaunchUrl(sandbox, "", "window", origin, "care-coordinator");
          const t0 = performance.now();
          await page.goto(url);
          await page.locator(`.caseload-table tbody tr:nth-child(${n})`).waitFor({ timeout: 60_000 });
          const end = performance.now();
          if (i > 0) {
            // the first is a warm-up
            screenMs.push(end - t0);
            tokenMs.push(end - tokenAt);
          }
          pageRequests = fhir;
          await page.close();
        }
        out.push({ patients: n, reads: { requests, medianMs: median(readMs) }, screen: { medianMs: median(screenMs), tokenMs: median(tokenMs), requests: pageRequests } });
      } finally {
        await sandbox.close();
        rmSync(dataDir, { recursive: true, force: true });
      }
    }
  } finally {
    await context.close();
    await server.close();
    for (const d of [outDir, profile]) rmSync(d, { recursive: true, force: true });
  }
  return out;
}

export function caseloadReport(results: CaseloadBench[]): string[] {
  const f = (n: number) => n.toFixed(1);
  const lines = ["caseload: the care coordinator's list (CareTeams + batched reads), generated caseloads on the loopback sandbox"];
  for (const r of results) {
    lines.push(
      `  ${r.patients} patients: reads ${r.reads.requests} requests, median ${f(r.reads.medianMs)} ms; ` +
        `every row on screen (Chromium, median): EHR launch URL opened → ${f(r.screen.medianMs)} ms, token → ${f(r.screen.tokenMs)} ms, ` +
        `${r.screen.requests} FHIR requests after the token (goals: ≤ 10 requests, < 2,000 ms)`,
    );
  }
  return lines;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const line of caseloadReport(await benchCaseload())) console.log(line);
}
