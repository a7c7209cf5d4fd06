// The app page once launched: read the record (progress, errors, partial failures), then the workspace
// (lazy-loaded: the engine and the screens are not needed for the first, loading screen).
import { lazy, Suspense, useEffect, useMemo, useState, type ComponentProps } from "react";
import { ErrorMessage } from "./components/ErrorMessage.tsx";
import { PatientBanner } from "./components/PatientBanner.tsx";
import type { ReadProgress, SearchFailure } from "./read-record.ts";
import type { Launch, SmartSession } from "./session.ts";
import type { Landing } from "./caseload/landing.ts";
import { useLanding } from "./caseload/useLanding.ts";
import { useRecord } from "./useRecord.ts";

type WorkspaceModule = typeof import("./Workspace.tsx");
let workspaceModule: WorkspaceModule | null = null;
/** Fetches the workspace chunk (main.tsx starts this while the record is read) and keeps the module once loaded. */
export const loadWorkspace = (): Promise<WorkspaceModule> => import("./Workspace.tsx").then((m) => (workspaceModule = m));
const LazyWorkspace = lazy(loadWorkspace);

/**
 * The workspace, rendered directly when its chunk has already arrived (the usual case: it loads while the record is
 * read). React.lazy would suspend once even then, and React holds a revealed Suspense boundary back for up to
 * 300 ms after its fallback appeared — a pause the clinician would wait through for nothing. The component type is
 * chosen once per mount, so a later re-render never swaps it (which would reset the workspace's state).
 */
function WorkspaceSlot({ onShown, ...props }: ComponentProps<WorkspaceModule["default"]> & { onShown(): void }) {
  const [Workspace] = useState(() => workspaceModule?.default ?? LazyWorkspace);
  // Runs once the workspace is on screen (not while it is still loading): the older history may start then.
  useEffect(() => onShown(), [onShown]);
  return <Workspace {...props} />;
}

export interface AppProps {
  session: SmartSession;
  /** Today, YYYY-MM-DD. */
  now: string;
  /** Shown as "Caseload" in the header when the launch has a caseload: back to the list, no new launch. */
  onBack?: () => void;
  /** Kept (reading, with its state) but not shown: the caseload is on screen. */
  hidden?: boolean;
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
        <ErrorMessage key={f.label} title={`${f.label}: could not be read`} error={f.error} alert={false} />
      ))}
    </section>
  );
}

export function App({ session, now, onBack, hidden = false }: AppProps) {
  const { state, addResource, reload, startHistory } = useRecord(session.api, session.patientId, now);
  return (
    <div className="app" hidden={hidden}>
      <header className="app-header">
        <h1>Stagewise</h1>
        {onBack && (
          <button type="button" className="back-button" onClick={onBack}>
            ← Caseload
          </button>
        )}
        {state.phase === "ready" ? (
          <PatientBanner patient={state.record.patient} now={now} full={session.needPatientBanner} />
        ) : (
          <p className="tagline">Stage-matched psychosocial care for opioid use disorder</p>
        )}
      </header>
      <main id={hidden ? undefined : "main"}>
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
              <WorkspaceSlot session={session} record={state.record} now={now} onWritten={addResource} history={state.history} onShown={startHistory} />
            </Suspense>
          </>
        )}
      </main>
    </div>
  );
}

type CaseloadModule = typeof import("./caseload/CaseloadScreen.tsx");
let caseloadModule: CaseloadModule | null = null;
/** Fetches the caseload chunk (main.tsx starts this while the token is exchanged; it shares the engine with the workspace). */
export const loadCaseload = (): Promise<CaseloadModule> => import("./caseload/CaseloadScreen.tsx").then((m) => (caseloadModule = m));
const LazyCaseload = lazy(loadCaseload);

/** The caseload screen, rendered directly once its chunk is there (no Suspense hold-back; see WorkspaceSlot). */
function CaseloadSlot(props: ComponentProps<CaseloadModule["default"]>) {
  const [Screen] = useState(() => caseloadModule?.default ?? LazyCaseload);
  return <Screen {...props} />;
}

/**
 * The launched app: the caseload or a patient, as the launch and the user's role decide (caseload/landing.ts). The
 * patient in context is read at once (while the user's role is read), and stays mounted when the caseload is shown,
 * so opening it from the list is instant. A patient opened from the caseload gets the same App as a patient launch;
 * "Caseload" goes back to the list, which stays as it was (kept, hidden, while a patient is open), and the row of
 * the patient just closed is read again. The caseload is read only once it is first shown.
 */
export function LaunchedApp({ launch, now }: { launch: Launch; now: string }) {
  const landing = useLanding(launch);
  const [chosen, setChosen] = useState<Landing | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [returnedFrom, setReturnedFrom] = useState<{ patientId: string; n: number } | null>(null);
  const { caseload, fhirUser, patient } = launch;
  // While the role is read, the patient in context (whose reads start at once); without one, the caseload.
  const view: Landing = chosen ?? landing ?? (patient ? "patient" : "caseload");
  // One session per patient opened (its api's identity keys the record's reads).
  const opened = useMemo(() => (open !== null && open !== patient?.patientId && caseload ? caseload.open(open) : null), [open, patient, caseload]);
  if (!caseload || !fhirUser) return patient ? <App session={patient} now={now} /> : null;
  const contextShown = patient !== null && (open === null ? view === "patient" : open === patient.patientId);
  const listShown = view === "caseload" && open === null;
  const back = () => {
    const closed = open ?? patient?.patientId;
    if (closed) setReturnedFrom((r) => ({ patientId: closed, n: (r?.n ?? 0) + 1 }));
    setOpen(null);
    setChosen("caseload");
  };
  return (
    <>
      {patient && <App key="in-context" session={patient} now={now} onBack={back} hidden={!contextShown} />}
      {opened && <App key={open} session={opened} now={now} onBack={back} />}
      {view === "caseload" && (
        <div className="app" hidden={!listShown}>
          <header className="app-header">
            <h1>Stagewise</h1>
            <p className="tagline">Stage-matched psychosocial care for opioid use disorder</p>
          </header>
          <main id={listShown ? "main" : undefined}>
            <Suspense fallback={<p role="status">Preparing the caseload…</p>}>
              <CaseloadSlot api={caseload.api} fhirUser={fhirUser} now={now} patientInContext={patient?.patientId ?? null} onOpen={setOpen} returnedFrom={returnedFrom} />
            </Suspense>
          </main>
        </div>
      )}
    </>
  );
}
