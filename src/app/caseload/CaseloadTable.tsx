// The caseload table: one row per patient, every column sortable (a button in each header; aria-sort says the
// order), the patient's name a button that opens the patient in the app.
import type { CaseloadRow } from "../../clinical/caseload-row.ts";
import { safetyFlags } from "../../clinical/worklists.ts";
import { cmText, COLUMNS, moudText, owedText, planText, stageText, testText, type ColumnId, type SortDirection } from "./cells.ts";

export interface TableProps {
  rows: CaseloadRow[];
  caption: string;
  sort: { column: ColumnId; direction: SortDirection };
  onSort(column: ColumnId): void;
  onOpen(patient: string): void;
}

export function CaseloadTable({ rows, caption, sort, onSort, onOpen }: TableProps) {
  return (
    <div className="caseload-scroll">
      <table className="caseload-table">
        <caption>{caption}</caption>
        <thead>
          <tr>
            {COLUMNS.map((c) => (
              <th key={c.id} scope="col" aria-sort={sort.column === c.id ? sort.direction : "none"}>
                <button type="button" className="sort-button" onClick={() => onSort(c.id)}>
                  {c.label}
                  <span aria-hidden="true" className="sort-mark">
                    {sort.column === c.id ? (sort.direction === "ascending" ? " ▲" : " ▼") : ""}
                  </span>
                </button>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.patient} data-patient={r.patient}>
              <th scope="row">
                <button type="button" className="link-button" onClick={() => onOpen(r.patient)}>
                  {r.name}
                </button>
              </th>
              <td>
                {stageText(r)}
                {r.stage.stale && <span className="badge badge-warn">stale</span>}
              </td>
              <td>{moudText(r)}</td>
              <td>
                {testText(r)}
                {r.urineTest.due && (
                  <span className="cell-note">
                    <span className="badge badge-warn">due</span> {r.urineTest.reason}
                  </span>
                )}
              </td>
              <td>{cmText(r)}</td>
              <td>{owedText(r)}</td>
              <td>
                {planText(r)}
                {r.plan.reviewDue && <span className="badge badge-warn">review due</span>}
              </td>
              <td>
                {safetyFlags(r).length === 0 ? (
                  "None"
                ) : (
                  <ul className="flags">
                    {safetyFlags(r).map((f) => (
                      <li key={f}>{f}</li>
                    ))}
                  </ul>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
