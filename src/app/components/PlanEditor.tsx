// The Plan tab (lazy-loaded): the patient's care plans, the one open in the editor, and the save. With one active
// plan the editor opens it (Workspace); another is opened from the list; a plan another system wrote opens
// read-only with "Continue in a new version". Starting a new plan is a deliberate choice: the active plan is then
// completed or revoked in the same transaction. The clinician context is stored with the plan. The save workflow
// (one transaction, a 412 merged field by field, errors in plain words) is usePlanSave.ts; the draft is kept in
// this tab's sessionStorage on every edit (Workspace) and cleared after a save.
import { useState, type Dispatch } from "react";
import { catalogEntry } from "../../clinical/catalog.ts";
import { defaultCmParams, describeSchedule } from "../../clinical/cm-schedules.ts";
import { supersededByActive } from "../../clinical/careplan-resource.ts";
import { continueInNewVersion, type StoredPlanView } from "../../clinical/plan-continue.ts";
import type { PlanStatus } from "../../clinical/plan-types.ts";
import type { ClinicianContext, RecommendationId } from "../../clinical/types.ts";
import { FhirError } from "../../fhir/errors.ts";
import { useEvaluationContext } from "../EvaluationContext.tsx";
import { formatDate } from "../format.ts";
import { continuedDraft, newDraft, toPlanDraft, type DraftAction, type DraftState } from "../plan-draft.ts";
import { usePlanSave } from "../usePlanSave.ts";
import { useStoredPlans } from "../useStoredPlans.ts";
import { DateInput } from "./DateInput.tsx";
import { ErrorMessage } from "./ErrorMessage.tsx";
import { NewPlanActivities, StoredActivities } from "./PlanActivities.tsx";
import { PlanDifferences } from "./PlanDifferences.tsx";
import { PlanGoals } from "./PlanGoals.tsx";
import { PlanList, planName, writtenBy } from "./PlanList.tsx";
import { PlanSummary } from "./PlanSummary.tsx";
import { PlanMerge } from "./PlanMerge.tsx";
import { PlanPreview } from "./PlanPreview.tsx";
import { PlanReadOnly } from "./PlanReadOnly.tsx";
import { SaveResult } from "./SaveResult.tsx";
import { SCHEDULE_NAMES } from "./SchedulePicker.tsx";

export interface PlanEditorProps {
  draft: DraftState;
  dispatch: Dispatch<DraftAction>;
  /** The clinician context (the toggles on the Recommendations tab), stored with the plan. */
  context: ClinicianContext;
  setContext(context: ClinicianContext): void;
  /** The read-only plan shown at launch (the one active plan, written by another system), or null. */
  initialReadOnly: string | null;
  /** A save succeeded: the kept draft of that plan is cleared. */
  onSaved(planId: string): void;
}

function conflictHint(status: number): string {
  if (status === 412 || status === 409) return "Someone else saved this plan after you opened it. Your edits are kept: compare below, then save the merged plan.";
  if (status === 400 || status === 422) return "Your edits are kept. Correct what the server names above and press Save again.";
  if (status === 401) return ""; // the message itself says the edits are kept and to launch again
  if (status === 0 || status === 429 || status >= 500) return "Your edits are kept. Press Save again: a retried save never creates a second plan.";
  return "Your edits are kept. Press Save again, or ask for help with the message above.";
}

const STATUSES: { status: PlanStatus; label: string }[] = [
  { status: "draft", label: "Draft (to discuss)" },
  { status: "active", label: "Active (agreed with the patient)" },
  { status: "on-hold", label: "On hold" },
  { status: "completed", label: "Completed" },
  { status: "revoked", label: "Revoked (stopped)" },
];

