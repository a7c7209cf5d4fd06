// The CarePlan as this app writes and reads it: one module for both directions (the engine's CM enrolment, the
// app's plan editor and the patient generator all use it).
//
// Written form (NORMATIVE: readCarePlan reads it back identically):
// - identifier {CAREPLAN_ID_SYSTEM, planId}; meta.security = the 42 CFR Part 2 labels; meta.tag {SAVE_TAG_SYSTEM, planId};
// - status (draft | active | on-hold | completed | revoked), intent plan, category US Core assess-plan, period, title;
// - extension CLINICIAN_CONTEXT_EXTENSION (complex: familyInvolved, prefersNoMedication, canDeliverCm, otp as
//   valueBoolean) when the draft carries a context; extension STATUS_REASON_EXTENSION valueString for a reason;
// - one activity per chosen recommendation: detail.code = a verified code where one exists + ours
//   (RECOMMENDATION_SYSTEM), code.text = the title, description = the clinician's text, status, progress[] =
//   dated notes (Annotation time + text + authorReference); a free-text activity (another system's, kept) has
//   code.text only and its key in the activity's element id (read back as "free:" + id, else "free:" + position);
// - the CM activity additionally: scheduledTiming.repeat.boundsPeriod (start, end = start + 7·weeks − 1), weekly,
//   CM_SCHEDULE_EXTENSION valueCode (the schedule kind), one CM_TARGET_EXTENSION valueCode per analyte scored.
//
// Read forms: the above, and CarePlans other systems write (no Stagewise identifier, activities as free text in
// detail.code.text, detail.description or only a reference): these read with `ours: false` and free-text activities.
import type { Annotation, CarePlan, CarePlanActivity, Extension } from "fhir/r4.js";
import { activityCodings } from "./activity-codes.ts";
import { isCmScheduleKind } from "./cm-schedules.ts";
import { isCmTargetAnalyte, normaliseCmTarget } from "./cm-target.ts";
import {
  CAREPLAN_CATEGORY_ASSESS_PLAN,
  CAREPLAN_ID_SYSTEM,
  CLINICIAN_CONTEXT_EXTENSION,
  CM_SCHEDULE_EXTENSION,
  CM_TARGET_EXTENSION,
  RECOMMENDATION_SYSTEM,
  SAVE_TAG_SYSTEM,
  SECURITY_LABELS,
  STATUS_REASON_EXTENSION,
} from "./codes.ts";
import { addDays, datePart, daysBetween } from "./dates.ts";
import { planNarrative } from "./plan-narrative.ts";
import {
  ACTIVITY_STATUSES,
  CM_ACTIVITY_ID,
  isFreeActivityId,
  type ActivityStatus,
  type DatedNote,
  type FreeActivityId,
  type PlanActivityDraft,
  type PlanCmDraft,
  type PlanDraft,
  type PlanStatus,
} from "./plan-types.ts";
import type { ClinicianContext, CmScheduleKind, CmTargetAnalyte, RecommendationId } from "./types.ts";

