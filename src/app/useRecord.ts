// The reads as React state: loading (with progress), failed (the Patient could not be read), or ready (the
// record, the searches that failed, and the older history: loading page by page after the first screen, done, or
// failed). Resources the app writes are added to the record without a re-read.
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { FhirResource } from "fhir/r4.js";
import { recordFromEntries, type PatientRecord, type RecordEntry } from "../clinical/record.ts";
import type { FhirApi } from "./fhir-api.ts";
import {
  firstScreenRead,
  PROGRESS_DELAY_MS,
  readOlderHistory,
  takeFinishedFirstScreen,
  type FirstScreenRead,
  type ReadProgress,
  type SearchFailure,
} from "./read-record.ts";

export type HistoryState =
  | { status: "loading"; /** Results from this day on are shown; older ones are on their way. */ from: string; resources: number }
  | { status: "done" }
  | { status: "failed"; from: string; failure: SearchFailure };

export type RecordState =
  | { phase: "loading"; progress: ReadProgress | null }
  | { phase: "failed"; error: unknown }
  | { phase: "ready"; record: PatientRecord; failures: SearchFailure[]; history: HistoryState };

export interface UseRecord {
  state: RecordState;
  /** Adds a resource the app has just written (e.g. a stage Observation) and rebuilds the record. */
  addResource(resource: FhirResource): void;
  /** Reads everything again. */
  reload(): void;
  /** Starts reading the older history (call once the first screen is shown; later calls do nothing). */
  startHistory(): void;
}

interface Loaded {
  entries: RecordEntry[];
  failures: SearchFailure[];
  /** Older-history pages received so far. */
  older: RecordEntry[];
  /** Written by the app. */
  added: RecordEntry[];
  history: HistoryState;
}

/** Pages that arrive within this many ms are shown together (one rebuild and evaluation for several pages). */
const PAGE_COALESCE_MS = 50;

function loadedFrom(first: FirstScreenRead): Loaded {
  return { entries: first.entries, failures: first.failures, older: [], added: [], history: { status: "loading", from: first.labFrom, resources: 0 } };
}

export function useRecord(api: FhirApi, patientId: string, now: string): UseRecord {
  const [attempt, setAttempt] = useState(0);
  const [progress, setProgress] = useState<ReadProgress | null>(null);
  // Reads main.ts started that have already finished are shown by the first render (no loading frame).
  const [finished] = useState(() => takeFinishedFirstScreen(api, patientId, now));
  // Their first effect run then has nothing to read.
  const skipFirstRun = useRef(finished !== null);
  const [loaded, setLoaded] = useState<Loaded | null>(() => (finished ? loadedFrom(finished) : null));
  const [error, setError] = useState<unknown>(null);

  // The first screen's reads.
  const [history, setHistoryStart] = useState<{ from: string } | null>(() => (finished ? { from: finished.labFrom } : null));
  const [historyWanted, setHistoryWanted] = useState(false);
  useEffect(() => {
    if (skipFirstRun.current) {
      skipFirstRun.current = false;
      return;
    }
    let current = true;
    setLoaded(null);
    setError(null);
    setProgress(null);
    setHistoryStart(null);
    setHistoryWanted(false);
    // Progress is drawn only once the reads have taken a while: a fast launch goes straight to the first screen,
    // without a frame per finished read.
    let latest: ReadProgress | null = null;
    let shown = false;
    const reads = firstScreenRead(api, patientId, now, (p) => {
      latest = p;
      if (current && shown) setProgress(p);
    }, attempt > 0);
    const reveal = setTimeout(() => {
      shown = true;
      if (current && latest) setProgress(latest);
    }, Math.max(0, PROGRESS_DELAY_MS - (performance.now() - reads.startedAt)));
    reads.result.then(
      (first) => {
        if (!current) return;
        setLoaded(loadedFrom(first));
        setHistoryStart({ from: first.labFrom });
      },
      (e: unknown) => current && setError(e),
    );
    return () => {
      current = false;
      clearTimeout(reveal);
    };
  }, [api, patientId, now, attempt]);

  // The older history, once the first screen is on screen (startHistory, called by the screen once it is shown):
  // its pages are read and parsed while the clinician reads, not while the first screen is being drawn.
  useEffect(() => {
    if (!history || !historyWanted) return;
    let current = true;
    let pending: RecordEntry[] = [];
    let timer: ReturnType<typeof setTimeout> | null = null;
    let received = 0;
    const flush = () => {
      timer = null;
      const page = pending;
      pending = [];
      if (!current || page.length === 0) return;
      setLoaded((l) => (l ? { ...l, older: [...l.older, ...page], history: l.history.status === "loading" ? { ...l.history, resources: received } : l.history } : l));
    };
    void readOlderHistory(api, patientId, (page) => {
      received += page.length;
      pending.push(...page);
      timer ??= setTimeout(flush, PAGE_COALESCE_MS);
    }).then(({ failure }) => {
      if (timer) clearTimeout(timer);
      flush();
      if (!current) return;
      setLoaded((l) => (l ? { ...l, history: failure ? { status: "failed", from: history.from, failure } : { status: "done" } } : l));
    });
    return () => {
      current = false;
      if (timer) clearTimeout(timer);
    };
  }, [api, patientId, history, historyWanted]);

  const entries = loaded?.entries;
  const older = loaded?.older;
  const added = loaded?.added;
  const built = useMemo((): { record: PatientRecord } | { error: unknown } | null => {
    if (!entries || !older || !added) return null;
    try {
      // What the app wrote comes first, newest first: the record keeps the first copy of a resource, so an update
      // the app made (a reward marked entered-in-error) replaces the version read.
      return { record: recordFromEntries([...[...added].reverse(), ...entries, ...older], { patientId }) };
    } catch (e) {
      return { error: e };
    }
  }, [entries, older, added, patientId]);

  const addResource = useCallback((resource: FhirResource) => {
    setLoaded((l) => (l ? { ...l, added: [...l.added, { resource }] } : l));
  }, []);
  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  // After the screen's own effects, in a task of its own (the browser paints first).
  const startHistory = useCallback(() => void setTimeout(() => setHistoryWanted(true), 0), []);

  let state: RecordState;
  if (error !== null) state = { phase: "failed", error };
  else if (!built || !loaded) state = { phase: "loading", progress };
  else if ("error" in built) state = { phase: "failed", error: built.error };
  else state = { phase: "ready", record: built.record, failures: loaded.failures, history: loaded.history };
  return { state, addResource, reload, startHistory };
}
