// Checks on a plan draft and its save context before a Bundle is built (clinical-spec §5): one clear message per
// problem, naming the field. Also the reference checks the builder shares (which author may be written).
import { isValidCmTarget } from "./cm-target.ts";
import { isValidDate, isValidDateOrDateTime } from "./dates.ts";
import { isRecommendationId } from "./careplan-resource.ts";
import { ACTIVITY_STATUSES, CM_ACTIVITY_ID, isFreeActivityId } from "./plan-types.ts";
export { otherPatientReferences, patientOf } from "./patient-refs.ts";
import type { PlanContext, PlanDraft } from "./plan-types.ts";
import type { CmScheduleKind } from "./types.ts";

const SCHEDULES: readonly CmScheduleKind[] = ["escalating", "prize", "fixed"];
const SAFE_KEY = /^[A-Za-z0-9._-]{1,64}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const REFERENCE = /^[A-Z][A-Za-z]+\/[A-Za-z0-9.-]{1,64}$/;
/** Types fhirUser may name that CarePlan.author, Goal.expressedBy and Provenance.agent.who all accept. */
const PERSON_TYPES = ["Practitioner", "PractitionerRole", "Patient", "RelatedPerson"];

export function typeOf(ref: string | null): string | null {
  return ref && REFERENCE.test(ref) ? ref.slice(0, ref.indexOf("/")) : null;
}

/** The author reference when it names a person type the written resources accept, else null. */
export function personAuthor(author: string | null): string | null {
  const t = typeOf(author);
  return t && PERSON_TYPES.includes(t) ? author : null;
}

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
  if (!["draft", "active", "on-hold", "completed", "revoked"].includes(draft.status))
    problems.push(`Plan status ${quoted(draft.status)} must be draft, active, on-hold, completed or revoked`);
  if ((draft.status === "completed" || draft.status === "revoked") && !isText(draft.statusReason))
    problems.push(`A ${draft.status} plan needs a reason`);
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
    if (a.status !== undefined && !ACTIVITY_STATUSES.includes(a.status))
      problems.push(`${label}: status ${quoted(a.status)} must be one of ${ACTIVITY_STATUSES.join(", ")}`);
    for (const n of a.progress ?? [])
      if (!isText(n?.text) || typeof n.time !== "string" || !isValidDateOrDateTime(n.time))
        problems.push(`${label}: a progress note needs a date and text`);
    if (!isRecommendationId(a.id) && !(typeof a.id === "string" && isFreeActivityId(a.id) && SAFE_KEY.test(a.id.slice(5)))) problems.push(`${label}: unknown recommendation ${quoted(a.id)}`);
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
    for (const n of g.notes ?? [])
      if (!isText(n?.text) || typeof n.time !== "string" || !isValidDateOrDateTime(n.time))
        problems.push(`${label}: a note needs a date and text`);
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
    if (cm.target !== undefined && !isValidCmTarget(cm.target))
      problems.push(`Contingency management: target ${quoted(cm.target)} must be opioids, or opioids and stimulants`);
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