/** Every recommendation id the catalog knows (a Record so the compiler notices a new id). */
export const KNOWN_RECOMMENDATION_IDS: Record<RecommendationId, true> = {
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

export function isRecommendationId(id: unknown): id is RecommendationId {
  return typeof id === "string" && Object.hasOwn(KNOWN_RECOMMENDATION_IDS, id);
}

const CONTEXT_FIELDS: readonly (keyof ClinicianContext)[] = ["familyInvolved", "prefersNoMedication", "canDeliverCm", "otp"];
const PLAN_STATUSES: readonly PlanStatus[] = ["draft", "active", "on-hold", "completed", "revoked"];

/** Last day of a CM program: start + 7·weeks − 1 days. */
export function cmEndDate(startDate: string, weeks: number): string {
  return addDays(startDate, 7 * weeks - 1);
}

/** The activity status written when the draft names none. */
export function defaultActivityStatus(planStatus: PlanStatus): ActivityStatus {
  return planStatus === "active" ? "scheduled" : "not-started";
}

// ---------------------------------------------------------------- writing

export function writeNote(n: DatedNote): Annotation {
  const a: Annotation = { time: n.time, text: n.text.trim() };
  if (n.author) a.authorReference = { reference: n.author };
  return a;
}

export function readNote(a: Annotation | undefined): DatedNote | null {
  if (!a || typeof a.text !== "string" || !a.text.trim()) return null;
  const note: DatedNote = { time: typeof a.time === "string" ? a.time : "", text: a.text };
  if (typeof a.authorReference?.reference === "string") note.author = a.authorReference.reference;
  return note;
}

export function writeClinicianContext(c: ClinicianContext): Extension {
  return { url: CLINICIAN_CONTEXT_EXTENSION, extension: CONTEXT_FIELDS.map((f) => ({ url: f, valueBoolean: c[f] === true })) };
}

/** The context stored with a plan; null when none is stored or a field is missing or not a boolean. */
export function readClinicianContext(extensions: Extension[] | undefined): ClinicianContext | null {
  const ext = (Array.isArray(extensions) ? extensions : []).find((e) => e?.url === CLINICIAN_CONTEXT_EXTENSION);
  if (!ext) return null;
  const out: Partial<ClinicianContext> = {};
  for (const f of CONTEXT_FIELDS) {
    const v = ext.extension?.find((e) => e?.url === f)?.valueBoolean;
    if (typeof v !== "boolean") return null;
    out[f] = v;
  }
  return out as ClinicianContext;
}

/** The CM activity's detail fields (extension + scheduledTiming). */
export function writeCmDetail(cm: PlanCmDraft): Pick<NonNullable<CarePlanActivity["detail"]>, "extension" | "scheduledTiming"> {
  return {
    extension: [
      { url: CM_SCHEDULE_EXTENSION, valueCode: cm.schedule },
      ...(cm.target ?? []).map((valueCode) => ({ url: CM_TARGET_EXTENSION, valueCode })),
    ],
    scheduledTiming: {
      repeat: { boundsPeriod: { start: cm.startDate, end: cmEndDate(cm.startDate, cm.weeks) }, frequency: 1, period: 1, periodUnit: "wk" },
    },
  };
}

/** One CarePlan activity; `goalRefs` are the references of the goals it serves. */
export function writeActivity(a: PlanActivityDraft, planStatus: PlanStatus, goalRefs: string[], cm?: PlanCmDraft): CarePlanActivity {
  const title = a.title.trim();
  const detail: NonNullable<CarePlanActivity["detail"]> = {
    code: isFreeActivityId(a.id) ? { text: title } : { coding: activityCodings(a.id, title), text: title },
    status: a.status ?? defaultActivityStatus(planStatus),
  };
  if (a.id === CM_ACTIVITY_ID && cm) Object.assign(detail, writeCmDetail(cm));
  if (goalRefs.length) detail.goal = goalRefs.map((reference) => ({ reference }));
  if (a.text.trim()) detail.description = a.text.trim();
  // A free-text activity keeps its key in the element id, so it reads back as the same activity.
  const activity: CarePlanActivity = isFreeActivityId(a.id) ? { id: a.id.slice(5), detail } : { detail };
  if (a.progress?.length) activity.progress = a.progress.map(writeNote);
  return activity;
}

export interface CarePlanWriteContext {
  /** "Patient/ID". */
  patient: string;
  author: string | null;
  oudCondition?: string;
  /** CarePlan.created. */
  created: string;
  /** The stored id when updating. */
  id?: string;
  /** The reference written for a goal key (urn:uuid of a new Goal, or "Goal/ID" of a stored one). */
  goalRef: (key: string) => string;
}

/** The CarePlan for a draft (see the file comment for the form). Never throws; validate the draft first. */
export function writeCarePlan(draft: PlanDraft, ctx: CarePlanWriteContext): CarePlan {
  const titleOf = new Map(draft.activities.map((a) => [a.id, a.title]));
  const cmChosen = draft.cm && draft.activities.some((a) => a.id === CM_ACTIVITY_ID);
  const activities = draft.activities.map((a) =>
    writeActivity(
      a,
      draft.status,
      draft.goals.filter((g) => g.activityIds?.includes(a.id)).map((g) => ctx.goalRef(g.key)),
      draft.cm,
    ),
  );
  const carePlan: CarePlan = {
    resourceType: "CarePlan",
    ...(ctx.id ? { id: ctx.id } : {}),
    meta: { security: SECURITY_LABELS.map((s) => ({ ...s })), tag: [{ system: SAVE_TAG_SYSTEM, code: draft.planId }] },
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
      cm: cmChosen && draft.cm ? { ...draft.cm, endDate: cmEndDate(draft.cm.startDate, draft.cm.weeks) } : undefined,
    }),
    identifier: [{ system: CAREPLAN_ID_SYSTEM, value: draft.planId }],
    status: draft.status,
    intent: "plan",
    category: [{ coding: [{ ...CAREPLAN_CATEGORY_ASSESS_PLAN }] }],
    subject: { reference: ctx.patient },
    period: draft.period.end ? { start: draft.period.start, end: draft.period.end } : { start: draft.period.start },
    created: ctx.created,
  };
  const extension: Extension[] = [];
  if (draft.context) extension.push(writeClinicianContext(draft.context));
  if (draft.statusReason?.trim()) extension.push({ url: STATUS_REASON_EXTENSION, valueString: draft.statusReason.trim() });
  if (extension.length) carePlan.extension = extension;
  if (draft.title?.trim()) carePlan.title = draft.title.trim();
  if (ctx.author) carePlan.author = { reference: ctx.author };
  if (ctx.oudCondition) carePlan.addresses = [{ reference: ctx.oudCondition }];
  if (draft.goals.length) carePlan.goal = draft.goals.map((g) => ({ reference: ctx.goalRef(g.key) }));
  if (activities.length) carePlan.activity = activities;
  if (draft.supersedes?.length) carePlan.replaces = draft.supersedes.map((reference) => ({ reference }));
  return carePlan;
}

