// The sandbox's SMART App Launch 2 authorization server (public clients, authorization code + PKCE S256):
// /auth/authorize, /auth/token (authorization_code, refresh_token), /auth/jwks, and on the FHIR base
// /.well-known/smart-configuration and /.well-known/openid-configuration. Access tokens are RS256 JWTs with
// aud = the FHIR base, checked on every FHIR request by authenticate(). Tokens are never logged.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { errors, exportJWK, generateKeyPair, jwtVerify, SignJWT } from "jose";
import type { CryptoKey, JWK } from "jose";
import { errorPage, pickerPage } from "./auth-pages.ts";
import type { PickerOption } from "./auth-pages.ts";
import { BodyError, formFields, readBody, redirect, sendHtml, sendJson } from "./http-util.ts";
import { fhirError } from "./outcomes.ts";
import { grantedScope, parseScopes } from "./scopes.ts";
import type { AccessContext } from "./scopes.ts";

export interface ClientRegistration {
  client_id: string;
  name: string;
  launch_url?: string;
  redirect_uris: string[];
}

export interface SandboxUser {
  id: string;
  label: string;
  role: string;
  /** "Practitioner/…" */
  fhirUser: string;
}

export interface LaunchContext {
  id: string;
  patient?: string;
  user: string;
  createdAt: number;
  needPatientBanner: boolean;
}

export interface SessionInfo {
  clientId: string;
  scope: string;
  patient?: string;
  fhirUser: string;
  launch?: string;
  createdAt: string;
  accessTokenExpiresAt: string;
  accessTokensIssued: number;
  hasRefreshToken: boolean;
}

interface Session {
  id: string;
  clientId: string;
  scope: string;
  patient?: string;
  user: string;
  launchId?: string;
  nonce?: string;
  needPatientBanner: boolean;
  createdAt: number;
  accessExpiresAt: number;
  accessTokensIssued: number;
  refreshToken?: string;
  revoked: boolean;
}

interface PendingCode {
  session: Session;
  redirectUri: string;
  challenge: string;
  expiresAt: number;
  used: boolean;
}

export interface TokenInfo {
  access: AccessContext;
  clientId: string;
  fhirUser: string;
}

export interface AuthOptions {
  origin: string;
  fhirBase: string;
  clients: ClientRegistration[];
  users: SandboxUser[];
  /** Patients for the standalone picker. */
  patients: () => PickerOption[];
  patientExists: (id: string) => boolean;
  tokenTtlSeconds: number;
  smartStyleUrl?: string;
}

const CODE_TTL_MS = 60_000;
const LAUNCH_TTL_MS = 12 * 3600_000;
const PKCE_RE = /^[A-Za-z0-9\-._~]{43,128}$/;

class AuthError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

function b64url(buf: Buffer): string {
  return buf.toString("base64url");
}

function withParams(uri: string, params: Record<string, string | undefined>): string {
  const u = new URL(uri);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) u.searchParams.set(k, v);
  return u.toString();
}

export class SmartAuth {
  readonly opts: AuthOptions;
  private privateKey: CryptoKey | undefined;
  private publicJwk: JWK | undefined;
  private publicKey: CryptoKey | undefined;
  private readonly kid = randomUUID();
  private readonly launches = new Map<string, LaunchContext>();
  private readonly codes = new Map<string, PendingCode>();
  private readonly sessions = new Map<string, Session>();
  private readonly refreshTokens = new Map<string, string>(); // token → session id
  /** jti → session id, expiry (ms). The "expire token" control moves the expiry to now. */
  private readonly accessTokens = new Map<string, { sessionId: string; expiresAt: number }>();

  constructor(opts: AuthOptions) {
    this.opts = opts;
  }

  async init(): Promise<void> {
    const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
    this.privateKey = privateKey;
    this.publicKey = publicKey;
    this.publicJwk = { ...(await exportJWK(publicKey)), kid: this.kid, alg: "RS256", use: "sig" };
  }

