// @vitest-environment jsdom
// The signed-in user from the id_token: base64url (with "-" and "_", no padding) of UTF-8 JSON, decoded by the app
// itself. window.atob (which fhirclient's getFhirUser uses) rejects such tokens for some user names, and the app did
// not start ("Failed to execute 'atob'"). Names with non-ASCII letters at each of the three byte alignments.
import { describe, expect, it } from "vitest";
import FHIR from "fhirclient/lib/entry/browser.js";
import { base64UrlBytes, fhirUserFromIdToken, jwtPayload } from "../../src/app/id-token.ts";
import { sessionFrom } from "../../src/app/smart.ts";

const BASE = "https://ehr.test/fhir";
const b64url = (s: string) => Buffer.from(s, "utf8").toString("base64url");

/** An id_token as an authorization server signs it (the signature is not checked by the app). */
function idToken(claims: Record<string, unknown>): string {
  return [b64url(JSON.stringify({ alg: "RS256", typ: "JWT" })), b64url(JSON.stringify(claims)), "c2lnbmF0dXJl"].join(".");
}

function atobRejects(token: string): boolean {
  try {
    window.atob(token.split(".")[1]!);
    return false;
  } catch {
    return true;
  }
}

const NAMES = ["Dr. Jürgen Groß (clinician)", "Dr. Σοφία Παπαδοπούλου", "山田 太郎", "Zoë Ÿsolde Ørsted", "Ngô Bảo Châu", "Plain Ascii"];
// Each name after 0, 1 and 2 bytes of padding: every alignment of its bytes in the base64 groups.
const CASES = NAMES.flatMap((name) => ["", "a", "ab"].map((pad) => ({ name, pad, token: idToken({ pad, fhirUser: `${BASE}/Practitioner/dr-9`, name, sub: "u1" }) })));

describe("jwtPayload decodes base64url UTF-8 JSON", () => {
  it("the cases include tokens that window.atob rejects (so they test what broke)", () => {
    const rejected = new Set(CASES.filter((c) => atobRejects(c.token)).map((c) => c.name));
    expect(rejected.has("Dr. Jürgen Groß (clinician)")).toBe(true);
    expect(rejected.size).toBeGreaterThanOrEqual(3);
    expect(rejected.has("Plain Ascii")).toBe(false);
  });

  it.each(CASES)("$name (pad $pad)", ({ name, pad, token }) => {
    expect(jwtPayload(token)).toEqual({ pad, fhirUser: `${BASE}/Practitioner/dr-9`, name, sub: "u1" });
    expect(fhirUserFromIdToken(token)).toBe(`${BASE}/Practitioner/dr-9`);
  });

  it.each([
    ["padded base64", (t: string) => t.replace(/^([^.]+)\.([^.]+)\./, (_m, h: string, p: string) => `${h}.${p}${"=".repeat((4 - (p.length % 4)) % 4)}.`)],
    ["plain base64 (+ and /)", (t: string) => t.replace(/-/g, "+").replace(/_/g, "/")],
  ])("also reads %s", (_label, rewrite) => {
    const c = CASES.find((x) => atobRejects(x.token))!;
    expect(jwtPayload(rewrite(c.token))?.name).toBe(c.name);
  });

  it.each([
    ["not a string", 42],
    ["two parts", "a.b"],
    ["an empty payload", "a..c"],
    ["a character outside base64", "a.e30*.c"],
    ["an impossible length", "a.e30ab.c"],
    ["bytes that are not UTF-8", `a.${Buffer.from([0xff, 0xfe, 0x7b]).toString("base64url")}.c`],
    ["JSON that is not an object", `a.${b64url("[1,2]")}.c`],
    ["no fhirUser claim", idToken({ sub: "u1" })],
  ])("%s → no user (never an exception)", (_label, token) => {
    expect(() => fhirUserFromIdToken(token)).not.toThrow();
    expect(fhirUserFromIdToken(token)).toBeNull();
  });

  it("the SMART v1 profile claim is read when there is no fhirUser", () => {
    expect(fhirUserFromIdToken(idToken({ profile: `${BASE}/Practitioner/dr-2` }))).toBe(`${BASE}/Practitioner/dr-2`);
  });

  it("decodes bytes exactly (every byte value, every length)", () => {
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
    for (let n = 0; n <= 256; n += 1) expect(base64UrlBytes(Buffer.from(bytes.subarray(0, n)).toString("base64url"))).toEqual(bytes.subarray(0, n));
  });
});

describe("the launched session names the signed-in user whatever their name", () => {
  type AnyClient = Parameters<typeof sessionFrom>[0];
  it.each(CASES.filter((c) => atobRejects(c.token)))("$name (pad $pad): an id_token atob rejects", ({ token }) => {
    const client = FHIR.client({ serverUrl: BASE, tokenResponse: { access_token: "t", patient: "p7", id_token: token, scope: "openid fhirUser" } });
    expect(sessionFrom(client as unknown as AnyClient).fhirUser).toBe("Practitioner/dr-9");
  });
});
