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
  GOAL_ID_SYSTEM,
  SAVE_TAG_SYSTEM,
  SECURITY_LABELS,
  STAGEWISE_BASE,
} from "./codes.ts";
import { addDays, isValidDate, isValidDateOrDateTime } from "./dates.ts";
import { planNarrative } from "./plan-narrative.ts";
import type { CmScheduleKind, RecommendationId } from "./types.ts";

export interface PlanActivityDraft {
  id: RecommendationId;
  title: string;
  /** Clinician-edited activity text (CarePlan.activity.detail.description). */
  text: string;
}

export interface PlanGoalDraft {
  /** Stable within the plan (letters, digits, ".", "_", "-"); the Goal identifier is `${planId}/${key}`. */
  key: string;
  description: string;
  /** YYYY-MM-DD. */
  startDate: string;
  /** YYYY-MM-DD, not before startDate. */
  dueDate?: string;
  /** Activities this goal belongs to (activity.detail.goal). */
  activityIds?: RecommendationId[];
}

export interface PlanCmDraft {
  schedule: CmScheduleKind;
  /** YYYY-MM-DD, first day of week 1. */
  startDate: string;
  /** Program length in weeks (1–52). */
  weeks: number;
  /** Plain-language lines describing the schedule, shown in the narrative. */
  description: string[];
}

export interface PlanDraft {
  /** Business identifier value; stable across retries of one save (letters, digits, ".", "_", "-"; ≤ 64). */
  planId: string;
  status: "draft" | "active";
  title?: string;
  /** YYYY-MM-DD or ISO date-time. */
  period: { start: string; end?: string };
  activities: PlanActivityDraft[];
  goals: PlanGoalDraft[];
  /** Required exactly when the contingency-management activity is chosen. */
  cm?: PlanCmDraft;
}

export interface PlanContext {
  /** "Patient/ID". */
  patient: string;
  /** "Condition/ID" → CarePlan.addresses. */
  oudCondition?: string;
  /** The signed-in user from fhirUser, e.g. "Practitioner/dr-1"; null when unknown. */
  author: string | null;
  /** ISO date-time of the save, with seconds and zone (CarePlan.created, Provenance.recorded). */
  now: string;
  app: { name: string; version: string };
  /**
   * Update an existing CarePlan (PUT with If-Match). `created` is the stored CarePlan.created, kept on update
   * (a PUT replaces the resource); without it `now` is written.
   */
  existing?: { id: string; versionId: string; created?: string };
}

export const CM_ACTIVITY_ID: RecommendationId = "contingency-management";
export const PROVENANCE_PARTICIPANT_TYPE = "http://terminology.hl7.org/CodeSystem/provenance-participant-type";
export const SOFTWARE_ID_SYSTEM = `${STAGEWISE_BASE}/software`;
const DATA_OPERATION = "http://terminology.hl7.org/CodeSystem/v3-DataOperation";
const ACT_REASON = "http://terminology.hl7.org/CodeSystem/v3-ActReason";

/** Every recommendation id (a Record so the compiler notices a new id). */
const KNOWN_IDS: Record<RecommendationId, true> = {
  moud: true,
  "stage-assessment": true,
  "motivational-interviewing": true,
  "contingency-management": true,
  cbt: true,
  "wraparound-services": true,
  "community-reinforcement": true,
  "mutual-help": true,
  "peer-support": true,
  "family-therapy": true,
  craft: true,
  "network-therapy": true,
  naloxone: true,
  "addiction-counseling": true,
  "nonmedication-program": true,
};
const SCHEDULES: readonly CmScheduleKind[] = ["escalating", "prize", "fixed"];
const SAFE_KEY = /^[A-Za-z0-9._-]{1,64}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const REFERENCE = /^[A-Z][A-Za-z]+\/[A-Za-z0-9.-]{1,64}$/;
/** Types fhirUser may name that CarePlan.author, Goal.expressedBy and Provenance.agent.who all accept. */
const PERSON_TYPES = ["Practitioner", "PractitionerRole", "Patient", "RelatedPerson"];

// ---------------------------------------------------------------- deterministic UUIDs

