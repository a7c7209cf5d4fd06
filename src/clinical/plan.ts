// The pure half of the write-back (clinical-spec §5): a plan draft from the app → one FHIR R4 transaction Bundle
// holding a CarePlan, one Goal per target and a Provenance, linked by urn:uuid references.
//
// Retry safety. The same draft and context always give a byte-identical Bundle: the urn:uuid fullUrls are derived
// from planId by a small pure hash (no randomness, no clock), and every entry is a conditional create on a
// business identifier (CarePlan, Goal) or on a save tag (Provenance, which has no identifier in R4). A retried
// save therefore finds what the first attempt wrote instead of duplicating it.
//
// Tags. Every written resource carries meta.tag {SAVE_TAG_SYSTEM, planId}. The Provenance of an update
// additionally carries {SAVE_TAG_SYSTEM, `${planId}/${versionId}`} (the version being replaced), and its
// ifNoneExist uses that tag: one Provenance per save, while a retry of the same save still finds its own.
//
// Update mode (ctx.existing): the CarePlan entry is PUT CarePlan/{id} with If-Match W/"versionId" (a 412 means
// someone else changed it); the Provenance then targets "CarePlan/{id}" directly. New Goals stay conditional
// creates: a Goal whose identifier already exists is kept as stored (the server answers 200 to the conditional
// create and does not change it).
//
// Files: plan-types.ts (draft and context shapes), plan-ids.ts (deterministic urn:uuids), plan-validate.ts (checks
// before building); this file builds the Bundle and re-exports the rest.
import type {
  Bundle,
  BundleEntry,
  CarePlan,
  CarePlanActivity,
  Coding,
  Goal,
  Meta,
  Provenance,
  ProvenanceAgent,
  Reference,
} from "fhir/r4.js";
import { activityCodings } from "./activity-codes.ts";
import {
  CAREPLAN_CATEGORY_ASSESS_PLAN,
  CAREPLAN_ID_SYSTEM,
  CM_SCHEDULE_EXTENSION,
  CM_TARGET_EXTENSION,
  GOAL_ID_SYSTEM,
  SAVE_TAG_SYSTEM,
  SECURITY_LABELS,
  STAGEWISE_BASE,
} from "./codes.ts";
import { addDays } from "./dates.ts";
import { planFullUrls } from "./plan-ids.ts";
import { planNarrative } from "./plan-narrative.ts";
import { CM_ACTIVITY_ID } from "./plan-types.ts";
import type { PlanContext, PlanDraft } from "./plan-types.ts";
import { personAuthor } from "./plan-validate.ts";

export type { PlanActivityDraft, PlanCmDraft, PlanContext, PlanDraft, PlanGoalDraft } from "./plan-types.ts";
export { CM_ACTIVITY_ID } from "./plan-types.ts";
export { deterministicUuid, planFullUrls } from "./plan-ids.ts";
export { validatePlanContext, validatePlanDraft } from "./plan-validate.ts";

export const PROVENANCE_PARTICIPANT_TYPE = "http://terminology.hl7.org/CodeSystem/provenance-participant-type";
export const SOFTWARE_ID_SYSTEM = `${STAGEWISE_BASE}/software`;
const DATA_OPERATION = "http://terminology.hl7.org/CodeSystem/v3-DataOperation";
const ACT_REASON = "http://terminology.hl7.org/CodeSystem/v3-ActReason";

// ---------------------------------------------------------------- building

function meta(planId: string, extraTag?: string): Meta {
  const tag: Coding[] = [{ system: SAVE_TAG_SYSTEM, code: planId }];
  if (extraTag) tag.push({ system: SAVE_TAG_SYSTEM, code: extraTag });
  return { security: SECURITY_LABELS.map((s) => ({ ...s })), tag };
}

/** A search string for ifNoneExist; the value is percent-encoded except for characters a query may hold as is. */
function query(name: string, system: string, value: string): string {
  const encoded = encodeURIComponent(value).replace(/%2F/gi, "/").replace(/%3A/gi, ":").replace(/%40/g, "@");
  return `${name}=${system}|${encoded}`;
}

/** Last day of a CM program: start + 7·weeks − 1 days. */
export function cmEndDate(startDate: string, weeks: number): string {
  return addDays(startDate, 7 * weeks - 1);
}

