// The caseload table's columns: what each cell says and how the column sorts (pure). Dates as the app writes them.
import type { CaseloadRow } from "../../clinical/caseload-row.ts";
import { safetyFlags } from "../../clinical/worklists.ts";
import { formatDate, money } from "../format.ts";

export type ColumnId = "name" | "stage" | "moud" | "test" | "cm" | "owed" | "plan" | "safety";

export interface Column {
  id: ColumnId;
  label: string;
  /** The sort key: ascending order puts the most urgent first where the column has an urgency. */
  key(row: CaseloadRow): string | number;
}

const STAGES = ["precontemplation", "contemplation", "preparation", "action", "maintenance", "unknown"];
const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export function stageText(r: CaseloadRow): string {
  if (r.stage.value === "unknown") return "Not assessed";
  const d = r.stage.ageDays;
  const age = d === null ? "" : d === 0 ? ", today" : d === 1 ? ", yesterday" : `, ${d} days ago`;
  return `${cap(r.stage.value)}${age}`;
}

export function moudText(r: CaseloadRow): string {
  const active = r.moud.active.map(cap).join(", ");
  const held = r.moud.onHold.length ? `${active ? "; " : ""}on hold: ${r.moud.onHold.join(", ")}` : "";
  return active || held ? `${active}${held}` : "None";
}

const OPIOID: Record<string, string> = {
  positive: "positive",
  negative: "negative",
  indeterminate: "inconclusive",
  none: "no opioid result",
};

export function testText(r: CaseloadRow): string {
  return r.lastTest ? `${formatDate(r.lastTest.date)}: ${OPIOID[r.lastTest.opioid]}` : "None read";
}

export function cmText(r: CaseloadRow): string {
  if (!r.cm.enrolled) return "Not enrolled";
  if (r.cm.completed) return "Program finished";
  if (r.cm.week === null) return "Not started";
  return `Week ${r.cm.week} of ${r.cm.programWeeks}: ${r.cm.outcome ?? "pending"}`;
}

export function owedText(r: CaseloadRow): string {
  if (r.cm.owed === 0) return "None";
  if (r.cm.unit === "draws") return r.cm.owed === 1 ? "1 draw" : `${r.cm.owed} draws`;
  return money(r.cm.owed);
}

export function planText(r: CaseloadRow): string {
  if (r.plan.status === "none") return "No active plan";
  return r.plan.reviewDate ? `Review ${formatDate(r.plan.reviewDate)}` : "No review date";
}

/** The active plan's title, shown under its review date. */
export function planTitle(r: CaseloadRow): string | null {
  return r.plan.status === "none" ? null : (r.plan.title ?? "Active plan");
}

// In the order a coordinator reads a row: who, what is unsafe, then what is due.
export const COLUMNS: readonly Column[] = [
  { id: "name", label: "Patient", key: (r) => r.name.toLowerCase() },
  // most flags first
  { id: "safety", label: "Safety", key: (r) => -safetyFlags(r).length },
  // stale first, then by stage
  { id: "stage", label: "Stage of change", key: (r) => `${r.stage.stale ? 0 : 1}-${STAGES.indexOf(r.stage.value)}-${String(99999 - (r.stage.ageDays ?? 99999)).padStart(5, "0")}` },
  // due first, then the oldest test first
  { id: "test", label: "Last urine test", key: (r) => `${r.urineTest.due ? 0 : 1}-${r.lastTest?.date ?? "0000"}` },
  { id: "cm", label: "CM week", key: (r) => (r.cm.week ?? (r.cm.enrolled ? 90 : 99)) },
  // most owed first
  { id: "owed", label: "Reward owed", key: (r) => -r.cm.owed },
  // review due first, by date (no plan first)
  { id: "plan", label: "Plan review", key: (r) => `${r.plan.reviewDue ? 0 : 1}-${r.plan.reviewDate ?? "0000"}` },
  { id: "moud", label: "OUD medication", key: (r) => moudText(r) },
];

export type SortDirection = "ascending" | "descending";

/** The rows sorted by a column (stable: ties keep the name order). */
export function sortRows(rows: readonly CaseloadRow[], column: ColumnId, direction: SortDirection): CaseloadRow[] {
  const col = COLUMNS.find((c) => c.id === column) ?? COLUMNS[0]!;
  const sign = direction === "ascending" ? 1 : -1;
  const byName = [...rows].sort((a, b) => a.name.localeCompare(b.name));
  return byName.sort((a, b) => {
    const x = col.key(a);
    const y = col.key(b);
    const c = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
    return sign * c;
  });
}
