// CDS Hooks over real HTTP: the sandbox serves the patient-view service at its origin and its EHR simulator calls it;
// `npm run cds-hooks` serves it alone. Cards for every synthetic patient, prefetch and FHIR fallback giving the same
// card, the spec's statuses (400, 401, 412), the EHR's JWT and service token, and feedback.
import { createServer } from "node:http";
import type { IncomingMessage, Server } from "node:http";
import { join } from "node:path";
import type { Bundle, Patient } from "fhir/r4.js";
import { decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callPatientView, CDS_SERVICE_CLIENT_ID } from "../../launch/ehr/cds-client.ts";
import { PATIENTS_DIR, startSandbox } from "../../launch/server.ts";
import type { Sandbox } from "../../launch/server.ts";
import { parseCdsArgs, startCdsServer } from "../../src/cds/main.ts";
import type { CdsServer } from "../../src/cds/main.ts";
import { prefetchTemplates, SERVICE_ID, serviceScopes } from "../../src/cds/service.ts";
import type { CdsCard } from "../../src/cds/types.ts";
import { EXPECTED_CARDS } from "../helpers/cds-expected.ts";
import { checkDiscovery, checkEhrJwt, checkRequest, checkResponse } from "../helpers/cds-hooks-shapes.ts";
import { fhir, launchToken } from "./helpers/sandbox.ts";

const FIXTURES = join(import.meta.dirname, "fixtures/cds");
const ANDRE = "pw-andre-cm-escalating";
const PAIN = "cds-pain-no-oud";

let s: Sandbox;
let serviceUrl: string;

beforeAll(async () => {
  s = await startSandbox({ port: 0, quiet: true, dataDirs: [PATIENTS_DIR, FIXTURES], appLaunchUrl: "http://127.0.0.1:5173/launch.html" });
  serviceUrl = `${s.origin}/cds-services/${SERVICE_ID}`;
});
afterAll(() => s?.close());

interface Reply {
  status: number;
  headers: Headers;
  body: { cards?: CdsCard[]; issue?: { details?: { text?: string } }[]; [k: string]: unknown };
}

async function post(url: string, body: unknown, init: { jwt?: string | null; type?: string } = {}): Promise<Reply> {
  const jwt = init.jwt === undefined ? await s.auth.signEhrJwt(url) : init.jwt;
  const res = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": init.type ?? "application/json", ...(jwt ? { Authorization: `Bearer ${jwt}` } : {}) },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : {} };
}

const issueText = (r: Reply): string => (r.body.issue ?? []).map((i) => i.details?.text ?? "").join("; ");

const hook = (patientId: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  hook: "patient-view",
  hookInstance: crypto.randomUUID(),
  context: { userId: "Practitioner/dr-1", patientId },
  ...extra,
});

async function simulatorCards(patient: string): Promise<{ status: number; cards: CdsCard[]; error?: string }> {
  const res = await fetch(`${s.origin}/ehr/api/cds-hooks`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ patient, user: "clinician" }),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { status: number; cards: CdsCard[]; error?: string };
}

/** What an EHR prefetches: each template with the patient filled in, run against the FHIR server (every page). */
async function prefetchFor(patientId: string): Promise<Record<string, unknown>> {
  const token = (await launchToken(s, patientId, "patient/*.rs")).access_token;
  const out: Record<string, unknown> = {};
  for (const t of prefetchTemplates()) {
    const r = await fhir<Bundle | Patient>(s, token, t.template.replaceAll("{{context.patientId}}", patientId));
    expect(r.status, t.template).toBe(200);
    expect((r.body as Bundle).link?.some((l) => l.relation === "next") ?? false, `${t.key} fits one page`).toBe(false);
    out[t.key] = r.body;
  }
  return out;
}

const withoutUuid = (c: CdsCard | undefined): Omit<CdsCard, "uuid"> | undefined => {
  if (!c) return undefined;
  const { uuid: _uuid, ...rest } = c;
  return rest;
};

