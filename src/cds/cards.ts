// The patient-view cards, pure over the engine's Evaluation: one summary card (stage, MOUD, contingency management this
// week, the top next step) with a SMART link that opens the app, or no card when the chart holds nothing about
// opioid use disorder.
//
// Why no card then: patient-view fires on every chart that opens. A card on every chart is noise clinicians learn to
// ignore, and a substance-use card on the chart of a patient with no substance-use record would suggest a diagnosis
// nobody made (and draws attention to sensitive 42 CFR Part 2 care where there is none).
import { formatRefs } from "../clinical/references.ts";
import { describeStage } from "../clinical/rules.ts";
import type { EngineWarning, Evaluation, Recommendation } from "../clinical/types.ts";
import { mdEscape, shorten, SUMMARY_MAX } from "./card-text.ts";
import { CARD_SOURCE } from "./service.ts";
import type { CdsCard } from "./types.ts";

/**
 * The engine's safety warnings, for warnings that carry no severity: overdose risk after lost tolerance, a recent
 * overdose, no OUD diagnosis on record, return to use. EngineWarning.severity, when present, decides.
 */
export const SAFETY_WARNING_CODES: ReadonlySet<string> = new Set(["overdose-risk-lost-tolerance", "recent-overdose", "no-oud-diagnosis", "return-to-use"]);

type MaybeSeverity = EngineWarning & { severity?: string };

export function isSafetyWarning(w: MaybeSeverity): boolean {
  return w.severity !== undefined ? w.severity === "safety" : SAFETY_WARNING_CODES.has(w.code);
}

/**
 * What in the record concerns opioid use disorder; an empty list means no card. A negative drug screen, an opioid
 * prescribed for pain or a naloxone kit alone do not count (routine in pain care); buprenorphine for pain is not MOUD.
 */
export function opioidContext(e: Evaluation): string[] {
  const found: string[] = [];
  if (e.conditions.oud.length > 0) found.push("OUD diagnosis");
  if (e.conditions.overdoses.length > 0) found.push("opioid overdose");
  if (e.medications.some((m) => m.moud !== null)) found.push("MOUD prescription");
  if (e.uds.tests.some((t) => t.opioid === "positive")) found.push("illicit-opioid-positive urine test");
  if (e.moud.flags.some((f) => f.code === "non-prescribed-use")) found.push("non-prescribed MOUD in a urine test");
  if (e.stage.value !== "unknown") found.push("stage-of-change assessment");
  if (e.contingencyManagement.enrolled) found.push("contingency management enrolment");
  return found;
}

/** The top next step: the lowest `rank` when the engine ranks, else the first (primary before consider). */
export function topRecommendation(recs: readonly Recommendation[]): Recommendation | undefined {
  let best: Recommendation | undefined;
  let bestRank = Infinity;
  for (const r of recs) {
    const rank = (r as Recommendation & { rank?: number }).rank ?? Infinity;
    if (best === undefined || rank < bestRank) {
      best = r;
      bestRank = rank;
    }
  }
  return best;
}

const unique = <T>(xs: T[]): T[] => [...new Set(xs)];

function moudShort(e: Evaluation): string {
  const active = unique(e.moud.active.map((m) => m.medication));
  if (active.length) return active.join(" + ");
  const held = unique(e.moud.onHold.map((m) => m.medication));
  return held.length ? `none active (${held.join(", ")} on hold)` : "none active";
}

function money(n: number): string {
  return n.toFixed(2);
}

function cmShort(e: Evaluation): string {
  const cm = e.contingencyManagement;
  if (!cm.enrolled) return "CM: not enrolled";
  if (cm.completed || cm.currentWeek === null) return "CM: program completed";
  const week = cm.weeks.find((w) => w.week === cm.currentWeek);
  return `CM week ${cm.currentWeek}/${cm.programWeeks}: ${week?.outcome ?? "pending"}`;
}

