// SMART App Launch against the sandbox over real HTTP: discovery, EHR and standalone launch (authorize → code →
// token) with v1 and v2 scopes, id_token/fhirUser, PKCE, one-time codes, aud and client checks, scope and
// patient-compartment enforcement, and the expired-token → refresh path.
import type { Bundle, Observation, OperationOutcome, Patient } from "fhir/r4.js";
import { createLocalJWKSet, jwtVerify } from "jose";
import type { JSONWebKeySet } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authorizeRedirect, createLaunch, exchangeCode, getToken, pkcePair, refresh } from "../../launch/dev-client.ts";
import type { Sandbox } from "../../launch/server.ts";
import { scopesFor } from "../../src/app/launch-config.ts";
import { buildPlanBundle } from "../../src/clinical/plan.ts";
import { ALEX, BLAIR, fhir, fixtureSandbox, ids, issueText, launchToken, userToken } from "./helpers/sandbox.ts";

let s: Sandbox;

beforeAll(async () => {
  s = await fixtureSandbox();
});
afterAll(() => s.close());

const obs = (patient: string): Observation => ({
  resourceType: "Observation",
  status: "final",
  code: { text: "auth test" },
  subject: { reference: `Patient/${patient}` },
  valueString: "x",
});

async function total(token: string, path: string): Promise<number> {
  const r = await fhir<Bundle>(s, token, path);
  expect(r.status).toBe(200);
  return r.body.total ?? -1;
}

describe("discovery", () => {
  it("publishes .well-known/smart-configuration on the FHIR base with PKCE S256 and the SMART 2 capabilities", async () => {
    const r = await fetch(`${s.fhirBase}/.well-known/smart-configuration`);
    expect(r.status).toBe(200);
    const c = (await r.json()) as Record<string, unknown>;
    expect(c.authorization_endpoint).toBe(`${s.origin}/auth/authorize`);
    expect(c.token_endpoint).toBe(`${s.origin}/auth/token`);
    expect(c.code_challenge_methods_supported).toEqual(["S256"]);
    for (const cap of ["launch-ehr", "launch-standalone", "client-public", "context-ehr-patient", "context-standalone-patient", "permission-v1", "permission-v2", "permission-offline", "sso-openid-connect"]) {
      expect(c.capabilities).toContain(cap);
    }
  });
});

