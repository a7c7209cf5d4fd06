// A specific error: what failed, what the server said (its OperationOutcome, as text), and what to do next.
import { FhirError, outcomeText } from "../../fhir/errors.ts";

export interface ErrorMessageProps {
  /** What the app was trying to do, e.g. "Could not read the patient". */
  title: string;
  error: unknown;
  /** What the user can do now. */
  hint?: string;
  /** Use role="alert" (announced at once); false for errors shown as part of a page that is otherwise fine. */
  alert?: boolean;
}

function statusText(status: number): string {
  if (status === 0) return "The server could not be reached";
  if (status === 401) return "The session is not authorized (401): launch the app again";
  if (status === 403) return "The server refused access (403)";
  if (status === 404) return "Not found (404)";
  if (status === 409 || status === 412) return `Someone else changed the data (${status})`;
  if (status === 422 || status === 400) return `The server did not accept the data (${status})`;
  if (status >= 500) return `The server had an error (${status})`;
  return `HTTP ${status}`;
}

export function ErrorMessage({ title, error, hint, alert = true }: ErrorMessageProps) {
  let detail: string;
  let said: string | null = null;
  if (error instanceof FhirError) {
    detail = `${statusText(error.status)} on ${error.url}.`;
    said = error.outcome ? outcomeText(error.outcome) : null;
    if (!said) {
      const colon = error.message.indexOf(": ");
      said = colon >= 0 ? error.message.slice(colon + 2) : null;
    }
  } else {
    detail = error instanceof Error ? error.message : String(error);
  }
  return (
    <div className="error-message" role={alert ? "alert" : undefined}>
      <p className="error-title">{title}</p>
      <p>{detail}</p>
      {said && (
        <p>
          The server said: <q className="server-text">{said}</q>
        </p>
      )}
      {hint && <p>{hint}</p>}
    </div>
  );
}