function cmDetail(e: Evaluation): string {
  const cm = e.contingencyManagement;
  if (!cm.enrolled) return "not enrolled";
  const started = `started ${cm.startDate ?? "on an unknown date"}, ${cm.schedule} schedule`;
  if (cm.completed || cm.currentWeek === null) return `program completed (${started})`;
  const week = cm.weeks.find((w) => w.week === cm.currentWeek);
  const unit = (n: number): string => (cm.schedule === "prize" ? `${n} draw${n === 1 ? "" : "s"}` : money(n));
  const parts = [
    `week ${cm.currentWeek} of ${cm.programWeeks} (${started}): this week ${week?.outcome ?? "pending"}`,
    `earned this week ${unit(cm.earnedThisWeek)}`,
  ];
  if (cm.nextIfNegative !== null) parts.push(`next reward if negative ${unit(cm.nextIfNegative)}`);
  if (cm.capReached) parts.push("yearly cap reached");
  return parts.join("; ");
}

function summaryOf(e: Evaluation, top: Recommendation | undefined): string {
  const stage = e.stage.value === "unknown" ? "unknown" : `${e.stage.value}${e.stage.stale ? " (stale)" : ""}`;
  const head = `Stage: ${stage}; MOUD: ${moudShort(e)}; ${cmShort(e)}`;
  if (!top) return shorten(head, SUMMARY_MAX);
  const lead = `${head}; next: `;
  return lead.length + 12 > SUMMARY_MAX ? shorten(head, SUMMARY_MAX) : lead + shorten(top.title, SUMMARY_MAX - lead.length);
}

const line = (label: string, text: string): string => `- **${label}:** ${mdEscape(text)}`;

function detailOf(e: Evaluation, top: Recommendation | undefined, safety: EngineWarning[]): string {
  const stage = describeStage(e).replace(/^stage (of change )?/, "");
  const onHold = unique(e.moud.onHold.map((m) => m.medication));
  const active = unique(e.moud.active.map((m) => m.medication));
  const moud = [active.length ? `${active.join(", ")} (active)` : "none active", ...onHold.map((m) => `${m} on hold`)].join("; ");
  const lines = [
    line("Stage of change", stage.charAt(0).toUpperCase() + stage.slice(1)),
    line("MOUD", moud),
    line("Contingency management", cmDetail(e)),
  ];
  if (top) {
    const refs = unique(top.evidence.flatMap((l) => l.refs)).sort((a, b) => a - b);
    const why = top.reasons[0]?.text.replace(/\.$/, "");
    const evidence = refs.length ? ` Evidence: review references ${formatRefs(refs)}.` : "";
    lines.push(line(`Next step (${top.tier === "primary" ? "do now" : "consider"})`, `${top.title}${why ? `: ${why}` : ""}.${evidence}`));
  }
  for (const w of safety) lines.push(line("Safety", w.message));
  lines.push("", "Open Stagewise for every recommendation with its reasons and evidence, and to write the plan.");
  return lines.join("\n");
}

export interface CardOptions {
  /** Unique id of the card (for feedback). */
  uuid: string;
  /** The app's SMART launch URL; the EHR adds `iss` and `launch` (a `smart` link). */
  appLaunchUrl: string;
}

/** The cards for one patient-view call: one summary card, or none (see opioidContext). */
export function patientViewCards(e: Evaluation, options: CardOptions): CdsCard[] {
  if (opioidContext(e).length === 0) return [];
  const top = topRecommendation(e.recommendations);
  const safety = e.warnings.filter(isSafetyWarning);
  return [
    {
      uuid: options.uuid,
      summary: summaryOf(e, top),
      detail: detailOf(e, top, safety),
      indicator: safety.length > 0 ? "warning" : "info",
      source: { ...CARD_SOURCE },
      links: [{ label: "Open Stagewise", url: options.appLaunchUrl, type: "smart" }],
    },
  ];
}
