// The read wave as React state: loading (with progress), failed (the Patient could not be read), or ready (the
// record, plus the searches that failed). Resources the app writes are added to the record without a re-read.
import { useCallback, useEffect, useMemo, useState } from "react";
import type { FhirResource } from "fhir/r4.js";
import { recordFromEntries, type PatientRecord, type RecordEntry } from "../clinical/record.ts";
import type { FhirApi } from "./fhir-api.ts";
import { readPatientRecord, type ReadProgress, type SearchFailure } from "./read-record.ts";

export type RecordState =
  | { phase: "loading"; progress: ReadProgress | null }
  | { phase: "failed"; error: unknown }
  | { phase: "ready"; record: PatientRecord; failures: SearchFailure[] };

export interface UseRecord {
  state: RecordState;
  /** Adds a resource the app has just written (e.g. a stage Observation) and rebuilds the record. */
  addResource(resource: FhirResource): void;
  /** Reads everything again. */
  reload(): void;
}

type Loaded = { entries: RecordEntry[]; failures: SearchFailure[] };

export function useRecord(api: FhirApi, patientId: string): UseRecord {
  const [attempt, setAttempt] = useState(0);
  const [progress, setProgress] = useState<ReadProgress | null>(null);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    let current = true;
    setLoaded(null);
    setError(null);
    setProgress(null);
    readPatientRecord(api, patientId, (p) => current && setProgress(p)).then(
      (read) => current && setLoaded(read),
      (e: unknown) => current && setError(e),
    );
    return () => {
      current = false;
    };
  }, [api, patientId, attempt]);

  const built = useMemo((): RecordState | null => {
    if (!loaded) return null;
    try {
      return { phase: "ready", record: recordFromEntries(loaded.entries, { patientId }), failures: loaded.failures };
    } catch (e) {
      return { phase: "failed", error: e };
    }
  }, [loaded, patientId]);

  const addResource = useCallback((resource: FhirResource) => {
    setLoaded((l) => (l ? { ...l, entries: [...l.entries, { resource }] } : l));
  }, []);
  const reload = useCallback(() => setAttempt((n) => n + 1), []);

  const state: RecordState = error !== null ? { phase: "failed", error } : (built ?? { phase: "loading", progress });
  return { state, addResource, reload };
}
