// Trusting CDS clients (CDS Hooks 2.0 "Trusting CDS Clients"): every call to the service carries
// `Authorization: Bearer <JWT>` signed by the EHR with an asymmetric key. The JWT is accepted only when
//   - its header has alg (asymmetric: never "none" or HMAC), typ "JWT" and kid, and a jku only if it is the registered one;
//   - its iss is a registered EHR client (ehr-clients.json) and the signature verifies with that client's JWKS;
//   - aud is the URL of the endpoint being called, exp is in the future, iat is present and recent, jti is present
//     and has not been seen before (replay).
// Anything else is a 401 whose message names the check that failed. Tokens are never logged.
import { createLocalJWKSet, createRemoteJWKSet, decodeJwt, decodeProtectedHeader, errors, jwtVerify } from "jose";
import type { JSONWebKeySet, JWTVerifyGetKey } from "jose";
import { CdsError } from "./types.ts";

export interface EhrClient {
  name?: string;
  /** The EHR's `iss`, exactly as it writes it. */
  iss: string;
  /** Where the EHR publishes its JWK Set (also the only `jku` accepted from it). */
  jwks_uri?: string;
  /** Or the JWK Set itself (public keys only). */
  jwks?: JSONWebKeySet;
}

export interface EhrIdentity {
  iss: string;
  sub?: string;
  jti: string;
  name?: string;
}

/** Checks an Authorization header for a call to `audience` (one URL, or the URLs the endpoint answers to). */
export type Authenticate = (authorization: string | undefined, audience: string | string[]) => Promise<EhrIdentity>;

export const ASYMMETRIC_ALGS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"];

/** A JWT issued longer ago than this is refused even if its exp is later (the EHR signs one per call). */
export const MAX_JWT_AGE_SECONDS = 300;

const unauthorized = (message: string): CdsError => new CdsError(401, message);

/** Reads an EHR client registration file ({ "ehrClients": [...] }); `vars` fill "{name}" placeholders in its URLs. */
export function parseEhrClients(json: unknown, vars: Record<string, string> = {}): EhrClient[] {
  const list = (json as { ehrClients?: unknown } | null)?.ehrClients;
  if (!Array.isArray(list)) throw new Error('EHR client registrations must be { "ehrClients": [ … ] }');
  const fill = (s: string): string => s.replace(/\{(\w+)\}/g, (m, name: string) => vars[name] ?? m);
  return list.map((raw, i) => {
    const c = raw as Partial<EhrClient> | null;
    if (typeof c?.iss !== "string" || c.iss === "") throw new Error(`ehrClients[${i}].iss is missing`);
    if (typeof c.jwks_uri !== "string" && typeof c.jwks !== "object") throw new Error(`ehrClients[${i}] needs jwks_uri or jwks`);
    const client: EhrClient = { iss: fill(c.iss) };
    if (typeof c.name === "string") client.name = c.name;
    if (typeof c.jwks_uri === "string") client.jwks_uri = fill(c.jwks_uri);
    if (c.jwks && typeof c.jwks === "object") client.jwks = c.jwks;
    if (/\{\w+\}/.test(client.iss + (client.jwks_uri ?? ""))) throw new Error(`ehrClients[${i}] has an unfilled placeholder`);
    return client;
  });
}

export interface VerifierOptions {
  clockToleranceSeconds?: number;
  maxAgeSeconds?: number;
}

export function ehrJwtVerifier(clients: readonly EhrClient[], options: VerifierOptions = {}): Authenticate {
  const keySets = new Map<string, JWTVerifyGetKey>();
  const keysOf = (c: EhrClient): JWTVerifyGetKey => {
    let set = keySets.get(c.iss);
    if (!set) {
      set = c.jwks ? createLocalJWKSet(c.jwks) : createRemoteJWKSet(new URL(c.jwks_uri ?? ""), { timeoutDuration: 5000 });
      keySets.set(c.iss, set);
    }
    return set;
  };
  const seen = new Map<string, number>(); // iss + jti → exp (ms)
  const tolerance = options.clockToleranceSeconds ?? 5;
  const maxAge = options.maxAgeSeconds ?? MAX_JWT_AGE_SECONDS;

  return async (authorization, audience) => {
    const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? "");
    if (!m?.[1]) throw unauthorized("Missing Authorization: Bearer <JWT> (the EHR's signed JWT, CDS Hooks 'Trusting CDS Clients')");
    const jwt = m[1];
    let header: ReturnType<typeof decodeProtectedHeader>;
    let claims: ReturnType<typeof decodeJwt>;
    try {
      header = decodeProtectedHeader(jwt);
      claims = decodeJwt(jwt);
    } catch {
      throw unauthorized("The Authorization bearer token is not a JWT");
    }
    if (!header.alg || !ASYMMETRIC_ALGS.includes(header.alg))
      throw unauthorized(`JWT alg ${JSON.stringify(header.alg ?? null)} refused: sign with an asymmetric key (${ASYMMETRIC_ALGS.join(", ")})`);
    if (header.typ?.toUpperCase() !== "JWT") throw unauthorized('JWT header typ must be "JWT"');
    if (!header.kid) throw unauthorized("JWT header kid is missing");
    const client = clients.find((c) => c.iss === claims.iss);
    if (!client) throw unauthorized(`JWT iss ${JSON.stringify(claims.iss ?? null)} is not a registered EHR client`);
    if (header.jku !== undefined && header.jku !== client.jwks_uri) throw unauthorized(`JWT jku ${header.jku} is not the JWK Set registered for ${client.iss}`);
    let payload: Awaited<ReturnType<typeof jwtVerify>>["payload"];
    try {
      ({ payload } = await jwtVerify(jwt, keysOf(client), {
        issuer: client.iss,
        audience,
        algorithms: ASYMMETRIC_ALGS,
        requiredClaims: ["iss", "aud", "exp", "iat", "jti"],
        clockTolerance: tolerance,
        maxTokenAge: maxAge,
      }));
    } catch (err) {
      if (err instanceof errors.JWTExpired) throw unauthorized(`The EHR's JWT expired (${err.reason === "check_failed" && err.claim === "iat" ? `issued more than ${maxAge} s ago` : "exp is past"})`);
      if (err instanceof errors.JWTClaimValidationFailed) {
        if (err.claim === "aud") throw unauthorized(`JWT aud must be the called URL: ${[audience].flat().join(" or ")}`);
        throw unauthorized(`JWT claim ${err.claim}: ${err.message}`);
      }
      if (err instanceof errors.JWKSNoMatchingKey) throw unauthorized(`No key ${header.kid} in the JWK Set of ${client.iss}`);
      if (err instanceof errors.JWSSignatureVerificationFailed) throw unauthorized("The JWT signature does not verify with the EHR's registered keys");
      if (err instanceof errors.JOSEError) throw unauthorized(`The JWT was refused: ${err.message}`);
      throw new CdsError(502, `Could not read the JWK Set of ${client.iss}: ${err instanceof Error ? err.message : String(err)}`);
    }
    const jti = String(payload.jti);
    const now = Date.now();
    for (const [k, exp] of seen) if (exp + tolerance * 1000 < now) seen.delete(k);
    const key = `${client.iss} ${jti}`;
    if (seen.has(key)) throw unauthorized("This JWT was already used (jti seen before): sign a new one for each call");
    seen.set(key, (payload.exp ?? 0) * 1000);
    return { iss: client.iss, jti, ...(typeof payload.sub === "string" ? { sub: payload.sub } : {}), ...(client.name ? { name: client.name } : {}) };
  };
}