export default function PlanEditor({ draft, dispatch, context, setContext, initialReadOnly, onSaved }: PlanEditorProps) {
  const { session, record, evaluation, now, cm: settings, show } = useEvaluationContext();
  const stored = useStoredPlans(session.api, session.patientId, record);
  const [readOnlyRef, setReadOnlyRef] = useState<string | null>(initialReadOnly);
  const [starting, setStarting] = useState(false);

  const cm = evaluation.contingencyManagement;
  const schedule = cm.schedule;
  const cmStart = settings.cmStart || cm.startDate || now;
  const cmDescription = describeSchedule({ ...cm.params, programWeeks: draft.cmWeeks }).map((l) => l.text);
  const toDraft = (s: DraftState, merged?: ClinicianContext) =>
    toPlanDraft(s, { evaluation, schedule, cmStart, cmDescription, today: now, context: merged ?? context, author: session.fhirUser });
  const planDraft = toDraft(draft);
  const saving = usePlanSave({
    api: session.api,
    patient: `Patient/${session.patientId}`,
    author: session.fhirUser,
    ...(evaluation.conditions.oud[0] ? { oudCondition: evaluation.conditions.oud[0] } : {}),
    dispatch,
    toDraft,
    setContext,
    onSaved(_state, planId) {
      onSaved(planId);
      void stored.reload();
    },
  });

  const recs = evaluation.recommendations;
  const chosenIds = new Set(planDraft.activities.map((a) => a.id));
  const suggested = recs
    .filter((r) => chosenIds.has(r.id))
    .map((r) => ({ id: r.id, goal: catalogEntry(r.id).goal }))
    .filter((s): s is { id: RecommendationId; goal: string } => !!s.goal && !draft.goals.some((g) => g.description === s.goal));
  const openRef = readOnlyRef ?? (draft.existing ? `CarePlan/${draft.existing.id}` : null);
  const openView = stored.views.find((v) => v.plan.ref === openRef) ?? null;
  const readOnlyView = readOnlyRef ? openView : null;
  // The plan a new one replaces (the opened one included): completed or revoked in the same save. Only a plan this app
  // wrote, and not one a newer active plan already takes over: another system's plan is never changed.
  const superseded = supersededByActive(stored.views.map((v) => v.plan));
  const activePlan = stored.views.find((v) => v.plan.status === "active" && v.plan.ours && !superseded.has(v.plan.ref));
  // The other systems' plans this one continues (CarePlan.replaces), named under its title.
  const continued = (planDraft.supersedes ?? [])
    .map((ref) => stored.views.find((v) => v.plan.ref === ref && !v.plan.ours))
    .filter((v): v is StoredPlanView => v !== undefined);
  // Other systems' active plans a new plan does not continue: they stay active beside it (never changed here).
  const besides = draft.existing
    ? []
    : stored.views.filter((v) => v.plan.status === "active" && !v.plan.ours && !superseded.has(v.plan.ref) && !continued.includes(v));

  function open(view: StoredPlanView) {
    saving.reset();
    setStarting(false);
    if (view.editable && view.draft && view.existing) {
      setReadOnlyRef(null);
      dispatch({ type: "load", state: continuedDraft(view.draft, view.existing) });
      if (view.plan.context) setContext(view.plan.context);
    } else setReadOnlyRef(view.plan.ref);
  }

  function startNew(replace: StoredPlanView | undefined) {
    saving.reset();
    setReadOnlyRef(null);
    setStarting(false);
    const next = newDraft(crypto.randomUUID(), now, draft.cmWeeks);
    const carePlan = replace ? stored.carePlans.get(replace.plan.ref) : undefined;
    dispatch({ type: "load", state: carePlan ? { ...next, replaces: { carePlan, title: planName(replace!), status: "completed", reason: "" } } : next });
  }

  function continueFrom(view: StoredPlanView) {
    saving.reset();
    setReadOnlyRef(null);
    const copy = continueInNewVersion(view, { planId: crypto.randomUUID(), today: now });
    dispatch({ type: "load", state: { ...continuedDraft(copy, null), edited: true } });
    if (view.plan.context) setContext(view.plan.context);
  }

  const who =
    (draft.existing
    ? `Version ${draft.existing.versionId}${
        openView ? `, written by ${writtenBy(openView, stored.names, session.fhirUser)}${openView.writtenAt ? ` on ${formatDate(openView.writtenAt.slice(0, 10))}` : ""}` : ""
      }. Save updates it.`
    : `A new plan, not saved yet${draft.replaces ? `; saving it marks “${draft.replaces.title}” ${draft.replaces.status}` : ""}.`) +
    continued.map((v) => ` It continues “${planName(v)}” (${writtenBy(v, stored.names, session.fhirUser)}), which is left as it was.`).join("") +
    besides
      .map(
        (v) =>
          ` “${planName(v)}” (${writtenBy(v, stored.names, session.fhirUser)}) stays active beside it: Stagewise does not change a plan another system wrote (open that plan and choose “Continue in a new version” to carry it on instead).`,
      )
      .join("");

  return (
    <div className="plan-tab">
      {!readOnlyView && <PlanSummary plan={planDraft} who={who} />}
      <div className="plan-top">
        <details className="plan-list-box" open={!openRef && !draft.edited && stored.views.length > 0}>
          <summary>Care plans on record ({stored.views.length})</summary>
          <PlanList views={stored.views} openRef={openRef} names={stored.names} me={session.fhirUser} onOpen={open} />
          {stored.error !== null && <ErrorMessage title="Not every plan could be read" error={stored.error} alert={false} />}
        </details>
        <div className="button-row">
          {!starting && (
            <button type="button" onClick={() => (activePlan ? setStarting(true) : startNew(undefined))}>
              Start a new plan
            </button>
          )}
        </div>
      </div>
      {starting && activePlan && (
        <div className="start-new" role="group" aria-label="Start a new plan">
          <p>
            “{planName(activePlan)}” is active. A new plan replaces it: when the new plan is saved, that plan is completed or revoked in the same save (you
            choose below, with a reason); nothing else in it changes.
          </p>
          <div className="button-row">
            <button type="button" onClick={() => startNew(activePlan)}>
              Start a new plan replacing “{planName(activePlan)}”
            </button>
            <button type="button" onClick={() => setStarting(false)}>
              Keep working on the current plan
            </button>
          </div>
        </div>
      )}

      {readOnlyView ? (
        <PlanReadOnly view={readOnlyView} names={stored.names} me={session.fhirUser} onContinue={() => continueFrom(readOnlyView)} />
      ) : (
        <form
          className="plan-editor"
          aria-labelledby="plan-title"
          onSubmit={(e) => {
            e.preventDefault();
            void saving.save(draft);
          }}
        >
          <fieldset className="plan-status">
            <legend>Plan status</legend>
            <div className="radio-row">
              {STATUSES.filter((s) => draft.activities !== null || s.status === "draft" || s.status === "active").map((s) => (
                <label key={s.status}>
                  <input type="radio" name="plan-status" checked={draft.status === s.status} onChange={() => dispatch({ type: "status", status: s.status })} /> {s.label}
                </label>
              ))}
            </div>
            {(draft.status === "completed" || draft.status === "revoked" || draft.status === "on-hold") && (
              <div className="field">
                <label htmlFor="plan-status-reason">Reason for the status</label>
                <input id="plan-status-reason" type="text" value={draft.statusReason} onChange={(e) => dispatch({ type: "status-reason", reason: e.target.value })} />
              </div>
            )}
          </fieldset>
          {draft.replaces && (
            <fieldset className="plan-replaces">
              <legend>The plan this one replaces: “{draft.replaces.title}”</legend>
              <div className="radio-row">
                {(["completed", "revoked"] as const).map((s) => (
                  <label key={s}>
                    <input type="radio" name="replaces-status" checked={draft.replaces!.status === s} onChange={() => dispatch({ type: "replaces", replaces: { ...draft.replaces!, status: s } })} />{" "}
                    Mark it {s}
                  </label>
                ))}
              </div>
              <div className="field">
                <label htmlFor="replaces-reason">Why it is {draft.replaces.status}</label>
                <input id="replaces-reason" type="text" value={draft.replaces.reason} onChange={(e) => dispatch({ type: "replaces", replaces: { ...draft.replaces!, reason: e.target.value } })} />
              </div>
            </fieldset>
          )}

          <PlanGoals draft={draft} dispatch={dispatch} suggested={suggested} names={stored.names} />
          {draft.activities ? (
            <StoredActivities draft={draft} dispatch={dispatch} recs={recs} names={stored.names} />
          ) : (
            <NewPlanActivities draft={draft} dispatch={dispatch} recs={recs} />
          )}
          {draft.existing && openView && <PlanDifferences view={openView} evaluation={evaluation} draft={draft} dispatch={dispatch} />}

          {chosenIds.has("contingency-management") && (
            <fieldset className="plan-cm">
              <legend>Contingency management</legend>
              <p data-testid="plan-cm-summary">
                {SCHEDULE_NAMES[schedule]}, from {formatDate(cmStart)}.{" "}
                <button type="button" className="link-button" onClick={() => show("cm", "cm-settings")}>
                  Change the schedule or start date
                </button>{" "}
                <span className="muted">(on the Contingency management tab)</span>
              </p>
              <div className="field">
                <label htmlFor="plan-cm-weeks">Weeks</label>
                <input id="plan-cm-weeks" type="number" min={1} max={52} value={draft.cmWeeks} onChange={(e) => dispatch({ type: "cm-weeks", weeks: Number(e.target.value) })} />
                <p className="help">Default {defaultCmParams(schedule).programWeeks} weeks, weekly.</p>
              </div>
            </fieldset>
          )}

          <fieldset className="plan-details">
            <legend>Plan details</legend>
            <div className="field">
              <label htmlFor="plan-title-input">Title (optional)</label>
              <input id="plan-title-input" type="text" value={draft.title} placeholder="Psychosocial care plan" onChange={(e) => dispatch({ type: "title", title: e.target.value })} />
            </div>
            <DateInput id="plan-start" label="Start date" value={draft.periodStart} onChange={(d) => dispatch({ type: "period", start: d })} />
            <DateInput id="plan-end" label="End date (optional)" value={draft.periodEnd} onChange={(d) => dispatch({ type: "period", end: d })} />
            <p className="help">
              Clinician context stored with the plan (change it on the Recommendations tab):{" "}
              {[
                context.familyInvolved && "family or partner involved",
                context.prefersNoMedication && "prefers treatment without medication",
                !context.canDeliverCm && "contingency management not available here",
                context.otp && "opioid treatment program",
              ]
                .filter(Boolean)
                .join("; ") || "none of the four applies"}
              .
            </p>
          </fieldset>

          <details className="preview">
            <summary>Preview of the plan as the EHR shows it</summary>
            <PlanPreview draft={planDraft} />
          </details>

          {saving.problems.length > 0 && (
            <div className="problems" role="alert">
              <p className="error-title">The plan cannot be saved yet:</p>
              <ul>
                {saving.problems.map((p) => (
                  <li key={p}>{p}</li>
                ))}
              </ul>
            </div>
          )}
          <div className="button-row save-bar">
            <button type="submit" className="primary" disabled={saving.busy || saving.merge !== null} aria-busy={saving.busy}>
              {saving.busy ? "Saving…" : draft.existing ? "Save changes" : "Save plan"}
            </button>
          </div>
          {saving.error !== null && (
            <ErrorMessage
              title={draft.existing ? "The changes were not saved" : "The plan was not saved"}
              error={saving.error}
              hint={conflictHint(saving.error instanceof FhirError ? saving.error.status : 0)}
            />
          )}
          {saving.mergeError !== null && <ErrorMessage title="The stored plan could not be read" error={saving.mergeError} alert={false} />}
          {saving.merge && <PlanMerge merge={saving.merge} busy={saving.busy} onSave={(choices) => void saving.saveMerged(draft, choices)} />}
          {saving.outcome && <SaveResult outcome={saving.outcome.result} update={saving.outcome.update} />}
        </form>
      )}
    </div>
  );
}