// ---------------------------------------------------------------- reading

/** The CM fields of an activity coded RECOMMENDATION_SYSTEM "contingency-management"; null for any other activity. */
export interface CmActivityReading {
  /** YYYY-MM-DD: boundsPeriod.start, else scheduledPeriod.start, else the plan's period.start; null when none. */
  startDate: string | null;
  /** Weeks from boundsPeriod start..end (rounded up); null without an end. */
  weeks: number | null;
  schedule: CmScheduleKind | null;
  /** Null when none is recorded or none is known; opioids always included. */
  target: CmTargetAnalyte[] | null;
}

export function isCmActivity(a: CarePlanActivity | undefined): boolean {
  return (a?.detail?.code?.coding ?? []).some((c) => c?.system === RECOMMENDATION_SYSTEM && c.code === CM_ACTIVITY_ID);
}

export function readCmActivity(a: CarePlanActivity, planStart?: string): CmActivityReading | null {
  if (!isCmActivity(a)) return null;
  const d = a.detail!;
  const bounds = d.scheduledTiming?.repeat?.boundsPeriod;
  const startDate = datePart(bounds?.start) ?? datePart(d.scheduledPeriod?.start) ?? datePart(planStart);
  const end = datePart(bounds?.end);
  const extensions = Array.isArray(d.extension) ? d.extension : [];
  const code = extensions.find((e) => e?.url === CM_SCHEDULE_EXTENSION)?.valueCode;
  const targets = extensions.filter((e) => e?.url === CM_TARGET_EXTENSION).map((e) => e.valueCode).filter(isCmTargetAnalyte);
  return {
    startDate,
    weeks: startDate && end && end >= startDate ? Math.ceil((daysBetween(startDate, end) + 1) / 7) : null,
    schedule: isCmScheduleKind(code) ? code : null,
    target: targets.length ? normaliseCmTarget(targets) : null,
  };
}

export interface StoredActivity extends PlanActivityDraft {
  /** detail.goal references as stored. */
  goalRefs: string[];
  /** True when the activity carries our recommendation code. */
  coded: boolean;
}

export interface StoredCarePlan {
  /** "CarePlan/ID" (or "CarePlan/?" without an id). */
  ref: string;
  id: string | null;
  versionId: string | null;
  lastUpdated: string | null;
  /** Our business identifier value; null for a plan another system wrote. */
  planId: string | null;
  /** Written by this app (carries our identifier). */
  ours: boolean;
  status: CarePlan["status"];
  statusReason?: string;
  context: ClinicianContext | null;
  title?: string;
  period: { start: string; end?: string } | null;
  created?: string;
  author?: string;
  activities: StoredActivity[];
  /** CarePlan.goal references as stored. */
  goalRefs: string[];
  /** CarePlan.replaces references as stored ("CarePlan/ID"): the plans this one takes over. */
  replaces: string[];
  cm?: PlanCmDraft;
  /** What could not be read, one line each (the rest is still read). */
  problems: string[];
}

