// The sandbox and the CLI's --server mode under bounded load, on the loopback only (npm run test:load): a sandbox
// on a random 127.0.0.1 port with faults injected, N workers for S seconds each repeating
//   1. an evaluation through the CLI's own code (run() of src/cli/run.ts, `evaluate --server`, in-process), and
//   2. a plan save: buildPlanBundle() with a new plan id, POSTed as a transaction; a failed save is retried with
//      the SAME Bundle (as the app does: its conditional creates make a retry safe), at most MAX_ATTEMPTS times.
// Then the store is read: every acknowledged plan must be there exactly once (CarePlan, its Goal, its Provenance);
// a plan never acknowledged must be absent, unless one of its attempts was committed and then had its answer
// dropped (an injected drop-after), in which case exactly once; nothing else, no duplicates.
import type { Bundle } from "fhir/r4.js";
import { createLaunch, getToken } from "../../launch/dev-client.ts";
import type { FaultKind, FaultRecord } from "../../launch/faults.ts";
import { FAULT_KINDS } from "../../launch/faults.ts";
import type { FhirStore } from "../../launch/fhir-store.ts";
import { startSandbox } from "../../launch/server.ts";
import type { Sandbox } from "../../launch/server.ts";
import { scopesFor } from "../../src/app/launch-config.ts";
import { run as runCli } from "../../src/cli/run.ts";
import { CAREPLAN_ID_SYSTEM, GOAL_ID_SYSTEM, SAVE_TAG_SYSTEM } from "../../src/clinical/codes.ts";
import { buildPlanBundle } from "../../src/clinical/plan.ts";
import type { PlanContext, PlanDraft } from "../../src/clinical/plan.ts";

export interface LoadOptions {
  seconds: number;
  workers: number;
  /** Share of FHIR requests with an injected fault, 0–1. */
  faultRate: number;
  seed: number;
  /** How long a "timeout" fault holds the connection, in ms. */
  hangMs: number;
  /** Patients the workers take turns on (default: the synthetic patients with at most 400 Observations). */
  patients?: string[];
}

export const LOAD_LIMITS = { seconds: [1, 600], workers: [1, 50] } as const;
export const MAX_ATTEMPTS = 5;
const DEFAULT_PATIENTS = [
  "pw-andre-cm-escalating", "pw-aisha-preparation-naltrexone", "pw-grace-stale-stage-pain-patch", "pw-james-contemplation",
  "pw-kevin-free-text-no-medication", "pw-linda-maintenance-sublocade", "pw-marcus-cm-fixed-stimulants", "pw-maria-precontemplation",
  "pw-sofia-readiness-ruler-cm-prize", "pw-tomas-unknown-stage-overdose",
];

export interface PlanAttempts {
  planId: string;
  patient: string;
  attempts: number;
  acknowledged: boolean;
  /** What each failed attempt saw ("HTTP 503", "no answer"…). */
  failures: string[];
}

export interface Verification {
  /** Acknowledged plans whose CarePlan, Goal or Provenance is missing. */
  lost: string[];
  /** Plans stored more than once (any of the three). */
  duplicated: string[];
  /** Plans never acknowledged that are stored though no attempt of theirs was committed before a dropped answer. */
  unexpected: string[];
  /** Plans never acknowledged, committed before a dropped answer, and stored once (the expected outcome). */
  committedUnacknowledged: string[];
  /** CarePlans with this run's plan ids that no worker ever sent. */
  strangers: string[];
  ok: boolean;
}

export interface LoadReport {
  options: LoadOptions;
  origin: string;
  elapsedMs: number;
  evaluations: { total: number; ok: number; errors: Record<string, number> };
  saves: { plans: number; acknowledged: number; gaveUp: number; attempts: number; errors: Record<string, number> };
  fhirRequests: number;
  statuses: Record<string, number>;
  faults: Record<string, number>;
  verification: Verification;
}

const count = (into: Record<string, number>, key: string): void => {
  into[key] = (into[key] ?? 0) + 1;
};

