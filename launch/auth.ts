// The sandbox's SMART App Launch 2 authorization server (public clients, authorization code + PKCE S256):
// /auth/authorize, /auth/token (authorization_code, refresh_token), /auth/jwks, and on the FHIR base
// /.well-known/smart-configuration and /.well-known/openid-configuration. Access tokens are RS256 JWTs with
// aud = the FHIR base, checked on every FHIR request by authenticate(). Tokens are never logged.
//
// Files: auth-authorize.ts (the /auth/authorize checks), auth-keys.ts (signing key, JWT signing and verifying),
// auth-discovery.ts (the .well-known documents); this file keeps the launches, codes, sessions and tokens.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { authorizeRequest, PKCE_RE, withParams } from "./auth-authorize.ts";
import { openidConfiguration, smartConfiguration } from "./auth-discovery.ts";
import { SigningKeys } from "./auth-keys.ts";
import type { PickerOption } from "./auth-pages.ts";
import { BodyError, formFields, readBody, redirect, sendJson } from "./http-util.ts";
import { fhirError } from "./outcomes.ts";
import { noteRequest } from "./request-log.ts";
import { parseScopes } from "./scopes.ts";
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
  /** "care-team": user/ scopes reach only the patients on the user's active CareTeams; default all patients. */
  access?: "all" | "care-team";
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

/** One authorization: made by an approved /auth/authorize, kept when its code is exchanged. */
export interface Session {
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
  /** The simulator's "End session": the refresh token answers invalid_grant (HTTP 403), as an expired one would. */
  refreshExpired?: boolean;
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
  /** The patients on the active CareTeams a user ("Practitioner/…") takes part in (users with care-team access). */
  careTeamPatients?: (fhirUser: string) => ReadonlySet<string>;
}

const CODE_TTL_MS = 60_000;
const LAUNCH_TTL_MS = 12 * 3600_000;

class AuthError extends Error {
  readonly code: string;
  /** The HTTP status, when not the usual one (400; 401 for invalid_client). */
  readonly status: number | undefined;
  constructor(code: string, message: string, status?: number) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

function b64url(buf: Buffer): string {
  return buf.toString("base64url");
}

export class SmartAuth {
  readonly opts: AuthOptions;
  private readonly keys = new SigningKeys();
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
    await this.keys.init();
  }

  get authorizeUrl(): string {
    return `${this.opts.origin}/auth/authorize`;
  }

  get tokenUrl(): string {
    return `${this.opts.origin}/auth/token`;
  }

  smartConfiguration(): Record<string, unknown> {
    return smartConfiguration(this.opts.origin, this.opts.fhirBase);
  }

  openidConfiguration(): Record<string, unknown> {
    return openidConfiguration(this.opts.origin, this.opts.fhirBase);
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

  /**
   * Ends the sessions (of one launch, or all) as an EHR whose session timed out: the access tokens expire now and
   * the refresh tokens answer invalid_grant (HTTP 403, as the SMART App Launcher's simulated "expired refresh
   * token"). Returns how many sessions were ended.
   */
  endSessions(launchId?: string): number {
    this.expireAccessTokens(launchId);
    let n = 0;
    for (const s of this.sessions.values()) {
      if (launchId !== undefined && s.launchId !== launchId) continue;
      if (s.refreshToken && !s.refreshExpired && !s.revoked) {
        s.refreshExpired = true;
        n++;
      }
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
      sendJson(res, 200, { keys: [this.keys.jwk] }, { "Access-Control-Allow-Origin": "*" });
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
        const fields = formFields(await readBody(req));
        if (fields.client_id) noteRequest(req, { clientId: fields.client_id });
        const body = await this.token(fields);
        sendJson(res, 200, body, { ...cors, Pragma: "no-cache" });
      } catch (err) {
        if (err instanceof AuthError) sendJson(res, err.status ?? (err.code === "invalid_client" ? 401 : 400), { error: err.code, error_description: err.message }, cors);
        else if (err instanceof BodyError) sendJson(res, err.status, { error: "invalid_request", error_description: err.message }, cors);
        else throw err;
      }
      return true;
    }
    return false;
  }

