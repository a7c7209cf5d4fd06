// The app page once launched: read the record (progress, errors, partial failures), then the workspace
// (lazy-loaded: the engine and the screens are not needed for the first, loading screen).
import { useEffect, useMemo, useState, type ComponentProps, type ReactNode } from "react";
import { ErrorMessage } from "./components/ErrorMessage.tsx";
import { PatientBanner } from "./components/PatientBanner.tsx";
import type { ReadProgress, SearchFailure } from "./read-record.ts";
import type { Launch, SmartSession } from "./session.ts";
import type { Landing } from "./caseload/landing.ts";
import { useLanding } from "./caseload/useLanding.ts";
import { ChunkSlot } from "./components/ChunkSlot.tsx";
import { caseloadChunk, workspaceChunk } from "./screens.ts";
import { useRecord } from "./useRecord.ts";

type WorkspaceModule = typeof import("./Workspace.tsx");

/** Tells its parent once it is on screen (its effect runs after the commit that shows it). */
function Shown({ onShown, children }: { onShown(): void; children: ReactNode }) {
  useEffect(() => onShown(), [onShown]);
  return children;
}

/**
 * The workspace, rendered directly when its chunk has already arrived (the usual case: main.ts fetches it during the
 * token exchange). Once it is on screen (not while its chunk is still loading), the older history may start.
 */
function WorkspaceSlot({ onShown, ...props }: ComponentProps<WorkspaceModule["default"]> & { onShown(): void }) {
  return (
    <ChunkSlot
      chunk={workspaceChunk}
      what="summary"
      render={({ default: Workspace }) => (
        <Shown onShown={onShown}>
          <Workspace {...props} />
        </Shown>
      )}
    />
  );
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
            <WorkspaceSlot session={session} record={state.record} now={now} onWritten={addResource} history={state.history} onShown={startHistory} />
          </>
        )}
      </main>
    </div>
  );
}

type CaseloadModule = typeof import("./caseload/CaseloadScreen.tsx");

/** The caseload screen, rendered directly once its chunk is there (see ChunkSlot). */
function CaseloadSlot(props: ComponentProps<CaseloadModule["default"]>) {
  return <ChunkSlot chunk={caseloadChunk} what="caseload" render={({ default: Screen }) => <Screen {...props} />} />;
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
            <CaseloadSlot api={caseload.api} fhirUser={fhirUser} now={now} patientInContext={patient?.patientId ?? null} onOpen={setOpen} returnedFrom={returnedFrom} />
          </main>
        </div>
      )}
    </>
  );
}
