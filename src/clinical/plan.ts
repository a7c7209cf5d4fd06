// The pure half of the write-back (clinical-spec §5): a plan draft from the app → one FHIR R4 transaction Bundle
// holding a CarePlan, its Goals and one Provenance, linked by urn:uuid references. The resources themselves are
// written by careplan-resource.ts, goal-resource.ts and provenance-resource.ts (which also read them back); this
// file decides which entries a save holds and how each is sent.
//
// Retry safety. The same draft and context always give a byte-identical Bundle: the urn:uuid fullUrls are derived
// from planId (and the save key) by a small pure hash (no randomness, no clock), and every new resource is a
// conditional create on a business identifier (CarePlan, Goal) or on a save tag (Provenance, which has no
// identifier in R4). A retried save therefore finds what the first attempt wrote instead of duplicating it.
//
// Update mode (ctx.existing): the CarePlan entry is PUT CarePlan/{id} with If-Match W/"versionId" (a 412 means
// someone else changed it). With ctx.existing.goals (the stored Goals), a changed goal is PUT with If-Match on its
// version, an unchanged one is not sent, a goal the draft dropped is PUT as lifecycleStatus "cancelled", and new
// goals are conditional creates. ctx.replaces completes or revokes the previous active plan in the same
// transaction. One Provenance per save, keyed by ctx.saveId when given (plan-types.ts).
//
// Files: plan-types.ts (draft and context shapes), plan-ids.ts (deterministic urn:uuids), plan-validate.ts (checks
// before building); this file builds the Bundle and re-exports the rest.
import type { Bundle, BundleEntry, CarePlan, Goal } from "fhir/r4.js";
import { writeCarePlan } from "./careplan-resource.ts";
import { CAREPLAN_ID_SYSTEM, GOAL_ID_SYSTEM, STATUS_REASON_EXTENSION } from "./codes.ts";
import { goalIdentifierValue, readGoal, writeGoal, type GoalWriteContext } from "./goal-resource.ts";
import { deterministicUuid, planFullUrls } from "./plan-ids.ts";
import type { PlanContext, PlanDraft, PlanGoalDraft } from "./plan-types.ts";
import { personAuthor } from "./plan-validate.ts";
import { provenanceConditionalKey, writeProvenance } from "./provenance-resource.ts";

export type {
  ActivityStatus,
  DatedNote,
  FreeActivityId,
  GoalAchievement,
  GoalLifecycleStatus,
  PlanActivityDraft,
  PlanCmDraft,
  PlanContext,
  PlanDraft,
  PlanGoalDraft,
  PlanStatus,
} from "./plan-types.ts";
export { CM_ACTIVITY_ID } from "./plan-types.ts";
export { deterministicUuid, planFullUrls } from "./plan-ids.ts";
export { validatePlanContext, validatePlanDraft } from "./plan-validate.ts";
export { cmEndDate } from "./careplan-resource.ts";
export { PROVENANCE_PARTICIPANT_TYPE } from "./provenance-resource.ts";
export { SOFTWARE_ID_SYSTEM } from "./codes.ts";

/** A search string for ifNoneExist; the value is percent-encoded except for characters a query may hold as is. */
function query(name: string, system: string, value: string): string {
  const encoded = encodeURIComponent(value).replace(/%2F/gi, "/").replace(/%3A/gi, ":").replace(/%40/g, "@");
  return `${name}=${system}|${encoded}`;
}

function ifMatch(versionId: string | undefined): string {
  return `W/"${versionId ?? ""}"`;
}

/** The Provenance conditional key of a save (see PlanContext.saveId). */
export function saveKeyOf(draft: Pick<PlanDraft, "planId">, ctx: Pick<PlanContext, "existing" | "saveId">): string {
  if (ctx.saveId) return `${draft.planId}/save/${ctx.saveId}`;
  return ctx.existing ? `${draft.planId}/${ctx.existing.versionId}` : draft.planId;
}

/** True when writing `next` would change what is stored for `stored` (the author is not compared). */
export function goalChanged(stored: PlanGoalDraft, next: PlanGoalDraft, ctx: GoalWriteContext): boolean {
  const c = { ...ctx, author: null };
  return JSON.stringify(writeGoal(next, c)) !== JSON.stringify(writeGoal(stored, c));
}

/** A stored CarePlan completed or revoked: everything else kept as stored (nothing of another app's is lost). */
export function closedCarePlan(stored: CarePlan, status: "completed" | "revoked", reason: string): CarePlan {
  const { versionId: _v, lastUpdated: _l, ...meta } = stored.meta ?? {};
  const extension = (stored.extension ?? []).filter((e) => e?.url !== STATUS_REASON_EXTENSION);
  extension.push({ url: STATUS_REASON_EXTENSION, valueString: reason.trim() });
  return { ...stored, meta, status, extension };
}

