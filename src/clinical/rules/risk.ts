// Risk rules and safety warnings of clinical-spec §7: no opioid tolerance on naltrexone (§7.3), a recent overdose
// (§7.4), illicit opioid use while MOUD is active (§7.5), preliminary positives awaiting confirmation (§7.2), and no
// OUD diagnosis on record (§7.7). Bracketed numbers are reference numbers of the topic review "Opioid use disorder:
// psychosocial management"; the FDA label and the ASAM guideline are named where they are the source.
import { daysBetween } from "../dates.ts";
import { cite, citeOther } from "../references.ts";
import type { EngineWarning, Facts, Ref } from "../types.ts";
import { listMeds, onMoud, onRecentOverdose, reason, returnToUseRefs, returnToUseText } from "./shared.ts";
import type { Rule } from "./shared.ts";

const NALOXONE_CITE = cite("Family involvement and education", [65]);

/** The requests of the active MOUD when every active MOUD is naltrexone (it leaves no opioid tolerance), else null. */
export function naltrexoneOnly(f: Facts): Ref[] | null {
  if (!onMoud(f) || f.moud.active.some((m) => m.medication !== "naltrexone")) return null;
  return f.moud.active.map((m) => m.request);
}

/** "2026-09-23 (61 days ago)". */
export function dateAndDaysAgo(date: string, now: string): string {
  const days = daysBetween(date, now);
  return `${date} (${days === 0 ? "today" : days === 1 ? "1 day ago" : `${days} days ago`})`;
}

/** "fentanyl on 2026-11-22, opiates on 2026-11-22" for the preliminary illicit-opioid positives awaiting confirmation. */
function preliminaryText(f: Facts): string {
  return f.preliminaryOpioidPositives.map((p) => `${p.analyte} on ${p.date}`).join(", ");
}

const preliminaryRefs = (f: Facts): Ref[] => f.preliminaryOpioidPositives.map((p) => p.source);

/** First-pass rules: they read the facts only. */
export const RISK_RULES: readonly Rule[] = [
  // ---- naloxone: a recent overdose (§7.4), whatever kits are on record (the last kit may have been used)
  {
    id: "naloxone",
    tier: "primary",
    when: onRecentOverdose(
      (date, f) =>
        `Opioid overdose on ${dateAndDaysAgo(date, f.now)}: give naloxone and overdose education now, whatever ` +
        `kits are on record, since the last kit may have been used ${NALOXONE_CITE}.`,
    ),
  },
  // ---- naloxone: naltrexone leaves no opioid tolerance (§7.3)
  {
    id: "naloxone",
    tier: "primary",
    when: (f) => {
      const requests = naltrexoneOnly(f);
      return requests
        ? reason(
            `The only active MOUD is naltrexone (${listMeds(f.moud.active)}), which leaves no opioid tolerance: ` +
              "overdose risk is highest after a missed dose or when the medication wears off. Give naloxone and " +
              `overdose education to the patient and family ${citeOther("fda-naltrexone-xr")} ${NALOXONE_CITE}.`,
            requests,
          )
        : null;
    },
  },
  // ---- naloxone and stage-assessment: a preliminary illicit-opioid positive in the last 14 days (§7.2)
  {
    id: "naloxone",
    tier: "consider",
    when: (f) =>
      f.preliminaryOpioidPositives.length
        ? reason(
            `Awaiting confirmation: a preliminary positive urine test (${preliminaryText(f)}), not counted until it is ` +
              `confirmed. Talk about overdose risk and check the patient and family have naloxone now ${NALOXONE_CITE}.`,
            preliminaryRefs(f),
          )
        : null,
  },
  {
    id: "stage-assessment",
    tier: "consider",
    when: (f) =>
      f.preliminaryOpioidPositives.length
        ? reason(
            `Awaiting confirmation: a preliminary positive urine test (${preliminaryText(f)}), not counted until it is ` +
              `confirmed. If it is confirmed, reassess readiness to change together with the patient ${cite("Selecting psychotherapy", [1])}.`,
            preliminaryRefs(f),
          )
        : null,
  },
  // ---- moud: illicit opioid use while MOUD is active (§7.5): optimise the medication first
  {
    id: "moud",
    tier: "primary",
    when: (f) => {
      if (!onMoud(f) || (!f.ongoingOpioidUse && !f.returnToUse)) return null;
      const what = f.returnToUse
        ? returnToUseText(f)
        : "ongoing opioid use (an illicit-opioid-positive urine test in the last 30 days)";
      return reason(
        `Illicit opioid use while on MOUD (${listMeds(f.moud.active)}), ${what}: continue the medication and review ` +
          "the dose, adherence and formulation with the patient, optimising the medication before adding intensity " +
          `elsewhere ${citeOther("asam-2020")}.`,
        [...f.moud.active.map((m) => m.request), ...f.ongoingOpioidUseRefs, ...(f.returnToUse ? returnToUseRefs(f) : [])],
      );
    },
  },
];

/** The exact no-diagnosis message of clinical-spec §7.7. */
export const NO_OUD_DIAGNOSIS_MESSAGE =
  "No opioid use disorder diagnosis on record: recommendations assume OUD; confirm the diagnosis.";

/** Safety warnings of §7 (severity "safety"): recent overdose, lost tolerance on naltrexone, no OUD diagnosis. */
export function riskWarnings(f: Facts): EngineWarning[] {
  const warnings: EngineWarning[] = [];
  const od = f.conditions.recentOverdose;
  if (od) {
    warnings.push({
      code: "recent-overdose",
      severity: "safety",
      message:
        `Opioid overdose on ${dateAndDaysAgo(od.date, f.now)}, within the last 6 months. Give naloxone and overdose ` +
        "education now, whatever kits are on record (the last kit may have been used)" +
        `${onMoud(f) ? "" : ", and offer MOUD"} ${NALOXONE_CITE}. In a randomized pilot of 80 people with an overdose in ` +
        "the past 6 months and recent opioid-positive tests, peer recovery support raised MOUD enrolment and lowered " +
        `overdoses ${cite("Peer support strategies", [56])}.`,
      refs: [od.ref],
    });
  }
  const naltrexone = naltrexoneOnly(f);
  if (naltrexone) {
    warnings.push({
      code: "overdose-risk-lost-tolerance",
      severity: "safety",
      message:
        `The only active MOUD is naltrexone (${listMeds(f.moud.active)}): it leaves no opioid tolerance, so opioid ` +
        "use after a missed dose or when the medication wears off can cause a fatal overdose. Make sure the patient " +
        `and family have naloxone and overdose education ${citeOther("fda-naltrexone-xr")} ${NALOXONE_CITE}.`,
      refs: naltrexone,
    });
  }
  if (f.conditions.oud.length === 0) {
    warnings.push({ code: "no-oud-diagnosis", severity: "safety", message: NO_OUD_DIAGNOSIS_MESSAGE });
  }
  return warnings;
}
