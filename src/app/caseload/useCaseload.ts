// The caseload's state: read (batched, src/fhir/caseload-queries.ts), one row per patient (the engine's
// caseloadRow), the time from the start of the reads to the rows, and one patient's row read again (after the
// patient was opened and something was recorded).
import { useCallback, useEffect, useRef, useState } from "react";
import { caseloadRow, type CaseloadRow } from "../../clinical/caseload-row.ts";
import { recordFromEntries } from "../../clinical/record.ts";
import { readCaseload, type CaseloadRead, type CaseloadSource } from "../../fhir/caseload-queries.ts";
import type { SearchFailure } from "../../fhir/read.ts";
import type { FhirApi } from "../fhir-api.ts";

/** A patient whose row could not be made (no Patient in the answer, or an unreadable record). */
export interface RowProblem {
  patient: string;
  message: string;
}

export type CaseloadState =
  | { phase: "loading"; step: string }
  | { phase: "failed"; error: unknown }
  | { phase: "ready"; rows: CaseloadRow[]; problems: RowProblem[]; failures: SearchFailure[]; requests: number; ms: number };

export function rowsFrom(read: CaseloadRead, now: string): { rows: CaseloadRow[]; problems: RowProblem[] } {
  const rows: CaseloadRow[] = [];
  const problems: RowProblem[] = [];
  for (const [id, entries] of read.records) {
    try {
      const record = recordFromEntries(entries, { patientId: id });
      const labsFrom = read.labsFrom.get(id);
      rows.push(caseloadRow(record, { now, ...(labsFrom ? { labsFrom } : {}) }));
    } catch (e) {
      problems.push({ patient: `Patient/${id}`, message: e instanceof Error ? e.message : String(e) });
    }
  }
  return { rows, problems };
}

export function useCaseload(api: FhirApi, source: CaseloadSource, now: string) {
  const [state, setState] = useState<CaseloadState>({ phase: "loading", step: "Finding the patients on your care teams" });
  const [attempt, setAttempt] = useState(0);
  const sourceKey = JSON.stringify(source);
  const sourceRef = useRef(source);
  sourceRef.current = source;
  useEffect(() => {
    let current = true;
    const t0 = performance.now();
    setState({ phase: "loading", step: "Finding the patients on your care teams" });
    readCaseload(api, sourceRef.current, {
      now,
      onProgress: (step) => current && setState({ phase: "loading", step: step === "caseload" ? "Reading the patients' records" : "Reading urine tests" }),
    }).then(
      (read) => {
        if (!current) return;
        const { rows, problems } = rowsFrom(read, now);
        setState({ phase: "ready", rows, problems, failures: read.failures, requests: read.requests, ms: performance.now() - t0 });
      },
      (error: unknown) => current && setState({ phase: "failed", error }),
    );
    return () => {
      current = false;
    };
  }, [api, sourceKey, now, attempt]);

  /** Reads one patient's row again (e.g. back from the patient's workspace) and puts it in place. */
  const refresh = useCallback(
    async (patientId: string) => {
      const read = await readCaseload(api, { patients: [patientId] }, { now });
      const { rows } = rowsFrom(read, now);
      const row = rows[0];
      if (!row) return;
      setState((s) => (s.phase === "ready" ? { ...s, rows: s.rows.map((r) => (r.patient === row.patient ? row : r)) } : s));
    },
    [api, now],
  );
  return { state, reload: () => setAttempt((n) => n + 1), refresh };
}
