// The one door to a FHIR server, for the app and the CLI alike: a tiny interface (`request`) with one adapter per
// runtime — the browser's (fhirclient: the SMART session, its token and its refresh; fhirclient-transport.ts) and
// Node's (fhir-kit-client; node-transport.ts) — plus plain fetch for tests and servers without SMART (here).
// Every adapter keeps the same rules: a URL off the FHIR server is never requested (the token stays there), every
// failure is a FhirError built from the HTTP status and the body, and nothing is logged.
// Paging and the record's searches are shared on top of this (search.ts, patient-queries.ts, read.ts).
import { FhirError } from "./errors.ts";
import { withRetry, type RetryPolicy } from "./retry.ts";

export interface FhirRequestOptions {
  method?: "GET" | "POST" | "PUT";
  /** A FHIR resource; sent as application/fhir+json. */
  body?: unknown;
  headers?: Record<string, string>;
  /**
   * Safe to send again when the answer is lost: every entry is a conditional create or an If-Match update with
   * ids fixed by the caller (the plan transaction, the stage transaction). Only such writes are retried (retry.ts).
   */
  idempotent?: boolean;
  /** Overrides the adapter's timeout for this request, in ms. */
  timeoutMs?: number;
}

export interface FhirResponse {
  status: number;
  /** Parsed JSON, or the text when it is not JSON; undefined when empty. */
  body: unknown;
  location: string | null;
  etag: string | null;
}

export interface FhirTransport {
  /** The FHIR base URL without a trailing slash. */
  readonly serverUrl: string;
  /** `url` is relative to the base ("Patient/1", "" for the base itself) or an absolute URL on the same server. */
  request(url: string, options?: FhirRequestOptions): Promise<FhirResponse>;
}

export function trimBase(url: string): string {
  return url.replace(/\/+$/, "");
}

/** The absolute URL for `url` on this server; null for an absolute URL elsewhere (the token never goes there). */
export function resolveOnServer(serverUrl: string, url: string): string | null {
  const base = trimBase(serverUrl);
  if (url === "") return base;
  if (/^[a-z][a-z0-9+.-]*:/i.test(url)) return url === base || url.startsWith(`${base}/`) || url.startsWith(`${base}?`) ? url : null;
  return `${base}/${url.replace(/^\/+/, "")}`;
}

/** A short name for a request in messages: the path relative to the base, without the query. */
export function requestLabel(serverUrl: string, url: string): string {
  const base = trimBase(serverUrl);
  const rel = url.startsWith(base) ? url.slice(base.length).replace(/^\/+/, "") : url;
  return (rel.split("?")[0] ?? rel) || "the FHIR server";
}

export const FHIR_JSON = "application/fhir+json";

export function requestHeaders(options: FhirRequestOptions): Record<string, string> {
  const headers: Record<string, string> = { accept: FHIR_JSON, ...options.headers };
  if (options.body !== undefined) headers["content-type"] = FHIR_JSON;
  return headers;
}

/** Parsed JSON, else the text; undefined for an empty body. */
export function parseBody(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The FhirError for a URL that is not on the server (refused before anything is sent). */
export function offServer(label: string): FhirError {
  return new FhirError(0, label, undefined, "the address is not on this FHIR server; not followed");
}

export interface FetchTransportOptions {
  /** The Authorization header value for each request (read per request: a refreshed token is picked up). */
  authorization?: () => string | null | Promise<string | null>;
  /** Timeouts in ms (default 20 s for reads, 30 s for writes). */
  timeouts?: Partial<Timeouts>;
  /** The fetch to send with (default the global one): the app's request inspector records through it. */
  fetch?: typeof fetch;
}

export interface Timeouts {
  readMs: number;
  writeMs: number;
}

export const DEFAULT_TIMEOUTS: Timeouts = { readMs: 20_000, writeMs: 30_000 };

export function timeoutFor(req: FhirRequestOptions, timeouts: Partial<Timeouts> = {}): number {
  const t = { ...DEFAULT_TIMEOUTS, ...timeouts };
  return req.timeoutMs ?? ((req.method ?? "GET") === "GET" ? t.readMs : t.writeMs);
}

/** The error for a request that got no answer within `ms`. */
export function timedOut(label: string, ms: number): FhirError {
  return new FhirError(0, label, undefined, `no answer within ${Math.round(ms / 1000)} s`, { timedOut: true });
}

/** A 2xx answer whose body is text, not JSON: the server (or a proxy) did not answer in FHIR. */
export function checkFhirBody(status: number, label: string, body: unknown): void {
  if (typeof body === "string") throw FhirError.fromResponse(status, label, body);
}

/** A FhirTransport over `fetch`: tests, servers without SMART, and the browser adapter underneath. */
export function fetchTransport(serverUrl: string, options: FetchTransportOptions = {}): FhirTransport {
  const base = trimBase(serverUrl);
  const send = options.fetch ?? fetch;
  return {
    serverUrl: base,
    async request(url, req = {}) {
      const target = resolveOnServer(base, url);
      const label = requestLabel(base, url);
      if (!target) throw offServer(label);
      const headers = requestHeaders(req);
      const ms = timeoutFor(req, options.timeouts);
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(), ms);
      let res: Response;
      let text: string;
      try {
        try {
          const auth = options.authorization ? await options.authorization() : null;
          if (auth) headers.authorization = auth;
          res = await send(target, {
            method: req.method ?? "GET",
            headers,
            signal: abort.signal,
            ...(req.body !== undefined ? { body: JSON.stringify(req.body) } : {}),
          });
        } catch (e) {
          if (abort.signal.aborted) throw timedOut(label, ms);
          throw new FhirError(0, label, undefined, e instanceof Error ? e.message : String(e));
        }
        try {
          text = await res.text();
        } catch (e) {
          if (abort.signal.aborted) throw timedOut(label, ms);
          throw new FhirError(0, label, undefined, `the answer was cut off (${e instanceof Error ? e.message : String(e)})`);
        }
      } finally {
        clearTimeout(timer);
      }
      const body = parseBody(text);
      if (!res.ok) throw FhirError.fromResponse(res.status, label, body, res.statusText, res.headers.get("retry-after"));
      checkFhirBody(res.status, label, body);
      return { status: res.status, body, location: res.headers.get("location"), etag: res.headers.get("etag") };
    },
  };
}

/** A plain-fetch transport with a fixed bearer token (sent only to this server), with the retry policy (retry.ts). */
export function bearerTransport(serverUrl: string, token?: string, policy?: RetryPolicy): FhirTransport {
  return withRetry(fetchTransport(serverUrl, token ? { authorization: () => `Bearer ${token}` } : {}), policy);
}
