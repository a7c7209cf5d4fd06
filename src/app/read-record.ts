// The app's reads, in two parts, so that the first screen takes the same time whatever the record's length:
//
// 1. The first screen (readFirstScreen): one parallel wave — the Patient, laboratory Observations of the last
//    12 months, every survey Observation, MedicationRequests with their Medications, Conditions, CarePlans and
//    Goals (src/fhir/patient-queries.ts firstScreenQueries), each search followed page by page as the pages
//    arrive. The engine then says from which day its answers need laboratory results (labWindowStart: back to an
//    action/maintenance stage date or a CM start older than 12 months); only then is an earlier stretch read,
//    before the first screen. Panel members the window's date filter left out are read by id.
// 2. The older history (readOlderHistory), after the first screen is shown: every laboratory Observation, page by
//    page, each page handed over as it arrives. The engine's answers do not change when it arrives (the window
//    covers every look-back: src/clinical/read-window.ts and its test); the chart and table fill in.
//
// A failed Patient read throws (nothing can be shown); a failed search is returned by name with what the server
// said, and everything else is shown.
import type { Observation } from "fhir/r4.js";
import { addMonths } from "../clinical/dates.ts";
import { LAB_WINDOW_MONTHS } from "../clinical/lab-window.ts";
import { recordFromEntries, resolveReference, type PatientRecord, type RecordEntry } from "../clinical/record.ts";
import {
  firstScreenQueries,
  labHistoryQuery,
  labRangeQuery,
  observationsByIdQuery,
  type PatientQuery,
} from "../fhir/patient-queries.ts";
import { patientEntry, readPatient, readSearches, type SearchFailure, type WaveHooks } from "../fhir/read.ts";
import type { FhirApi } from "./fhir-api.ts";

export type { SearchFailure };

export interface ReadProgress {
  /** Labels of the reads so far, in order. */
  reads: string[];
  /** Labels finished (successfully or not). */
  done: string[];
  /** Resources received so far. */
  resources: number;
}

export interface FirstScreenRead {
  entries: RecordEntry[];
  failures: SearchFailure[];
  /** Laboratory results from this day (YYYY-MM-DD) on are all in `entries`; earlier ones come with the history. */
  labFrom: string;
}

/** Ids per search when panel members are read by id (keeps the URL short). */
const IDS_PER_SEARCH = 50;

/** hasMember targets of the record's Observations that are not in it (a member dated outside the window). */
function missingMembers(record: PatientRecord): string[] {
  const missing = new Set<string>();
  for (const obs of record.observations) {
    if (!Array.isArray(obs.hasMember)) continue;
    for (const m of obs.hasMember) {
      const ref = typeof m?.reference === "string" ? m.reference : undefined;
      if (!ref || ref.startsWith("#")) continue;
      if (resolveReference<Observation>(record, ref)) continue;
      const id = /(?:^|\/)Observation\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/.exec(ref)?.[1];
      if (id) missing.add(id);
    }
  }
  return [...missing];
}

function chunks<T>(xs: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}

type WindowRule = typeof import("../clinical/read-window.ts");
let windowRuleModule: Promise<WindowRule> | null = null;

/**
 * The window rule is engine code (stage, CM enrolment), not part of the page's initial JavaScript. main.ts fetches
 * it when the page loads, during the token exchange: fetched after the token, it competed with the first reads.
 */
export function loadWindowRule(): Promise<WindowRule> {
  windowRuleModule ??= import("../clinical/read-window.ts");
  return windowRuleModule;
}

interface StartedRead {
  api: FhirApi;
  patientId: string;
  now: string;
  result: Promise<FirstScreenRead>;
  /** When the reads began (performance.now()). */
  startedAt: number;
  /** The reads' result once they have finished (so the first render can show it, without a loading frame). */
  done: FirstScreenRead | null;
  last: ReadProgress | null;
  listener: ((p: ReadProgress) => void) | null;
}
let started: StartedRead | null = null;

/**
 * Starts the first screen's reads as soon as the session is there (main.ts), not once React has rendered the app
 * and run its effects (which took up to 25 ms after the token response, measured in the launch bench).
 */
export function startFirstScreen(api: FhirApi, patientId: string, now: string): void {
  const s: StartedRead = { api, patientId, now, startedAt: performance.now(), done: null, last: null, listener: null, result: Promise.resolve(null as never) };
  s.result = readFirstScreen(api, patientId, now, (p) => {
    s.last = p;
    s.listener?.(p);
  });
  s.result.then((r) => (s.done = r)).catch(() => undefined); // its consumer reports a failure
  started = s;
}

