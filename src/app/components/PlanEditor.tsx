// The plan editor (lazy-loaded): choose recommendations (primary preselected), edit each activity's text, add
// goals, preview, Save. CM's schedule and start date are set on the CM tab (one place) and shown here. One transaction per save; the planId is made once per draft and
// kept across retries, so a retried save never duplicates; after a save, the next one updates the stored plan
// with If-Match. A failed save keeps every edit and says what the server said and what to do.
import { useRef, useState, type Dispatch } from "react";
import type { CarePlan } from "fhir/r4.js";
import { catalogEntry } from "../../clinical/catalog.ts";
import { defaultCmParams, describeSchedule } from "../../clinical/cm-schedules.ts";
import { validatePlanContext, validatePlanDraft, type PlanContext } from "../../clinical/plan.ts";
import type { RecommendationId } from "../../clinical/types.ts";
import { FhirError } from "../../fhir/errors.ts";
import { useEvaluationContext } from "../EvaluationContext.tsx";
import { formatDate, formatDateTime } from "../format.ts";
import { activityText, defaultActivityText, isChosen, toPlanDraft, type DraftAction, type DraftState } from "../plan-draft.ts";
import { savePlan, versionFromEtag, type SaveMemory, type SaveOutcome } from "../save-plan.ts";
import { localInstant } from "../session.ts";
import { SCHEDULE_NAMES } from "./CmStatus.tsx";
import { DateInput } from "./DateInput.tsx";
import { ErrorMessage } from "./ErrorMessage.tsx";
import { PlanPreview } from "./PlanPreview.tsx";
import { SaveResult } from "./SaveResult.tsx";

export const APP = { name: "Stagewise", version: "0.1.0" };

export interface PlanEditorProps {
  draft: DraftState;
  dispatch: Dispatch<DraftAction>;
}

interface Conflict {
  versionId: string | null;
  stored: CarePlan | null;
  readError: unknown;
}

function conflictHint(status: number): string {
  if (status === 412 || status === 409)
    return "Someone else changed this plan after it was saved here. Your edits are kept: compare with the stored version below, then save yours over it or start a new plan.";
  if (status === 400 || status === 422)
    return "Your edits are kept. Correct what the server names above and press Save again.";
  if (status === 401) return ""; // the message itself says the edits are kept and to launch again
  if (status === 0 || status === 429 || status >= 500) return "Your edits are kept. Press Save again: a retried save never creates a second plan.";
  return "Your edits are kept. Press Save again, or ask for help with the message above.";
}

function StoredPlan({ plan }: { plan: CarePlan }) {
  return (
    <div className="stored-plan">
      <p>
        Stored version {plan.meta?.versionId ?? "?"}
        {plan.meta?.lastUpdated && `, changed ${formatDateTime(plan.meta.lastUpdated)}`}
        {plan.title && `, title “${plan.title}”`}, status {plan.status}:
      </p>
      <ul>
        {(plan.activity ?? []).map((a, i) => (
          <li key={i}>
            <b>{a.detail?.code?.text ?? "Activity"}</b>
            {a.detail?.description && `: ${a.detail.description}`}
          </li>
        ))}
      </ul>
    </div>
  );
}

