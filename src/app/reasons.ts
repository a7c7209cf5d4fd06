// Reasons without repeats. The engine writes each reason as "fact: advice" ("Stage action (recorded 2026-09-14):
// offer peer-supported recovery"), and several recommendations often rest on the same fact. The screens show such a
// shared fact once (with the resources behind it) and each recommendation's advice under a short tag naming it.
// Only a fact that several reasons share word for word is taken apart; any other reason is shown whole. Pure.
import { SOURCE_TITLE } from "../clinical/references.ts";
import type { Recommendation, Ref } from "../clinical/types.ts";

export interface SharedFact {
  id: string;
  /** The fact as the engine wrote it: "Stage action (recorded 2026-09-14)". */
  text: string;
  /** Its first words, as a tag: "Stage action". */
  short: string;
  refs: Ref[];
}

export interface ShownReason {
  /** The shared fact this reason rests on, or null (the reason is shown whole). */
  fact: SharedFact | null;
  /** With a fact: the advice after it; without: the whole reason. */
  text: string;
  refs: Ref[];
}

/** Where the reason's top-level ": " separators are (not inside parentheses: "(stale: older than 90 days)"). */
function separators(text: string): number[] {
  const out: number[] = [];
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "(" || c === "[") depth++;
    else if ((c === ")" || c === "]") && depth > 0) depth--;
    else if (c === ":" && text[i + 1] === " " && depth === 0) out.push(i);
  }
  return out;
}

/** The fact a reason states before its advice ("No active medication for OUD"), or null when it has no ": ". */
export function factOf(text: string): string | null {
  const seps = separators(text);
  return seps.length ? text.slice(0, seps[seps.length - 1]) : null;
}

/** Advice without its closing citation ("… services (Opioid use disorder: …, Selecting psychotherapy)."): one line. */
export function withoutCitation(text: string): string {
  const title = SOURCE_TITLE.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return text.replace(new RegExp(`\\s*\\((${title}|[^()]*\\[\\d[^()]*\\])[^()]*\\)\\.?$`), "").replace(/\s*\[[\d,–\s-]+\]\.?$/, "");
}

/**
 * The next steps: the first `count` "do now" recommendations in the engine's order (it ranks them), each with one
 * line of why: the fact its first reason states, or, when a step above already gave that fact, the advice after it.
 */
export function nextSteps(recs: readonly Recommendation[], count = 3): { rec: Recommendation; why: string }[] {
  const said = new Set<string>();
  return recs
    .filter((r) => r.tier === "primary")
    .slice(0, count)
    .map((rec) => {
      const first = rec.reasons[0]?.text ?? "";
      const fact = factOf(first);
      if (fact === null) return { rec, why: withoutCitation(first) };
      const why = said.has(fact) ? withoutCitation(first.slice(fact.length + 2)) : fact;
      said.add(fact);
      return { rec, why: why.charAt(0).toUpperCase() + why.slice(1) };
    });
}

function shortOf(fact: string): string {
  const cut = Math.min(...[fact.indexOf(" ("), fact.indexOf(": ")].map((i) => (i < 0 ? fact.length : i)));
  return fact.slice(0, cut);
}

/**
 * The facts several reasons share, in the order they first appear, and each recommendation's reasons as shown:
 * identical reasons within a recommendation once, and a shared fact replaced by its tag.
 */
export function shareFacts(recs: readonly Recommendation[]): { facts: SharedFact[]; reasons: Map<Recommendation, ShownReason[]> } {
  const unique = new Map(recs.map((r) => [r, r.reasons.filter((x, i) => r.reasons.findIndex((y) => y.text === x.text) === i)]));
  // How many reasons (across recommendations) state each candidate fact.
  const count = new Map<string, number>();
  for (const reasons of unique.values())
    for (const reason of reasons) for (const at of new Set(separators(reason.text).map((i) => reason.text.slice(0, i)))) count.set(at, (count.get(at) ?? 0) + 1);
  const facts = new Map<string, SharedFact>();
  const reasons = new Map<Recommendation, ShownReason[]>();
  for (const [rec, list] of unique) {
    reasons.set(
      rec,
      list.map((reason) => {
        const shared = separators(reason.text)
          .map((i) => reason.text.slice(0, i))
          .filter((p) => (count.get(p) ?? 0) >= 2)
          .pop();
        if (!shared) return { fact: null, text: reason.text, refs: reason.refs };
        let fact = facts.get(shared);
        if (!fact) {
          fact = { id: `fact-${facts.size + 1}`, text: shared, short: shortOf(shared), refs: [] };
          facts.set(shared, fact);
        }
        for (const ref of reason.refs) if (!fact.refs.includes(ref)) fact.refs.push(ref);
        return { fact, text: reason.text.slice(shared.length + 2), refs: [] };
      }),
    );
  }
  return { facts: [...facts.values()], reasons };
}