  get authorizeUrl(): string {
    return `${this.opts.origin}/auth/authorize`;
  }

  get tokenUrl(): string {
    return `${this.opts.origin}/auth/token`;
  }

  smartConfiguration(): Record<string, unknown> {
    return {
      issuer: this.opts.fhirBase,
      jwks_uri: `${this.opts.origin}/auth/jwks`,
      authorization_endpoint: this.authorizeUrl,
      token_endpoint: this.tokenUrl,
      grant_types_supported: ["authorization_code", "refresh_token"],
      token_endpoint_auth_methods_supported: ["none"],
      scopes_supported: [
        "openid", "fhirUser", "profile", "launch", "launch/patient", "offline_access", "online_access",
        "patient/*.read", "patient/*.write", "patient/*.*", "user/*.read", "user/*.write", "user/*.*",
        "patient/*.cruds", "patient/*.rs", "user/*.cruds", "user/*.rs",
      ],
      response_types_supported: ["code"],
      code_challenge_methods_supported: ["S256"],
      capabilities: [
        "launch-ehr", "launch-standalone", "client-public", "context-banner", "context-style",
        "context-ehr-patient", "context-standalone-patient", "permission-offline", "permission-online",
        "permission-patient", "permission-user", "permission-v1", "permission-v2", "sso-openid-connect",
        "authorize-post",
      ],
    };
  }

  openidConfiguration(): Record<string, unknown> {
    return {
      issuer: this.opts.fhirBase,
      authorization_endpoint: this.authorizeUrl,
      token_endpoint: this.tokenUrl,
      jwks_uri: `${this.opts.origin}/auth/jwks`,
      response_types_supported: ["code"],
      subject_types_supported: ["public"],
      id_token_signing_alg_values_supported: ["RS256"],
      scopes_supported: ["openid", "fhirUser", "profile"],
      claims_supported: ["sub", "fhirUser", "name"],
    };
  }

  // ---- launch contexts (created by the EHR simulator) ---------------------------------------------------------

  createLaunch(ctx: { patient?: string; user: string; needPatientBanner: boolean }): LaunchContext {
    const launch: LaunchContext = { id: b64url(randomBytes(12)), createdAt: Date.now(), ...ctx };
    this.launches.set(launch.id, launch);
    return launch;
  }

  getLaunch(id: string): LaunchContext | undefined {
    const l = this.launches.get(id);
    return l && Date.now() - l.createdAt < LAUNCH_TTL_MS ? l : undefined;
  }

  sessions_(filter: (s: Session) => boolean): SessionInfo[] {
    return [...this.sessions.values()].filter(filter).map((s) => ({
      clientId: s.clientId,
      scope: s.scope,
      ...(s.patient ? { patient: s.patient } : {}),
      fhirUser: this.fhirUserOf(s.user),
      ...(s.launchId ? { launch: s.launchId } : {}),
      createdAt: new Date(s.createdAt).toISOString(),
      accessTokenExpiresAt: new Date(s.accessExpiresAt).toISOString(),
      accessTokensIssued: s.accessTokensIssued,
      hasRefreshToken: s.refreshToken !== undefined,
    }));
  }

  sessionsForLaunch(launchId: string): SessionInfo[] {
    return this.sessions_((s) => s.launchId === launchId);
  }

  allSessions(): SessionInfo[] {
    return this.sessions_(() => true);
  }

  /** Makes the current access tokens (of one launch, or all) expired now; refresh tokens keep working. */
  expireAccessTokens(launchId?: string): number {
    const now = Date.now();
    let n = 0;
    for (const t of this.accessTokens.values()) {
      const s = this.sessions.get(t.sessionId);
      if (launchId !== undefined && s?.launchId !== launchId) continue;
      if (t.expiresAt > now) {
        t.expiresAt = now - 1;
        n++;
      }
      if (s) s.accessExpiresAt = Math.min(s.accessExpiresAt, now - 1);
    }
    return n;
  }

