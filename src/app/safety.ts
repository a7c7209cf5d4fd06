// What the safety strip at the top shows: every engine warning marked `severity: "safety"` (or, from an engine that
// does not mark severity, the safety codes below), the safety facts the engine states without a warning (no
// naloxone kit, a recent overdose, no OUD diagnosis), and the clinical notices that are not data problems (return
// to use, the CM cap). Data notices (skipped resources and the like) are listed elsewhere. Pure.
import type { EngineWarning, Evaluation, Ref } from "../clinical/types.ts";

export interface SafetyItem {
  /** The warning's code, or the fact's: "no-naloxone", "recent-overdose", "no-oud-diagnosis". */
  code: string;
  /** Short name, shown first in bold: "Overdose risk". */
  label: string;
  /** Engine text (may hold dates and references; rendered with EngineText). */
  message: string;
  refs: Ref[];
  /** A safety item: announced at once (role="alert") and drawn in red; otherwise a notice in amber. */
  safety: boolean;
  /** The references name the fact themselves: shown before the message, not as "Based on:" after it. */
  refsFirst?: boolean;
}

/** Warning codes that are safety items when the engine does not mark severity. */
export const SAFETY_CODES: ReadonlySet<string> = new Set(["overdose-risk-lost-tolerance", "recent-overdose", "no-oud-diagnosis", "no-naloxone", "no-naloxone-kit"]);
/** Clinical notices shown in the strip (not data notices) when the engine does not mark severity. */
export const NOTICE_CODES: ReadonlySet<string> = new Set(["return-to-use", "cm-cap-reached"]);

const LABELS: Record<string, string> = {
  "overdose-risk-lost-tolerance": "Overdose risk",
  "recent-overdose": "Recent overdose",
  "no-oud-diagnosis": "No OUD diagnosis",
  "no-naloxone": "No naloxone kit",
  "no-naloxone-kit": "No naloxone kit",
  "return-to-use": "Return to use",
  "cm-cap-reached": "CM yearly cap reached",
};

/** The order of the strip: overdose first, then the gaps to close, then notices. */
const ORDER = ["overdose-risk-lost-tolerance", "recent-overdose", "no-naloxone", "no-oud-diagnosis", "return-to-use", "cm-cap-reached"];
const orderOf = (code: string) => {
  const i = ORDER.indexOf(code.startsWith("no-naloxone") ? "no-naloxone" : code);
  return i < 0 ? ORDER.length : i;
};

/** A warning is about safety when the engine says so, or (severity not given) when its code is a safety code. */
export function isSafetyWarning(w: EngineWarning): boolean {
  return w.severity !== undefined ? w.severity === "safety" : SAFETY_CODES.has(w.code);
}

/** Warnings listed in the strip (safety items and clinical notices); the rest are data notices. */
export function inStrip(w: EngineWarning): boolean {
  return isSafetyWarning(w) || w.severity === "notice" || (w.severity === undefined && NOTICE_CODES.has(w.code));
}

function labelFor(code: string): string {
  const known = LABELS[code];
  if (known) return known;
  const words = code.replace(/-/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * A message's first sentence and the rest: the strip shows the first, the rest (and the references) one click away.
 * A full stop inside parentheses ("(… [65]. …)") does not end the sentence.
 */
export function firstSentence(text: string): { head: string; rest: string } {
  let depth = 0;
  for (let i = 0; i < text.length - 2; i++) {
    const c = text[i];
    if (c === "(" || c === "[") depth++;
    else if ((c === ")" || c === "]") && depth > 0) depth--;
    else if (c === "." && depth === 0 && text[i + 1] === " " && /[A-Z]/.test(text[i + 2]!)) return { head: text.slice(0, i + 1), rest: text.slice(i + 2) };
  }
  return { head: text, rest: "" };
}

/** The message without a leading repeat of its label ("Return to use: …" under the label "Return to use"). */
function withoutLabel(message: string, label: string): string {
  return message.toLowerCase().startsWith(`${label.toLowerCase()}:`) ? message.slice(label.length + 1).trimStart() : message;
}

export function safetyItems(evaluation: Evaluation): SafetyItem[] {
  const items: SafetyItem[] = evaluation.warnings.filter(inStrip).map((w) => {
    const label = labelFor(w.code);
    return { code: w.code, label, message: withoutLabel(w.message, label), refs: w.refs ?? [], safety: isSafetyWarning(w) };
  });
  const has = (test: (code: string) => boolean) => evaluation.warnings.some((w) => test(w.code));
  // Safety facts the engine states as facts; shown from the facts when no warning carries them.
  if (evaluation.recentNaloxoneKit === null && !has((c) => c.includes("naloxone")))
    items.push({ code: "no-naloxone", label: LABELS["no-naloxone"]!, message: "none prescribed (active or completed) in the last 12 months.", refs: [], safety: true });
  const overdose = evaluation.conditions.recentOverdose;
  if (overdose && !has((c) => c === "recent-overdose"))
    items.push({
      code: "recent-overdose",
      label: LABELS["recent-overdose"]!,
      message: "(within the last 6 months).",
      refs: [overdose.ref],
      safety: true,
      refsFirst: true,
    });
  if (evaluation.conditions.oud.length === 0 && !has((c) => c === "no-oud-diagnosis"))
    items.push({ code: "no-oud-diagnosis", label: LABELS["no-oud-diagnosis"]!, message: "No active opioid use disorder diagnosis was found in the record.", refs: [], safety: true });
  return items
    .map((item, i) => ({ item, i }))
    .sort((a, b) => Number(b.item.safety) - Number(a.item.safety) || orderOf(a.item.code) - orderOf(b.item.code) || a.i - b.i)
    .map(({ item }) => item);
}
