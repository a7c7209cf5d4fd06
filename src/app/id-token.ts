// Who is signed in, read from the id_token the authorization server sent with the access token. A JWT's parts are
// base64url (RFC 7515: "-" and "_" instead of "+" and "/", no padding) of UTF-8 JSON. fhirclient's getFhirUser()
// decodes them with window.atob, which accepts neither "-" nor "_" and returns Latin-1: an id_token whose bytes
// happen to encode to "-" or "_" (a user named "Dr. Jürgen Groß", for one) stopped the app with "Failed to execute
// 'atob'". This file decodes base64url itself. The signature is not checked here: the token came straight from the
// token endpoint over TLS, and the app uses fhirUser only to name the author of what it writes.

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const VALUES = new Map<string, number>([...ALPHABET].map((c, i) => [c, i]));
// Plain base64's two characters too: some servers send them.
VALUES.set("+", 62);
VALUES.set("/", 63);

/** The bytes of base64url (or base64) text, padded or not; null when it is not base64. */
export function base64UrlBytes(text: string): Uint8Array | null {
  const s = text.replace(/={1,2}$/, "");
  if (s.length % 4 === 1) return null;
  const out = new Uint8Array(Math.floor((s.length * 3) / 4));
  let buffer = 0;
  let bits = 0;
  let n = 0;
  for (const c of s) {
    const v = VALUES.get(c);
    if (v === undefined) return null;
    buffer = ((buffer << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = (buffer >> bits) & 0xff;
    }
  }
  return out.subarray(0, n);
}

/** The JSON payload of a JWT (its middle part, base64url UTF-8), or null when it is not one. */
export function jwtPayload(token: unknown): Record<string, unknown> | null {
  if (typeof token !== "string") return null;
  const parts = token.split(".");
  if (parts.length !== 3 || !parts[1]) return null;
  const bytes = base64UrlBytes(parts[1]);
  if (!bytes) return null;
  try {
    const payload: unknown = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
    return typeof payload === "object" && payload !== null && !Array.isArray(payload) ? (payload as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The id_token's fhirUser claim (or profile, SMART v1), as written; null when there is none. */
export function fhirUserFromIdToken(idToken: unknown): string | null {
  const payload = jwtPayload(idToken);
  const user = payload?.fhirUser ?? payload?.profile;
  return typeof user === "string" && user !== "" ? user : null;
}