  private fhirUserOf(userId: string): string {
    return this.opts.users.find((u) => u.id === userId)?.fhirUser ?? `Practitioner/${userId}`;
  }

  // ---- HTTP ---------------------------------------------------------------------------------------------------

  /** Handles /auth/* and the FHIR base's .well-known documents; false when the path is not ours. */
  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const path = url.pathname;
    const fhirPath = new URL(this.opts.fhirBase).pathname;
    if (req.method === "GET" && path === `${fhirPath}/.well-known/smart-configuration`) {
      sendJson(res, 200, this.smartConfiguration(), { "Access-Control-Allow-Origin": "*" });
      return true;
    }
    if (req.method === "GET" && path === `${fhirPath}/.well-known/openid-configuration`) {
      sendJson(res, 200, this.openidConfiguration(), { "Access-Control-Allow-Origin": "*" });
      return true;
    }
    if (req.method === "GET" && path === "/auth/jwks") {
      sendJson(res, 200, { keys: [this.publicJwk] }, { "Access-Control-Allow-Origin": "*" });
      return true;
    }
    if (path === "/auth/authorize" && (req.method === "GET" || req.method === "POST")) {
      const params = req.method === "GET" ? Object.fromEntries(url.searchParams) : formFields(await readBody(req));
      this.authorize(params, req.method === "POST", res);
      return true;
    }
    if (path === "/auth/token") {
      const cors = { "Access-Control-Allow-Origin": typeof req.headers.origin === "string" ? req.headers.origin : "*", Vary: "Origin" };
      if (req.method === "OPTIONS") {
        res.writeHead(204, { ...cors, "Access-Control-Allow-Methods": "POST", "Access-Control-Allow-Headers": "Content-Type, Accept", "Access-Control-Max-Age": "600" });
        res.end();
        return true;
      }
      if (req.method !== "POST") {
        sendJson(res, 405, { error: "invalid_request", error_description: "Use POST" }, cors);
        return true;
      }
      try {
        const type = req.headers["content-type"] ?? "";
        if (!type.startsWith("application/x-www-form-urlencoded")) {
          throw new AuthError("invalid_request", "The token request must be application/x-www-form-urlencoded");
        }
        const body = await this.token(formFields(await readBody(req)));
        sendJson(res, 200, body, { ...cors, Pragma: "no-cache" });
      } catch (err) {
        if (err instanceof AuthError) sendJson(res, err.code === "invalid_client" ? 401 : 400, { error: err.code, error_description: err.message }, cors);
        else if (err instanceof BodyError) sendJson(res, err.status, { error: "invalid_request", error_description: err.message }, cors);
        else throw err;
      }
      return true;
    }
    return false;
  }

  private authorize(p: Record<string, string>, submitted: boolean, res: ServerResponse): void {
    const client = this.opts.clients.find((c) => c.client_id === p.client_id);
    if (!client) {
      sendHtml(res, 400, errorPage("Authorization error", `Unknown client_id "${p.client_id ?? ""}". Registered clients are in launch/clients.json.`));
      return;
    }
    const redirectUri = p.redirect_uri ?? "";
    if (!client.redirect_uris.includes(redirectUri)) {
      sendHtml(res, 400, errorPage("Authorization error", `redirect_uri "${redirectUri}" is not registered for client "${client.client_id}" (launch/clients.json).`));
      return;
    }
    const fail = (error: string, description: string): void =>
      redirect(res, withParams(redirectUri, { error, error_description: description, state: p.state }));
    if (p.response_type !== "code") return fail("unsupported_response_type", "response_type must be code");
    if (!p.state) return fail("invalid_request", "state is required");
    if ((p.aud ?? "").replace(/\/$/, "") !== this.opts.fhirBase) {
      return fail("invalid_request", `aud must be the FHIR base URL ${this.opts.fhirBase} (got "${p.aud ?? ""}")`);
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
      const launch = this.getLaunch(p.launch);
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
          users: this.opts.users.map((u) => ({ value: u.id, label: u.label })),
          patients: parsed.launchPatient ? this.opts.patients() : undefined,
        }));
        return;
      }
      if (p.decision !== "approve") return fail("access_denied", "The user denied access");
      const chosenUser = this.opts.users.find((u) => u.id === p.sandbox_user);
      if (!chosenUser) return fail("access_denied", "No known user was chosen");
      user = chosenUser.id;
      if (parsed.launchPatient) {
        if (!p.sandbox_patient || !this.opts.patientExists(p.sandbox_patient)) return fail("access_denied", "No known patient was chosen");
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
    const code = b64url(randomBytes(32));
    this.codes.set(code, { session, redirectUri, challenge: p.code_challenge, expiresAt: Date.now() + CODE_TTL_MS, used: false });
    redirect(res, withParams(redirectUri, { code, state: p.state }));
  }

  private async token(f: Record<string, string>): Promise<Record<string, unknown>> {
    if (f.grant_type === "authorization_code") {
      const pending = f.code ? this.codes.get(f.code) : undefined;
      if (!pending) throw new AuthError("invalid_grant", "Unknown authorization code");
      if (pending.used) {
        // RFC 6749 §4.1.2: a reused code revokes what was issued with it.
        this.revoke(pending.session);
        throw new AuthError("invalid_grant", "The authorization code was already used");
      }
      pending.used = true;
      if (Date.now() > pending.expiresAt) throw new AuthError("invalid_grant", "The authorization code expired");
      if (f.client_id !== pending.session.clientId) throw new AuthError("invalid_grant", "client_id does not match the authorization request");
      if (f.redirect_uri !== pending.redirectUri) throw new AuthError("invalid_grant", "redirect_uri does not match the authorization request");
      if (!f.code_verifier || !PKCE_RE.test(f.code_verifier)) throw new AuthError("invalid_grant", "code_verifier is missing or malformed");
      const computed = b64url(createHash("sha256").update(f.code_verifier).digest());
      if (computed !== pending.challenge) throw new AuthError("invalid_grant", "PKCE verification failed: code_verifier does not match code_challenge");
      const session = pending.session;
      this.sessions.set(session.id, session);
      const parsed = parseScopes(session.scope);
      if (parsed.offlineAccess || parsed.onlineAccess) {
        session.refreshToken = b64url(randomBytes(32));
        this.refreshTokens.set(session.refreshToken, session.id);
      }
      return this.tokenResponse(session, session.scope, true);
    }
    if (f.grant_type === "refresh_token") {
      const sessionId = f.refresh_token ? this.refreshTokens.get(f.refresh_token) : undefined;
      const session = sessionId ? this.sessions.get(sessionId) : undefined;
      if (!session || session.revoked) throw new AuthError("invalid_grant", "Unknown or revoked refresh token");
      if (f.client_id !== undefined && f.client_id !== session.clientId) throw new AuthError("invalid_grant", "client_id does not match the refresh token");
      let scope = session.scope;
      if (f.scope) {
        const allowed = new Set(session.scope.split(" "));
        const asked = f.scope.split(/\s+/).filter(Boolean);
        const extra = asked.filter((s) => !allowed.has(s));
        if (extra.length > 0) throw new AuthError("invalid_scope", `Not granted originally: ${extra.join(" ")}`);
        scope = asked.join(" ");
      }
      return this.tokenResponse(session, scope, false);
    }
    throw new AuthError("unsupported_grant_type", `grant_type must be authorization_code or refresh_token (got "${f.grant_type ?? ""}")`);
  }

  private revoke(session: Session): void {
    session.revoked = true;
    if (session.refreshToken) this.refreshTokens.delete(session.refreshToken);
    for (const t of this.accessTokens.values()) if (t.sessionId === session.id) t.expiresAt = 0;
  }

  private async tokenResponse(session: Session, scope: string, first: boolean): Promise<Record<string, unknown>> {
    const key = this.privateKey;
    if (!key) throw new Error("SmartAuth.init() was not called");
    const now = Math.floor(Date.now() / 1000);
    const ttl = this.opts.tokenTtlSeconds;
    const jti = randomUUID();
    const fhirUser = this.fhirUserOf(session.user);
    const accessToken = await new SignJWT({
      scope,
      client_id: session.clientId,
      fhirUser: `${this.opts.fhirBase}/${fhirUser}`,
      ...(session.patient ? { patient: session.patient } : {}),
    })
      .setProtectedHeader({ alg: "RS256", kid: this.kid, typ: "at+jwt" })
      .setIssuer(this.opts.fhirBase)
      .setAudience(this.opts.fhirBase)
      .setSubject(session.user)
      .setJti(jti)
      .setIssuedAt(now)
      .setExpirationTime(now + ttl)
      .sign(key);
    const expiresAt = Date.now() + ttl * 1000;
    this.accessTokens.set(jti, { sessionId: session.id, expiresAt });
    session.accessExpiresAt = expiresAt;
    session.accessTokensIssued++;
    const parsed = parseScopes(scope);
    const body: Record<string, unknown> = {
      access_token: accessToken,
      token_type: "Bearer",
      expires_in: ttl,
      scope,
      ...(session.patient ? { patient: session.patient } : {}),
      need_patient_banner: session.needPatientBanner,
      ...(this.opts.smartStyleUrl ? { smart_style_url: this.opts.smartStyleUrl } : {}),
    };
    if (parsed.openid && (parsed.fhirUser || parsed.profile)) {
      body.id_token = await new SignJWT({
        fhirUser: `${this.opts.fhirBase}/${fhirUser}`,
        name: this.opts.users.find((u) => u.id === session.user)?.label,
        ...(first && session.nonce ? { nonce: session.nonce } : {}),
      })
        .setProtectedHeader({ alg: "RS256", kid: this.kid, typ: "JWT" })
        .setIssuer(this.opts.fhirBase)
        .setAudience(session.clientId)
        .setSubject(session.user)
        .setIssuedAt(now)
        .setExpirationTime(now + ttl)
        .sign(key);
    }
    if (session.refreshToken) body.refresh_token = session.refreshToken;
    return body;
  }

  /** Checks the bearer token of a FHIR request: 401 OperationOutcome errors when missing, invalid or expired. */
  async authenticate(authorization: string | undefined): Promise<TokenInfo> {
    const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? "");
    if (!m?.[1]) throw fhirError(401, "Missing bearer token: send Authorization: Bearer <access_token>");
    if (!this.publicKey) throw new Error("SmartAuth.init() was not called");
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(m[1], this.publicKey, { issuer: this.opts.fhirBase, audience: this.opts.fhirBase }));
    } catch (err) {
      if (err instanceof errors.JWTExpired) throw fhirError(401, "The access token expired");
      throw fhirError(401, `Invalid access token (${err instanceof Error ? err.message : "not verifiable"})`);
    }
    const record = typeof payload.jti === "string" ? this.accessTokens.get(payload.jti) : undefined;
    const session = record ? this.sessions.get(record.sessionId) : undefined;
    if (!record || !session) throw fhirError(401, "Unknown access token (issued before the sandbox restarted?)");
    if (session.revoked) throw fhirError(401, "The access token was revoked");
    if (record.expiresAt <= Date.now()) throw fhirError(401, "The access token expired");
    const scopes = parseScopes(typeof payload.scope === "string" ? payload.scope : "").resources;
    return {
      access: { scopes, ...(session.patient ? { patient: session.patient } : {}) },
      clientId: session.clientId,
      fhirUser: this.fhirUserOf(session.user),
    };
  }
}
