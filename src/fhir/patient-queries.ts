// The searches that make up one patient's record, for the app and the CLI alike (one set of searches).
// - recordQueries: the whole record in one wave (the CLI; the sandbox bench).
// - firstScreenQueries: what the app's first screen needs — laboratory Observations from a day on (the engine
//   says which: src/clinical/read-window.ts), every survey Observation (few: stage assessments; all of them, so
//   the latest stage never depends on the server's _sort) and every therapy Observation (the CM reward log),
//   MedicationRequests with their Medications, Conditions,
//   CarePlans and Goals.
// - labRangeQuery: laboratory Observations of an earlier stretch, when the window has to widen before the first
//   screen; labHistoryQuery: every laboratory Observation, read after the first screen; observationsByIdQuery:
//   panel members the window's date filter left out (a member may carry no date of its own).
// Every search is followed to its last page (search.ts).
import { addDays } from "../clinical/dates.ts";

export interface PatientQuery {
  resourceType: string;
  /** What the user reads for this search. */
  label: string;
  /** Search parameters, as they go on the URL (encoded by queryUrl); an array repeats the parameter. */
  params: Record<string, string | string[]>;
}

/** Page size asked of the server (fewer sequential page round trips for long histories); servers may return fewer. */
export const PAGE_SIZE = 1000;

/**
 * Days asked before a window's first day. A server compares `date=ge…` as an instant in its own time zone, while
 * the engine dates a result by the date part as written: two days cover any offset (−12:00 to +14:00).
 */
export const DATE_MARGIN_DAYS = 2;

const COUNT = String(PAGE_SIZE);

function others(patient: string): PatientQuery[] {
  return [
    {
      resourceType: "MedicationRequest",
      label: "Medication requests (with their medications)",
      params: { patient, _include: "MedicationRequest:medication", _count: COUNT },
    },
    { resourceType: "Condition", label: "Conditions", params: { patient, _count: COUNT } },
    { resourceType: "CarePlan", label: "Care plans", params: { patient, _count: COUNT } },
    { resourceType: "Goal", label: "Goals", params: { patient, _count: COUNT } },
  ];
}

export function recordQueries(patient: string): PatientQuery[] {
  return [
    // The category filter also suits EHRs that refuse an Observation search without a category or code (Epic).
    // therapy: the contingency-management reward log (src/clinical/reward-log.ts).
    { resourceType: "Observation", label: "Observations (laboratory, survey and therapy)", params: { patient, category: "laboratory,survey,therapy", _count: COUNT } },
    ...others(patient),
  ];
}

/** `from`: the first day (YYYY-MM-DD) whose laboratory results the first screen needs. */
export function firstScreenQueries(patient: string, from: string): PatientQuery[] {
  return [
    {
      resourceType: "Observation",
      label: `Urine drug screens since ${from}`,
      params: { patient, category: "laboratory", date: `ge${addDays(from, -DATE_MARGIN_DAYS)}`, _count: COUNT },
    },
    // survey: stage assessments; therapy: the contingency-management reward log (src/clinical/reward-log.ts). Both few.
    { resourceType: "Observation", label: "Stage-of-change assessments and the reward log", params: { patient, category: "survey,therapy", _count: COUNT } },
    ...others(patient),
  ];
}

/** Laboratory Observations dated from `from` to before `before` (with the margin on both sides). */
export function labRangeQuery(patient: string, from: string, before: string): PatientQuery {
  return {
    resourceType: "Observation",
    label: `Urine drug screens from ${from} to ${before}`,
    params: {
      patient,
      category: "laboratory",
      date: [`ge${addDays(from, -DATE_MARGIN_DAYS)}`, `lt${addDays(before, DATE_MARGIN_DAYS)}`],
      _count: COUNT,
    },
  };
}

/** Every laboratory Observation (the older history, read after the first screen). */
export function labHistoryQuery(patient: string): PatientQuery {
  return { resourceType: "Observation", label: "Older urine drug screens", params: { patient, category: "laboratory", _count: COUNT } };
}

/** Observations by id (panel members), confined to the patient. */
export function observationsByIdQuery(patient: string, ids: string[]): PatientQuery {
  return { resourceType: "Observation", label: "Drug screen panel members", params: { patient, _id: ids.join(","), _count: COUNT } };
}

export function queryUrl(q: PatientQuery): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(q.params)) {
    for (const v of Array.isArray(value) ? value : [value]) params.append(name, v);
  }
  return `${q.resourceType}?${params.toString()}`;
}