/**
 * How long the first screen's reads may take before their progress is drawn (useRecord), and before main.ts draws the
 * screens while they are still under way: a faster launch draws its first screen in one render.
 */
export const PROGRESS_DELAY_MS = 400;

/** Resolves when the started first-screen reads have finished (or failed), or after `ms`, whichever is first. */
export function firstScreenSettled(ms: number): Promise<void> {
  const s = started;
  if (!s) return Promise.resolve();
  return new Promise<void>((settled) => {
    const timer = setTimeout(settled, ms);
    void s.result.then(
      () => (clearTimeout(timer), settled()),
      () => (clearTimeout(timer), settled()),
    );
  });
}

/**
 * The started first-screen reads' result for the same session, patient and day when they have already finished
 * (taken once, as firstScreenRead takes them), else null.
 */
export function takeFinishedFirstScreen(api: FhirApi, patientId: string, now: string): FirstScreenRead | null {
  const s = started;
  if (!s?.done || s.api !== api || s.patientId !== patientId || s.now !== now) return null;
  started = null;
  return s.done;
}

/**
 * The first screen's reads: the ones startFirstScreen began for the same session, patient and day (taken once;
 * progress so far replayed, then forwarded), else new reads. `fresh`: always new reads (a reload).
 */
export function firstScreenRead(
  api: FhirApi,
  patientId: string,
  now: string,
  onProgress: (p: ReadProgress) => void,
  fresh: boolean,
): { result: Promise<FirstScreenRead>; startedAt: number } {
  const s = started;
  if (!fresh && s && s.api === api && s.patientId === patientId && s.now === now) {
    started = null; // taken once: the page keeps no patient data outside React state
    s.listener = onProgress;
    if (s.last) onProgress(s.last);
    return { result: s.result, startedAt: s.startedAt };
  }
  return { result: readFirstScreen(api, patientId, now, onProgress), startedAt: performance.now() };
}

/** Reads what the first screen needs. `now`: today, YYYY-MM-DD. */
export async function readFirstScreen(
  api: FhirApi,
  patientId: string,
  now: string,
  onProgress?: (p: ReadProgress) => void,
): Promise<FirstScreenRead> {
  const progress: ReadProgress = { reads: ["Patient"], done: [], resources: 0 };
  const report = () => onProgress?.({ ...progress, reads: [...progress.reads], done: [...progress.done] });
  const hooks: WaveHooks = {
    onPage(_q, page) {
      progress.resources += page.length;
      report();
    },
    onDone(q) {
      progress.done.push(q.label);
      report();
    },
  };
  const wave = (queries: PatientQuery[]) => {
    progress.reads.push(...queries.map((q) => q.label));
    report();
    return readSearches(api, queries, hooks);
  };

  const windowRule = loadWindowRule();
  let labFrom = addMonths(now, -LAB_WINDOW_MONTHS);
  const patientRead = readPatient(api, patientId).then((p) => {
    progress.resources++;
    progress.done.push("Patient");
    report();
    return p;
  });
  const [patient, first] = await Promise.all([patientRead, wave(firstScreenQueries(patientId, labFrom))]);
  const entries = [patientEntry(api, patient), ...first.entries];
  const failures = [...first.failures];

  // A stage or a CM enrolment older than the window: the engine needs the results since then.
  let record = recordFromEntries(entries, { patientId });
  const needed = (await windowRule).labWindowStart(record, { now });
  if (needed < labFrom) {
    const more = await wave([labRangeQuery(patientId, needed, labFrom)]);
    entries.push(...more.entries);
    failures.push(...more.failures);
    labFrom = needed;
    record = recordFromEntries(entries, { patientId });
  }

  const members = missingMembers(record);
  if (members.length > 0) {
    const more = await wave(chunks(members, IDS_PER_SEARCH).map((ids) => observationsByIdQuery(patientId, ids)));
    entries.push(...more.entries);
    failures.push(...more.failures);
  }
  return { entries, failures, labFrom };
}

/**
 * Reads every laboratory Observation (the first screen's are read again: a result with no date, which a date
 * search never returns, is still read once). `onPage` gets each page as it arrives.
 */
export async function readOlderHistory(
  api: FhirApi,
  patientId: string,
  onPage: (entries: RecordEntry[]) => void,
): Promise<{ failure: SearchFailure | null }> {
  const read = await readSearches(api, [labHistoryQuery(patientId)], { onPage: (_q, page) => onPage(page) });
  return { failure: read.failures[0] ?? null };
}