/** FNV-1a, 32 bits, over the UTF-8 bytes of `text`, starting from `seed`. */
function fnv1a(text: string, seed: number): number {
  let h = seed >>> 0;
  for (const byte of new TextEncoder().encode(text)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * A UUID derived from `name` alone: 128 bits from four FNV-1a passes (the pass number prefixed to the input),
 * laid out as RFC 4122 / RFC 9562 with version 8 ("custom": not random, not SHA-1) and the RFC variant bits.
 * Not a security function: it only has to be stable and to keep the handful of names in one Bundle apart.
 */
export function deterministicUuid(name: string): string {
  const hex = [0, 1, 2, 3].map((i) => fnv1a(`${i}:${name}`, 0x811c9dc5).toString(16).padStart(8, "0")).join("");
  const chars = hex.split("");
  chars[12] = "8"; // version
  chars[16] = ((parseInt(chars[16] ?? "0", 16) & 0x3) | 0x8).toString(16); // variant 10xx
  const h = chars.join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** The urn:uuid fullUrls of one save. */
export function planFullUrls(draft: PlanDraft, ctx: Pick<PlanContext, "existing">) {
  const p = draft.planId;
  return {
    carePlan: `urn:uuid:${deterministicUuid(`${p}|careplan`)}`,
    goal: (key: string) => `urn:uuid:${deterministicUuid(`${p}|goal|${key}`)}`,
    provenance: `urn:uuid:${deterministicUuid(
      ctx.existing ? `${p}|provenance|${ctx.existing.versionId}` : `${p}|provenance`,
    )}`,
  };
}

// ---------------------------------------------------------------- building

function typeOf(ref: string | null): string | null {
  return ref && REFERENCE.test(ref) ? ref.slice(0, ref.indexOf("/")) : null;
}

function personAuthor(author: string | null): string | null {
  const t = typeOf(author);
  return t && PERSON_TYPES.includes(t) ? author : null;
}

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
      // schedule kind in the CM_SCHEDULE_EXTENSION valueCode.
      detail.extension = [{ url: CM_SCHEDULE_EXTENSION, valueCode: draft.cm.schedule }];
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

// ---------------------------------------------------------------- validation

function quoted(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

function isText(value: unknown): value is string {
  return typeof value === "string" && value.trim().length > 0;
}

/** Problems with a draft, one clear message each naming the field; empty when the draft can be saved. */
export function validatePlanDraft(draft: PlanDraft): string[] {
  const problems: string[] = [];
  if (!SAFE_KEY.test(String(draft.planId ?? "")))
    problems.push(`Plan id ${quoted(draft.planId)} must be 1–64 letters, digits, ".", "_" or "-"`);
  if (draft.status !== "draft" && draft.status !== "active")
    problems.push(`Plan status ${quoted(draft.status)} must be "draft" or "active"`);
  if (draft.title !== undefined && typeof draft.title !== "string") problems.push("Plan title is not text");

  const start = draft.period?.start;
  const end = draft.period?.end;
  const startOk = typeof start === "string" && isValidDateOrDateTime(start);
  if (!startOk) problems.push(`Plan start ${quoted(start)} is not a date`);
  if (end !== undefined) {
    if (typeof end !== "string" || !isValidDateOrDateTime(end)) problems.push(`Plan end ${quoted(end)} is not a date`);
    else if (startOk && end.slice(0, 10) < (start as string).slice(0, 10))
      problems.push(`Plan end "${end}" is before the start "${start}"`);
  }

  const activities = Array.isArray(draft.activities) ? draft.activities : [];
  if (activities.length === 0) problems.push("Choose at least one activity");
  const seen = new Set<string>();
  activities.forEach((a, i) => {
    const label = `Activity ${i + 1}`;
    if (!Object.hasOwn(KNOWN_IDS, a.id)) problems.push(`${label}: unknown recommendation ${quoted(a.id)}`);
    else if (seen.has(a.id)) problems.push(`${label}: "${a.id}" is chosen twice`);
    seen.add(a.id);
    if (!isText(a.title)) problems.push(`${label} (${a.id}): title is empty`);
    if (typeof a.text !== "string") problems.push(`${label} (${a.id}): text is not text`);
  });

  const goals = Array.isArray(draft.goals) ? draft.goals : [];
  const keys = new Set<string>();
  goals.forEach((g, i) => {
    const label = `Goal ${i + 1}`;
    if (!SAFE_KEY.test(String(g.key ?? ""))) problems.push(`${label}: key ${quoted(g.key)} must be 1–64 letters, digits, ".", "_" or "-"`);
    else if (keys.has(g.key)) problems.push(`${label}: key "${g.key}" is used twice`);
    keys.add(g.key);
    if (!isText(g.description)) problems.push(`${label}: description is empty`);
    const goalStartOk = typeof g.startDate === "string" && isValidDate(g.startDate);
    if (!goalStartOk) problems.push(`${label}: start date ${quoted(g.startDate)} is not a date`);
    if (g.dueDate !== undefined) {
      if (typeof g.dueDate !== "string" || !isValidDate(g.dueDate))
        problems.push(`${label}: due date ${quoted(g.dueDate)} is not a date`);
      else if (goalStartOk && g.dueDate < g.startDate)
        problems.push(`${label}: due date "${g.dueDate}" is before the start date "${g.startDate}"`);
    }
    for (const id of g.activityIds ?? [])
      if (!seen.has(id)) problems.push(`${label}: linked activity ${quoted(id)} is not in the plan`);
  });

  const cmChosen = seen.has(CM_ACTIVITY_ID);
  if (cmChosen && !draft.cm) problems.push("Contingency management is chosen but has no schedule");
  if (!cmChosen && draft.cm) problems.push("A contingency-management schedule is given but the activity is not chosen");
  if (draft.cm) {
    const cm = draft.cm;
    if (!SCHEDULES.includes(cm.schedule))
      problems.push(`Contingency management: schedule ${quoted(cm.schedule)} must be escalating, prize or fixed`);
    if (typeof cm.startDate !== "string" || !isValidDate(cm.startDate))
      problems.push(`Contingency management: start date ${quoted(cm.startDate)} is not a date`);
    if (!Number.isInteger(cm.weeks) || cm.weeks < 1 || cm.weeks > 52)
      problems.push(`Contingency management: weeks ${quoted(cm.weeks)} must be a whole number from 1 to 52`);
    if (!Array.isArray(cm.description) || cm.description.some((l) => typeof l !== "string"))
      problems.push("Contingency management: description must be a list of lines");
  }
  return problems;
}

/** Problems with the save context (who, when, which patient); empty when fine. */
export function validatePlanContext(ctx: PlanContext): string[] {
  const problems: string[] = [];
  if (typeOf(ctx.patient) !== "Patient") problems.push(`Patient ${quoted(ctx.patient)} is not a "Patient/ID" reference`);
  if (ctx.oudCondition !== undefined && typeOf(ctx.oudCondition) !== "Condition")
    problems.push(`OUD condition ${quoted(ctx.oudCondition)} is not a "Condition/ID" reference`);
  if (ctx.author !== null && !personAuthor(ctx.author))
    problems.push(
      `Author ${quoted(ctx.author)} is not a Practitioner, PractitionerRole, Patient or RelatedPerson reference; the app alone will be recorded`,
    );
  if (typeof ctx.now !== "string" || !INSTANT.test(ctx.now) || !isValidDate(ctx.now.slice(0, 10)))
    problems.push(`Save time ${quoted(ctx.now)} is not a date-time with seconds and a time zone`);
  if (!isText(ctx.app?.name) || !isText(ctx.app?.version)) problems.push("App name and version are required");
  if (ctx.existing) {
    if (!/^[A-Za-z0-9.-]{1,64}$/.test(ctx.existing.id)) problems.push(`CarePlan id ${quoted(ctx.existing.id)} is not a FHIR id`);
    if (!isText(ctx.existing.versionId) || /["\s]/.test(ctx.existing.versionId))
      problems.push(`CarePlan version ${quoted(ctx.existing.versionId)} cannot be sent in If-Match`);
    if (ctx.existing.created !== undefined && !isValidDateOrDateTime(ctx.existing.created))
      problems.push(`CarePlan created ${quoted(ctx.existing.created)} is not a date-time`);
  }
  return problems;
}
