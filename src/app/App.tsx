// The app page once launched: read the record (progress, errors, partial failures), then the workspace
// (lazy-loaded: the engine and the screens are not needed for the first, loading screen).
import { lazy, Suspense } from "react";
import { ErrorMessage } from "./components/ErrorMessage.tsx";
import { PatientBanner } from "./components/PatientBanner.tsx";
import type { ReadProgress, SearchFailure } from "./read-record.ts";
import type { SmartSession } from "./session.ts";
import { useRecord } from "./useRecord.ts";

export const loadWorkspace = () => import("./Workspace.tsx");
const Workspace = lazy(loadWorkspace);

export interface AppProps {
  session: SmartSession;
  /** Today, YYYY-MM-DD. */
  now: string;
}

function Loading({ progress }: { progress: ReadProgress | null }) {
  const reads = progress?.reads ?? [];
  const done = new Set(progress?.done ?? []);
  return (
    <section className="loading" aria-labelledby="loading-title">
      <h2 id="loading-title">Reading the patient's record</h2>
      <div role="status" aria-live="polite">
        <progress max={Math.max(reads.length, 1)} value={done.size} aria-label="Reads finished" />
        <p>
          {done.size} of {reads.length || "…"} reads finished; {progress?.resources ?? 0} resources received.
        </p>
      </div>
      <ul className="read-list">
        {reads.map((r) => (
          <li key={r} className={done.has(r) ? "done" : "pending"}>
            {r}: {done.has(r) ? "finished" : "reading…"}
          </li>
        ))}
      </ul>
    </section>
  );
}

function Incomplete({ failures }: { failures: SearchFailure[] }) {
  return (
    <section className="incomplete" aria-labelledby="incomplete-title">
      <h2 id="incomplete-title">Incomplete record</h2>
      <p>
        Some searches failed, so what follows is based on part of the record only. Recommendations may miss facts
        from the failed searches.
      </p>
      {failures.map((f) => (
        <ErrorMessage key={f.resourceType} title={`${f.label}: could not be read`} error={f.error} alert={false} />
      ))}
    </section>
  );
}

export function App({ session, now }: AppProps) {
  const { state, addResource, reload } = useRecord(session.api, session.patientId);
  return (
    <div className="app">
      <header className="app-header">
        <h1>Stagewise</h1>
        <p className="tagline">Stage-matched psychosocial care for opioid use disorder</p>
        {session.needPatientBanner && state.phase === "ready" && <PatientBanner patient={state.record.patient} />}
      </header>
      <main id="main">
        {state.phase === "loading" && <Loading progress={state.progress} />}
        {state.phase === "failed" && (
          <section aria-labelledby="failed-title">
            <h2 id="failed-title">The record could not be read</h2>
            <ErrorMessage
              title={`Could not read Patient/${session.patientId}`}
              error={state.error}
              hint="Nothing is shown, because the patient could not be identified. Check the connection or launch the app again from the chart."
            />
            <button type="button" onClick={reload}>
              Try again
            </button>
          </section>
        )}
        {state.phase === "ready" && (
          <>
            {state.failures.length > 0 && <Incomplete failures={state.failures} />}
            <Suspense fallback={<p role="status">Preparing the summary…</p>}>
              <Workspace session={session} record={state.record} now={now} onWritten={addResource} />
            </Suspense>
          </>
        )}
      </main>
    </div>
  );
}
