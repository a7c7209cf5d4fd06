// The Stagewise sandbox EHR: FHIR server + SMART authorization server + EHR simulator on one node:http server,
// bound to 127.0.0.1 only, seeded in memory at start (restart or "Reset data" to start over).
//
//   npm run sandbox [-- --port N] [--no-shift] [--data DIR]… [--app-launch-url URL] [--token-ttl SECONDS]
//                      [--log off|lines|json] [--faults RATE[,KIND…]] [--fault-seed N] [--fault-hang MS] [--graphql]
//
// Tests and the bench start it in-process with startSandbox({ port: 0 }).
import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { CareTeam, HumanName, Patient, Resource } from "@medplum/fhirtypes";
import { ehrJwtVerifier, parseEhrClients } from "../src/cds/ehr-auth.ts";
import ehrClientsJson from "../src/cds/ehr-clients.json" with { type: "json" };
import { createCdsHandler } from "../src/cds/http.ts";
import type { CdsHandler } from "../src/cds/http.ts";
import { SERVICE_ID } from "../src/cds/service.ts";
import { SmartAuth } from "./auth.ts";
import type { ClientRegistration, SandboxUser } from "./auth.ts";
import clientsJson from "./clients.json" with { type: "json" };
import usersJson from "./users.json" with { type: "json" };
import { ensureDefinitions } from "./definitions.ts";
import { createEhrCdsRoutes } from "./ehr/cds-client.ts";
import { createEhrRoutes } from "./ehr/routes.ts";
import { FaultInjector, injectFault } from "./faults.ts";
import type { FaultSettings } from "./faults.ts";
import { handleFhir } from "./fhir-http.ts";
import { FhirStore } from "./fhir-store.ts";
import { GuardedRepository } from "./guard.ts";
import { sendJson } from "./http-util.ts";
import { DEFAULT_LIMITS } from "./limits.ts";
import type { Limits } from "./limits.ts";
import { noteRequest, requestLogger } from "./request-log.ts";
import type { LogMode } from "./request-log.ts";
import { SandboxRouter } from "./router.ts";
import { jsonFilesIn, loadSeed } from "./seed.ts";
import { parseSandboxArgs } from "./server-args.ts";

export { parseSandboxArgs } from "./server-args.ts";

export const DEFAULT_PORT = 8090;
export const HOST = "127.0.0.1";
const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const PATIENTS_DIR = resolve(ROOT, "fhir-resources/patients");
/** The care coordinator's caseload (npm run caseload), loaded with the patients by default. */
export const CASELOAD_DIR = resolve(ROOT, "fhir-resources/caseload");
/** Used when fhir-resources/patients/ holds no bundles yet. */
export const FALLBACK_DIR = resolve(ROOT, "test/integration/fixtures/sandbox");

export interface SandboxOptions {
  /** 0 picks a free port. Default 8090. */
  port?: number;
  /** Folders of Bundle JSON files to load. Default: fhir-resources/patients/ and caseload/ (or the test fixtures if empty). */
  dataDirs?: string[];
  /** Move seed dates so the data stays current (scripts/patient-dates.ts). Default true. */
  shiftDates?: boolean;
  /** Where the simulator sends the app. Default: the "stagewise" client's launch_url in clients.json. */
  appLaunchUrl?: string;
  tokenTtlSeconds?: number;
  /** Client registrations; default launch/clients.json. */
  clients?: ClientRegistration[];
  /** No console output. */
  quiet?: boolean;
  /** Serve $graphql (with depth, alias and cost limits). Default false: $graphql is 404. */
  graphql?: boolean;
  /** Request limits (time budget, result size…); default DEFAULT_LIMITS. */
  limits?: Partial<Limits>;
  /** Fault injection on /fhir requests; default none (rate 0). */
  faults?: Partial<FaultSettings>;
  /** One line per request: "lines", "json" or "off" (the default here; npm run sandbox and npm start log lines). */
  log?: LogMode;
  /** Where log lines go; default stdout. */
  logSink?: (line: string) => void;
}

export interface Sandbox {
  port: number;
  origin: string;
  fhirBase: string;
  smartConfigurationUrl: string;
  ehrUrl: string;
  store: FhirStore;
  auth: SmartAuth;
  /** The request limits in force; change a field and the next request uses it. */
  limits: Limits;
  /** Fault injection: settings() and configure() at run time, and the faults injected so far. */
  faults: FaultInjector;
  /** The CDS Hooks service at {origin}/cds-services (EHR JWTs from src/cds/ehr-clients.json). */
  cds: CdsHandler;
  /** Resources loaded at start (seed + users). */
  loaded: number;
  dataFiles: string[];
  warnings: string[];
  /** Milliseconds from the call to listening. */
  startMs: number;
  close(): Promise<void>;
}

