// The request inspector's recorder (a lazy chunk, loaded when the inspector opens; hook.ts sends the app's FHIR
// requests through `record` while it is on). It keeps the last MAX_REQUESTS FHIR requests in a ring buffer: method,
// URL, status, start and end, size and the response body as text (cut at MAX_BODY_CHARS). Never recorded: request
// headers (the Authorization header, so never the token), request bodies, and an access_token or other credential
// in a URL's query (removed). Nothing recorded ever leaves the page: it lives in this module's memory only, and is
// dropped when the inspector closes.

export interface RecordedRequest {
  /** 1, 2, … in the order the requests were sent (unique for this page). */
  id: number;
  method: string;
  /** The URL as sent, with any credential in its query removed. */
  url: string;
  /** The HTTP status; null while waiting, or when no answer came (then `error`). */
  status: number | null;
  /** Why there was no answer (network error, timeout, dropped connection). */
  error?: string;
  /** ms since the page started (performance.now()) when the request was sent, and when its body had arrived. */
  start: number;
  end: number | null;
  /** Size of the response body in bytes (UTF-8), once it has arrived. */
  size: number | null;
  /** The response body as text, cut at MAX_BODY_CHARS (`truncated`). */
  body: string | null;
  truncated: boolean;
}

/** The ring buffer's cap: the oldest request is dropped when a newer one would exceed it. */
export const MAX_REQUESTS = 500;
/** Longest body kept per request, in characters (500 × 64 K is at most ~64 MB of strings, usually far less). */
export const MAX_BODY_CHARS = 64 * 1024;

let nextId = 1;
let entries: RecordedRequest[] = [];
const listeners = new Set<() => void>();

function changed(): void {
  for (const l of listeners) l();
}

/** Forgets what was recorded (the inspector closed). */
export function clear(): void {
  entries = [];
  changed();
}

/** What has been recorded, oldest first (a new array after every change: safe as a React snapshot). */
export function recordedRequests(): readonly RecordedRequest[] {
  return entries;
}

/** Calls `listener` after every change; returns the unsubscribe. */
export function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * Query parameters that may carry a credential (access_token, refresh_token, id_token, any *token*, client_secret,
 * password): their values are never recorded, whatever a server puts in a link. (Not `code`: a FHIR search
 * parameter; the SMART authorization code never goes to the FHIR server.)
 */
const SECRET_PARAM = /token|^client_secret$|^password$/i;

/** The URL without credentials in its query (and without user:password in it). */
export function sanitizeUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return url.replace(/([?&])([^=&#]*token[^=&#]*|client_secret|password)=[^&#]*/gi, "$1$2=…");
  }
  u.username = "";
  u.password = "";
  for (const name of [...u.searchParams.keys()]) if (SECRET_PARAM.test(name)) u.searchParams.set(name, "…");
  return u.toString();
}

function replace(id: number, patch: Partial<RecordedRequest>): void {
  const i = entries.findIndex((e) => e.id === id);
  if (i < 0) return; // dropped from the ring buffer, or the inspector closed meanwhile
  const next = entries.slice();
  next[i] = { ...next[i]!, ...patch };
  entries = next;
  changed();
}

function add(entry: RecordedRequest): void {
  const next = entries.length >= MAX_REQUESTS ? entries.slice(entries.length - MAX_REQUESTS + 1) : entries.slice();
  next.push(entry);
  entries = next;
  changed();
}

const utf8Length = (text: string): number => new TextEncoder().encode(text).length;

/** Sends the request with fetch and records it. */
export async function record(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
  const id = nextId++;
  const start = performance.now();
  add({ id, method: (init?.method ?? (input instanceof Request ? input.method : "GET")).toUpperCase(), url: sanitizeUrl(url), status: null, start, end: null, size: null, body: null, truncated: false });
  let res: Response;
  try {
    res = await fetch(input, init);
  } catch (e) {
    replace(id, { error: e instanceof Error ? `${e.name}: ${e.message}` : String(e), end: performance.now() });
    throw e;
  }
  replace(id, { status: res.status });
  // A copy of the body for the inspector; the app reads the original as usual.
  res
    .clone()
    .text()
    .then(
      (text) => replace(id, { end: performance.now(), size: utf8Length(text), body: text.length > MAX_BODY_CHARS ? text.slice(0, MAX_BODY_CHARS) : text, truncated: text.length > MAX_BODY_CHARS }),
      (e: unknown) => replace(id, { end: performance.now(), error: `the answer was cut off (${e instanceof Error ? e.message : String(e)})` }),
    );
  return res;
}
