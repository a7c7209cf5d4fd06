// The sandbox's /auth/authorize checks (SMART App Launch 2, authorization code + PKCE S256): the client and its
// redirect_uri, response_type, state, aud, the PKCE challenge and the scope; then either the EHR launch context or,
// for a standalone launch, the sandbox's user and patient picker. What passes becomes a pending session for the
// caller to attach an authorization code to.
import { randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import { errorPage, pickerPage } from "./auth-pages.ts";
import type { AuthOptions, LaunchContext, Session } from "./auth.ts";
import { redirect, sendHtml } from "./http-util.ts";
import { grantedScope, parseScopes } from "./scopes.ts";

/** What a PKCE code_verifier or code_challenge may look like (RFC 7636: 43–128 unreserved characters). */
export const PKCE_RE = /^[A-Za-z0-9\-._~]{43,128}$/;

export function withParams(uri: string, params: Record<string, string | undefined>): string {
  const u = new URL(uri);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) u.searchParams.set(k, v);
  return u.toString();
}

/** An approved authorization request, waiting for its code. */
export interface Approved {
  session: Session;
  redirectUri: string;
  challenge: string;
  state: string;
}

/**
 * Checks an authorization request. Returns the approved request, or null when it has already answered: an error
 * page (unknown client or redirect_uri), an error redirect to the client, or the standalone picker page.
 */
export function authorizeRequest(
  p: Record<string, string>,
  submitted: boolean,
  res: ServerResponse,
  deps: { opts: AuthOptions; getLaunch: (id: string) => LaunchContext | undefined },
): Approved | null {
  const { opts } = deps;
  const client = opts.clients.find((c) => c.client_id === p.client_id);
  if (!client) {
    sendHtml(res, 400, errorPage("Authorization error", `Unknown client_id "${p.client_id ?? ""}". Registered clients are in launch/clients.json.`));
    return null;
  }
  const redirectUri = p.redirect_uri ?? "";
  if (!client.redirect_uris.includes(redirectUri)) {
    sendHtml(res, 400, errorPage("Authorization error", `redirect_uri "${redirectUri}" is not registered for client "${client.client_id}" (launch/clients.json).`));
    return null;
  }
  const fail = (error: string, description: string): null => {
    redirect(res, withParams(redirectUri, { error, error_description: description, state: p.state }));
    return null;
  };
  if (p.response_type !== "code") return fail("unsupported_response_type", "response_type must be code");
  if (!p.state) return fail("invalid_request", "state is required");
  if ((p.aud ?? "").replace(/\/$/, "") !== opts.fhirBase) {
    return fail("invalid_request", `aud must be the FHIR base URL ${opts.fhirBase} (got "${p.aud ?? ""}")`);
  }
  if (p.code_challenge_method !== "S256") return fail("invalid_request", "PKCE is required: code_challenge_method must be S256");
  if (!p.code_challenge || !PKCE_RE.test(p.code_challenge)) return fail("invalid_request", "PKCE is required: code_challenge is missing or malformed");
  const scope = grantedScope(p.scope);
  const parsed = parseScopes(scope);
  if (!scope) return fail("invalid_scope", "No scope the sandbox knows was asked for");

  let patient: string | undefined;
  let user: string;
  let launchId: string | undefined;
  let needPatientBanner = true;
  if (p.launch) {
    const launch = deps.getLaunch(p.launch);
    if (!launch) return fail("invalid_request", "Unknown or expired launch parameter");
    if (!parsed.launch) return fail("invalid_scope", "An EHR launch needs the launch scope");
    patient = launch.patient;
    user = launch.user;
    launchId = launch.id;
    needPatientBanner = launch.needPatientBanner;
  } else {
    if (parsed.launch) return fail("invalid_request", "The launch scope needs a launch parameter (EHR launch)");
    if (!submitted || !p.decision) {
      const { decision: _d, sandbox_user: _u, sandbox_patient: _p, ...original } = p;
      sendHtml(res, 200, pickerPage({
        clientName: client.name,
        params: original,
        scopes: scope.split(" "),
        users: opts.users.map((u) => ({ value: u.id, label: u.label })),
        patients: parsed.launchPatient ? opts.patients() : undefined,
      }));
      return null;
    }
    if (p.decision !== "approve") return fail("access_denied", "The user denied access");
    const chosenUser = opts.users.find((u) => u.id === p.sandbox_user);
    if (!chosenUser) return fail("access_denied", "No known user was chosen");
    user = chosenUser.id;
    if (parsed.launchPatient) {
      if (!p.sandbox_patient || !opts.patientExists(p.sandbox_patient)) return fail("access_denied", "No known patient was chosen");
      patient = p.sandbox_patient;
    }
  }
  const session: Session = {
    id: randomUUID(),
    clientId: client.client_id,
    scope,
    ...(patient && (parsed.launch || parsed.launchPatient) ? { patient } : {}),
    user,
    ...(launchId ? { launchId } : {}),
    ...(p.nonce ? { nonce: p.nonce } : {}),
    needPatientBanner,
    createdAt: Date.now(),
    accessExpiresAt: 0,
    accessTokensIssued: 0,
    revoked: false,
  };
  return { session, redirectUri, challenge: p.code_challenge, state: p.state };
}