function localToday(): string {
  const t = new Date();
  return `${t.getFullYear()}-${String(t.getMonth() + 1).padStart(2, "0")}-${String(t.getDate()).padStart(2, "0")}`;
}

/** "HTTP 503", "no answer" (connection dropped or closed), from the CLI's one error line. */
function evaluationError(stderr: string): string {
  const status = /HTTP (\d{3})/.exec(stderr)?.[1];
  if (status) return `HTTP ${status}`;
  if (/could not reach/.test(stderr)) return "no answer";
  return stderr.replace(/^error: /, "").slice(0, 60).trim() || "unknown";
}

async function evaluateOnce(fhirBase: string, patient: string, token: string): Promise<string | undefined> {
  let stderr = "";
  const code = await runCli(["evaluate", "--server", fhirBase, "--patient", patient, "--token", token, "--now", localToday()], () => undefined, (s) => {
    stderr += s;
  });
  return code === 0 ? undefined : evaluationError(stderr);
}

function plan(planId: string, patient: string, condition: string | undefined): Bundle {
  const today = localToday();
  const draft: PlanDraft = {
    planId,
    status: "active",
    period: { start: today },
    activities: [{ id: "cbt", title: "Cognitive behavioral therapy", text: "Weekly sessions" }],
    goals: [{ key: "g1", description: "Attend CBT weekly", startDate: today, activityIds: ["cbt"] }],
  };
  const ctx: PlanContext = {
    patient: `Patient/${patient}`,
    ...(condition ? { oudCondition: condition } : {}),
    author: "Practitioner/dr-1",
    now: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
    app: { name: "Stagewise load test", version: "0.1.0" },
  };
  return buildPlanBundle(draft, ctx);
}

/** One save: the same Bundle until it is acknowledged (a transaction-response) or MAX_ATTEMPTS have failed. */
async function saveWithRetries(fhirBase: string, token: string, planId: string, patient: string, bundle: Bundle): Promise<PlanAttempts> {
  const body = JSON.stringify(bundle);
  const out: PlanAttempts = { planId, patient, attempts: 0, acknowledged: false, failures: [] };
  while (out.attempts < MAX_ATTEMPTS) {
    out.attempts++;
    let wait = 50 * out.attempts;
    try {
      const res = await fetch(`${fhirBase}`, {
        method: "POST",
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/fhir+json", Accept: "application/fhir+json", "X-Request-Id": `${planId}#${out.attempts}` },
        body,
      });
      const text = await res.text();
      let type: unknown;
      try {
        type = (JSON.parse(text) as { type?: unknown }).type;
      } catch {
        type = undefined;
      }
      if (res.status === 200 && type === "transaction-response") {
        out.acknowledged = true;
        return out;
      }
      out.failures.push(`HTTP ${res.status}`);
      const retryAfter = Number(res.headers.get("retry-after"));
      if (Number.isFinite(retryAfter) && retryAfter > 0) wait = Math.min(1000, retryAfter * 1000);
    } catch {
      out.failures.push("no answer");
    }
    await new Promise((r) => setTimeout(r, wait));
  }
  return out;
}

/** The run's plans as stored: CarePlans, Goals and Provenances per plan id (by identifier and save tag). */
function storedByPlan(store: FhirStore, prefix: string): Map<string, { carePlans: number; goals: number; provenances: number }> {
  const byPlan = new Map<string, { carePlans: number; goals: number; provenances: number }>();
  const entry = (planId: string) => {
    let e = byPlan.get(planId);
    if (!e) byPlan.set(planId, (e = { carePlans: 0, goals: 0, provenances: 0 }));
    return e;
  };
  for (const r of store.all("CarePlan")) {
    for (const id of (r as { identifier?: { system?: string; value?: string }[] }).identifier ?? []) {
      if (id.system === CAREPLAN_ID_SYSTEM && id.value?.startsWith(prefix)) entry(id.value).carePlans++;
    }
  }
  for (const r of store.all("Goal")) {
    for (const id of (r as { identifier?: { system?: string; value?: string }[] }).identifier ?? []) {
      if (id.system === GOAL_ID_SYSTEM && id.value?.startsWith(prefix)) entry(id.value.split("/")[0] ?? id.value).goals++;
    }
  }
  for (const r of store.all("Provenance")) {
    for (const tag of r.meta?.tag ?? []) if (tag.system === SAVE_TAG_SYSTEM && tag.code?.startsWith(prefix)) entry(tag.code).provenances++;
  }
  return byPlan;
}