/** The FHIR transaction Bundle for a plan save. Never throws; check validatePlanDraft/validatePlanContext first. */
export function buildPlanBundle(draft: PlanDraft, ctx: PlanContext): Bundle {
  const urls = planFullUrls(draft, ctx);
  const author = personAuthor(ctx.author);
  const saveKey = saveKeyOf(draft, ctx);
  const goalCtx: GoalWriteContext = { planId: draft.planId, planStatus: draft.status, patient: ctx.patient, author };

  // Stored goals by key (only goals of this plan, with an id).
  const stored = new Map<string, { goal: Goal; draft: PlanGoalDraft }>();
  for (const g of ctx.existing?.goals ?? []) {
    const r = readGoal(g);
    // Ours: by the key in our identifier; a goal another system wrote into this plan: by its read key ("goal-ID").
    const key = r.ours ? (r.planId === draft.planId ? r.key : null) : r.draft.key;
    if (key && g.id) stored.set(key, { goal: g, draft: r.draft });
  }
  const goalRef = (key: string) => {
    const s = stored.get(key);
    return s ? `Goal/${s.goal.id}` : urls.goal(key);
  };

  // The plan closed in this save is the one the new plan takes over (CarePlan.replaces).
  const closing = !ctx.existing && ctx.replaces?.carePlan.id ? `CarePlan/${ctx.replaces.carePlan.id}` : null;
  const written = closing && !draft.supersedes?.includes(closing) ? { ...draft, supersedes: [...(draft.supersedes ?? []), closing] } : draft;
  const carePlan = writeCarePlan(written, {
    patient: ctx.patient,
    author,
    oudCondition: ctx.oudCondition,
    created: ctx.existing?.created ?? ctx.now,
    id: ctx.existing?.id,
    goalRef,
  });

  const goalEntries: BundleEntry[] = [];
  for (const g of draft.goals) {
    const s = stored.get(g.key);
    if (!s) {
      goalEntries.push({
        fullUrl: urls.goal(g.key),
        resource: writeGoal(g, goalCtx),
        request: { method: "POST", url: "Goal", ifNoneExist: query("identifier", GOAL_ID_SYSTEM, goalIdentifierValue(draft.planId, g.key)) },
      });
    } else if (goalChanged(s.draft, g, goalCtx)) {
      goalEntries.push(storedGoalEntry(s.goal, writeGoal(g, { ...goalCtx, id: s.goal.id })));
    }
  }
  const kept = new Set(draft.goals.map((g) => g.key));
  for (const [key, s] of stored) {
    if (kept.has(key) || s.draft.lifecycleStatus === "cancelled") continue;
    goalEntries.push(storedGoalEntry(s.goal, writeGoal({ ...s.draft, lifecycleStatus: "cancelled" }, { ...goalCtx, id: s.goal.id })));
  }

  const replaced: BundleEntry[] = ctx.replaces?.carePlan.id
    ? [
        {
          fullUrl: `urn:uuid:${deterministicUuid(`${draft.planId}|replaces|${ctx.replaces.carePlan.id}`)}`,
          resource: closedCarePlan(ctx.replaces.carePlan, ctx.replaces.status, ctx.replaces.reason),
          request: { method: "PUT", url: `CarePlan/${ctx.replaces.carePlan.id}`, ifMatch: ifMatch(ctx.replaces.carePlan.meta?.versionId) },
        },
      ]
    : [];

  const carePlanRef = ctx.existing ? `CarePlan/${ctx.existing.id}` : urls.carePlan;
  const provenance = writeProvenance({
    planId: draft.planId,
    saveKey,
    targets: [
      carePlanRef,
      ...goalEntries.map((e) => (e.request?.method === "PUT" ? e.request.url : e.fullUrl!)),
      ...(ctx.replaces?.carePlan.id ? [`CarePlan/${ctx.replaces.carePlan.id}`] : []),
    ],
    now: ctx.now,
    author,
    app: ctx.app,
    update: Boolean(ctx.existing),
  });

  const carePlanEntry: BundleEntry = ctx.existing
    ? { fullUrl: urls.carePlan, resource: carePlan, request: { method: "PUT", url: `CarePlan/${ctx.existing.id}`, ifMatch: ifMatch(ctx.existing.versionId) } }
    : { fullUrl: urls.carePlan, resource: carePlan, request: { method: "POST", url: "CarePlan", ifNoneExist: query("identifier", CAREPLAN_ID_SYSTEM, draft.planId) } };
  const provenanceEntry: BundleEntry = {
    fullUrl: ctx.saveId ? `urn:uuid:${deterministicUuid(`${saveKey}|provenance`)}` : urls.provenance,
    resource: provenance,
    request: { method: "POST", url: "Provenance", ifNoneExist: provenanceConditionalKey(saveKey) },
  };
  return { resourceType: "Bundle", type: "transaction", entry: [carePlanEntry, ...goalEntries, ...replaced, provenanceEntry] };
}

function storedGoalEntry(stored: Goal, goal: Goal): BundleEntry {
  // Keep who first expressed the goal, and every identifier it already had (another system's too).
  if (stored.expressedBy) goal.expressedBy = stored.expressedBy;
  const ids = [...(stored.identifier ?? [])];
  for (const i of goal.identifier ?? []) if (!ids.some((x) => x.system === i.system)) ids.push(i);
  goal.identifier = ids;
  return { fullUrl: `urn:uuid:${deterministicUuid(`goal|${stored.id}`)}`, resource: goal, request: { method: "PUT", url: `Goal/${stored.id}`, ifMatch: ifMatch(stored.meta?.versionId) } };
}