  private authorize(p: Record<string, string>, submitted: boolean, res: ServerResponse): void {
    const approved = authorizeRequest(p, submitted, res, { opts: this.opts, getLaunch: (id) => this.getLaunch(id) });
    if (!approved) return;
    const code = b64url(randomBytes(32));
    this.codes.set(code, {
      session: approved.session,
      redirectUri: approved.redirectUri,
      challenge: approved.challenge,
      expiresAt: Date.now() + CODE_TTL_MS,
      used: false,
    });
    redirect(res, withParams(approved.redirectUri, { code, state: approved.state }));
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
      // 403, as the SMART App Launcher answers its simulated expired refresh token (RFC 6749 would say 400).
      if (session.refreshExpired) throw new AuthError("invalid_grant", "The refresh token expired (sandbox: session ended)", 403);
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

  /**
   * CDS Hooks: the access token the EHR hands a CDS service in `fhirAuthorization` (made by the EHR itself, no
   * authorize step), for one patient and user. `revoke()` ends it once the service has answered.
   */
  async issueServiceToken(o: { clientId: string; patient: string; user: string; scope: string; ttlSeconds: number }): Promise<{
    access_token: string;
    expires_in: number;
    scope: string;
    revoke: () => void;
  }> {
    const session: Session = {
      id: randomUUID(),
      clientId: o.clientId,
      scope: o.scope,
      patient: o.patient,
      user: o.user,
      needPatientBanner: false,
      createdAt: Date.now(),
      accessExpiresAt: 0,
      accessTokensIssued: 0,
      revoked: false,
    };
    this.sessions.set(session.id, session);
    const body = await this.tokenResponse(session, o.scope, false, o.ttlSeconds);
    return { access_token: String(body.access_token), expires_in: o.ttlSeconds, scope: o.scope, revoke: () => this.revoke(session) };
  }

  /** A JWT signed with the sandbox's key: the EHR's identity towards a CDS service (`aud` = the called URL). */
  async signEhrJwt(audience: string, ttlSeconds = 300): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return this.keys.sign({}, { typ: "JWT", issuer: this.opts.origin, audience, subject: "sandbox-ehr", jti: randomUUID(), issuedAt: now, expiresAt: now + ttlSeconds });
  }

  private async tokenResponse(session: Session, scope: string, first: boolean, ttlSeconds?: number): Promise<Record<string, unknown>> {
    const now = Math.floor(Date.now() / 1000);
    const ttl = ttlSeconds ?? this.opts.tokenTtlSeconds;
    const jti = randomUUID();
    const fhirUser = this.fhirUserOf(session.user);
    const accessToken = await this.keys.sign(
      {
        scope,
        client_id: session.clientId,
        fhirUser: `${this.opts.fhirBase}/${fhirUser}`,
        ...(session.patient ? { patient: session.patient } : {}),
      },
      { typ: "at+jwt", issuer: this.opts.fhirBase, audience: this.opts.fhirBase, subject: session.user, jti, issuedAt: now, expiresAt: now + ttl },
    );
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
      body.id_token = await this.keys.sign(
        {
          fhirUser: `${this.opts.fhirBase}/${fhirUser}`,
          name: this.opts.users.find((u) => u.id === session.user)?.label,
          ...(first && session.nonce ? { nonce: session.nonce } : {}),
        },
        { typ: "JWT", issuer: this.opts.fhirBase, audience: session.clientId, subject: session.user, issuedAt: now, expiresAt: now + ttl },
      );
    }
    if (session.refreshToken) body.refresh_token = session.refreshToken;
    return body;
  }

  /** Checks the bearer token of a FHIR request: 401 OperationOutcome errors when missing, invalid or expired. */
  async authenticate(authorization: string | undefined): Promise<TokenInfo> {
    const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? "");
    if (!m?.[1]) throw fhirError(401, "Missing bearer token: send Authorization: Bearer <access_token>");
    const payload = await this.keys.verifyAccessToken(m[1], this.opts.fhirBase);
    const record = typeof payload.jti === "string" ? this.accessTokens.get(payload.jti) : undefined;
    const session = record ? this.sessions.get(record.sessionId) : undefined;
    if (!record || !session) throw fhirError(401, "Unknown access token (issued before the sandbox restarted?)");
    if (session.revoked) throw fhirError(401, "The access token was revoked");
    if (record.expiresAt <= Date.now()) throw fhirError(401, "The access token expired");
    const scopes = parseScopes(typeof payload.scope === "string" ? payload.scope : "").resources;
    const user = this.opts.users.find((u) => u.id === session.user);
    let userPatients: ((id: string) => boolean) | undefined;
    if (user?.access === "care-team") {
      const onTeams = this.opts.careTeamPatients?.(user.fhirUser) ?? new Set<string>();
      userPatients = (id) => onTeams.has(id);
    }
    return {
      access: { scopes, ...(session.patient ? { patient: session.patient } : {}), ...(userPatients ? { userPatients } : {}) },
      clientId: session.clientId,
      fhirUser: this.fhirUserOf(session.user),
    };
  }
}