interface UserEntry {
  id: string;
  role: string;
  access?: "all" | "care-team";
  /** "Practitioner/dr-1": the seed data's practitioner, or `fallback` when the seed has none. */
  fhirUser: string;
  fallback: Resource;
}

function personName(r: Resource | undefined): string | undefined {
  const names = (r as { name?: HumanName[] } | undefined)?.name;
  const n = names?.find((x) => x.use === "official") ?? names?.[0];
  if (!n) return undefined;
  return n.text ?? [...(n.prefix ?? []), ...(n.given ?? []), n.family].filter(Boolean).join(" ");
}

function patientLabel(p: Patient): string {
  const n: HumanName | undefined = p.name?.find((x) => x.use === "official") ?? p.name?.[0];
  const name = n ? [n.family, (n.given ?? []).join(" ")].filter(Boolean).join(", ") || n.text || p.id : p.id;
  const details = [p.birthDate ? `born ${p.birthDate}` : undefined, p.gender].filter(Boolean).join(", ");
  return details ? `${name} (${details})` : `${name}`;
}

/** Runs async work one at a time (writes, resets). */
/** Patient ids of the active CareTeams whose participants include `fhirUser` ("Practitioner/cc-1"). */
export function careTeamPatients(teams: Iterable<CareTeam>, fhirUser: string): Set<string> {
  const out = new Set<string>();
  for (const t of teams) {
    if (t.status !== "active" || !(t.participant ?? []).some((p) => p.member?.reference === fhirUser)) continue;
    const m = /^Patient\/([A-Za-z0-9\-.]{1,64})$/.exec(t.subject?.reference ?? "");
    if (m) out.add(m[1]!);
  }
  return out;
}

