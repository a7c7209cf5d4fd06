// Copy-to-note: a plain-text summary of the plan and of what changed at this visit, for EHRs where the clinician
// pastes into a note. "This visit" is today (the engine's `now`): stages assessed today, plans written today and
// rewards handed out (or marked entered in error) today, read from the record, so the summary is the same after a
// reload. Plain text only: no Markdown, no HTML; dates written as the app writes them. Pure.
import { defaultPlan, listPlans } from "../clinical/plan-continue.ts";
import type { PatientRecord } from "../clinical/record.ts";
import { readRewardLog } from "../clinical/reward-log.ts";
import { readStageObservation } from "../clinical/stage-observation.ts";
import { datePart } from "../clinical/dates.ts";
import type { Evaluation } from "../clinical/types.ts";
import { formatDate, money } from "./format.ts";
import { lastTest } from "./last-test.ts";
import { rewardText } from "./reward-text.ts";

const SCHEDULE: Record<string, string> = { escalating: "escalating vouchers", prize: "prize draws", fixed: "fixed reward" };

export function visitNote(o: { record: PatientRecord; evaluation: Evaluation; now: string }): string {
  const { record, evaluation: e, now } = o;
  const lines: string[] = [];
  const name = record.patient.name?.[0];
  const who = [name?.given?.[0], name?.family].filter(Boolean).join(" ") || name?.text;
  lines.push(`Stagewise summary, ${formatDate(now)}${who ? ` (${who})` : ""}`);

  const stage = e.stage;
  lines.push(`Stage of change: ${stage.value}${stage.observedAt ? ` (assessed ${formatDate(datePart(stage.observedAt))}${stage.stale ? ", more than 90 days ago" : ""})` : ""}.`);
  lines.push(`Medication for OUD: ${e.moud.active.length ? [...new Set(e.moud.active.map((m) => m.medication))].join(", ") : "none active"}.`);
  const t = lastTest(e.uds.tests);
  if (t) lines.push(`Last urine drug screen: ${formatDate(t.date)}, illicit opioids ${t.opioid === "none" ? "not tested" : t.opioid}${t.alsoFound.length ? `; also ${t.alsoFound.join(", ")}` : ""}.`);

  const cm = e.contingencyManagement;
  const r = (x: number) => (cm.schedule === "prize" ? `${x} draw${x === 1 ? "" : "s"}` : money(x));
  if (cm.enrolled) {
    const week = cm.completed ? `program of ${cm.programWeeks} weeks complete` : `week ${cm.currentWeek} of ${cm.programWeeks}`;
    const next = cm.nextIfNegative === null ? "" : `; next reward ${r(cm.nextIfNegative)} if negative`;
    lines.push(`Contingency management (${SCHEDULE[cm.schedule]}): ${week}; earned ${r(cm.earnedTotal)}, given ${r(cm.givenTotal)}, owed ${r(cm.owed)}${next}.`);
  }

  const view = defaultPlan(listPlans(record.carePlans, record.goals, []));
  if (view) {
    const p = view.plan;
    lines.push(`Plan: ${p.title ?? "Care plan"} (${p.status}${p.period?.start ? `, from ${formatDate(p.period.start)}` : ""}${p.period?.end ? ` to ${formatDate(p.period.end)}` : ""}).`);
    for (const a of p.activities) lines.push(`- ${a.title}${a.status ? ` (${a.status})` : ""}`);
    const goals = view.goals.map((g) => g.draft.description).filter(Boolean);
    if (goals.length) lines.push(`Goals: ${goals.join("; ")}.`);
  } else lines.push("Plan: no active plan on record.");

  lines.push("Changes at this visit:");
  const changes: string[] = [];
  for (const obs of record.observations) {
    if (datePart(obs.effectiveDateTime) !== now) continue;
    const s = readStageObservation(obs);
    if (s && "input" in s) changes.push(s.input.kind === "stage" ? `Stage of change recorded: ${s.input.stage}.` : `Readiness ruler recorded: ${s.input.score} of 10.`);
  }
  for (const cp of record.carePlans) {
    const written = datePart(cp.meta?.lastUpdated) ?? datePart(cp.created);
    if (written === now) changes.push(`Plan saved: ${cp.title ?? "care plan"} (${cp.status}).`);
  }
  for (const entry of readRewardLog(record.observations).entries) {
    if (entry.date !== now) continue;
    changes.push(
      entry.status === "given"
        ? `Reward given: ${rewardText(entry)}${entry.notes.length ? ` (${entry.notes.join("; ")})` : ""}.`
        : `Reward entry marked entered in error: ${rewardText(entry)}${entry.errorReason ? ` (${entry.errorReason})` : ""}.`,
    );
  }
  lines.push(...(changes.length ? changes.map((c) => `- ${c}`) : ["- None recorded today."]));

  const next = e.recommendations.filter((x) => x.tier === "primary").slice(0, 3);
  if (next.length) lines.push(`Next steps: ${next.map((x) => x.title).join("; ")}.`);
  return lines.join("\n");
}
