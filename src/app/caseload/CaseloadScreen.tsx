// The caseload screen (lazy-loaded: it runs the engine once per patient): the worklists a coordinator works on a
// Monday as filters with their counts, the table (sortable by every column), and one click to open a patient in the
// app. Coming back from a patient puts the focus on that patient's row and reads the row again.
import { useEffect, useMemo, useRef, useState } from "react";
import { WORKLISTS, worklistCounts, type WorklistId } from "../../clinical/worklists.ts";
import { ErrorMessage } from "../components/ErrorMessage.tsx";
import type { FhirApi } from "../fhir-api.ts";
import { sortRows, type ColumnId, type SortDirection } from "./cells.ts";
import { CaseloadTable } from "./CaseloadTable.tsx";
import { useCaseload } from "./useCaseload.ts";
import "./caseload.css";

export interface CaseloadScreenProps {
  api: FhirApi;
  /** The signed-in practitioner ("Practitioner/x"): the CareTeams they take part in. */
  fhirUser: string;
  now: string;
  /** The patient the EHR has in context, when there is one (offered above the list). */
  patientInContext: string | null;
  onOpen(patientId: string): void;
  /** The patient just closed (and a counter, so closing the same one twice is seen): its row is read again. */
  returnedFrom: { patientId: string; n: number } | null;
}

type Filter = "all" | WorklistId;

export default function CaseloadScreen({ api, fhirUser, now, patientInContext, onOpen, returnedFrom }: CaseloadScreenProps) {
  const source = useMemo(() => ({ careTeamOf: fhirUser }), [fhirUser]);
  const { state, reload, refresh } = useCaseload(api, source, now);
  const [filter, setFilter] = useState<Filter>("all");
  const [sort, setSort] = useState<{ column: ColumnId; direction: SortDirection }>({ column: "name", direction: "ascending" });
  const tableRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!returnedFrom) return;
    tableRef.current?.querySelector<HTMLButtonElement>(`tr[data-patient="Patient/${CSS.escape(returnedFrom.patientId)}"] .link-button`)?.focus();
    void refresh(returnedFrom.patientId).catch(() => undefined); // the old row stays when the read fails
  }, [returnedFrom, refresh]);

  if (state.phase === "loading")
    return (
      <section className="caseload" aria-labelledby="caseload-title">
        <h2 id="caseload-title">Caseload</h2>
        <p role="status">{state.step}…</p>
      </section>
    );
  if (state.phase === "failed")
    return (
      <section className="caseload" aria-labelledby="caseload-title">
        <h2 id="caseload-title">Caseload</h2>
        <ErrorMessage title="The caseload could not be read" error={state.error} hint="Check the connection and try again, or launch Stagewise again from the EHR." />
        <button type="button" onClick={reload}>
          Try again
        </button>
      </section>
    );

  const counts = worklistCounts(state.rows);
  const chosen = WORKLISTS.find((w) => w.id === filter);
  const shown = sortRows(chosen ? state.rows.filter((r) => chosen.includes(r)) : state.rows, sort.column, sort.direction);
  const onSort = (column: ColumnId) =>
    setSort((s) => ({ column, direction: s.column === column && s.direction === "ascending" ? "descending" : "ascending" }));
  const inContext = patientInContext ? state.rows.find((r) => r.patient === `Patient/${patientInContext}`) : undefined;
  return (
    <section className="caseload" aria-labelledby="caseload-title">
      <div className="caseload-head">
        <h2 id="caseload-title">Caseload</h2>
        <p className="muted" data-testid="caseload-summary">
          {state.rows.length} patients on your care teams; read in {state.requests} requests, {(state.ms / 1000).toFixed(1)} s.
        </p>
      </div>
      {patientInContext && (
        <p className="in-context">
          Patient open in the EHR: {inContext?.name ?? `Patient/${patientInContext}`}{" "}
          <button type="button" onClick={() => onOpen(patientInContext)}>
            Open this patient
          </button>
        </p>
      )}
      <div role="group" aria-label="Worklists" className="worklists">
        <button type="button" aria-pressed={filter === "all"} onClick={() => setFilter("all")}>
          All patients ({state.rows.length})
        </button>
        {WORKLISTS.map((w) => (
          <button key={w.id} type="button" aria-pressed={filter === w.id} onClick={() => setFilter(w.id)} title={w.description} data-worklist={w.id}>
            {w.label} ({counts[w.id]})
          </button>
        ))}
      </div>
      <p className="worklist-description" aria-live="polite">
        {chosen ? `${chosen.label}: ${chosen.description.toLowerCase()}. ${shown.length} patients.` : `Every patient on your care teams. ${shown.length} patients.`}
      </p>
      {state.failures.length > 0 && (
        <div className="incomplete">
          <h3>Some reads failed: rows may miss facts</h3>
          {state.failures.map((f) => (
            <ErrorMessage key={f.label} title={`${f.label}: could not be read`} error={f.error} alert={false} />
          ))}
        </div>
      )}
      {state.problems.length > 0 && (
        <ul className="incomplete">
          {state.problems.map((p) => (
            <li key={p.patient}>
              {p.patient}: could not be shown ({p.message})
            </li>
          ))}
        </ul>
      )}
      <div ref={tableRef}>
        <CaseloadTable rows={shown} caption={chosen ? chosen.label : "All patients"} sort={sort} onSort={onSort} onOpen={(ref) => onOpen(ref.replace(/^Patient\//, ""))} />
      </div>
    </section>
  );
}
