// The screens once the record is read (lazy-loaded with the engine). The first screen answers "where is this
// patient and what next" without scrolling: the safety strip, then the overview tab: stage, medication, last urine
// test and CM this week, and the next three steps with why. Everything else is one tab away: urine tests,
// contingency management (the one place for its schedule and start date), all recommendations with the clinician
// context, and the plan. All state lives here, in React: context toggles, schedule, CM start, the plan draft and
// the tab survive every re-evaluation; the screens read the record and the evaluation from EvaluationContext.
import { lazy, Suspense, useCallback, useEffect, useMemo, useReducer, useState, type ComponentProps } from "react";
import type { FhirResource } from "fhir/r4.js";
import { isValidDate } from "../clinical/dates.ts";
import type { PatientRecord } from "../clinical/record.ts";
import { DEFAULT_CONTEXT, type ClinicianContext, type CmScheduleKind } from "../clinical/types.ts";
import { CmPanel } from "./components/CmStatus.tsx";
import { CmWeekCard } from "./components/CmWeekCard.tsx";
import { ContextToggles } from "./components/ContextToggles.tsx";
import { CopyToNote } from "./components/CopyToNote.tsx";
import { ErrorMessage } from "./components/ErrorMessage.tsx";
import { LastTestCard } from "./components/LastTestCard.tsx";
import { MoudCard, MoudDetails } from "./components/MoudStatus.tsx";
import { PrintHandout } from "./components/Handout.tsx";
import { OlderResults } from "./components/OlderResults.tsx";
import { NextSteps, Recommendations } from "./components/Recommendations.tsx";
import { StageCard } from "./components/StageSummary.tsx";
import { TabList, TabPanel, type TabSpec } from "./components/Tabs.tsx";
import { UdsTimeline } from "./components/UdsTimeline.tsx";
import { DataNotices, SafetyStrip } from "./components/Warnings.tsx";
import { EvaluationContext, type EvaluationContextValue, type TabId } from "./EvaluationContext.tsx";
import { defaultPlan, listPlans } from "../clinical/plan-continue.ts";
import { PlanResume } from "./components/PlanResume.tsx";
import { createDraftStore, type DraftEntry } from "./draft-store.ts";
import { continuedDraft, draftReducer, newDraft, type DraftState } from "./plan-draft.ts";
import { localInstant } from "./session.ts";
import type { SmartSession } from "./session.ts";
import { useEvaluation } from "./useEvaluation.ts";
import type { HistoryState } from "./useRecord.ts";

// The plan editor is its own chunk, fetched once the first screen is on screen (fetched earlier, it competed with
// the first reads: bench/app-launch.ts) and rendered directly once it is there (see WorkspaceSlot in App.tsx:
// React.lazy would hold the screen back).
type PlanEditorModule = typeof import("./components/PlanEditor.tsx");
let planEditorModule: PlanEditorModule | null = null;
const loadPlanEditor = (): Promise<PlanEditorModule> => import("./components/PlanEditor.tsx").then((m) => (planEditorModule = m));
const LazyPlanEditor = lazy(loadPlanEditor);

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

/** Opens the element's closed <details>, scrolls it into view and focuses it (after a tab switch has rendered). */
function reveal(id: string): void {
  const el = document.getElementById(id);
  if (!el) return;
  for (let d = el.closest("details"); d; d = d.parentElement?.closest("details") ?? null) d.open = true;
  if (!el.matches("a[href], button, input, select, textarea, [tabindex]")) el.setAttribute("tabindex", "-1");
  el.scrollIntoView?.({ block: el.tagName === "TR" ? "center" : "start" });
  el.focus({ preventScroll: true });
}

/** This tab's kept drafts for the patient (sessionStorage; null where the browser has none). */
function draftStoreFor(session: SmartSession) {
  try {
    return createDraftStore<DraftState>(window.sessionStorage, { fhirBase: session.api.serverUrl, patient: `Patient/${session.patientId}` });
  } catch {
    return null;
  }
}

