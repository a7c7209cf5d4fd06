// The caseload table: one row per patient, every column sortable (a button in each header; aria-sort says the
// order), the patient's name a button that opens the patient in the app.
import type { CaseloadRow } from "../../clinical/caseload-row.ts";
import { safetyFlags } from "../../clinical/worklists.ts";
import type { ReactNode } from "react";
import { cmText, COLUMNS, moudText, owedText, planText, planTitle, stageText, testText, type ColumnId, type SortDirection } from "./cells.ts";

export interface TableProps {
  rows: CaseloadRow[];
  caption: string;
  sort: { column: ColumnId; direction: SortDirection };
  onSort(column: ColumnId): void;
  onOpen(patient: string): void;
}

/** What a cell shows (text from cells.ts, with its badges). */
function cell(column: ColumnId, r: CaseloadRow): ReactNode {
  switch (column) {
    case "safety": {
      const flags = safetyFlags(r);
      return flags.length === 0 ? (
        "None"
      ) : (
        <ul className="flags">
          {flags.map((f) => (
            <li key={f}>{f}</li>
          ))}
        </ul>
      );
    }
    case "stage":
      return (
        <>
          {stageText(r)}
          {r.stage.stale && <span className="badge badge-warn">stale</span>}
        </>
      );
    case "test":
      return (
        <>
          {testText(r)}
          {r.urineTest.due && (
            <span className="cell-note">
              <span className="badge badge-warn">due</span> {r.urineTest.reason}
            </span>
          )}
        </>
      );
    case "cm":
      return cmText(r);
    case "owed":
      return owedText(r);
    case "plan": {
      const title = planTitle(r);
      return (
        <>
          {planText(r)}
          {r.plan.reviewDue && <span className="badge badge-warn">review due</span>}
          {title && <span className="cell-note">{title}</span>}
        </>
      );
    }
    case "moud":
      return moudText(r);
    default:
      return r.name;
  }
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
              <th scope="row" data-column="name">
                <button type="button" className="link-button" onClick={() => onOpen(r.patient)}>
                  {r.name}
                </button>
              </th>
              {COLUMNS.slice(1).map((c) => (
                <td key={c.id} data-column={c.id}>
                  {cell(c.id, r)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
