// The worklists a care coordinator works through on a Monday, as pure filters over caseload rows
// (caseload-row.ts says what each field means and where its rule comes from).
import type { CaseloadRow } from "./caseload-row.ts";

export type WorklistId = "urine-test-due" | "reward-owed" | "plan-review-due" | "stage-stale" | "safety";

export interface Worklist {
  id: WorklistId;
  /** The filter's name on screen. */
  label: string;
  /** One line: who is on it. */
  description: string;
  includes(row: CaseloadRow): boolean;
}

/** A row's safety flags, in the order the table shows them. */
export function safetyFlags(row: CaseloadRow): string[] {
  const out: string[] = [];
  if (row.safety.recentOverdose) out.push("Recent overdose");
  if (row.safety.lostTolerance) out.push("Lost tolerance");
  if (row.safety.noNaloxoneKit) out.push("No naloxone kit");
  return out;
}

export const WORKLISTS: readonly Worklist[] = [
  {
    id: "urine-test-due",
    label: "Urine test due this week",
    description: "In contingency management with no test yet this CM week, or no test in the last 28 days",
    includes: (r) => r.urineTest.due,
  },
  {
    id: "reward-owed",
    label: "Reward owed",
    description: "Contingency management rewards earned and not yet given",
    includes: (r) => r.cm.owed > 0,
  },
  {
    id: "plan-review-due",
    label: "Plan review due",
    description: "Plan review date within 7 days or past, or no active plan",
    includes: (r) => r.plan.reviewDue,
  },
  {
    id: "stage-stale",
    label: "Stage stale",
    description: "Stage of change assessed more than 90 days ago, or never",
    includes: (r) => r.stage.stale,
  },
  {
    id: "safety",
    label: "Safety flags",
    description: "Recent overdose, lost opioid tolerance, or no naloxone kit in 12 months",
    includes: (r) => safetyFlags(r).length > 0,
  },
];

export function worklist(id: WorklistId): Worklist {
  const w = WORKLISTS.find((x) => x.id === id);
  if (!w) throw new Error(`Unknown worklist "${id}" (known: ${WORKLISTS.map((x) => x.id).join(", ")})`);
  return w;
}

/** The rows on a worklist, in the order given. */
export function onWorklist(rows: readonly CaseloadRow[], id: WorklistId): CaseloadRow[] {
  const w = worklist(id);
  return rows.filter((r) => w.includes(r));
}

/** How many rows each worklist holds. */
export function worklistCounts(rows: readonly CaseloadRow[]): Record<WorklistId, number> {
  return Object.fromEntries(WORKLISTS.map((w) => [w.id, rows.filter((r) => w.includes(r)).length])) as Record<WorklistId, number>;
}