export default function Workspace({ session, record, now, onWritten, history }: WorkspaceProps) {
  // The plan the editor opens at launch: the one active plan (read-only when another system wrote it).
  const [opening] = useState(() => defaultPlan(listPlans(record.carePlans, record.goals, [])));
  const [context, setContext] = useState<ClinicianContext>(() => opening?.plan.context ?? DEFAULT_CONTEXT);
  const [schedule, setSchedule] = useState<CmScheduleKind | undefined>(undefined);
  const [cmStart, setCmStart] = useState("");
  const [draft, dispatch] = useReducer(draftReducer, undefined, () =>
    opening?.draft && opening.existing ? continuedDraft(opening.draft, opening.existing) : newDraft(crypto.randomUUID(), now),
  );
  // Unsaved edits survive a reload, an expired session and a dropped connection: kept in this tab on every edit,
  // offered back at the next launch of this patient in this tab, cleared after a save.
  const store = useMemo(() => draftStoreFor(session), [session]);
  const [offer, setOffer] = useState<DraftEntry<DraftState> | null>(() => store?.list().find((e) => e.draft.edited) ?? null);
  useEffect(() => {
    if (draft.edited && store) store.keep(draft.planId, draft, `Patient/${session.patientId}`, localInstant());
  }, [draft, store, session.patientId]);
  const [tab, setTab] = useState<TabId>("overview");
  const [target, setTarget] = useState<{ id: string } | null>(null);
  // Only a whole date reaches the engine; a half-typed one is flagged by the date field and changes nothing.
  const engineStart = isValidDate(cmStart) ? cmStart : "";
  const result = useEvaluation(record, { now, context, schedule, cmStart: engineStart });

  const show = useCallback((next: TabId, targetId?: string) => {
    setTab(next);
    setTarget(targetId ? { id: targetId } : null);
  }, []);
  useEffect(() => {
    if (target) reveal(target.id);
  }, [target]);
  useEffect(() => {
    void loadPlanEditor().catch(() => undefined);
  }, []);

  if (!result.evaluation)
    return <ErrorMessage title="The record could not be evaluated" error={result.error} hint="Check the CM start date." />;
  const evaluation = result.evaluation;
  const recCount = evaluation.recommendations.length;
  const value: EvaluationContextValue = {
    session,
    record,
    evaluation,
    now,
    cm: { schedule, setSchedule, cmStart, setCmStart },
    show,
    tab,
    onWritten,
  };
  const tabs: TabSpec<TabId>[] = [
    { id: "overview", label: "Overview" },
    { id: "urine-tests", label: "Urine tests" },
    { id: "cm", label: "Contingency management" },
    { id: "recommendations", label: `Recommendations (${recCount})` },
    { id: "plan", label: "Plan" },
  ];

  return (
    <EvaluationContext.Provider value={value}>
      <div className="workspace">
        {offer && (
          <PlanResume
            entry={offer}
            onResume={() => {
              dispatch({ type: "load", state: offer.draft });
              setOffer(null);
              show("plan");
            }}
            onDiscard={() => {
              store?.clear(offer.plan);
              setOffer(null);
            }}
          />
        )}
        <SafetyStrip />
        <div className="workspace-bar">
          <TabList tabs={tabs} selected={tab} onSelect={(t) => show(t)} label="Patient record" />
          <div className="visit-actions" role="group" aria-label="For the patient and the chart">
            <PrintHandout />
            <CopyToNote />
          </div>
        </div>

        <TabPanel id="overview" selected={tab === "overview"}>
          <section aria-labelledby="glance-title">
            <h2 id="glance-title" className="visually-hidden">
              At a glance
            </h2>
            <div className="glance-grid">
              <StageCard />
              <MoudCard />
              <LastTestCard />
              <CmWeekCard />
            </div>
          </section>
          <NextSteps />
          <MoudDetails />
          <DataNotices />
        </TabPanel>

        <TabPanel id="urine-tests" selected={tab === "urine-tests"}>
          <h2 id="uds-title">Urine drug screens</h2>
          <OlderResults history={history} />
          <UdsTimeline tests={evaluation.uds.tests} />
        </TabPanel>

        <TabPanel id="cm" selected={tab === "cm"}>
          <h2 id="cm-title">Contingency management</h2>
          <CmPanel />
        </TabPanel>

        <TabPanel id="recommendations" selected={tab === "recommendations"}>
          <h2 id="recs-title">Recommendations</h2>
          <ContextToggles context={context} onChange={setContext} />
          <Recommendations />
        </TabPanel>

        <TabPanel id="plan" selected={tab === "plan"} keep>
          <h2 id="plan-title">Plan</h2>
          <Suspense fallback={<p role="status">Loading the plan editor…</p>}>
            <PlanEditor
              draft={draft}
              dispatch={dispatch}
              context={context}
              setContext={setContext}
              initialReadOnly={opening && !opening.editable ? opening.plan.ref : null}
              onSaved={(planId) => store?.clear(planId)}
            />
          </Suspense>
        </TabPanel>
      </div>
    </EvaluationContext.Provider>
  );
}