describe("EHR launch", () => {
  it.each([
    ["v1", "patient/*.read"],
    ["v2", "patient/Patient.rs patient/Observation.rs"],
  ])("%s scopes: the token carries the launch patient and reads that patient's data", async (_v, scope) => {
    const t = await launchToken(s, ALEX, scope);
    expect(t.token_type).toBe("Bearer");
    expect(t.patient).toBe(ALEX);
    expect(t.scope).toBe(`launch ${scope}`);
    expect(t.need_patient_banner).toBe(false); // embedded launch: the EHR shows the banner
    const style = await fetch(t.smart_style_url as string);
    expect(((await style.json()) as Record<string, string>).color_text).toMatch(/^#/);
    expect(t.refresh_token).toBeUndefined(); // no offline_access/online_access asked
    const p = await fhir<Patient>(s, t.access_token, `Patient/${ALEX}`);
    expect(p.status).toBe(200);
    expect(await total(t.access_token, `Observation?patient=${ALEX}&category=laboratory,survey`)).toBe(30);
  });

  it("a launch opened in a new window asks the app to show the patient banner", async () => {
    const { launch } = await createLaunch(s.origin, BLAIR, "care-coordinator", "window");
    const t = await getToken({ fhirBase: s.fhirBase, scope: "launch patient/*.rs", launch });
    expect(t.need_patient_banner).toBe(true);
    expect(t.patient).toBe(BLAIR);
  });

  it("openid fhirUser gives a signed id_token naming the launch user", async () => {
    const t = await launchToken(s, ALEX, "openid fhirUser patient/*.rs", "care-coordinator");
    expect(t.id_token).toBeTypeOf("string");
    const jwks = (await (await fetch(`${s.origin}/auth/jwks`)).json()) as JSONWebKeySet;
    const { payload } = await jwtVerify(t.id_token as string, createLocalJWKSet(jwks), { issuer: s.fhirBase, audience: "stagewise" });
    expect(payload.fhirUser).toBe(`${s.fhirBase}/Practitioner/cc-1`);
    const who = await fhir(s, t.access_token, "Practitioner/cc-1");
    expect(who.status).toBe(200); // Practitioner is not patient data: readable under patient/*.rs
  });

  it("refuses an unknown launch id with an error redirect and no code", async () => {
    const { challenge } = pkcePair();
    const r = await authorizeRedirect({ fhirBase: s.fhirBase, scope: "launch patient/*.rs", launch: "no-such-launch" }, challenge);
    const back = new URL(r.location ?? "http://x/");
    expect(back.searchParams.get("error")).toBe("invalid_request");
    expect(back.searchParams.get("code")).toBeNull();
  });
});

describe("standalone launch", () => {
  it("shows a sign-in page with the patients, then issues a token for the chosen patient (v2 scopes)", async () => {
    const page = await fetch(
      `${s.origin}/auth/authorize?${new URLSearchParams({
        response_type: "code", client_id: "stagewise", redirect_uri: "http://127.0.0.1:5173/", scope: "launch/patient patient/*.rs",
        state: "abc", aud: s.fhirBase, code_challenge: pkcePair().challenge, code_challenge_method: "S256",
      })}`,
      { redirect: "manual" },
    );
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(`value="${BLAIR}"`);
    expect(html).toContain("Moreno, Alex");
    expect(html).toMatch(/<label for="sandbox_patient">Patient<\/label>/);

    const t = await getToken({ fhirBase: s.fhirBase, scope: "launch/patient openid fhirUser patient/*.rs offline_access", patient: BLAIR, user: "clinician" });
    expect(t.patient).toBe(BLAIR);
    expect(t.need_patient_banner).toBe(true);
    expect(t.refresh_token).toBeTypeOf("string");
    expect(await total(t.access_token, `Observation?patient=${BLAIR}`)).toBe(7);
  });

  it("v1 user scopes without a patient reach every patient", async () => {
    const t = await userToken(s, "user/*.read");
    expect(t.patient).toBeUndefined();
    expect((await fhir(s, t.access_token, `Patient/${ALEX}`)).status).toBe(200);
    expect((await fhir(s, t.access_token, `Patient/${BLAIR}`)).status).toBe(200);
  });
});

describe("authorization errors", () => {
  const base = () => ({ fhirBase: s.fhirBase, scope: "launch/patient patient/*.rs", patient: ALEX });

  it("PKCE: a code_verifier that does not match the challenge gets invalid_grant", async () => {
    const { challenge } = pkcePair();
    const r = await authorizeRedirect(base(), challenge);
    const code = new URL(r.location as string).searchParams.get("code") as string;
    const res = await exchangeCode(s.fhirBase, code, pkcePair().verifier);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe("invalid_grant");
  });

  it.each([
    ["plain instead of S256", { challengeMethod: "plain" }],
    ["no code_challenge", { challenge: "" }],
  ])("PKCE is required: %s → error redirect, no code", async (_l, o) => {
    const r = await authorizeRedirect({ ...base(), ...o }, pkcePair().challenge);
    const back = new URL(r.location as string);
    expect(back.searchParams.get("error")).toBe("invalid_request");
    expect(back.searchParams.get("code")).toBeNull();
  });

  it("a code works once: reuse gets invalid_grant and revokes the token issued with it", async () => {
    const { verifier, challenge } = pkcePair();
    const r = await authorizeRedirect(base(), challenge);
    const code = new URL(r.location as string).searchParams.get("code") as string;
    const first = await exchangeCode(s.fhirBase, code, verifier);
    expect(first.status).toBe(200);
    const token = ((await first.json()) as { access_token: string }).access_token;
    expect((await fhir(s, token, `Patient/${ALEX}`)).status).toBe(200);
    const second = await exchangeCode(s.fhirBase, code, verifier);
    expect(second.status).toBe(400);
    expect(((await second.json()) as { error: string }).error).toBe("invalid_grant");
    expect((await fhir(s, token, `Patient/${ALEX}`)).status).toBe(401);
  });

  it("aud must be this FHIR base", async () => {
    const r = await authorizeRedirect({ ...base(), aud: "http://127.0.0.1:1/other-fhir" }, pkcePair().challenge);
    const back = new URL(r.location as string);
    expect(back.origin + back.pathname).toBe("http://127.0.0.1:5173/");
    expect(back.searchParams.get("error")).toBe("invalid_request");
    expect(back.searchParams.get("error_description")).toContain("aud");
    expect(back.searchParams.get("code")).toBeNull();
  });

  it.each([
    ["an unknown client", { clientId: "evil-app" }],
    ["an unregistered redirect_uri", { redirectUri: "http://evil.example/callback" }],
  ])("%s gets an error page, never a redirect", async (_l, o) => {
    const r = await authorizeRedirect({ ...base(), ...o }, pkcePair().challenge);
    expect(r.status).toBe(400);
    expect(r.location).toBeUndefined();
  });
});

describe("scope and compartment enforcement", () => {
  it("a token without write scope cannot create, and nothing is stored", async () => {
    const t = await launchToken(s, ALEX, "patient/*.read");
    const before = await total(t.access_token, `Observation?patient=${ALEX}`);
    const r = await fhir<OperationOutcome>(s, t.access_token, "Observation", { method: "POST", body: obs(ALEX) });
    expect(r.status).toBe(403);
    expect(issueText(r.body)).toContain("create");
    expect(await total(t.access_token, `Observation?patient=${ALEX}`)).toBe(before);
  });

  it("v2 scopes grant only the interactions and types named", async () => {
    const t = await launchToken(s, ALEX, "patient/Observation.rs");
    expect((await fhir(s, t.access_token, `MedicationRequest?patient=${ALEX}`)).status).toBe(403);
    expect((await fhir(s, t.access_token, "Observation", { method: "POST", body: obs(ALEX) })).status).toBe(403);
  });

  it("a v2 scope with a query reaches only matching resources", async () => {
    const t = await launchToken(s, ALEX, "patient/Observation.rs?category=http://terminology.hl7.org/CodeSystem/observation-category|laboratory");
    expect(await total(t.access_token, `Observation?patient=${ALEX}`)).toBe(24);
    expect((await fhir(s, t.access_token, "Observation/sbx-alex-stage-0")).status).toBe(403);
  });

  it("another patient's data: read → 403 without data, search → empty, _include/_revinclude never reach it", async () => {
    const t = await launchToken(s, ALEX, "patient/*.read");
    const read = await fhir<OperationOutcome>(s, t.access_token, `Patient/${BLAIR}`);
    expect(read.status).toBe(403);
    expect(JSON.stringify(read.body)).not.toContain("Nguyen");
    expect((await fhir(s, t.access_token, "Observation/sbx-blair-uds-0")).status).toBe(403);
    expect(await total(t.access_token, `Observation?patient=${BLAIR}`)).toBe(0);
    expect(await total(t.access_token, `Observation?subject=Patient/${BLAIR}`)).toBe(0);
    expect(await total(t.access_token, "Observation?category=laboratory")).toBe(24); // only Alex's
    const rev = await fhir<Bundle>(s, t.access_token, `Patient?_id=${ALEX},${BLAIR}&_revinclude=Condition:subject`);
    expect([...ids(rev.body), ...ids(rev.body, "include")]).toEqual([`Patient/${ALEX}`, "Condition/sbx-alex-oud"]);
  });

  it("_include never pulls in another patient's resource that the launch patient's data points at", async () => {
    const user = await userToken(s);
    const panel = await fhir<Observation>(s, user.access_token, "Observation", {
      method: "POST",
      body: { ...obs(ALEX), hasMember: [{ reference: "Observation/sbx-blair-uds-0" }] },
    });
    expect(panel.status).toBe(201);
    const asUser = await fhir<Bundle>(s, user.access_token, `Observation?_id=${panel.body.id}&_include=Observation:has-member`);
    expect(ids(asUser.body, "include")).toEqual(["Observation/sbx-blair-uds-0"]); // the include works…
    const t = await launchToken(s, ALEX, "patient/*.rs");
    const asAlex = await fhir<Bundle>(s, t.access_token, `Observation?_id=${panel.body.id}&_include=Observation:has-member`);
    expect(ids(asAlex.body)).toEqual([`Observation/${panel.body.id}`]);
    expect(ids(asAlex.body, "include")).toEqual([]); // …but not across patients
    await fhir(s, user.access_token, `Observation/${panel.body.id}`, { method: "DELETE" });
  });

  it("patient/ write scopes write only inside the launch patient's compartment", async () => {
    const t = await launchToken(s, ALEX, "patient/*.cruds");
    const user = await userToken(s);
    const blairBefore = await total(user.access_token, `Observation?patient=${BLAIR}`);
    const own = await fhir(s, t.access_token, "Observation", { method: "POST", body: obs(ALEX) });
    expect(own.status).toBe(201);
    const other = await fhir(s, t.access_token, "Observation", { method: "POST", body: obs(BLAIR) });
    expect(other.status).toBe(403);
    const moved = await fhir(s, t.access_token, `Observation/${(own.body as Observation).id}`, {
      method: "PUT",
      body: { ...(own.body as Observation), subject: { reference: `Patient/${BLAIR}` } },
    });
    expect(moved.status).toBe(403);
    expect(await total(user.access_token, `Observation?patient=${BLAIR}`)).toBe(blairBefore);
  });

  it.each(["v2", "v1"] as const)("the app's plan transaction saves with the app's own %s scopes, and a retry writes nothing new", async (style) => {
    const { launch } = await createLaunch(s.origin, ALEX);
    const t = await getToken({ fhirBase: s.fhirBase, scope: scopesFor("ehr", style), launch });
    expect(t.scope).toBe(scopesFor("ehr", style));
    const meds = await fhir<Bundle>(s, t.access_token, `MedicationRequest?patient=${ALEX}&_include=MedicationRequest:medication`);
    expect(ids(meds.body, "include")).toEqual(["Medication/sbx-med-bup-nx"]);
    const draft = {
      planId: `sandbox-auth-plan-${style}`,
      status: "active" as const,
      period: { start: "2026-11-23" },
      activities: [{ id: "cbt" as const, title: "CBT", text: "Weekly" }],
      goals: [{ key: "g1", description: "Finish CBT", startDate: "2026-11-23", activityIds: ["cbt" as const] }],
    };
    const ctx = { patient: `Patient/${ALEX}`, author: "Practitioner/dr-1", now: "2026-11-23T10:00:00Z", app: { name: "Stagewise", version: "0.1.0" } };
    const first = await fhir<Bundle>(s, t.access_token, "", { method: "POST", body: buildPlanBundle(draft, ctx) });
    expect(first.status, issueText(first.body)).toBe(200);
    expect(first.body.entry?.map((e) => e.response?.status)).toEqual(["201", "201", "201"]);
    const retry = await fhir<Bundle>(s, t.access_token, "", { method: "POST", body: buildPlanBundle(draft, ctx) });
    expect(retry.body.entry?.map((e) => e.response?.status)).toEqual(["200", "200", "200"]);
    expect(await total(t.access_token, `CarePlan?patient=${ALEX}&identifier=https://stagewise.example/fhir/identifier/careplan|sandbox-auth-plan-${style}`)).toBe(1);
    const provenance = await fhir<Bundle>(s, t.access_token, `Provenance?_count=100`);
    const planId = first.body.entry?.[0]?.response?.location?.split("/")[1];
    expect(provenance.body.entry?.filter((e) => JSON.stringify(e.resource).includes(`CarePlan/${planId}`)).length).toBe(1);
  });

  it("a transaction with one entry for another patient is refused whole", async () => {
    const t = await launchToken(s, ALEX, "patient/*.cruds");
    const before = await total(t.access_token, `Observation?patient=${ALEX}`);
    const bundle: Bundle = {
      resourceType: "Bundle",
      type: "transaction",
      entry: [
        { resource: obs(ALEX), request: { method: "POST", url: "Observation" } },
        { resource: obs(BLAIR), request: { method: "POST", url: "Observation" } },
      ],
    };
    const r = await fhir(s, t.access_token, "", { method: "POST", body: bundle });
    expect(r.status).toBe(403);
    expect(await total(t.access_token, `Observation?patient=${ALEX}`)).toBe(before);
  });
});

describe("expiry and refresh", () => {
  it("an expired access token gets 401; the refresh token then gives a working one", async () => {
    const { launch } = await createLaunch(s.origin, ALEX);
    const t = await getToken({ fhirBase: s.fhirBase, scope: "launch patient/*.rs offline_access", launch });
    expect((await fhir(s, t.access_token, `Patient/${ALEX}`)).status).toBe(200);

    const expire = await fetch(`${s.origin}/ehr/api/expire`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ launch }) });
    expect(((await expire.json()) as { expired: number }).expired).toBe(1);
    const denied = await fhir<OperationOutcome>(s, t.access_token, `Patient/${ALEX}`);
    expect(denied.status).toBe(401);
    expect(issueText(denied.body)).toContain("expired");
    expect(denied.headers.get("www-authenticate")).toContain('error="invalid_token"');

    const res = await refresh(s.fhirBase, t.refresh_token as string);
    expect(res.status).toBe(200);
    const again = (await res.json()) as { access_token: string; patient?: string; scope: string };
    expect(again.patient).toBe(ALEX);
    expect(again.scope).toBe(t.scope);
    expect(again.access_token).not.toBe(t.access_token);
    expect((await fhir(s, again.access_token, `Patient/${ALEX}`)).status).toBe(200);
  });

  it("'End session' (expire with refresh: true): 401 on FHIR, and the refresh answers invalid_grant with 403 (as the SMART App Launcher)", async () => {
    const { launch } = await createLaunch(s.origin, ALEX);
    const t = await getToken({ fhirBase: s.fhirBase, scope: "launch patient/*.rs online_access", launch });
    const end = await fetch(`${s.origin}/ehr/api/expire`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ launch, refresh: true }) });
    expect(await end.json()).toEqual({ expired: 1, ended: 1 });
    expect((await fhir(s, t.access_token, `Patient/${ALEX}`)).status).toBe(401);
    const res = await refresh(s.fhirBase, t.refresh_token as string);
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: string }).error).toBe("invalid_grant");
  });

  it("a token whose time is up is refused even without the expire control", async () => {
    // JWT times are whole seconds: a 1-second token issued late in a second can be expired at once on a busy
    // machine, so give it 3 seconds and wait past them.
    const short = await fixtureSandbox({ tokenTtlSeconds: 3 });
    try {
      const t = await getToken({ fhirBase: short.fhirBase, scope: "user/*.rs", user: "clinician" });
      expect((await fhir(short, t.access_token, `Patient/${ALEX}`)).status).toBe(200);
      await new Promise((r) => setTimeout(r, 4100));
      expect((await fhir(short, t.access_token, `Patient/${ALEX}`)).status).toBe(401);
    } finally {
      await short.close();
    }
  });

  it("an unknown refresh token gets invalid_grant", async () => {
    const res = await refresh(s.fhirBase, "not-a-refresh-token");
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe("invalid_grant");
  });
});
