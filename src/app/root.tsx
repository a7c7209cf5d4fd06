// The React root of the app page, loaded by main.ts while the token is exchanged: "Signing in…", then the launched
// app, or the error that stopped the start.
import { StrictMode, useEffect, useState } from "react";
import { createRoot } from "react-dom/client";
import { LaunchedApp } from "./App.tsx";
import { ErrorMessage } from "./components/ErrorMessage.tsx";
import { localToday, type Launch } from "./session.ts";

function Root({ sessionPromise, settled }: { sessionPromise: Promise<Launch>; settled: Launch | null }) {
  const [session, setSession] = useState<Launch | null>(settled);
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
  }, [sessionPromise]);
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

/** `settled`: the session when it is already there (the first render shows the app, not "Signing in…"). */
export function mountRoot(sessionPromise: Promise<Launch>, settled: Launch | null = null): void {
  const root = document.getElementById("root");
  if (!root) return;
  createRoot(root).render(
    <StrictMode>
      <Root sessionPromise={sessionPromise} settled={settled} />
    </StrictMode>,
  );
}
