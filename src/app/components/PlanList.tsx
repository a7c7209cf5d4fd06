// The patient's care plans (active, on-hold, draft, completed, revoked), newest first: who wrote each and when
// (its latest Provenance, else the CarePlan), its goals and activities; Open one to continue it. A plan another
// system wrote opens read-only (PlanReadOnly), with "Continue in a new version".
import type { StoredPlanView } from "../../clinical/plan-continue.ts";
import { formatDate, formatDateTime } from "../format.ts";

export const PLAN_STATUS_LABEL: Record<string, string> = {
  draft: "Draft",
  active: "Active",
  "on-hold": "On hold",
  completed: "Completed",
  revoked: "Revoked",
};

/** Who wrote a plan, in words: displays as written; a person without one is "you" or "a clinician". */
export function writtenBy(view: StoredPlanView, names: Map<string, string>, me: string | null): string {
  const people = view.provenances[0]?.authors ?? (view.plan.author ? [view.plan.author] : []);
  const who = people.map((r) => (r === me ? "you" : (names.get(r) ?? "a clinician")));
  const software = view.provenances[0]?.software;
  const app = software ? (software.version ? `${software.name} ${software.version}` : software.name) : null;
  const labels = view.provenances[0]?.agentLabels.filter((l) => !/^[A-Z][A-Za-z]+\//.test(l) && l !== app) ?? [];
  const parts = [...new Set([...who, ...labels.filter((l) => !who.includes(l))])];
  return [parts.join(" and ") || null, app ? `with ${app}` : null].filter(Boolean).join(" ") || "unknown";
}

export function planName(view: StoredPlanView): string {
  return view.plan.title?.trim() || "Care plan";
}

export function PlanList({
  views,
  openRef,
  names,
  me,
  onOpen,
}: {
  views: StoredPlanView[];
  openRef: string | null;
  names: Map<string, string>;
  me: string | null;
  onOpen(view: StoredPlanView): void;
}) {
  if (!views.length) return <p className="muted">No care plans on record yet.</p>;
  return (
    <ul className="plan-list">
      {views.map((v) => {
        const open = v.plan.ref === openRef;
        const goals = v.goals.filter((g) => g.draft.lifecycleStatus !== "cancelled");
        const activities = v.plan.activities.filter((a) => a.status !== "cancelled");
        return (
          <li key={v.plan.ref} className={open ? "open" : undefined} data-ref={v.plan.ref}>
            <p className="plan-list-head">
              <b>{planName(v)}</b> <span className="badge">{PLAN_STATUS_LABEL[v.plan.status] ?? v.plan.status}</span>
              {!v.editable && <span className="badge">another system's plan: read-only</span>}{" "}
              <span className="muted">
                {v.plan.period?.start ? `from ${formatDate(v.plan.period.start.slice(0, 10))}; ` : ""}written by {writtenBy(v, names, me)}
                {v.writtenAt ? `, ${formatDateTime(v.writtenAt)}` : ""}
              </span>
            </p>
            <p className="muted plan-list-body">
              {goals.length} goal{goals.length === 1 ? "" : "s"}
              {goals.length ? `: ${goals.map((g) => g.draft.description).join("; ")}` : ""}. {activities.length} activit{activities.length === 1 ? "y" : "ies"}
              {activities.length ? `: ${activities.map((a) => a.title).join("; ")}` : ""}.
            </p>
            {open ? (
              <p className="muted">Open below.</p>
            ) : (
              <button type="button" onClick={() => onOpen(v)}>
                Open {planName(v)} ({PLAN_STATUS_LABEL[v.plan.status] ?? v.plan.status}, {v.writtenAt ? formatDate(v.writtenAt.slice(0, 10)) : "undated"})
              </button>
            )}
          </li>
        );
      })}
    </ul>
  );
}
