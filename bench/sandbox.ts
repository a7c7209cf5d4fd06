// Sandbox speed: (1) start-up, measured as a user sees it — from spawning `node launch/server.ts --port 0` to the
// line with the EHR simulator URL (module loading, definitions, seeding, key generation); (2) the 95th percentile
// of patient-scoped searches over HTTP with an EHR-launch token: Observation by patient and category and
// MedicationRequest with _include, as the app asks them, for the patient with the most Observations.
// At least 5,000 Observations are loaded: the synthetic patients, topped up with generated ones if they hold fewer.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import type { Bundle, Observation } from "fhir/r4.js";
import { createLaunch, getToken } from "../launch/dev-client.ts";
import { jsonFilesIn } from "../launch/seed.ts";
import { queryUrl, recordQueries } from "../src/fhir/patient-queries.ts";

export interface SandboxBench {
  /** Spawn → listening, in ms. */
  startMs: number;
  /** 95th percentile of the patient-scoped searches, in ms. */
  p95SearchMs: number;
  medianSearchMs: number;
  searches: number;
  /** Observations loaded in the sandbox. */
  observations: number;
  /** The patient searched and how many Observations they hold. */
  patient: string;
  patientObservations: number;
}

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const PATIENTS = join(ROOT, "fhir-resources/patients");
const MIN_OBSERVATIONS = 5000;

function observationsIn(files: string[]): number {
  let n = 0;
  for (const f of files) {
    const b = JSON.parse(readFileSync(f, "utf8")) as Bundle;
    n += (b.entry ?? []).filter((e) => e.resource?.resourceType === "Observation").length;
  }
  return n;
}

/** A data folder holding the synthetic patients plus enough generated Observations to reach `min`. */
function toppedUpDir(min: number): { dir: string | undefined; cleanup: () => void } {
  const files = jsonFilesIn(PATIENTS);
  const have = observationsIn(files);
  if (have >= min && files.length > 0) return { dir: undefined, cleanup: () => undefined };
  const dir = mkdtempSync(join(tmpdir(), "sandbox-bench-"));
  for (const f of files) symlinkSync(f, join(dir, basename(f)));
  const entry: Bundle["entry"] = [{ resource: { resourceType: "Patient", id: "bench-topup" } }];
  for (let i = 0; i < min - have; i++) {
    const o: Observation = {
      resourceType: "Observation",
      id: `bench-topup-${i}`,
      status: "final",
      category: [{ coding: [{ system: "http://terminology.hl7.org/CodeSystem/observation-category", code: i % 2 ? "laboratory" : "survey" }] }],
      code: { coding: [{ system: "http://loinc.org", code: "19295-5" }] },
      subject: { reference: "Patient/bench-topup" },
      effectiveDateTime: `2026-${String(1 + (i % 12)).padStart(2, "0")}-15`,
      valueString: i % 7 ? "negative" : "positive",
    };
    entry.push({ resource: o });
  }
  writeFileSync(join(dir, "zz-bench-topup.json"), JSON.stringify({ resourceType: "Bundle", type: "collection", entry }));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

function percentile(samples: number[], p: number): number {
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(s.length * p) - 1))] ?? NaN;
}

export async function benchSandbox(rounds = 100): Promise<SandboxBench> {
  const data = toppedUpDir(MIN_OBSERVATIONS);
  const args = [join(ROOT, "launch/server.ts"), "--port", "0", ...(data.dir ? ["--data", data.dir] : [])];
  const t0 = performance.now();
  // The real node binary, not an npm wrapper, so that kill() stops the server (toolchain-notes gotcha 11).
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  try {
    const { origin, observations, startMs } = await new Promise<{ origin: string; observations: number; startMs: number }>((ok, fail) => {
      let out = "";
      let err = "";
      const timer = setTimeout(() => fail(new Error(`sandbox did not start within 30 s: ${err}`)), 30_000);
      child.stderr.on("data", (d: Buffer) => (err += d.toString()));
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        const url = /EHR simulator:\s+(http:\/\/127\.0\.0\.1:\d+)\/ehr\//.exec(out);
        const loaded = /(\d+) observations/.exec(out);
        if (url?.[1] && loaded?.[1]) {
          clearTimeout(timer);
          ok({ origin: url[1], observations: Number(loaded[1]), startMs: performance.now() - t0 });
        }
      });
      child.once("exit", (code) => fail(new Error(`sandbox exited (${code}): ${err}`)));
    });
    const fhirBase = `${origin}/fhir`;

    // The patient with the most Observations.
    const user = await getToken({ fhirBase, scope: "user/*.rs", user: "clinician" });
    const ctx = (await (await fetch(`${origin}/ehr/api/context`)).json()) as { patients: { id: string }[] };
    let patient = "";
    let patientObservations = -1;
    for (const p of ctx.patients) {
      const r = await fetch(`${fhirBase}/Observation?patient=${encodeURIComponent(p.id)}&_summary=count`, { headers: { Authorization: `Bearer ${user.access_token}` } });
      const total = ((await r.json()) as Bundle).total ?? 0;
      if (total > patientObservations) [patient, patientObservations] = [p.id, total];
    }

    const { launch } = await createLaunch(origin, patient);
    const token = await getToken({ fhirBase, scope: "launch patient/*.rs", launch });
    const headers = { Authorization: `Bearer ${token.access_token}`, Accept: "application/fhir+json" };
    // Exactly the CLI's two heaviest searches (the whole record), page size included.
    const queries = recordQueries(patient)
      .filter((q) => q.resourceType === "Observation" || q.resourceType === "MedicationRequest")
      .map(queryUrl);
    const samples: number[] = [];
    for (let i = 0; i < rounds + 10; i++) {
      const q = queries[i % queries.length] as string;
      const t = performance.now();
      const res = await fetch(`${fhirBase}/${q}`, { headers });
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`${q}: HTTP ${res.status}`);
      if (i >= 10) samples.push(performance.now() - t); // the first rounds warm the JIT up
    }
    return {
      startMs,
      p95SearchMs: percentile(samples, 0.95),
      medianSearchMs: percentile(samples, 0.5),
      searches: samples.length,
      observations,
      patient,
      patientObservations,
    };
  } finally {
    child.kill("SIGTERM");
    data.cleanup();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const r = await benchSandbox();
  console.log(JSON.stringify(r, null, 2));
}
