// Medication and overdose rules (clinical-spec.md §3): MOUD, naloxone, the program without medication, and the
// second-pass safety rule that warns about lost tolerance when care is abstinence-oriented and no MOUD is active.
import { cite, citeOther } from "../references.ts";
import type { ClinicianContext, CmStatus, Facts, RecommendationId, Ref, Tier } from "../types.ts";
import { flagsOf, flagText, INPUT_PREFERS_NO_MEDICATION, listMeds, onMoud, reason } from "./shared.ts";
import type { Rule, SafetyRule } from "./shared.ts";

/** First-pass rules for moud, naloxone and nonmedication-program. */
export const MEDICATION_RULES: readonly Rule[] = [
  // ---- moud (source sections Overview, Summary, Psychosocial treatment alone; ASAM 2020)
  {
    id: "moud",
    tier: "primary",
    when: (f) =>
      f.moud.active.length === 0 && f.moud.onHold.length === 0
        ? reason(
            "No active medication for OUD: offer and discuss starting buprenorphine, methadone or naltrexone, " +
              `naltrexone only after medically supervised withdrawal ${cite("Overview", "Summary")}. Declining ` +
              `psychosocial care never delays medication ${citeOther("asam-2020")}.`,
            f.conditions.oud,
          )
        : null,
  },
  {
    id: "moud",
    tier: "primary",
    when: (f) =>
      f.moud.active.length === 0 && f.moud.onHold.length > 0
        ? reason(
            `MOUD on hold: ${listMeds(f.moud.onHold)}. Discuss resuming it; on hold counts as not active. ` +
              `Declining psychosocial care never delays medication ${citeOther("asam-2020")}.`,
            f.moud.onHold.map((m) => m.request),
          )
        : null,
  },
  {
    id: "moud",
    tier: "primary",
    when: (f, c) =>
      c.prefersNoMedication && f.moud.active.length === 0
        ? reason(
            "The patient prefers treatment without medication: respect the choice and still offer MOUD, since most " +
              "trials found less opioid use and more abstinence with medication than with psychosocial treatment " +
              `alone ${cite("Psychosocial treatment alone")}. The offer stays open at every visit.`,
            [INPUT_PREFERS_NO_MEDICATION],
          )
        : null,
  },
  {
    id: "moud",
    tier: "consider",
    when: (f) =>
      onMoud(f)
        ? reason(
            `On MOUD: ${listMeds(f.moud.active)}. Continue it and support adherence ${cite("Overview")}.`,
            f.moud.active.map((m) => m.request),
          )
        : null,
  },
  {
    id: "moud",
    tier: "consider",
    when: (f) => {
      const flags = flagsOf(f, "absent-while-prescribed");
      return flags.length
        ? reason(
            `Adherence: prescribed medication not found in a recent urine test (${flagText(flags)}). Talk about ` +
              "how the medication is being taken, without judgement.",
            flags.flatMap((fl) => fl.refs),
          )
        : null;
    },
  },
  {
    id: "moud",
    tier: "consider",
    when: (f) => {
      const flags = flagsOf(f, "non-prescribed-use");
      return flags.length
        ? reason(
            `MOUD medication found in a urine test without a prescription (${flagText(flags)}): discuss ` +
              "prescribing it.",
            flags.flatMap((fl) => fl.refs),
          )
        : null;
    },
  },
  {
    id: "moud",
    tier: "consider",
    when: (f) => {
      const flags = flagsOf(f, "adherence-confirmed");
      return flags.length && onMoud(f)
        ? reason(`Recent urine tests confirm the medication is being taken (${flagText(flags)}).`, flags.flatMap((fl) => fl.refs))
        : null;
    },
  },

  // ---- naloxone: source section Family involvement and education [65]
  {
    id: "naloxone",
    tier: "primary",
    when: (f) =>
      f.recentNaloxoneKit === null
        ? reason(
            "No naloxone rescue kit prescribed (active or completed) in the last 12 months: give overdose education " +
              `and a kit with training to the patient and family ${cite("Family involvement and education", [65])}.`,
          )
        : null,
  },
  {
    id: "naloxone",
    tier: "consider",
    when: (f) =>
      f.recentNaloxoneKit !== null
        ? reason(
            `Naloxone kit on record (${f.recentNaloxoneKit}): review the kit and overdose training with the patient ` +
              `and family ${cite("Family involvement and education", [65])}.`,
            [f.recentNaloxoneKit],
          )
        : null,
  },

  // ---- nonmedication-program: source section Psychosocial treatment alone [58,61]
  {
    id: "nonmedication-program",
    tier: "primary",
    when: (_f, c) =>
      c.prefersNoMedication
        ? reason(
            "The patient prefers treatment without medication: plan a combined psychosocial program, usually after " +
              `medically supervised withdrawal, while MOUD stays on offer ${cite("Psychosocial treatment alone", [58, 61])}.`,
            [INPUT_PREFERS_NO_MEDICATION],
          )
        : null,
  },
];

// ---------------------------------------------------------------- safety rules (second pass)

/** Why the overdose warning applies (no active MOUD and abstinence-oriented care), or null. */
export function lostToleranceRisk(
  f: Facts,
  _c: ClinicianContext,
  cm: CmStatus,
  tiers: ReadonlyMap<RecommendationId, Tier>,
): { because: string[]; refs: Ref[] } | null {
  if (onMoud(f)) return null;
  const because: string[] = [];
  const refs: Ref[] = [];
  if (tiers.get("contingency-management") === "primary") {
    because.push(cm.enrolled && !cm.completed ? "contingency management is under way" : "contingency management is recommended");
    if (cm.enrolled && cm.source) refs.push(cm.source);
    refs.push(...f.ongoingOpioidUseRefs, ...f.stimulantUseRefs);
  } else if (cm.enrolled && !cm.completed) {
    because.push("contingency management is under way");
    if (cm.source) refs.push(cm.source);
  }
  if (tiers.get("nonmedication-program") === "primary") {
    because.push("treatment is planned without medication");
    refs.push(INPUT_PREFERS_NO_MEDICATION);
  }
  return because.length ? { because, refs: [...new Set(refs)] } : null;
}

export const SAFETY_RULES: readonly SafetyRule[] = [
  {
    id: "naloxone",
    tier: "primary",
    when: (f, c, cm, tiers) => {
      const risk = lostToleranceRisk(f, c, cm, tiers);
      return risk
        ? reason(
            `No active MOUD and ${risk.because.join(" and ")}: tolerance falls with abstinence, so a return to use ` +
              `carries a high risk of fatal overdose ${citeOther("samhsa-2025")}. Give naloxone and overdose ` +
              `education ${cite("Family involvement and education", [65])}.`,
            risk.refs,
          )
        : null;
    },
  },
];
