// A minimal SMART client over plain HTTP (fetch, no browser) for tests, the bench and scripts: discovers the
// endpoints, runs authorize → code → token with PKCE S256, standalone (posting the sign-in picker) or EHR launch.
import { createHash, randomBytes } from "node:crypto";

export interface TokenResponse {
  access_token: string;
  token_type: string;
  expires_in: number;
  scope: string;
  patient?: string;
  need_patient_banner?: boolean;
  id_token?: string;
  refresh_token?: string;
  [key: string]: unknown;
}

export interface AuthorizeRequest {
  fhirBase: string;
  scope: string;
  clientId?: string;
  redirectUri?: string;
  /** EHR launch: the launch id from the simulator. */
  launch?: string;
  /** Standalone: the choices made on the sign-in page. */
  user?: string;
  patient?: string;
  /** Overrides for negative tests. */
  aud?: string;
  state?: string;
  verifier?: string;
  challenge?: string;
  challengeMethod?: string;
}

export const DEV_CLIENT_ID = "stagewise";
export const DEV_REDIRECT_URI = "http://127.0.0.1:5173/";

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

export async function smartEndpoints(fhirBase: string): Promise<{ authorize: string; token: string }> {
  const res = await fetch(`${fhirBase}/.well-known/smart-configuration`);
  if (!res.ok) throw new Error(`smart-configuration: HTTP ${res.status}`);
  const json = (await res.json()) as { authorization_endpoint: string; token_endpoint: string };
  return { authorize: json.authorization_endpoint, token: json.token_endpoint };
}

/** The authorize request's parameters. */
export function authorizeParams(r: AuthorizeRequest, challenge: string): URLSearchParams {
  const p = new URLSearchParams({
    response_type: "code",
    client_id: r.clientId ?? DEV_CLIENT_ID,
    redirect_uri: r.redirectUri ?? DEV_REDIRECT_URI,
    scope: r.scope,
    state: r.state ?? randomBytes(8).toString("hex"),
    aud: r.aud ?? r.fhirBase,
    code_challenge: r.challenge ?? challenge,
    code_challenge_method: r.challengeMethod ?? "S256",
  });
  if (r.launch) p.set("launch", r.launch);
  return p;
}

/**
 * Follows the authorization step to the redirect back to the app and returns that redirect's URL (with code or
 * error). For a standalone launch the sign-in page is answered with `user` and `patient`.
 */
export async function authorizeRedirect(r: AuthorizeRequest, challenge: string): Promise<{ status: number; location?: string; body?: string }> {
  const { authorize } = await smartEndpoints(r.fhirBase);
  const params = authorizeParams(r, challenge);
  let res = await fetch(`${authorize}?${params}`, { redirect: "manual" });
  if (res.status === 200 && !r.launch) {
    const form = new URLSearchParams(params);
    form.set("decision", "approve");
    form.set("sandbox_user", r.user ?? "clinician");
    if (r.patient) form.set("sandbox_patient", r.patient);
    res = await fetch(authorize, { method: "POST", redirect: "manual", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: form });
  }
  const location = res.headers.get("location") ?? undefined;
  return { status: res.status, ...(location ? { location } : {}), ...(location ? {} : { body: await res.text() }) };
}

export async function exchangeCode(fhirBase: string, code: string, verifier: string, overrides: Record<string, string> = {}): Promise<Response> {
  const { token } = await smartEndpoints(fhirBase);
  const body = new URLSearchParams({
    grant_type: "authorization_code",
    code,
    redirect_uri: DEV_REDIRECT_URI,
    client_id: DEV_CLIENT_ID,
    code_verifier: verifier,
    ...overrides,
  });
  return fetch(token, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body });
}

export async function refresh(fhirBase: string, refreshToken: string, clientId = DEV_CLIENT_ID): Promise<Response> {
  const { token } = await smartEndpoints(fhirBase);
  const body = new URLSearchParams({ grant_type: "refresh_token", refresh_token: refreshToken, client_id: clientId });
  return fetch(token, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body });
}

/** The whole flow; throws with the server's error when a step fails. */
export async function getToken(r: AuthorizeRequest): Promise<TokenResponse> {
  const { verifier, challenge } = pkcePair();
  const step = await authorizeRedirect(r, challenge);
  const code = step.location ? new URL(step.location).searchParams.get("code") : null;
  if (!code) throw new Error(`authorize did not return a code: HTTP ${step.status} ${step.location ?? step.body?.slice(0, 300) ?? ""}`);
  const res = await exchangeCode(r.fhirBase, code, r.verifier ?? verifier);
  const json = (await res.json()) as TokenResponse & { error?: string; error_description?: string };
  if (!res.ok) throw new Error(`token: HTTP ${res.status} ${json.error ?? ""} ${json.error_description ?? ""}`);
  return json;
}

/** Creates an EHR launch through the simulator's API and returns its launch id. */
export async function createLaunch(origin: string, patient: string, user = "clinician", mode: "iframe" | "window" = "iframe"): Promise<{ launch: string; url: string }> {
  const res = await fetch(`${origin}/ehr/api/launch`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ patient, user, mode }),
  });
  if (!res.ok) throw new Error(`launch: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as { launch: string; url: string };
}