describe("discovery", () => {
  it("GET /cds-services describes the patient-view service (no JWT needed: it holds no patient data)", async () => {
    const res = await fetch(`${s.origin}/cds-services`, { headers: { Origin: "http://ehr.example" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe("http://ehr.example");
    const body = await res.json();
    expect(checkDiscovery(body)).toEqual([]);
    expect(body.services.map((x: { id: string; hook: string }) => `${x.hook} ${x.id}`)).toEqual([`patient-view ${SERVICE_ID}`]);
  });

  it.each([
    ["POST /cds-services", "/cds-services", "POST", 405],
    ["GET on the service", `/cds-services/${SERVICE_ID}`, "GET", 405],
    ["an unknown service", "/cds-services/other-service", "POST", 404],
  ])("%s → %i", async (_what, path, method, status) => {
    const res = await fetch(`${s.origin}${path}`, { method });
    expect(res.status).toBe(status);
    expect((await res.json()).resourceType).toBe("OperationOutcome");
  });
});

describe("the simulator calls the service on patient selection", () => {
  it.each(EXPECTED_CARDS)("%s: one card with stage %s, MOUD %s, %s", async (file, stage, moud, cm) => {
    const r = await simulatorCards(file.replace(/\.json$/, ""));
    expect(r.status, r.error).toBe(200);
    expect(checkResponse({ cards: r.cards })).toEqual([]);
    expect(r.cards).toHaveLength(1);
    expect(r.cards[0]!.summary).toContain(`Stage: ${stage}; MOUD: ${moud}; ${cm}; next: `);
    expect(r.cards[0]!.links).toEqual([{ label: "Open Stagewise", url: "http://127.0.0.1:5173/launch.html", type: "smart" }]);
  });

  it("gives no card for a patient with no OUD diagnosis and no opioid-related data", async () => {
    expect(await simulatorCards(PAIN)).toEqual({ status: 200, cards: [] });
  });

  it("refuses an unknown patient or user", async () => {
    for (const body of [{ patient: "nobody", user: "clinician" }, { patient: ANDRE, user: "nobody" }]) {
      const res = await fetch(`${s.origin}/ehr/api/cds-hooks`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
      expect(res.status).toBe(400);
    }
  });
});

describe("what the sandbox EHR sends", () => {
  let capture: Server;
  let captureUrl: string;
  const seen: { body: Record<string, unknown>; authorization: string; patientRead: number; write: number }[] = [];

  beforeAll(async () => {
    capture = createServer((req: IncomingMessage, res) => {
      let text = "";
      req.on("data", (c: Buffer) => (text += c.toString()));
      req.on("end", () => {
        void (async () => {
          const body = JSON.parse(text) as Record<string, unknown>;
          const auth = body.fhirAuthorization as { access_token: string };
          const ctx = body.context as { patientId: string };
          const read = await fhir(s, auth.access_token, `Patient/${ctx.patientId}`);
          const write = await fhir(s, auth.access_token, "Observation", { method: "POST", body: { resourceType: "Observation", status: "final", code: { text: "x" }, subject: { reference: `Patient/${ctx.patientId}` } } });
          seen.push({ body, authorization: req.headers.authorization ?? "", patientRead: read.status, write: write.status });
          res.writeHead(200, { "Content-Type": "application/json" });
          res.end(JSON.stringify({ cards: [] }));
        })();
      });
    });
    await new Promise<void>((ok) => capture.listen(0, "127.0.0.1", () => ok()));
    const a = capture.address();
    captureUrl = `http://127.0.0.1:${typeof a === "object" && a ? a.port : 0}/cds-services/${SERVICE_ID}`;
    await callPatientView({ auth: s.auth, fhirBase: s.fhirBase, serviceUrl: captureUrl, patientExists: () => true }, ANDRE, "clinician");
  });
  afterAll(() => new Promise<void>((ok) => capture.close(() => ok())));

  it("is a CDS Hooks patient-view request with fhirServer, a patient-bound fhirAuthorization and the user in context", () => {
    const { body } = seen[0]!;
    expect(checkRequest(body)).toEqual([]);
    expect(body).toMatchObject({
      hook: "patient-view",
      fhirServer: s.fhirBase,
      fhirAuthorization: { token_type: "Bearer", expires_in: 300, scope: serviceScopes().join(" "), subject: CDS_SERVICE_CLIENT_ID, patient: ANDRE },
      context: { userId: "Practitioner/dr-1", patientId: ANDRE },
    });
  });

  it("carries the sandbox's signed JWT with aud = the called URL", () => {
    const jwt = seen[0]!.authorization.replace(/^Bearer /, "");
    expect(checkEhrJwt(decodeProtectedHeader(jwt) as Record<string, unknown>, decodeJwt(jwt) as Record<string, unknown>, captureUrl)).toEqual([]);
    expect(decodeJwt(jwt).iss).toBe(s.origin);
  });

  it("gives a token that reads the patient, cannot write, and is revoked once the service has answered", async () => {
    expect(seen[0]!.patientRead).toBe(200);
    expect(seen[0]!.write).toBe(403);
    const token = (seen[0]!.body.fhirAuthorization as { access_token: string }).access_token;
    expect((await fhir(s, token, `Patient/${ANDRE}`)).status).toBe(401);
  });
});

describe("prefetch and the FHIR fallback", () => {
  it("gives the same card from prefetched data as from reading the FHIR server", async () => {
    const viaFhir = await simulatorCards(ANDRE);
    const r = await post(serviceUrl, hook(ANDRE, { prefetch: await prefetchFor(ANDRE) }));
    expect(r.status, issueText(r)).toBe(200);
    expect(checkResponse(r.body)).toEqual([]);
    expect(withoutUuid(r.body.cards?.[0])).toEqual(withoutUuid(viaFhir.cards[0]));
  });

  it("gives no card from prefetch for the patient without OUD data", async () => {
    const r = await post(serviceUrl, hook(PAIN, { prefetch: await prefetchFor(PAIN) }));
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ cards: [] });
  });

  it("412 when prefetch is missing and no FHIR access is given", async () => {
    const r = await post(serviceUrl, hook(ANDRE));
    expect(r.status).toBe(412);
    expect(issueText(r)).toMatch(/Prefetch incomplete: patient \(not sent\), observations \(not sent\).*no fhirServer with fhirAuthorization/);
  });

  it("412 naming the one key left out, and a search result holding only its first page", async () => {
    const prefetch = await prefetchFor(ANDRE);
    delete prefetch.conditions;
    (prefetch.observations as Bundle).link = [{ relation: "next", url: `${s.fhirBase}/Observation?page=2` }];
    const r = await post(serviceUrl, hook(ANDRE, { prefetch }));
    expect(r.status).toBe(412);
    expect(issueText(r)).toMatch(/observations \(holds only the first page.*conditions \(not sent\)/);
  });

  it("reads the missing part from the FHIR server with the fhirAuthorization token", async () => {
    const prefetch = await prefetchFor(ANDRE);
    delete prefetch.conditions;
    const token = await launchToken(s, ANDRE, "patient/*.rs");
    const auth = { access_token: token.access_token, token_type: "Bearer", expires_in: 300, scope: token.scope, subject: "stagewise-cds", patient: ANDRE };
    const r = await post(serviceUrl, hook(ANDRE, { prefetch, fhirServer: s.fhirBase, fhirAuthorization: auth }));
    expect(r.status, issueText(r)).toBe(200);
    expect(r.body.cards).toHaveLength(1);
  });

  it("412 with the server's words when the FHIR server refuses the token", async () => {
    const auth = { access_token: "not-a-token", token_type: "Bearer", expires_in: 300, scope: "patient/*.rs", subject: "stagewise-cds" };
    const r = await post(serviceUrl, hook(ANDRE, { fhirServer: s.fhirBase, fhirAuthorization: auth }));
    expect(r.status).toBe(412);
    expect(issueText(r)).toMatch(/HTTP 401/);
  });
});

describe("400 for a bad request body", () => {
  it.each([
    ["not JSON", "{not json", "application/json", 400, /not JSON/],
    ["another hook", JSON.stringify(hook(ANDRE, { hook: "order-sign" })), "application/json", 400, /patient-view/],
    ["no patientId", JSON.stringify(hook(ANDRE, { context: { userId: "Practitioner/dr-1" } })), "application/json", 400, /context.patientId/],
    ["fhirAuthorization without fhirServer", JSON.stringify(hook(ANDRE, { fhirAuthorization: { access_token: "x" } })), "application/json", 400, /fhirServer/],
    ["a form body", "hook=patient-view", "application/x-www-form-urlencoded", 415, /application\/json/],
  ])("%s", async (_what, body, type, status, message) => {
    const r = await post(serviceUrl, body, { type });
    expect(r.status).toBe(status);
    expect(r.body.resourceType).toBe("OperationOutcome");
    expect(issueText(r)).toMatch(message);
  });
});

describe("the EHR's JWT (401 when missing, expired, for another URL, replayed or not the EHR's)", () => {
  it("accepts a fresh JWT of the sandbox EHR once", async () => {
    const jwt = await s.auth.signEhrJwt(serviceUrl);
    const body = hook(PAIN, { prefetch: await prefetchFor(PAIN) });
    expect((await post(serviceUrl, body, { jwt })).status).toBe(200);
    const again = await post(serviceUrl, body, { jwt });
    expect(again.status).toBe(401);
    expect(issueText(again)).toMatch(/already used/);
  });

  it.each<[string, () => Promise<string | null>, RegExp]>([
    ["missing", async () => null, /Missing Authorization/],
    ["expired", () => s.auth.signEhrJwt(`${s.origin}/cds-services/${SERVICE_ID}`, -60), /expired/],
    ["made for discovery", () => s.auth.signEhrJwt(`${s.origin}/cds-services`), /aud must be the called URL/],
    [
      "signed by another key in the sandbox's name",
      async () => {
        const { privateKey } = await generateKeyPair("RS256");
        return new SignJWT({}).setProtectedHeader({ alg: "RS256", typ: "JWT", kid: "forged" }).setIssuer(s.origin).setAudience(`${s.origin}/cds-services/${SERVICE_ID}`).setJti("j").setIssuedAt().setExpirationTime("1m").sign(privateKey);
      },
      /No key forged/,
    ],
    [
      "from an unregistered EHR",
      async () => {
        const { privateKey, publicKey } = await generateKeyPair("ES384");
        const kid = (await exportJWK(publicKey)).x!.slice(0, 8);
        return new SignJWT({}).setProtectedHeader({ alg: "ES384", typ: "JWT", kid }).setIssuer("https://other-ehr.example").setAudience(`${s.origin}/cds-services/${SERVICE_ID}`).setJti("j").setIssuedAt().setExpirationTime("1m").sign(privateKey);
      },
      /not a registered EHR client/,
    ],
  ])("%s", async (_what, make, message) => {
    const r = await post(serviceUrl, hook(PAIN), { jwt: await make() });
    expect(r.status).toBe(401);
    expect(r.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(issueText(r)).toMatch(message);
  });
});

describe("feedback", () => {
  it("accepts feedback on a card it issued, with the EHR's JWT", async () => {
    const card = (await simulatorCards(ANDRE)).cards[0]!;
    const url = `${serviceUrl}/feedback`;
    const r = await post(url, { feedback: [{ card: card.uuid, outcome: "overridden", outcomeTimestamp: new Date().toISOString() }] });
    expect(r.status).toBe(200);
    expect(s.cds.feedback.at(-1)).toMatchObject({ card: card.uuid, outcome: "overridden", knownCard: true });
  });

  it("400 for a malformed body, 401 without the JWT", async () => {
    const url = `${serviceUrl}/feedback`;
    expect((await post(url, { feedback: [{ card: "x", outcome: "liked" }] })).status).toBe(400);
    expect((await post(url, { feedback: [] }, { jwt: null })).status).toBe(401);
  });
});

describe("npm run cds-hooks: the service alone", () => {
  let alone: CdsServer;
  let open: CdsServer;
  beforeAll(async () => {
    alone = await startCdsServer({ port: 0, sandbox: s.origin, appLaunchUrl: "http://127.0.0.1:4173/launch.html" });
    open = await startCdsServer({ port: 0, noJwt: true });
  });
  afterAll(async () => {
    await alone?.close();
    await open?.close();
  });

  it("answers a call signed by the sandbox EHR (JWT from the sandbox's simulator API), reading the record from the sandbox", async () => {
    const jwtRes = await fetch(`${s.origin}/ehr/api/cds-jwt`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ aud: alone.serviceUrl }) });
    const { jwt } = (await jwtRes.json()) as { jwt: string };
    const token = await launchToken(s, ANDRE, "patient/*.rs");
    const auth = { access_token: token.access_token, token_type: "Bearer", expires_in: 300, scope: token.scope, subject: "stagewise-cds", patient: ANDRE };
    const r = await post(alone.serviceUrl, hook(ANDRE, { fhirServer: s.fhirBase, fhirAuthorization: auth }), { jwt });
    expect(r.status, issueText(r)).toBe(200);
    expect(r.body.cards?.[0]?.links?.[0]?.url).toBe("http://127.0.0.1:4173/launch.html");
    expect((await post(alone.serviceUrl, hook(ANDRE), { jwt: null })).status).toBe(401);
  });

  it("with --no-jwt, answers without a JWT", async () => {
    const r = await post(open.serviceUrl, hook(PAIN, { prefetch: await prefetchFor(PAIN) }), { jwt: null });
    expect(r.status).toBe(200);
  });

  it.each([
    [["--port", "x"], /--port/],
    [["--app-launch-url", "launch.html"], /--app-launch-url must be an http/],
    [["--no-jwt", "--ehr-clients", "f.json"], /contradict/],
    [["--bogus"], /Unknown option/],
  ])("refuses %o", (argv, message) => {
    expect(() => parseCdsArgs(argv)).toThrow(message);
  });

  it("the sandbox's JWT API refuses an aud that is no CDS Hooks URL", async () => {
    const res = await fetch(`${s.origin}/ehr/api/cds-jwt`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ aud: `${s.fhirBase}/Patient` }) });
    expect(res.status).toBe(400);
  });
});