/** The FHIR transaction Bundle for a plan save. Never throws; check validatePlanDraft/validatePlanContext first. */
export function buildPlanBundle(draft: PlanDraft, ctx: PlanContext): Bundle {
  const urls = planFullUrls(draft, ctx);
  const author = personAuthor(ctx.author);
  const goalUrls = new Map(draft.goals.map((g) => [g.key, urls.goal(g.key)]));
  const carePlanRef = ctx.existing ? `CarePlan/${ctx.existing.id}` : urls.carePlan;

  const goals: Goal[] = draft.goals.map((g) => {
    const goal: Goal = {
      resourceType: "Goal",
      meta: meta(draft.planId),
      identifier: [{ system: GOAL_ID_SYSTEM, value: `${draft.planId}/${g.key}` }],
      lifecycleStatus: draft.status === "active" ? "active" : "proposed",
      description: { text: g.description.trim() },
      subject: { reference: ctx.patient },
      startDate: g.startDate,
    };
    if (g.dueDate) goal.target = [{ dueDate: g.dueDate }];
    if (author) goal.expressedBy = { reference: author };
    return goal;
  });

  const activities: CarePlanActivity[] = draft.activities.map((a) => {
    const title = a.title.trim();
    const linked = draft.goals
      .filter((g) => g.activityIds?.includes(a.id))
      .map((g): Reference => ({ reference: goalUrls.get(g.key) ?? urls.goal(g.key) }));
    const detail: NonNullable<CarePlanActivity["detail"]> = {
      code: { coding: activityCodings(a.id, title), text: title },
      status: draft.status === "active" ? "scheduled" : "not-started",
    };
    if (a.id === CM_ACTIVITY_ID && draft.cm) {
      // NORMATIVE (read back by the CM status reader): start in scheduledTiming.repeat.boundsPeriod.start,
      // schedule kind in the CM_SCHEDULE_EXTENSION valueCode, the target (§7.6) in one CM_TARGET_EXTENSION per
      // analyte class scored.
      detail.extension = [
        { url: CM_SCHEDULE_EXTENSION, valueCode: draft.cm.schedule },
        ...(draft.cm.target ?? []).map((valueCode) => ({ url: CM_TARGET_EXTENSION, valueCode })),
      ];
      detail.scheduledTiming = {
        repeat: {
          boundsPeriod: { start: draft.cm.startDate, end: cmEndDate(draft.cm.startDate, draft.cm.weeks) },
          frequency: 1,
          period: 1,
          periodUnit: "wk",
        },
      };
    }
    if (linked.length) detail.goal = linked;
    if (a.text.trim()) detail.description = a.text.trim();
    return { detail };
  });

  const titleOf = new Map(draft.activities.map((a) => [a.id, a.title]));
  const cmChosen = draft.cm && draft.activities.some((a) => a.id === CM_ACTIVITY_ID);
  const carePlan: CarePlan = {
    resourceType: "CarePlan",
    ...(ctx.existing ? { id: ctx.existing.id } : {}),
    meta: meta(draft.planId),
    text: planNarrative({
      title: draft.title,
      status: draft.status,
      period: draft.period,
      activities: draft.activities.map((a) => ({ title: a.title, text: a.text })),
      goals: draft.goals.map((g) => ({
        description: g.description,
        startDate: g.startDate,
        dueDate: g.dueDate,
        activities: (g.activityIds ?? []).map((id) => titleOf.get(id) ?? id),
      })),
      cm:
        cmChosen && draft.cm
          ? { ...draft.cm, endDate: cmEndDate(draft.cm.startDate, draft.cm.weeks) }
          : undefined,
    }),
    identifier: [{ system: CAREPLAN_ID_SYSTEM, value: draft.planId }],
    status: draft.status,
    intent: "plan",
    category: [{ coding: [{ ...CAREPLAN_CATEGORY_ASSESS_PLAN }] }],
    subject: { reference: ctx.patient },
    period: draft.period.end ? { start: draft.period.start, end: draft.period.end } : { start: draft.period.start },
    created: ctx.existing?.created ?? ctx.now,
  };
  if (draft.title?.trim()) carePlan.title = draft.title.trim();
  if (author) carePlan.author = { reference: author };
  if (ctx.oudCondition) carePlan.addresses = [{ reference: ctx.oudCondition }];
  if (goals.length) carePlan.goal = draft.goals.map((g) => ({ reference: urls.goal(g.key) }));
  if (activities.length) carePlan.activity = activities;

  const app: ProvenanceAgent = {
    type: { coding: [{ system: PROVENANCE_PARTICIPANT_TYPE, code: "assembler", display: "Assembler" }] },
    who: {
      type: "Device",
      identifier: { system: SOFTWARE_ID_SYSTEM, value: ctx.app.name },
      display: `${ctx.app.name} ${ctx.app.version}`,
    },
  };
  const agents: ProvenanceAgent[] = author
    ? [{ type: { coding: [{ system: PROVENANCE_PARTICIPANT_TYPE, code: "author", display: "Author" }] }, who: { reference: author } }, app]
    : [app];
  const saveTag = ctx.existing ? `${draft.planId}/${ctx.existing.versionId}` : undefined;
  const provenance: Provenance = {
    resourceType: "Provenance",
    meta: meta(draft.planId, saveTag),
    target: [{ reference: carePlanRef }, ...draft.goals.map((g) => ({ reference: urls.goal(g.key) }))],
    recorded: ctx.now,
    reason: [{ coding: [{ system: ACT_REASON, code: "TREAT", display: "treatment" }] }],
    activity: {
      coding: [
        ctx.existing
          ? { system: DATA_OPERATION, code: "UPDATE", display: "revise" }
          : { system: DATA_OPERATION, code: "CREATE", display: "create" },
      ],
    },
    agent: agents,
  };

  const carePlanEntry: BundleEntry = ctx.existing
    ? {
        fullUrl: urls.carePlan,
        resource: carePlan,
        request: { method: "PUT", url: `CarePlan/${ctx.existing.id}`, ifMatch: `W/"${ctx.existing.versionId}"` },
      }
    : {
        fullUrl: urls.carePlan,
        resource: carePlan,
        request: { method: "POST", url: "CarePlan", ifNoneExist: query("identifier", CAREPLAN_ID_SYSTEM, draft.planId) },
      };
  const goalEntries: BundleEntry[] = goals.map((goal, i) => {
    const key = draft.goals[i]?.key ?? String(i);
    return {
      fullUrl: urls.goal(key),
      resource: goal,
      request: { method: "POST", url: "Goal", ifNoneExist: query("identifier", GOAL_ID_SYSTEM, `${draft.planId}/${key}`) },
    };
  });
  const provenanceEntry: BundleEntry = {
    fullUrl: urls.provenance,
    resource: provenance,
    request: { method: "POST", url: "Provenance", ifNoneExist: query("_tag", SAVE_TAG_SYSTEM, saveTag ?? draft.planId) },
  };

  return { resourceType: "Bundle", type: "transaction", entry: [carePlanEntry, ...goalEntries, provenanceEntry] };
}
