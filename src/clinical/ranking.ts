// What to do first (clinical-spec §7.8): primary recommendations are ranked safety first (naloxone when an overdose
// warning is shown, then moud), then stage-assessment, then the other primary ones (the stage-matched psychosocial
// ones) in catalog order; consider ones follow in catalog order. The engine's recommendations array comes out in
// this order with a `rank` (1 = first), so the CLI and the app show the same order. Pure.
import { catalogIndex } from "./catalog.ts";
import type { EngineWarning, Recommendation } from "./types.ts";

/** Warnings that make naloxone a safety item at the top (an overdose risk the clinician is warned about). */
export const OVERDOSE_WARNING_CODES: ReadonlySet<string> = new Set(["overdose-risk-lost-tolerance", "recent-overdose"]);

/** 0 naloxone with an overdose warning, 1 moud, 2 stage-assessment, 3 other primary, 4 consider. */
function group(r: Omit<Recommendation, "rank">, overdoseWarning: boolean): number {
  if (r.tier !== "primary") return 4;
  if (r.id === "naloxone" && overdoseWarning) return 0;
  if (r.id === "moud") return 1;
  if (r.id === "stage-assessment") return 2;
  return 3;
}

/** The recommendations in ranked order, each with its rank (1-based). */
export function rankRecommendations(recs: readonly Omit<Recommendation, "rank">[], warnings: readonly EngineWarning[]): Recommendation[] {
  const overdoseWarning = warnings.some((w) => OVERDOSE_WARNING_CODES.has(w.code));
  return recs
    .map((r) => ({ r, g: group(r, overdoseWarning), c: catalogIndex(r.id) }))
    .sort((a, b) => a.g - b.g || a.c - b.c)
    .map(({ r }, i) => ({ ...r, rank: i + 1 }));
}