function serializer(): <T>(fn: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T>): Promise<T> => {
    const run = tail.then(fn, fn);
    tail = run.catch(() => undefined);
    return run;
  };
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const t0 = performance.now();
  ensureDefinitions();
  const warnings: string[] = [];
  let dirs = options.dataDirs ?? [PATIENTS_DIR, CASELOAD_DIR];
  if (!options.dataDirs && jsonFilesIn(PATIENTS_DIR).length === 0) {
    warnings.push(`No patient bundles in ${PATIENTS_DIR} yet: loading the small test fixtures instead`);
    dirs = [FALLBACK_DIR];
  }
  const seed = await loadSeed(dirs, { shift: options.shiftDates ?? true });
  warnings.push(...seed.warnings);
  const userEntries = (usersJson as { users: UserEntry[] }).users;
  const seeded = new Map(seed.resources.map((r) => [`${r.resourceType}/${r.id}`, r]));
  const users: SandboxUser[] = userEntries.map((u) => ({
    id: u.id,
    label: `${personName(seeded.get(u.fhirUser) ?? u.fallback) ?? u.fhirUser} (${u.role})`,
    role: u.role,
    fhirUser: u.fhirUser,
    ...(u.access ? { access: u.access } : {}),
  }));
  const fallbacks = userEntries.filter((u) => !seeded.has(u.fhirUser)).map((u) => u.fallback);
  const seedResources = [...fallbacks, ...seed.resources];

  const store = new FhirStore();
  store.seed(seedResources);
  const serialize = serializer();
  const clients = options.clients ?? (clientsJson as { clients: ClientRegistration[] }).clients;
  const appClient = clients.find((c) => c.client_id === "stagewise") ?? clients[0];
  const patients = () =>
    [...store.all("Patient")].map((p) => ({ id: p.id, label: patientLabel(p as Patient) })).sort((a, b) => a.label.localeCompare(b.label));
  const patientExists = (id: string) => store.peek("Patient", id) !== undefined;

  const server = createServer();
  await new Promise<void>((ok, fail) => {
    server.once("error", fail);
    server.listen(options.port ?? DEFAULT_PORT, HOST, () => ok());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : (options.port ?? DEFAULT_PORT);
  const origin = `http://${HOST}:${port}`;
  const fhirBase = `${origin}/fhir`;
  store.baseUrl = fhirBase;

  const auth = new SmartAuth({
    origin,
    fhirBase,
    clients,
    users,
    patients: () => patients().map((p) => ({ value: p.id, label: p.label })),
    patientExists,
    tokenTtlSeconds: options.tokenTtlSeconds ?? 3600,
    smartStyleUrl: `${origin}/ehr/smart-style.json`,
    careTeamPatients: (fhirUser) => careTeamPatients(store.all("CareTeam") as Iterable<CareTeam>, fhirUser),
  });
  await auth.init();
  const limits: Limits = { ...DEFAULT_LIMITS, ...options.limits };
  const faults = new FaultInjector(options.faults);
  const router = new SandboxRouter({ graphql: options.graphql ?? false, limits });
  await router.warmUp(new GuardedRepository(store, { scopes: [] }));
  const appLaunchUrl = options.appLaunchUrl ?? appClient?.launch_url ?? "http://127.0.0.1:5173/launch.html";
  // CDS Hooks: the service at this origin, trusting the EHRs registered in src/cds/ehr-clients.json ({sandbox} = us),
  // and the simulator's calls to it.
  const cds = createCdsHandler({
    baseUrl: origin,
    appLaunchUrl,
    authenticate: ehrJwtVerifier(parseEhrClients(ehrClientsJson, { sandbox: origin })),
  });
  const ehrCds = createEhrCdsRoutes({ auth, fhirBase, serviceUrl: `${origin}/cds-services/${SERVICE_ID}`, patientExists });
  const ehr = createEhrRoutes({
    auth,
    fhirBase,
    clientId: appClient?.client_id ?? "",
    defaultLaunchUrl: appLaunchUrl,
    patients,
    patientExists,
    faults,
    reset: () =>
      serialize(async () => {
        store.clear();
        store.seed(seedResources);
        return seedResources.length;
      }),
  });

  const fhirDeps = { store, auth, router, fhirBase, serialize, limits };
  const log = requestLogger(options.log ?? "off", options.logSink ?? ((line) => void process.stdout.write(`${line}\n`)));
  const handle = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    if (await auth.handle(req, res, url)) return;
    if (url.pathname === "/fhir" || url.pathname.startsWith("/fhir/")) {
      const fault = faults.draw(req, url.pathname);
      if (!fault) return handleFhir(req, res, url, fhirDeps);
      noteRequest(req, { fault });
      return injectFault(fault, req, res, (r) => handleFhir(req, r, url, fhirDeps), faults.hangMs);
    }
    if (await cds.handle(req, res, url)) return;
    if (await ehrCds(req, res, url)) return;
    if (await ehr(req, res, url)) return;
    sendJson(res, 404, { error: `Nothing at ${url.pathname}. Try /ehr/ or /fhir/metadata` });
  };
  server.removeAllListeners("request");
  server.on("request", (req, res) => {
    const url = new URL(req.url ?? "/", origin);
    log?.(req, res, url);
    handle(req, res, url).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: err instanceof Error ? err.message : String(err) });
      else res.destroy();
    });
  });

  const startMs = performance.now() - t0;
  const sandbox: Sandbox = {
    port,
    origin,
    fhirBase,
    smartConfigurationUrl: `${fhirBase}/.well-known/smart-configuration`,
    ehrUrl: `${origin}/ehr/`,
    store,
    auth,
    limits,
    faults,
    cds,
    loaded: seedResources.length,
    dataFiles: seed.files,
    warnings,
    startMs,
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      }),
  };
  if (!options.quiet) for (const w of warnings) console.warn(`warning: ${w}`);
  return sandbox;
}

// ---- command line --------------------------------------------------------------------------------------------

export function describeSandbox(s: Sandbox): string {
  const obs = s.store.count("Observation");
  const f = s.faults.settings();
  return [
    `Stagewise sandbox EHR (in memory; restart or "Reset data" to start over)`,
    `  FHIR base:           ${s.fhirBase}`,
    `  SMART configuration: ${s.smartConfigurationUrl}`,
    `  EHR simulator:       ${s.ehrUrl}`,
    `  CDS Hooks discovery: ${s.origin}/cds-services`,
    `  loaded ${s.loaded} resources (${s.store.count("Patient")} patients, ${obs} observations) from ${s.dataFiles.length} files in ${Math.round(s.startMs)} ms`,
    ...(f.rate > 0 ? [`  FAULTS: ${f.rate * 100}% of FHIR requests fail (${f.kinds.join(", ")}; seed ${f.seed}); change at ${s.ehrUrl}`] : []),
  ].join("\n");
}

/**
 * The command line's options, or one "error: …" line and exit 2 (shared by `npm run sandbox` and `npm start`).
 * From the command line the sandbox logs one line per request unless told --log off.
 */
export function sandboxArgsOrExit(argv: string[]): SandboxOptions {
  try {
    return { log: "lines", ...parseSandboxArgs(argv) };
  } catch (err) {
    console.error(`error: ${(err as Error).message}`);
    process.exit(2);
  }
}

async function main(): Promise<void> {
  const sandbox = await startSandbox(sandboxArgsOrExit(process.argv.slice(2)));
  console.log(describeSandbox(sandbox));
  const stop = (): void => {
    void sandbox.close().then(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
