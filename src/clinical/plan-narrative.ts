// The human-readable half of the written CarePlan (clinical-spec §5): an XHTML narrative for CarePlan.text.
// Every string that came from the app (titles, clinician-edited activity text, goal descriptions, CM lines) is
// escaped here, so typed text can never become markup. Pure: no DOM, no I/O.
import type { Narrative } from "fhir/r4.js";
import type { CmScheduleKind, CmTargetAnalyte } from "./types.ts";

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

// Characters XML 1.0 does not allow at all (C0 controls except tab/newline/carriage return, lone surrogates,
// U+FFFE/U+FFFF). Escaping cannot make them legal, so they are dropped.
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text → XHTML character data: &, <, >, " and ' escaped, characters XML forbids removed. */
export function escapeXhtml(text: string): string {
  return text.replace(NOT_XML, "").replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** Escaped text with line breaks kept as <br/> (clinicians write multi-line activity text). */
function multiline(text: string): string {
  return escapeXhtml(text.trim())
    .split(/\r\n|\r|\n/)
    .join("<br/>");
}

export interface NarrativeActivity {
  title: string;
  text: string;
}
export interface NarrativeGoal {
  description: string;
  startDate: string;
  dueDate?: string;
  /** Titles of the activities this goal belongs to. */
  activities: string[];
}
export interface NarrativeCm {
  schedule: CmScheduleKind;
  startDate: string;
  endDate: string;
  weeks: number;
  description: string[];
  /** What the weeks are scored on (§7.6). */
  target?: CmTargetAnalyte[];
}
export interface NarrativeInput {
  title?: string;
  status: "draft" | "active" | "on-hold" | "completed" | "revoked";
  period: { start: string; end?: string };
  activities: NarrativeActivity[];
  goals: NarrativeGoal[];
  cm?: NarrativeCm;
}

const SCHEDULE_NAMES: Record<CmScheduleKind, string> = {
  escalating: "escalating vouchers",
  prize: "prize draws",
  fixed: "fixed reward",
};

/** CarePlan.text: status "generated", a div in the XHTML namespace listing activities, goals and the CM schedule. */
export function planNarrative(input: NarrativeInput): Narrative {
  const parts: string[] = [];
  const title = input.title?.trim() ? input.title.trim() : "Psychosocial care plan";
  parts.push(`<h2>${escapeXhtml(title)}</h2>`);
  const period = input.period.end
    ? `${escapeXhtml(input.period.start)} to ${escapeXhtml(input.period.end)}`
    : `from ${escapeXhtml(input.period.start)}`;
  parts.push(`<p>Status: ${input.status}. Period: ${period}.</p>`);

  parts.push("<h3>Activities</h3>");
  if (input.activities.length === 0) parts.push("<p>None.</p>");
  else {
    const items = input.activities.map((a) => {
      const text = a.text.trim() ? `: ${multiline(a.text)}` : "";
      return `<li><b>${escapeXhtml(a.title.trim())}</b>${text}</li>`;
    });
    parts.push(`<ul>${items.join("")}</ul>`);
  }

  parts.push("<h3>Goals</h3>");
  if (input.goals.length === 0) parts.push("<p>None.</p>");
  else {
    const items = input.goals.map((g) => {
      const dates = g.dueDate
        ? `from ${escapeXhtml(g.startDate)}, due ${escapeXhtml(g.dueDate)}`
        : `from ${escapeXhtml(g.startDate)}`;
      const linked = g.activities.length ? `; for ${g.activities.map((t) => escapeXhtml(t.trim())).join(", ")}` : "";
      return `<li>${multiline(g.description)} (${dates}${linked})</li>`;
    });
    parts.push(`<ul>${items.join("")}</ul>`);
  }

  if (input.cm) {
    const cm = input.cm;
    parts.push("<h3>Contingency management</h3>");
    parts.push(
      `<p>Weekly, ${cm.weeks} week${cm.weeks === 1 ? "" : "s"}, ${escapeXhtml(cm.startDate)} to ` +
        `${escapeXhtml(cm.endDate)}; schedule: ${SCHEDULE_NAMES[cm.schedule] ?? escapeXhtml(String(cm.schedule))}.</p>`,
    );
    if (cm.target?.length)
      parts.push(
        `<p>Scored on urine tests negative for ${cm.target.includes("stimulants") ? "illicit opioids and stimulants (cocaine, amphetamine)" : "illicit opioids"}.</p>`,
      );
    const lines = cm.description.filter((l) => l.trim());
    if (lines.length) parts.push(`<ul>${lines.map((l) => `<li>${multiline(l)}</li>`).join("")}</ul>`);
  }

  return { status: "generated", div: `<div xmlns="http://www.w3.org/1999/xhtml">${parts.join("")}</div>` };
}
