// The EHR JWT check of the CDS service (CDS Hooks "Trusting CDS Clients"), with keys made here: what a registered EHR
// signs is accepted once; every rule the spec sets is a 401 naming what failed.
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import type { CryptoKey, JWK } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { ehrJwtVerifier, parseEhrClients } from "../../src/cds/ehr-auth.ts";
import type { Authenticate } from "../../src/cds/ehr-auth.ts";
import { CdsError } from "../../src/cds/types.ts";

const ISS = "https://ehr.example.org";
const AUD = "http://127.0.0.1:8091/cds-services/stagewise-patient-view";
let key: CryptoKey;
let otherKey: CryptoKey;
let jwk: JWK;
let verify: Authenticate;

beforeAll(async () => {
  const pair = await generateKeyPair("ES384", { extractable: true });
  key = pair.privateKey;
  jwk = { ...(await exportJWK(pair.publicKey)), kid: "k1", alg: "ES384" };
  otherKey = (await generateKeyPair("ES384")).privateKey;
  verify = ehrJwtVerifier([{ iss: ISS, jwks_uri: `${ISS}/jwks`, jwks: { keys: [jwk] } }]);
});

interface Sign {
  header?: Record<string, unknown>;
  claims?: Record<string, unknown>;
  key?: CryptoKey;
  omit?: string[];
}

async function jwt(o: Sign = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = { iss: ISS, aud: AUD, iat: now, exp: now + 60, jti: crypto.randomUUID(), ...o.claims };
  for (const c of o.omit ?? []) delete claims[c];
  return new SignJWT(claims).setProtectedHeader({ alg: "ES384", typ: "JWT", kid: "k1", ...o.header } as { alg: string }).sign(o.key ?? key);
}

const b64 = (x: unknown): string => Buffer.from(JSON.stringify(x)).toString("base64url");

async function refusal(authorization: string | undefined, audience: string | string[] = AUD): Promise<string> {
  try {
    await verify(authorization, audience);
  } catch (e) {
    expect(e).toBeInstanceOf(CdsError);
    expect((e as CdsError).status).toBe(401);
    return (e as Error).message;
  }
  return "accepted";
}

describe("EHR JWT", () => {
  it("accepts a JWT a registered EHR signed for this URL, once", async () => {
    const token = await jwt({ claims: { sub: "ehr-client" } });
    await expect(verify(`Bearer ${token}`, AUD)).resolves.toMatchObject({ iss: ISS, sub: "ehr-client" });
    expect(await refusal(`Bearer ${token}`)).toMatch(/already used/);
  });

  it("accepts the feedback URL or the service URL as aud for feedback", async () => {
    await expect(verify(`Bearer ${await jwt()}`, [`${AUD}/feedback`, AUD])).resolves.toMatchObject({ iss: ISS });
  });

  it.each<[string, () => Promise<string | undefined>, RegExp]>([
    ["no Authorization header", async () => undefined, /Missing Authorization/],
    ["a Basic header", async () => "Basic dXNlcjpwYXNz", /Missing Authorization/],
    ["a token that is no JWT", async () => "Bearer abc.def", /not a JWT/],
    ["alg none", async () => `Bearer ${b64({ alg: "none", typ: "JWT", kid: "k1" })}.${b64({ iss: ISS, aud: AUD })}.`, /alg "none" refused/],
    [
      "an HMAC signature",
      async () => `Bearer ${await new SignJWT({ iss: ISS, aud: AUD, jti: "x" }).setProtectedHeader({ alg: "HS256", typ: "JWT", kid: "k1" }).setIssuedAt().setExpirationTime("1m").sign(new Uint8Array(32))}`,
      /alg "HS256" refused/,
    ],
    ["typ other than JWT", async () => `Bearer ${await jwt({ header: { typ: "at+jwt" } })}`, /typ must be "JWT"/],
    ["no kid", async () => `Bearer ${await jwt({ header: { kid: undefined } })}`, /kid is missing/],
    ["an unregistered issuer", async () => `Bearer ${await jwt({ claims: { iss: "https://evil.example" } })}`, /not a registered EHR client/],
    ["a jku that is not the registered one", async () => `Bearer ${await jwt({ header: { jku: "https://evil.example/jwks" } })}`, /jku/],
    ["another endpoint's aud", async () => `Bearer ${await jwt({ claims: { aud: "http://127.0.0.1:8091/cds-services" } })}`, /aud must be the called URL/],
    ["an expired JWT", async () => `Bearer ${await jwt({ claims: { exp: Math.floor(Date.now() / 1000) - 60 } })}`, /expired/],
    ["a JWT issued long ago", async () => `Bearer ${await jwt({ claims: { iat: Math.floor(Date.now() / 1000) - 3600 } })}`, /issued more than 300 s ago/],
    ["no jti", async () => `Bearer ${await jwt({ omit: ["jti"] })}`, /jti/],
    ["no exp", async () => `Bearer ${await jwt({ omit: ["exp"] })}`, /exp/],
    ["a signature by another key", async () => `Bearer ${await jwt({ key: otherKey })}`, /signature does not verify/],
    ["an unknown kid", async () => `Bearer ${await jwt({ header: { kid: "k9" } })}`, /No key k9/],
  ])("refuses %s with a 401 saying why", async (_what, header, message) => {
    expect(await refusal(await header())).toMatch(message);
  });
});

describe("EHR client registrations", () => {
  it("fills {sandbox} with the sandbox's origin", () => {
    const clients = parseEhrClients({ ehrClients: [{ name: "sandbox", iss: "{sandbox}", jwks_uri: "{sandbox}/auth/jwks" }] }, { sandbox: "http://127.0.0.1:9" });
    expect(clients).toEqual([{ name: "sandbox", iss: "http://127.0.0.1:9", jwks_uri: "http://127.0.0.1:9/auth/jwks" }]);
  });

  it.each([
    [{}, /ehrClients/],
    [{ ehrClients: [{ jwks_uri: "https://e/jwks" }] }, /iss is missing/],
    [{ ehrClients: [{ iss: "https://e" }] }, /jwks_uri or jwks/],
    [{ ehrClients: [{ iss: "{other}", jwks_uri: "https://e/jwks" }] }, /unfilled placeholder/],
  ])("refuses a malformed registration file %o", (json, message) => {
    expect(() => parseEhrClients(json, { sandbox: "http://127.0.0.1:9" })).toThrow(message);
  });
});
