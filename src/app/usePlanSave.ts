// The save workflow of the plan editor, apart from its form: validate, send one transaction (savePlan), and then
// - success: the draft becomes the stored plan at its new versions (a second save needs no reload), the kept
//   draft is cleared, and the plan list is read again;
// - 412/409 (someone saved first): the stored version is read (the CarePlan and its Goals) and merged with the
//   user's draft against the version both started from (plan-merge.ts); the user settles each conflict, then the
//   merged draft is saved on the new version. Nothing typed is lost meanwhile;
// - anything else: the error is shown, every edit is kept, and Save again is the same save (same saveId, same
//   created time): it never duplicates.
import type { ClinicianContext } from "../clinical/types.ts";
import { useRef, useState, type Dispatch } from "react";
import type { Bundle, CarePlan, Goal } from "fhir/r4.js";
import { applyChoices, mergeDrafts, type MergeResult, type Side } from "../clinical/plan-merge.ts";
import { planFromStored, type StoredPlanView } from "../clinical/plan-continue.ts";
import { validatePlanContext, validatePlanDraft, type PlanContext, type PlanDraft } from "../clinical/plan.ts";
import { APP_INFO } from "../clinical/app-info.ts";
import { FhirError } from "../fhir/errors.ts";
import type { FhirApi } from "./fhir-api.ts";
import { continuedDraft, type DraftAction, type DraftState } from "./plan-draft.ts";
import { existingAfterSave, savePlan, type SaveMemory, type SaveOutcome } from "./save-plan.ts";
import { localInstant } from "./session.ts";

export interface PlanSaveDeps {
  api: FhirApi;
  /** "Patient/ID". */
  patient: string;
  author: string | null;
  oudCondition?: string;
  dispatch: Dispatch<DraftAction>;
  /** The draft state as a plan draft (plan-draft.ts toPlanDraft with today's inputs). */
  /** The plan to save; `context` replaces the current toggles (a merge that took the stored plan's context). */
  toDraft(state: DraftState, context?: ClinicianContext): PlanDraft;
  /** The toggles follow a merged context, so the next save keeps it too. */
  setContext?(context: ClinicianContext): void;
  /** After a successful save (the kept draft is cleared, the plan list read again). */
  onSaved?(state: DraftState, previousPlanId: string): void;
}

export interface MergeView {
  result: MergeResult;
  /** The stored plan as read after the 412. */
  theirs: StoredPlanView;
}

export interface PlanSave {
  busy: boolean;
  problems: string[];
  error: unknown;
  outcome: { result: SaveOutcome; update: boolean } | null;
  merge: MergeView | null;
  /** The conflict's stored version could not be read. */
  mergeError: unknown;
  save(state: DraftState): Promise<void>;
  /** Saves the merged draft (conflicts settled as chosen) on the stored version read after the 412. */
  saveMerged(state: DraftState, choices: Record<string, Side>): Promise<void>;
  reset(): void;
}

/** The stored CarePlan and its Goals, read again (after a 412). */
async function readStored(api: FhirApi, patient: string, id: string): Promise<StoredPlanView> {
  const carePlan = (await api.request(`CarePlan/${encodeURIComponent(id)}`)).body as CarePlan;
  const ids = (carePlan.goal ?? []).map((g) => /^Goal\/([A-Za-z0-9.-]{1,64})$/.exec(g.reference ?? "")?.[1]).filter((x): x is string => !!x);
  let goals: Goal[] = [];
  if (ids.length) {
    const res = await api.request(`Goal?patient=${encodeURIComponent(patient.replace(/^Patient\//, ""))}&_id=${ids.join(",")}&_count=1000`);
    goals = ((res.body as Bundle).entry ?? []).map((e) => e.resource).filter((r): r is Goal => r?.resourceType === "Goal");
  }
  return planFromStored(carePlan, goals, []);
}

