// A specific error: what failed, what happened in plain words with what to do about it, what the server said (each
// OperationOutcome issue on its own line, as text; never a raw dump), and what the user can do next (the hint).
import { FhirError, issueTexts, SessionEnded } from "../../fhir/errors.ts";

export interface ErrorMessageProps {
  /** What the app was trying to do, e.g. "Could not read the patient". */
  title: string;
  error: unknown;
  /** What the user can do now. */
  hint?: string;
  /** Use role="alert" (announced at once); false for errors shown as part of a page that is otherwise fine. */
  alert?: boolean;
}

/** What happened, from the status and the facts of the answer, with what to do. */
export function faultText(e: FhirError): string {
  if (e instanceof SessionEnded) return e.message;
  const [head, todo] = fault(e);
  return `${head} on ${e.url}.${todo ? ` ${todo}` : ""}`;
}

function fault(e: FhirError): [string, string?] {
  if (e.status === 0 && e.facts.timedOut) return ["The server did not answer in time", "It was tried again where that is safe. Try again in a minute."];
  if (e.status === 0) return ["The server could not be reached, or the connection was dropped", "Check the network and try again."];
  if (e.facts.notFhir) return [`The server answered with something that is not FHIR (${e.status})`, "A proxy or gateway in front of it may be failing. Try again in a minute."];
  if (e.status === 401) return ["The session is not authorized (401)", "Launch Stagewise again from the patient's chart."];
  if (e.status === 403) {
    const scope = e.facts.scope;
    return scope
      ? ["The server refused access (403)", `Stagewise needs the scope ${scope.v2} (SMART v1: ${scope.v1}), which this launch was not granted. Ask the EHR's administrator to grant it, then launch again.`]
      : ["The server refused access (403)", "Ask the EHR's administrator for access, then launch again."];
  }
  if (e.status === 404) return ["Not found (404)", "It may have been deleted or merged. Reload the patient's record from the chart."];
  if (e.status === 409 || e.status === 412) return [`Someone else changed the data (${e.status})`];
  if (e.status === 422 || e.status === 400) return [`The server did not accept the data (${e.status})`];
  if (e.status === 429) return ["The server is busy (429)", "It asked to wait and was tried again. Wait a minute, then try again."];
  if (e.status === 503) return ["The server is unavailable for now (503)", "It was tried again. Wait a minute, then try again."];
  if (e.status >= 500) return [`The server had an error (${e.status})`, "Try again; if it keeps failing, tell the EHR's support."];
  return [`HTTP ${e.status}`];
}

export function ErrorMessage({ title, error, hint, alert = true }: ErrorMessageProps) {
  let detail: string;
  let said: string[] = [];
  // No answer (status 0): the words are the browser's ("Failed to fetch"), not the server's.
  let browserSaid: string | undefined;
  if (error instanceof FhirError) {
    detail = faultText(error);
    if (error.outcome) said = issueTexts(error.outcome);
    else if (error.status === 0) browserSaid = error.facts.timedOut ? undefined : error.said || undefined;
    else if (error.said && !error.facts.notFhir && !(error instanceof SessionEnded)) said = [error.said];
  } else {
    detail = error instanceof Error ? error.message : String(error);
  }
  const notFhir = error instanceof FhirError && error.facts.notFhir ? error.said : undefined;
  return (
    <div className="error-message" role={alert ? "alert" : undefined}>
      <p className="error-title">{title}</p>
      <p>{detail}</p>
      {notFhir && <p className="server-text">{notFhir.replace(/^t/, "T")}</p>}
      {browserSaid && (
        <p>
          The browser reported: <q className="server-text">{browserSaid}</q>
        </p>
      )}
      {said.length === 1 && (
        <p>
          The server said: <q className="server-text">{said[0]}</q>
        </p>
      )}
      {said.length > 1 && (
        <>
          <p>The server named {said.length} problems:</p>
          <ul className="server-issues">
            {said.map((s, i) => (
              <li key={i} className="server-text">
                {s}
              </li>
            ))}
          </ul>
        </>
      )}
      {hint && <p>{hint}</p>}
    </div>
  );
}
