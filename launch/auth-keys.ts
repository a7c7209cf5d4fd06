// The sandbox authorization server's signing key: one RS256 key pair made at start (never stored), published as the
// JWKS, used to sign access and id tokens and to verify access tokens on FHIR requests.
import { randomUUID } from "node:crypto";
import { errors, exportJWK, generateKeyPair, jwtVerify, SignJWT } from "jose";
import type { CryptoKey, JWK, JWTPayload } from "jose";
import { fhirError } from "./outcomes.ts";

/** The registered claims of one token; `jti` is left out of id tokens. */
export interface TokenClaims {
  typ: "at+jwt" | "JWT";
  issuer: string;
  audience: string;
  subject: string;
  jti?: string;
  /** Seconds since the epoch. */
  issuedAt: number;
  expiresAt: number;
}

export class SigningKeys {
  private privateKey: CryptoKey | undefined;
  private publicJwk: JWK | undefined;
  private publicKey: CryptoKey | undefined;
  private readonly kid = randomUUID();

  async init(): Promise<void> {
    const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
    this.privateKey = privateKey;
    this.publicKey = publicKey;
    this.publicJwk = { ...(await exportJWK(publicKey)), kid: this.kid, alg: "RS256", use: "sig" };
  }

  /** The public key as a JWK (undefined before init()). */
  get jwk(): JWK | undefined {
    return this.publicJwk;
  }

  /** An RS256 JWT: the private claims first, then iss, aud, sub, jti, iat, exp. */
  async sign(claims: JWTPayload, t: TokenClaims): Promise<string> {
    const key = this.privateKey;
    if (!key) throw new Error("SmartAuth.init() was not called");
    let jwt = new SignJWT(claims)
      .setProtectedHeader({ alg: "RS256", kid: this.kid, typ: t.typ })
      .setIssuer(t.issuer)
      .setAudience(t.audience)
      .setSubject(t.subject);
    if (t.jti !== undefined) jwt = jwt.setJti(t.jti);
    return jwt.setIssuedAt(t.issuedAt).setExpirationTime(t.expiresAt).sign(key);
  }

  /** The payload of an access token signed here for `fhirBase`; 401 OperationOutcome errors when invalid or expired. */
  async verifyAccessToken(token: string, fhirBase: string): Promise<Record<string, unknown>> {
    if (!this.publicKey) throw new Error("SmartAuth.init() was not called");
    try {
      const { payload } = await jwtVerify(token, this.publicKey, { issuer: fhirBase, audience: fhirBase });
      return payload;
    } catch (err) {
      if (err instanceof errors.JWTExpired) throw fhirError(401, "The access token expired");
      throw fhirError(401, `Invalid access token (${err instanceof Error ? err.message : "not verifiable"})`);
    }
  }
}