function activityTitle(d: NonNullable<CarePlanActivity["detail"]> | undefined, a: CarePlanActivity): string {
  const t =
    d?.code?.text ??
    d?.code?.coding?.find((c) => typeof c?.display === "string")?.display ??
    d?.description ??
    a.reference?.display ??
    a.outcomeCodeableConcept?.[0]?.text;
  return typeof t === "string" && t.trim() ? t.trim() : "Activity";
}

/**
 * The plans an active plan takes over (its CarePlan.replaces): an active plan named here is not the current one,
 * whichever system wrote it (another system's plan continued in a new version stays active, as that system left it).
 */
export function supersededByActive(plans: readonly StoredCarePlan[]): Set<string> {
  return new Set(plans.filter((p) => p.status === "active").flatMap((p) => p.replaces));
}

/** A CarePlan as an editable reading. Never throws; a malformed part is skipped with a line in `problems`. */
export function readCarePlan(cp: CarePlan): StoredCarePlan {
  const problems: string[] = [];
  const planId = (cp.identifier ?? []).find((i) => i?.system === CAREPLAN_ID_SYSTEM && typeof i.value === "string")?.value ?? null;
  const activities: StoredActivity[] = [];
  let cm: PlanCmDraft | undefined;
  (Array.isArray(cp.activity) ? cp.activity : []).forEach((a, i) => {
    if (!a || typeof a !== "object") {
      problems.push(`activity ${i + 1} is not an object; skipped`);
      return;
    }
    const d = a.detail;
    const code = (d?.code?.coding ?? []).find((c) => c?.system === RECOMMENDATION_SYSTEM)?.code;
    const coded = isRecommendationId(code);
    const elementId = typeof a.id === "string" && /^[A-Za-z0-9._-]{1,64}$/.test(a.id) ? a.id : String(i + 1);
    const id: RecommendationId | FreeActivityId = coded ? code : `free:${elementId}`;
    const status = (ACTIVITY_STATUSES as readonly string[]).includes(d?.status ?? "") ? (d!.status as ActivityStatus) : undefined;
    const activity: StoredActivity = {
      id,
      title: activityTitle(d, a),
      text: typeof d?.description === "string" ? d.description : "",
      goalRefs: (d?.goal ?? []).map((g) => g?.reference).filter((r): r is string => typeof r === "string"),
      coded,
    };
    if (status) activity.status = status;
    const progress = (a.progress ?? []).map(readNote).filter((n): n is DatedNote => n !== null);
    if (progress.length) activity.progress = progress;
    activities.push(activity);
    const reading = coded && code === CM_ACTIVITY_ID ? readCmActivity(a, cp.period?.start) : null;
    if (reading && reading.startDate && reading.schedule && !cm) {
      cm = { schedule: reading.schedule, startDate: reading.startDate, weeks: reading.weeks ?? 12, description: [] };
      if (reading.target) cm.target = reading.target;
    }
  });
  const reason = cp.extension?.find((e) => e?.url === STATUS_REASON_EXTENSION)?.valueString;
  const start = cp.period?.start;
  const out: StoredCarePlan = {
    ref: `CarePlan/${cp.id ?? "?"}`,
    id: cp.id ?? null,
    versionId: cp.meta?.versionId ?? null,
    lastUpdated: cp.meta?.lastUpdated ?? null,
    planId,
    ours: planId !== null,
    status: cp.status,
    context: readClinicianContext(cp.extension),
    period: typeof start === "string" ? (cp.period?.end ? { start, end: cp.period.end } : { start }) : null,
    activities,
    goalRefs: (cp.goal ?? []).map((g) => g?.reference).filter((r): r is string => typeof r === "string"),
    replaces: (Array.isArray(cp.replaces) ? cp.replaces : []).map((r) => r?.reference).filter((r): r is string => typeof r === "string" && /^CarePlan\/[A-Za-z0-9\-.]{1,64}$/.test(r)),
    problems,
  };
  if (!PLAN_STATUSES.includes(cp.status as PlanStatus)) problems.push(`status "${String(cp.status)}" is not one the editor sets`);
  if (typeof reason === "string") out.statusReason = reason;
  if (typeof cp.title === "string") out.title = cp.title;
  if (typeof cp.created === "string") out.created = cp.created;
  if (typeof cp.author?.reference === "string") out.author = cp.author.reference;
  if (cm) out.cm = cm;
  return out;
}