/** Checks the store against what the workers sent and were told (see the file comment). */
export function verifyStore(store: FhirStore, prefix: string, plans: PlanAttempts[], faults: readonly FaultRecord[]): Verification {
  const stored = storedByPlan(store, prefix);
  const droppedAfterCommit = new Set(faults.filter((f) => f.kind === "drop-after" && f.requestId).map((f) => (f.requestId as string).split("#")[0]));
  const v: Verification = { lost: [], duplicated: [], unexpected: [], committedUnacknowledged: [], strangers: [], ok: false };
  const sent = new Set(plans.map((p) => p.planId));
  for (const p of plans) {
    const s = stored.get(p.planId) ?? { carePlans: 0, goals: 0, provenances: 0 };
    if (s.carePlans > 1 || s.goals > 1 || s.provenances > 1) v.duplicated.push(p.planId);
    const whole = s.carePlans === 1 && s.goals === 1 && s.provenances === 1;
    const none = s.carePlans === 0 && s.goals === 0 && s.provenances === 0;
    if (p.acknowledged) {
      if (!whole && !v.duplicated.includes(p.planId)) v.lost.push(p.planId);
    } else if (droppedAfterCommit.has(p.planId)) {
      if (whole) v.committedUnacknowledged.push(p.planId);
      else if (!v.duplicated.includes(p.planId)) v.lost.push(p.planId);
    } else if (!none) v.unexpected.push(p.planId);
  }
  for (const planId of stored.keys()) if (!sent.has(planId)) v.strangers.push(planId);
  v.ok = v.lost.length + v.duplicated.length + v.unexpected.length + v.strangers.length === 0;
  return v;
}

export async function runLoad(options: LoadOptions): Promise<LoadReport> {
  const { seconds, workers } = options;
  if (!(seconds >= LOAD_LIMITS.seconds[0] && seconds <= LOAD_LIMITS.seconds[1])) throw new Error(`seconds must be ${LOAD_LIMITS.seconds.join("–")}`);
  if (!(Number.isInteger(workers) && workers >= LOAD_LIMITS.workers[0] && workers <= LOAD_LIMITS.workers[1])) throw new Error(`workers must be ${LOAD_LIMITS.workers.join("–")}`);
  const statuses: Record<string, number> = {};
  let fhirRequests = 0;
  const sandbox: Sandbox = await startSandbox({
    port: 0, // a free port on 127.0.0.1, the only address the sandbox binds
    quiet: true,
    log: "json",
    logSink: (line) => {
      const r = JSON.parse(line) as { path: string; status: number | null };
      if (!r.path.startsWith("/fhir")) return;
      fhirRequests++;
      count(statuses, r.status === null ? "no answer" : String(r.status));
    },
  });
  try {
    const patients = options.patients ?? DEFAULT_PATIENTS.filter((p) => sandbox.store.peek("Patient", p));
    if (patients.length === 0) throw new Error("no patients to load");
    const tokens = new Map<string, string>();
    for (const p of patients) {
      const { launch } = await createLaunch(sandbox.origin, p);
      tokens.set(p, (await getToken({ fhirBase: sandbox.fhirBase, scope: scopesFor("ehr", "v2"), launch })).access_token);
    }
    const conditions = new Map(patients.map((p) => [p, [...sandbox.store.all("Condition")].find((c) => sandbox.store.patientsOf("Condition", c.id).includes(p))?.id]));
    sandbox.faults.configure({ rate: options.faultRate, kinds: [...FAULT_KINDS] as FaultKind[], seed: options.seed, hangMs: options.hangMs });

    const prefix = `load-${options.seed}-${Date.now().toString(36)}-`;
    const evaluations = { total: 0, ok: 0, errors: {} as Record<string, number> };
    const plans: PlanAttempts[] = [];
    const t0 = performance.now();
    const deadline = t0 + seconds * 1000;
    const worker = async (w: number): Promise<void> => {
      for (let n = 0; performance.now() < deadline; n++) {
        const patient = patients[(w + n) % patients.length] as string;
        const token = tokens.get(patient) as string;
        const error = await evaluateOnce(sandbox.fhirBase, patient, token);
        evaluations.total++;
        if (error) count(evaluations.errors, error);
        else evaluations.ok++;
        if (performance.now() >= deadline) break;
        const planId = `${prefix}w${w}-${n}`;
        const condition = conditions.get(patient);
        plans.push(await saveWithRetries(sandbox.fhirBase, token, planId, patient, plan(planId, patient, condition ? `Condition/${condition}` : undefined)));
      }
    };
    await Promise.all(Array.from({ length: workers }, (_, w) => worker(w)));
    const elapsedMs = performance.now() - t0;
    sandbox.faults.configure({ rate: 0 });

    const saveErrors: Record<string, number> = {};
    for (const p of plans) for (const f of p.failures) count(saveErrors, f);
    const faults: Record<string, number> = {};
    for (const f of sandbox.faults.injected) count(faults, f.kind);
    return {
      options,
      origin: sandbox.origin,
      elapsedMs,
      evaluations,
      saves: {
        plans: plans.length,
        acknowledged: plans.filter((p) => p.acknowledged).length,
        gaveUp: plans.filter((p) => !p.acknowledged).length,
        attempts: plans.reduce((n, p) => n + p.attempts, 0),
        errors: saveErrors,
      },
      fhirRequests,
      statuses,
      faults,
      verification: verifyStore(sandbox.store, prefix, plans, sandbox.faults.injected),
    };
  } finally {
    await sandbox.close();
  }
}

