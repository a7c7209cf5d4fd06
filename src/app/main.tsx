import { StrictMode, useEffect, useState } from "react";
import { createRoot } from "react-dom/client";
import { LaunchedApp, loadCaseload, loadWorkspace } from "./App.tsx";
import { ErrorMessage } from "./components/ErrorMessage.tsx";
import { installInspector } from "./inspector/toggle.ts";
import { loadWindowRule, startFirstScreen } from "./read-record.ts";
import { localToday, type Launch } from "./session.ts";
import { startSession } from "./smart.ts";
import "./app.css";

// The request inspector (?inspect, or Alt+Shift+R): on before the first FHIR request when asked for at launch.
installInspector();
// Once per page load, at module scope: a StrictMode double effect must not run the code exchange twice.
const sessionPromise = startSession();
// Root shows a failed start; marked as handled here, or the browser reports it as an uncaught error (with its text)
// before Root's effect subscribes.
sessionPromise.catch(() => undefined);
// Fetch the workspace (engine + screens) and the read-window rule during the token exchange, and start the first
// screen's reads as soon as the session is there (useRecord picks them up).
void loadWorkspace().catch(() => undefined);
void loadWindowRule().catch(() => undefined);
// The caseload's screen too (small: the engine is shared with the workspace), so a caseload launch does not wait for it.
void loadCaseload().catch(() => undefined);
sessionPromise
  .then((launch) => launch.patient && startFirstScreen(launch.patient.api, launch.patient.patientId, localToday()))
  .catch(() => undefined);

function Root() {
  const [session, setSession] = useState<Launch | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let current = true;
    sessionPromise.then(
      (s) => current && setSession(s),
      (e: unknown) => current && setError(e),
    );
    return () => {
      current = false;
    };
  }, []);
  if (session) return <LaunchedApp launch={session} now={localToday()} />;
  return (
    <main id="main" className="app">
      <h1>Stagewise</h1>
      {error ? (
        <>
          <ErrorMessage
            title="Stagewise could not start"
            error={error}
            hint="Open Stagewise from a patient's chart in the EHR. To connect to a FHIR server directly, use the launch page."
          />
          <p>
            <a href="launch.html">Open the launch page</a>
          </p>
        </>
      ) : (
        <p role="status">Signing in…</p>
      )}
    </main>
  );
}

const root = document.getElementById("root");
if (root) {
  createRoot(root).render(
    <StrictMode>
      <Root />
    </StrictMode>,
  );
}