export function usePlanSave(deps: PlanSaveDeps): PlanSave {
  const [busy, setBusy] = useState(false);
  const [problems, setProblems] = useState<string[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [outcome, setOutcome] = useState<PlanSave["outcome"]>(null);
  const [merge, setMerge] = useState<MergeView | null>(null);
  const [mergeError, setMergeError] = useState<unknown>(null);
  const memory = useRef<SaveMemory>({}); // the last plan sent: a lost answer is recognised as our own write
  const busyRef = useRef(false);

  async function save(state: DraftState, context?: ClinicianContext): Promise<void> {
    if (busyRef.current) return;
    const { api, patient, dispatch } = deps;
    const at = state.firstSaveAt ?? localInstant();
    const saveId = state.saveId ?? crypto.randomUUID();
    const existing = state.existing;
    const plan = deps.toDraft(state, context);
    const ctx: PlanContext = {
      patient,
      author: deps.author,
      now: existing ? localInstant() : at,
      app: APP_INFO,
      saveId,
      ...(deps.oudCondition ? { oudCondition: deps.oudCondition } : {}),
      ...(existing ? { existing } : {}),
      ...(state.replaces && !existing ? { replaces: { carePlan: state.replaces.carePlan, status: state.replaces.status, reason: state.replaces.reason } } : {}),
    };
    if (validatePlanContext(ctx).some((p) => p.startsWith("Author"))) ctx.author = null; // the app alone is recorded
    const found = [...validatePlanDraft(plan), ...validatePlanContext(ctx)];
    if (state.replaces && !existing && !state.replaces.reason.trim()) found.push(`Say why “${state.replaces.title}” is ${state.replaces.status}.`);
    setProblems(found);
    setOutcome(null);
    if (found.length) return;
    dispatch({ type: "save-attempt", at, saveId });
    busyRef.current = true;
    setBusy(true);
    setError(null);
    setMerge(null);
    setMergeError(null);
    try {
      const result = await savePlan(api, plan, ctx, memory.current);
      setOutcome({ result, update: !!existing });
      const after = existingAfterSave(result, existing, ctx.now);
      if (after) {
        const { carePlan, ...stored } = after;
        // The plan as a read gives it back (statuses and CM as stored): the base of the next merge.
        const reread = carePlan ? planFromStored(carePlan, stored.goals, []).draft : null;
        const next = continuedDraft(reread ?? plan, stored);
        dispatch({ type: "load", state: { ...next, cmWeeks: state.cmWeeks } });
        deps.onSaved?.(next, state.planId);
      }
    } catch (e) {
      setError(e);
      if (e instanceof FhirError && (e.status === 412 || e.status === 409) && existing) {
        try {
          const theirs = await readStored(api, patient, existing.id);
          if (theirs.draft) setMerge({ theirs, result: mergeDrafts(state.base ?? theirs.draft, plan, theirs.draft) });
          else setMergeError(new Error("The stored plan can no longer be edited here (its status or its author changed)."));
        } catch (readError) {
          setMergeError(readError);
        }
      }
    } finally {
      busyRef.current = false;
      setBusy(false);
    }
  }

  async function saveMerged(state: DraftState, choices: Record<string, Side>): Promise<void> {
    if (!merge?.theirs.existing || !merge.theirs.draft) return;
    const merged = applyChoices(merge.result, choices);
    // The merged draft holds every note already (dated when they were typed): nothing is left to add.
    const next: DraftState = { ...continuedDraft(merged, merge.theirs.existing, merge.theirs.draft), cmWeeks: state.cmWeeks, edited: true, saveId: null };
    deps.dispatch({ type: "load", state: next });
    // The merged context is saved as merged (the toggles would otherwise put the user's own back), and the toggles
    // show it from now on.
    if (merged.context) deps.setContext?.(merged.context);
    await save(next, merged.context);
  }

  return {
    busy,
    problems,
    error,
    outcome,
    merge,
    mergeError,
    save,
    saveMerged,
    reset() {
      setOutcome(null);
      setError(null);
      setMerge(null);
      setProblems([]);
      memory.current = {};
    },
  };
}