const list = (counts: Record<string, number>): string =>
  Object.entries(counts)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} ×${n}`)
    .join(", ") || "none";

/** The report as the lines npm run test:load prints. */
export function describeLoad(r: LoadReport): string[] {
  const s = r.elapsedMs / 1000;
  const v = r.verification;
  const e = r.evaluations;
  return [
    `load: ${r.options.workers} workers for ${r.options.seconds} s against ${r.origin} (loopback), faults on ${r.options.faultRate * 100}% of FHIR requests (every kind, seed ${r.options.seed}, hang ${r.options.hangMs} ms)`,
    `  evaluations (CLI --server path, in-process): ${e.total} in ${s.toFixed(1)} s = ${(e.total / s).toFixed(1)}/s; ${e.ok} ok, ${e.total - e.ok} failed with the error surfaced (${list(e.errors)})`,
    `  plan saves (transaction, retried with the same Bundle, at most ${MAX_ATTEMPTS} attempts): ${r.saves.plans} plans = ${(r.saves.plans / s).toFixed(1)}/s; ${r.saves.acknowledged} acknowledged, ${r.saves.gaveUp} gave up; ${r.saves.attempts} attempts; failed attempts: ${list(r.saves.errors)}`,
    `  FHIR requests: ${r.fhirRequests} = ${(r.fhirRequests / s).toFixed(1)}/s; statuses: ${list(r.statuses)}; faults injected: ${list(r.faults)}`,
    `  store: ${r.saves.acknowledged} acknowledged plans each stored exactly once (CarePlan, Goal, Provenance): ${v.lost.length} lost, ${v.duplicated.length} duplicated; ` +
      `${r.saves.gaveUp} never acknowledged: ${v.committedUnacknowledged.length} committed before a dropped answer (stored once, as expected), ${v.unexpected.length} stored unexpectedly; ${v.strangers.length} unknown plans`,
    `  ${v.ok ? "OK: no loss, no duplicates" : `FAILED: lost ${v.lost.join(" ")} duplicated ${v.duplicated.join(" ")} unexpected ${v.unexpected.join(" ")} unknown ${v.strangers.join(" ")}`}`,
  ];
}
