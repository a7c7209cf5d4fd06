// The app's only door to the FHIR server: a tiny interface, so the data layer and the components never touch
// fhirclient directly (tests inject `fetchApi` against msw, the app wraps the fhirclient Client).
// Every failure becomes a FhirError carrying the server's OperationOutcome. Nothing here logs anything.
import { otherPatientReferences } from "../clinical/plan-validate.ts";
import { asOperationOutcome, FhirError } from "../fhir/errors.ts";

export interface FhirRequestOptions {
  method?: "GET" | "POST" | "PUT";
  /** A FHIR resource; sent as application/fhir+json. */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface FhirResponse {
  status: number;
  body: unknown;
  location: string | null;
  etag: string | null;
}

export interface FhirApi {
  /** The FHIR base URL without a trailing slash. */
  readonly serverUrl: string;
  /**
   * "Patient/ID": the patient the app was launched for. When set, a write (POST/PUT) whose body refers to any other
   * patient is refused before anything is sent (WriteRefused).
   */
  readonly launchPatient?: string;
  /** `url` is relative to the base ("Patient/1", "" for the base itself) or an absolute URL on the same server. */
  request(url: string, options?: FhirRequestOptions): Promise<FhirResponse>;
}

/** A write the app refused to send: it is about another patient than the one in context. */
export class WriteRefused extends Error {
  override name = "WriteRefused";
}

/** Throws WriteRefused when a write's body refers to a patient other than the launch patient. */
function refuseOtherPatients(launchPatient: string | undefined, options: FhirRequestOptions): void {
  if (!launchPatient || options.body === undefined || (options.method ?? "GET") === "GET") return;
  const others = otherPatientReferences(options.body, launchPatient);
  if (others.length === 0) return;
  const shown = others.slice(0, 3).join(", ") + (others.length > 3 ? ` and ${others.length - 3} more` : "");
  throw new WriteRefused(
    `Nothing was saved: Stagewise was launched for ${launchPatient}, but this would be written about another patient (${shown}). Reload the app from the patient's chart.`,
  );
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

const FHIR_JSON = "application/fhir+json";

function requestHeaders(options: FhirRequestOptions): Record<string, string> {
  const headers: Record<string, string> = { accept: FHIR_JSON, ...options.headers };
  if (options.body !== undefined) headers["content-type"] = FHIR_JSON;
  return headers;
}

/** A plain-fetch FhirApi (tests, and any server without SMART). `token` is sent only to this server. */
export function fetchApi(serverUrl: string, token?: string, launchPatient?: string): FhirApi {
  const base = trimBase(serverUrl);
  return {
    serverUrl: base,
    ...(launchPatient ? { launchPatient } : {}),
    async request(url, options = {}) {
      refuseOtherPatients(launchPatient, options);
      const target = resolveOnServer(base, url);
      const label = requestLabel(base, url);
      if (!target) throw new FhirError(0, label, undefined, "the address is not on this FHIR server; not followed");
      const headers = requestHeaders(options);
      if (token) headers.authorization = `Bearer ${token}`;
      let res: Response;
      try {
        res = await fetch(target, {
          method: options.method ?? "GET",
          headers,
          ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
        });
      } catch (e) {
        throw new FhirError(0, label, undefined, e instanceof Error ? e.message : String(e));
      }
      const text = await res.text();
      let body: unknown = text;
      if (text) {
        try {
          body = JSON.parse(text);
        } catch {
          body = text;
        }
      } else body = undefined;
      if (!res.ok) throw new FhirError(res.status, label, asOperationOutcome(body), fallbackText(res.statusText, body));
      return { status: res.status, body, location: res.headers.get("location"), etag: res.headers.get("etag") };
    },
  };
}

function fallbackText(statusText: string, body: unknown): string | undefined {
  if (typeof body === "string" && body.trim()) return body.trim().slice(0, 200);
  const oauth = body as { error?: unknown; error_description?: unknown } | undefined;
  if (oauth && typeof oauth.error === "string")
    return [oauth.error, typeof oauth.error_description === "string" ? oauth.error_description : ""].filter(Boolean).join(": ");
  return statusText || undefined;
}

/** The part of fhirclient's Client the app uses (so this file does not import fhirclient). */
export interface FhirClientLike {
  state: { serverUrl: string };
  request(
    requestOptions: { url: string; method?: string; body?: string; headers?: Record<string, string>; includeResponse: true },
    fhirOptions?: { pageLimit?: number; flat?: boolean },
  ): Promise<{ body?: unknown; response?: { status: number; headers: { get(name: string): string | null } } }>;
}

/**
 * fhirclient's HttpError has already read the body into its message ("404 Not Found\nURL: …\n\n{json}");
 * the OperationOutcome is taken back out of it.
 */
export function fromHttpError(e: unknown, label: string): FhirError {
  const err = e as { status?: unknown; statusText?: unknown; message?: unknown; name?: unknown };
  const message = typeof err?.message === "string" ? err.message : String(e);
  if (typeof err?.status === "number" && err.status > 0) {
    const cut = message.indexOf("\n\n");
    const rest = cut >= 0 ? message.slice(cut + 2) : "";
    const outcome = asOperationOutcome(rest);
    const extra = message.split("\n").slice(2).join(" ").trim(); // OAuth errors: "\nerror: description"
    return new FhirError(err.status, label, outcome, outcome ? undefined : extra || (typeof err.statusText === "string" ? err.statusText : undefined));
  }
  return new FhirError(0, label, undefined, message.split("\n")[0]);
}

/** The FhirApi over an authorized fhirclient Client (bearer token, refresh), for the launch patient ("Patient/ID"). */
export function fhirclientApi(client: FhirClientLike, launchPatient?: string): FhirApi {
  const base = trimBase(client.state.serverUrl);
  return {
    serverUrl: base,
    ...(launchPatient ? { launchPatient } : {}),
    async request(url, options = {}) {
      refuseOtherPatients(launchPatient, options);
      const target = resolveOnServer(base, url);
      const label = requestLabel(base, url);
      if (!target) throw new FhirError(0, label, undefined, "the address is not on this FHIR server; not followed");
      try {
        const result = await client.request(
          {
            url: target,
            method: options.method ?? "GET",
            headers: requestHeaders(options),
            ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
            includeResponse: true,
          },
          { pageLimit: 1, flat: false },
        );
        const response = result.response;
        return {
          status: response?.status ?? 200,
          body: result.body,
          location: response?.headers.get("location") ?? null,
          etag: response?.headers.get("etag") ?? null,
        };
      } catch (e) {
        throw fromHttpError(e, label);
      }
    },
  };
}

/** The message to show for any error from the data layer. */
export function errorText(e: unknown): string {
  if (e instanceof FhirError) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}
