// Errors from FHIR servers, carrying the server's OperationOutcome so the user sees what the server said.
// A FhirError is built from what the server answered (the HTTP status and the response body), never by reading
// the text of another library's error message.
import type { OperationOutcome } from "fhir/r4.js";

export class FhirError extends Error {
  override name = "FhirError";
  readonly status: number;
  readonly url: string;
  readonly outcome: OperationOutcome | undefined;

  constructor(status: number, url: string, outcome?: OperationOutcome, fallback?: string) {
    super(FhirError.describe(status, url, outcome, fallback));
    this.status = status;
    this.url = url;
    this.outcome = outcome;
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
  static fromResponse(status: number, label: string, body: unknown, statusText?: string): FhirError {
    const outcome = asOperationOutcome(body);
    return new FhirError(status, label, outcome, outcome ? undefined : bodyText(body) ?? (statusText || undefined));
  }
}

function bodyText(body: unknown): string | undefined {
  if (typeof body === "string") return body.trim() ? body.trim().slice(0, 200) : undefined;
  const oauth = body as { error?: unknown; error_description?: unknown } | undefined;
  if (oauth && typeof oauth === "object" && typeof oauth.error === "string")
    return [oauth.error, typeof oauth.error_description === "string" ? oauth.error_description : ""].filter(Boolean).join(": ");
  return undefined;
}

/** The human text of an OperationOutcome: each issue's details.text or diagnostics, with its expression. */
export function outcomeText(outcome: OperationOutcome): string {
  return (outcome.issue ?? [])
    .map((i) => {
      const text = i.details?.text ?? i.diagnostics ?? i.code;
      const where = i.expression?.length ? ` (${i.expression.join(", ")})` : "";
      return `${text}${where}`;
    })
    .filter(Boolean)
    .join("; ");
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