export default function PlanEditor({ draft, dispatch }: PlanEditorProps) {
  const { session, evaluation, now, cm: settings, show } = useEvaluationContext();
  const [busy, setBusy] = useState(false);
  const [problems, setProblems] = useState<string[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const [outcome, setOutcome] = useState<{ result: SaveOutcome; update: boolean } | null>(null);
  const memory = useRef<SaveMemory>({}); // the last plan sent: a lost answer is recognised as our own write

  const cm = evaluation.contingencyManagement;
  const schedule = cm.schedule;
  const cmStart = settings.cmStart || cm.startDate || now;
  const cmDescription = describeSchedule({ ...cm.params, programWeeks: draft.cmWeeks }).map((l) => l.text);
  const planDraft = toPlanDraft(draft, { evaluation, schedule, cmStart, cmDescription, today: now });
  const recs = evaluation.recommendations;
  const chosenIds = new Set(planDraft.activities.map((a) => a.id));
  const suggested = recs
    .filter((r) => chosenIds.has(r.id))
    .map((r) => ({ id: r.id, goal: catalogEntry(r.id).goal }))
    .filter((s): s is { id: RecommendationId; goal: string } => !!s.goal && !draft.goals.some((g) => g.description === s.goal));

  async function save(overwriteVersion?: string) {
    if (busy) return;
    const author = session.fhirUser;
    const at = draft.firstSaveAt ?? localInstant();
    const existing = draft.existing ? { ...draft.existing, ...(overwriteVersion ? { versionId: overwriteVersion } : {}) } : undefined;
    const ctx: PlanContext = {
      patient: evaluation.patient,
      author,
      now: existing ? localInstant() : at,
      app: APP,
      ...(evaluation.conditions.oud[0] ? { oudCondition: evaluation.conditions.oud[0] } : {}),
      ...(existing ? { existing } : {}),
    };
    const contextProblems = validatePlanContext(ctx);
    if (contextProblems.some((p) => p.startsWith("Author"))) ctx.author = null; // the app alone is recorded
    const found = [...validatePlanDraft(planDraft), ...validatePlanContext(ctx)];
    setProblems(found);
    setOutcome(null);
    if (found.length) return;
    if (overwriteVersion) dispatch({ type: "overwrite", versionId: overwriteVersion });
    dispatch({ type: "save-attempt", at });
    setBusy(true);
    setError(null);
    setConflict(null);
    try {
      const result = await savePlan(session.api, planDraft, ctx, memory.current);
      setOutcome({ result, update: !!existing });
      const saved = result.carePlan;
      if (saved?.id && saved.versionId)
        dispatch({ type: "saved", existing: { id: saved.id, versionId: saved.versionId, created: existing?.created ?? at } });
    } catch (e) {
      setError(e);
      if (e instanceof FhirError && (e.status === 412 || e.status === 409) && existing) {
        try {
          const res = await session.api.request(`CarePlan/${existing.id}`);
          const stored = res.body as CarePlan;
          setConflict({ versionId: stored.meta?.versionId ?? versionFromEtag(res.etag), stored, readError: null });
        } catch (readError) {
          setConflict({ versionId: null, stored: null, readError });
        }
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      className="plan-editor"
      aria-labelledby="plan-title"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      {draft.existing && (
        <p className="muted" data-ref={`CarePlan/${draft.existing.id}`}>
          Editing the plan saved {formatDate(draft.existing.created)} (version {draft.existing.versionId}); Save updates it.
        </p>
      )}
      <fieldset className="plan-activities">
        <legend>Activities</legend>
        {recs.length === 0 && <p>No recommendations to choose from.</p>}
        {recs.map((r) => {
          const chosen = isChosen(draft, r);
          const text = activityText(draft, r);
          const textId = `activity-text-${r.id}`;
          return (
            <div key={r.id} className={`plan-activity tier-${r.tier}`}>
              <label>
                <input type="checkbox" checked={chosen} onChange={(e) => dispatch({ type: "choose", id: r.id, chosen: e.target.checked })} />{" "}
                {r.title} <span className="badge">{r.tier === "primary" ? "do now" : "consider"}</span>
              </label>
              {chosen && (
                <div className="field">
                  <label htmlFor={textId}>Activity text: {r.title}</label>
                  <textarea id={textId} rows={3} value={text} onChange={(e) => dispatch({ type: "text", id: r.id, text: e.target.value })} />
                  {text !== defaultActivityText(r) && (
                    <button type="button" className="link-button" onClick={() => dispatch({ type: "text", id: r.id, text: defaultActivityText(r) })}>
                      Reset the text of {r.title}
                    </button>
                  )}
                </div>
              )}
            </div>
          );
        })}
      </fieldset>

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
            <input
              id="plan-cm-weeks"
              type="number"
              min={1}
              max={52}
              value={draft.cmWeeks}
              onChange={(e) => dispatch({ type: "cm-weeks", weeks: Number(e.target.value) })}
            />
            <p className="help">Default {defaultCmParams(schedule).programWeeks} weeks, weekly.</p>
          </div>
        </fieldset>
      )}

      <fieldset className="plan-goals">
        <legend>Goals</legend>
        {draft.goals.length === 0 && <p>No goals yet.</p>}
        {draft.goals.map((g, i) => (
          <div key={g.key} className="plan-goal">
            <div className="field">
              <label htmlFor={`goal-${g.key}`}>Goal {i + 1}</label>
              <textarea id={`goal-${g.key}`} rows={2} value={g.description} onChange={(e) => dispatch({ type: "goal", key: g.key, description: e.target.value })} />
            </div>
            <DateInput id={`goal-due-${g.key}`} label={`Goal ${i + 1} due date`} value={g.dueDate} onChange={(d) => dispatch({ type: "goal", key: g.key, dueDate: d })} />
            <button type="button" onClick={() => dispatch({ type: "remove-goal", key: g.key })}>
              Remove goal {i + 1}
            </button>
          </div>
        ))}
        <div className="button-row">
          <button type="button" onClick={() => dispatch({ type: "add-goal" })}>
            Add a goal
          </button>
          {suggested.map((s) => (
            <button key={s.id} type="button" onClick={() => dispatch({ type: "add-goal", description: s.goal, activityIds: [s.id] })}>
              Add suggested goal: {s.goal}
            </button>
          ))}
        </div>
      </fieldset>

      <fieldset className="plan-details">
        <legend>Plan details</legend>
        <div className="field">
          <label htmlFor="plan-title-input">Title (optional)</label>
          <input id="plan-title-input" type="text" value={draft.title} placeholder="Psychosocial care plan" onChange={(e) => dispatch({ type: "title", title: e.target.value })} />
        </div>
        <DateInput id="plan-start" label="Start date" value={draft.periodStart} onChange={(d) => dispatch({ type: "period", start: d })} />
        <DateInput id="plan-end" label="End date (optional)" value={draft.periodEnd} onChange={(d) => dispatch({ type: "period", end: d })} />
        <fieldset>
          <legend>Status</legend>
          <label>
            <input type="radio" name="plan-status" checked={draft.status === "draft"} onChange={() => dispatch({ type: "status", status: "draft" })} /> Draft (to discuss)
          </label>
          <label>
            <input type="radio" name="plan-status" checked={draft.status === "active"} onChange={() => dispatch({ type: "status", status: "active" })} /> Active (agreed with the patient)
          </label>
        </fieldset>
      </fieldset>

      <section className="preview" aria-labelledby="preview-title">
        <h3 id="preview-title">Preview</h3>
        <PlanPreview draft={planDraft} />
      </section>

      {problems.length > 0 && (
        <div className="problems" role="alert">
          <p className="error-title">The plan cannot be saved yet:</p>
          <ul>
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </div>
      )}
      <div className="button-row save-bar">
        <button type="submit" className="primary" disabled={busy} aria-busy={busy}>
          {busy ? "Saving…" : draft.existing ? "Save changes" : "Save plan"}
        </button>
        {outcome && (
          <button type="button" onClick={() => { setOutcome(null); memory.current = {}; dispatch({ type: "new-plan", planId: crypto.randomUUID(), today: now }); }}>
            Start a new plan
          </button>
        )}
      </div>
      {error !== null && (
        <ErrorMessage
          title={draft.existing ? "The changes were not saved" : "The plan was not saved"}
          error={error}
          hint={conflictHint(error instanceof FhirError ? error.status : 0)}
        />
      )}
      {conflict && (
        <div className="conflict">
          {conflict.stored ? <StoredPlan plan={conflict.stored} /> : <ErrorMessage title="The stored plan could not be read" error={conflict.readError} alert={false} />}
          {conflict.versionId && (
            <button type="button" onClick={() => void save(conflict.versionId!)}>
              Save my version over version {conflict.versionId}
            </button>
          )}
        </div>
      )}
      {outcome && <SaveResult outcome={outcome.result} update={outcome.update} />}
    </form>
  );
}
