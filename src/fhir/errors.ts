// Errors from FHIR servers, carrying the server's OperationOutcome so the user sees what the server said.
// A FhirError is built from what the server answered (the HTTP status and the response body), never by reading
// the text of another library's error message.
import type { OperationOutcome } from "fhir/r4.js";

/** What else is known about a failure, from the answer's status, headers and body (never from message text). */
export interface FhirErrorFacts {
  /** Retry-After in ms (429, 503), when the server sent one. */
  retryAfterMs?: number;
  /** No answer within the request's timeout (status 0). */
  timedOut?: boolean;
  /** The body was not FHIR JSON (e.g. a proxy's HTML page). */
  notFhir?: boolean;
  /** For a 403: the SMART scope the request needed ("patient/CarePlan.u", v1 "patient/CarePlan.write"). */
  scope?: { v2: string; v1: string };
}

export class FhirError extends Error {
  override name = "FhirError";
  readonly status: number;
  readonly url: string;
  readonly outcome: OperationOutcome | undefined;
  readonly facts: FhirErrorFacts;
  /** What the server said when it sent no OperationOutcome (OAuth error, text, status text), or what happened. */
  readonly said: string | undefined;

  constructor(status: number, url: string, outcome?: OperationOutcome, fallback?: string, facts: FhirErrorFacts = {}) {
    super(FhirError.describe(status, url, outcome, fallback));
    this.status = status;
    this.url = url;
    this.outcome = outcome;
    this.facts = facts;
    this.said = outcome ? undefined : fallback;
  }

  /** The same error with more facts (the message is unchanged). */
  with(facts: FhirErrorFacts): FhirError {
    const e = new FhirError(this.status, this.url, this.outcome, this.said, { ...this.facts, ...facts });
    e.message = this.message;
    return e;
  }

  /** "HTTP 404 on Patient/x: Resource not found" — the OperationOutcome's own words, never a stack trace. */
  static describe(status: number, url: string, outcome?: OperationOutcome, fallback?: string): string {
    const said = outcome ? outcomeText(outcome) : "";
    const what = status === 0 ? `could not reach ${url}` : `HTTP ${status} on ${url}`;
    return said ? `${what}: ${said}` : fallback ? `${what}: ${fallback}` : what;
  }

  /**
   * The error for a server's answer: its status and body (parsed JSON, or text). An OperationOutcome body is
   * carried whole; an OAuth error body ({error, error_description}) and a short text body are shown as written;
   * otherwise the HTTP status text.
   */
  static fromResponse(status: number, label: string, body: unknown, statusText?: string, retryAfter?: string | null): FhirError {
    const outcome = asOperationOutcome(body);
    const retryAfterMs = parseRetryAfter(retryAfter);
    const facts: FhirErrorFacts = retryAfterMs !== undefined ? { retryAfterMs } : {};
    if (!outcome && typeof body === "string" && body.trim()) {
      return new FhirError(status, label, undefined, notFhirText(body), { ...facts, notFhir: true });
    }
    return new FhirError(status, label, outcome, outcome ? undefined : bodyText(body) ?? (statusText || undefined), facts);
  }
}

/** "the server answered with something that is not FHIR (…the first 200 characters, as text…)". */
export function notFhirText(body: string): string {
  const text = body.replace(/<[^>]*>/g, " ").replace(/\s+/g, " ").trim().slice(0, 200);
  return `the server answered with something that is not FHIR (${text || "an empty page"})`;
}

/** Retry-After as seconds or an HTTP date → ms (never negative); undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : Math.max(0, t - now);
}

function bodyText(body: unknown): string | undefined {
  const oauth = body as { error?: unknown; error_description?: unknown } | undefined;
  if (oauth && typeof oauth === "object" && typeof oauth.error === "string")
    return [oauth.error, typeof oauth.error_description === "string" ? oauth.error_description : ""].filter(Boolean).join(": ");
  return undefined;
}

/** The human text of an OperationOutcome: each issue's details.text or diagnostics, with its expression. */
export function outcomeText(outcome: OperationOutcome): string {
  return issueTexts(outcome).join("; ");
}

/** One line of text per issue of an OperationOutcome (several issues → several lines). */
export function issueTexts(outcome: OperationOutcome): string[] {
  return (Array.isArray(outcome.issue) ? outcome.issue : [])
    .map((i) => {
      const text = i?.details?.text ?? i?.diagnostics ?? i?.code;
      if (typeof text !== "string" || !text) return "";
      const where = Array.isArray(i.expression) && i.expression.length ? ` (${i.expression.join(", ")})` : "";
      return `${text}${where}`;
    })
    .filter(Boolean);
}

/** Reads an OperationOutcome out of an unknown response body (object or JSON text), if it is one. */
export function asOperationOutcome(body: unknown): OperationOutcome | undefined {
  let value = body;
  if (typeof value === "string") {
    try {
      value = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  if (typeof value === "object" && value !== null && (value as { resourceType?: unknown }).resourceType === "OperationOutcome")
    return value as OperationOutcome;
  return undefined;
}


/**
 * The SMART session is over: a 401 came, and refreshing the token failed (or there was no refresh token), or the
 * request was refused again after a refresh. The message is for the user, in plain words.
 */
export class SessionEnded extends FhirError {
  override name = "SessionEnded";
  readonly reason: "no-refresh-token" | "refresh-failed" | "refused-after-refresh";
  constructor(url: string, reason: SessionEnded["reason"]) {
    super(401, url);
    this.reason = reason;
    this.message = SESSION_ENDED_TEXT;
  }
}

export const SESSION_ENDED_TEXT =
  "Your session with the EHR has ended; your edits are kept in this tab. Launch Stagewise again from the patient's chart.";
