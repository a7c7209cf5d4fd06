// The screens once the record is read (lazy-loaded with the engine): safety warnings, summary (stage, MOUD),
// urine tests, contingency management, recommendations with the clinician context, and the plan.
// All state here lives in React: context toggles, schedule, CM start and the plan draft survive every
// re-evaluation and re-render.
import { lazy, Suspense, useReducer, useState, type ComponentProps } from "react";
import type { FhirResource } from "fhir/r4.js";
import type { PatientRecord } from "../clinical/record.ts";
import { DEFAULT_CONTEXT, type ClinicianContext, type CmScheduleKind } from "../clinical/types.ts";
import { CmPanel } from "./components/CmStatus.tsx";
import { ContextToggles } from "./components/ContextToggles.tsx";
import { ErrorMessage } from "./components/ErrorMessage.tsx";
import { MoudStatus } from "./components/MoudStatus.tsx";
import { OlderResults } from "./components/OlderResults.tsx";
import { RecordStage } from "./components/RecordStage.tsx";
import { Recommendations } from "./components/Recommendations.tsx";
import { StageSummary } from "./components/StageSummary.tsx";
import { UdsTimeline } from "./components/UdsTimeline.tsx";
import { DataNotices, SafetyWarnings } from "./components/Warnings.tsx";
import { draftReducer, newDraft } from "./plan-draft.ts";
import type { SmartSession } from "./session.ts";
import { useEvaluation } from "./useEvaluation.ts";
import type { HistoryState } from "./useRecord.ts";

// The plan editor is its own chunk, fetched as soon as this module runs (it is on the same page) and rendered
// directly once it is there (see WorkspaceSlot in App.tsx: React.lazy would hold the screen back).
type PlanEditorModule = typeof import("./components/PlanEditor.tsx");
let planEditorModule: PlanEditorModule | null = null;
const loadPlanEditor = (): Promise<PlanEditorModule> => import("./components/PlanEditor.tsx").then((m) => (planEditorModule = m));
const LazyPlanEditor = lazy(loadPlanEditor);
void loadPlanEditor().catch(() => undefined);

function PlanEditor(props: ComponentProps<PlanEditorModule["default"]>) {
  const [Editor] = useState(() => planEditorModule?.default ?? LazyPlanEditor);
  return <Editor {...props} />;
}

export interface WorkspaceProps {
  session: SmartSession;
  record: PatientRecord;
  now: string;
  onWritten(resource: FhirResource): void;
  /** The older urine test results, read after the first screen. */
  history?: HistoryState;
}

export default function Workspace({ session, record, now, onWritten, history }: WorkspaceProps) {
  const [context, setContext] = useState<ClinicianContext>(DEFAULT_CONTEXT);
  const [schedule, setSchedule] = useState<CmScheduleKind | undefined>(undefined);
  const [cmStart, setCmStart] = useState("");
  const [draft, dispatch] = useReducer(draftReducer, undefined, () => newDraft(crypto.randomUUID(), now));
  const result = useEvaluation(record, { now, context, schedule, cmStart });

  if (!result.evaluation)
    return <ErrorMessage title="The record could not be evaluated" error={result.error} hint="Check the CM start date." />;
  const evaluation = result.evaluation;
  const cm = evaluation.contingencyManagement;

  return (
    <div className="workspace">
      <nav aria-label="Sections" className="section-nav">
        <a href="#summary">Summary</a>
        <a href="#urine-tests">Urine tests</a>
        <a href="#cm">Contingency management</a>
        <a href="#recommendations">Recommendations</a>
        <a href="#plan">Plan</a>
      </nav>
      <SafetyWarnings warnings={evaluation.warnings} evaluation={evaluation} record={record} />

      <section id="summary" aria-labelledby="summary-title">
        <h2 id="summary-title">Summary</h2>
        <div className="card-grid">
        <div className="card" role="group" aria-labelledby="stage-title">
          <h3 id="stage-title">Stage of change</h3>
          <StageSummary stage={evaluation.stage} evaluation={evaluation} record={record} now={now} />
          <RecordStage api={session.api} patient={record.patientRef} author={session.fhirUser} onRecorded={onWritten} />
        </div>
        <div className="card" role="group" aria-labelledby="moud-title">
          <h3 id="moud-title">Medication for OUD</h3>
          <MoudStatus evaluation={evaluation} record={record} />
        </div>
        </div>
      </section>

      <section id="urine-tests" aria-labelledby="uds-title">
        <h2 id="uds-title">Urine drug screens</h2>
        <OlderResults history={history} />
        <UdsTimeline tests={evaluation.uds.tests} evaluation={evaluation} record={record} />
      </section>

      <section id="cm" aria-labelledby="cm-title">
        <h2 id="cm-title">Contingency management</h2>
        <CmPanel cm={cm} evaluation={evaluation} record={record} schedule={cm.schedule} onSchedule={setSchedule} cmStart={cmStart} onCmStart={setCmStart} />
      </section>

      <section id="recommendations" aria-labelledby="recs-title">
        <h2 id="recs-title">Recommendations</h2>
        <ContextToggles context={context} onChange={setContext} />
        <Recommendations recommendations={evaluation.recommendations} evaluation={evaluation} record={record} />
      </section>

      <section id="plan" aria-labelledby="plan-title">
        <h2 id="plan-title">Plan</h2>
        <Suspense fallback={<p role="status">Loading the plan editor…</p>}>
          <PlanEditor
            session={session}
            evaluation={evaluation}
            draft={draft}
            dispatch={dispatch}
            now={now}
            cmStart={cmStart || cm.startDate || now}
            onCmStart={setCmStart}
            onSchedule={setSchedule}
          />
        </Suspense>
      </section>
      <DataNotices warnings={evaluation.warnings} evaluation={evaluation} record={record} />
    </div>
  );
}
