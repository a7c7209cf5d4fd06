// The recommendation rules (clinical-spec.md §3). Each rule is a row: which recommendation, which tier, and when it
// fires (returning the reason, pointing at the resources or clinician inputs behind it). All rules fire; for each
// recommendation the highest tier wins and every fired reason is kept, primary reasons first. Safety rules run
// second, because they depend on what the first pass decided (e.g. "CM is primary").
// Reference numbers in brackets are the seed review's (../shared/seeds/000); text and evidence come from catalog.ts.
import { CATALOG } from "./catalog.ts";
import { datePart } from "./dates.ts";
import type {
  ClinicianContext,
  CmStatus,
  EngineWarning,
  Facts,
  MoudFlag,
  MoudMedication,
  Reason,
  Recommendation,
  RecommendationId,
  Ref,
  Stage,
  Tier,
} from "./types.ts";

export interface Rule {
  id: RecommendationId;
  tier: Tier;
  when(facts: Facts, context: ClinicianContext, cm: CmStatus): Reason | null;
}

/** A rule that reads the first pass's tiers (the safety rules). */
export interface SafetyRule {
  id: RecommendationId;
  tier: Tier;
  when(facts: Facts, context: ClinicianContext, cm: CmStatus, tiers: ReadonlyMap<RecommendationId, Tier>): Reason | null;
}

// Clinician inputs, as refs.
export const INPUT_FAMILY = "input:family";
export const INPUT_PREFERS_NO_MEDICATION = "input:prefers-no-medication";
export const INPUT_NO_CM = "input:no-cm";
export const INPUT_OTP = "input:otp";

// ---------------------------------------------------------------- helpers

const reason = (text: string, refs: Ref[] = []): Reason => ({ text, refs: [...new Set(refs)] });

function stageRefs(f: Facts): Ref[] {
  return f.stage.source ? [f.stage.source] : [];
}

/** "stage contemplation (recorded 2024-01-05, stale: older than 90 days)" or "stage of change unknown (none recorded)". */
export function describeStage(f: Facts): string {
  const s = f.stage;
  if (s.value === "unknown") return "stage of change unknown (none recorded)";
  const date = datePart(s.observedAt) ?? "date unknown";
  const ruler = s.method === "readiness-ruler" && s.rulerScore !== undefined ? `, readiness ruler ${s.rulerScore}/10` : "";
  return `stage ${s.value} (recorded ${date}${ruler}${s.stale ? ", stale: older than 90 days" : ""})`;
}

function inStage(f: Facts, ...stages: Stage[]): boolean {
  return f.stage.value !== "unknown" && stages.includes(f.stage.value);
}

const onMoud = (f: Facts): boolean => f.moud.active.length > 0;

function listMeds(items: { medication: MoudMedication; request: Ref }[]): string {
  return items.map((m) => `${m.medication} (${m.request})`).join(", ");
}

function flagsOf(f: Facts, code: MoudFlag["code"]): MoudFlag[] {
  return f.moud.flags.filter((fl) => fl.code === code);
}

function flagText(flags: MoudFlag[]): string {
  return flags.map((fl) => `${fl.medication}${fl.date ? ` on ${fl.date}` : ""}`).join(", ");
}

function returnToUseText(f: Facts): string {
  const stageDate = datePart(f.stage.observedAt) ?? "an unknown date";
  return `return to use: an illicit-opioid-positive urine test after the ${f.stage.value} stage recorded ${stageDate}`;
}

const returnToUseRefs = (f: Facts): Ref[] => [...f.returnToUseRefs, ...stageRefs(f)];

// ---------------------------------------------------------------- the rule table

export const RULES: readonly Rule[] = [
  // ---- moud (seed OVERVIEW, SUMMARY, PSYCHOSOCIAL TREATMENT ALONE)
  {
    id: "moud",
    tier: "primary",
    when: (f) =>
      f.moud.active.length === 0 && f.moud.onHold.length === 0
        ? reason(
            "No active medication for OUD: offer and discuss starting buprenorphine, methadone or naltrexone " +
              "(naltrexone only after medically supervised withdrawal). Declining psychosocial care never delays " +
              "medication (seed OVERVIEW, SUMMARY).",
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
              "Declining psychosocial care never delays medication.",
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
              "alone (seed PSYCHOSOCIAL TREATMENT ALONE). The offer stays open at every visit.",
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
            `On MOUD: ${listMeds(f.moud.active)}. Continue it and support adherence (seed OVERVIEW).`,
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

  // ---- stage-assessment [1]
  {
    id: "stage-assessment",
    tier: "primary",
    when: (f) =>
      f.stage.value === "unknown" ? reason("No stage of change recorded: assess readiness to change [1].") : null,
  },
  {
    id: "stage-assessment",
    tier: "primary",
    when: (f) =>
      f.stage.value !== "unknown" && f.stage.stale
        ? reason(`The latest ${describeStage(f)}: reassess readiness to change [1].`, stageRefs(f))
        : null,
  },
  {
    id: "stage-assessment",
    tier: "primary",
    when: (f) =>
      f.returnToUse
        ? reason(
            `${capitalise(returnToUseText(f))}: reassess the stage together with the patient; stage changes are ` +
              "common [1].",
            returnToUseRefs(f),
          )
        : null,
  },

  // ---- motivational-interviewing [13,14,20]; seed SELECTING PSYCHOTHERAPY
  {
    id: "motivational-interviewing",
    tier: "primary",
    when: (f) =>
      f.stage.value === "unknown" || inStage(f, "precontemplation", "contemplation")
        ? reason(
            `${capitalise(describeStage(f))}: MI helps resolve mixed feelings about change (seed SELECTING ` +
              "PSYCHOTHERAPY) [13].",
            stageRefs(f),
          )
        : null,
  },
  {
    id: "motivational-interviewing",
    tier: "primary",
    when: (f) =>
      f.returnToUse
        ? reason(
            `${capitalise(returnToUseText(f))}: use MI to revisit motivation without judgement (seed SELECTING ` +
              "PSYCHOTHERAPY) [13].",
            returnToUseRefs(f),
          )
        : null,
  },
  {
    id: "motivational-interviewing",
    tier: "consider",
    when: (f) =>
      inStage(f, "preparation", "action", "maintenance")
        ? reason(
            `${capitalise(describeStage(f))}: MI can be used at any point in treatment (seed SELECTING PSYCHOTHERAPY).`,
            stageRefs(f),
          )
        : null,
  },
  {
    id: "motivational-interviewing",
    tier: "consider",
    when: (f) =>
      f.stimulantUse
        ? reason(
            "Stimulant use (a cocaine or amphetamine positive test in the last 30 days): MI can also address other " +
              "substances (seed MOTIVATIONAL INTERVIEWING).",
            f.stimulantUseRefs,
          )
        : null,
  },

  // ---- contingency-management [18,19,2,10–17,62]; seed CONTINGENCY MANAGEMENT
  {
    id: "contingency-management",
    tier: "primary",
    when: (f, c) =>
      f.ongoingOpioidUse && c.canDeliverCm
        ? reason(
            "Ongoing opioid use (an illicit-opioid-positive test in the last 30 days): CM gives a defined target to " +
              "reinforce [18,19].",
            f.ongoingOpioidUseRefs,
          )
        : null,
  },
  {
    id: "contingency-management",
    tier: "primary",
    when: (f, c) =>
      f.stimulantUse && c.canDeliverCm
        ? reason(
            "Stimulant use (a cocaine or amphetamine positive test in the last 30 days): CM reduces use of other " +
              "substances such as stimulants [2,10–17].",
            f.stimulantUseRefs,
          )
        : null,
  },
  {
    id: "contingency-management",
    tier: "consider",
    when: (f, c) =>
      (f.ongoingOpioidUse || f.stimulantUse) && !c.canDeliverCm
        ? reason(
            `${f.ongoingOpioidUse ? "Ongoing opioid use" : "Stimulant use"} would call for CM, but this setting ` +
              "cannot deliver it: refer to a program that can (seed CONTINGENCY MANAGEMENT: not available everywhere, " +
              "regulated) [18].",
            [...f.ongoingOpioidUseRefs, ...f.stimulantUseRefs, INPUT_NO_CM],
          )
        : null,
  },
  {
    id: "contingency-management",
    tier: "consider",
    when: (f, c) =>
      inStage(f, "precontemplation", "contemplation")
        ? reason(
            `${capitalise(describeStage(f))}: CM can serve as a bridge to change when motivation is low (seed ` +
              `SELECTING PSYCHOTHERAPY)${c.canDeliverCm ? "" : "; this setting cannot deliver CM, so refer"}.`,
            c.canDeliverCm ? stageRefs(f) : [...stageRefs(f), INPUT_NO_CM],
          )
        : null,
  },
  {
    id: "contingency-management",
    tier: "primary",
    when: (_f, _c, cm) => {
      if (!cm.enrolled || cm.completed) return null;
      const where = cm.currentWeek !== null ? `week ${cm.currentWeek} of ${cm.programWeeks}` : `starts ${cm.startDate}`;
      return reason(`Enrolled in CM since ${cm.startDate}: continue (${where}).`, cm.source ? [cm.source] : []);
    },
  },

  // ---- cbt, wraparound-services, community-reinforcement: seed SELECTING PSYCHOTHERAPY
  {
    id: "cbt",
    tier: "primary",
    when: (f) =>
      inStage(f, "preparation", "action")
        ? reason(
            `${capitalise(describeStage(f))}: action-oriented skills work suits this stage; pair CBT with wraparound ` +
              "services (seed SELECTING PSYCHOTHERAPY) [22,24].",
            stageRefs(f),
          )
        : null,
  },
  {
    id: "wraparound-services",
    tier: "primary",
    when: (f) =>
      inStage(f, "preparation", "action")
        ? reason(
            `${capitalise(describeStage(f))}: pair CBT with wraparound social services (seed SELECTING PSYCHOTHERAPY).`,
            stageRefs(f),
          )
        : null,
  },
  {
    id: "community-reinforcement",
    tier: "consider",
    when: (f) =>
      inStage(f, "preparation", "action")
        ? reason(
            `${capitalise(describeStage(f))}: the community reinforcement approach can also be used at this stage ` +
              "(seed SELECTING PSYCHOTHERAPY) [60,61].",
            stageRefs(f),
          )
        : null,
  },

  // ---- mutual-help [50–54]
  {
    id: "mutual-help",
    tier: "primary",
    when: (f) =>
      inStage(f, "action", "maintenance")
        ? reason(
            `${capitalise(describeStage(f))}: offer mutual help groups or 12-step facilitation (seed SELECTING ` +
              "PSYCHOTHERAPY) [51–53].",
            stageRefs(f),
          )
        : null,
  },
  {
    id: "mutual-help",
    tier: "primary",
    when: (f) =>
      inStage(f, "action", "maintenance") && onMoud(f)
        ? reason(
            "On MOUD: suggest MOUD-friendly groups (Methadone Anonymous, Medication-Assisted Recovery Services) and " +
              "talk about stigma; some Narcotics Anonymous groups restrict members on MOUD [50,54].",
            f.moud.active.map((m) => m.request),
          )
        : null,
  },

  // ---- peer-support [56]; seed PEER SUPPORT STRATEGIES
  {
    id: "peer-support",
    tier: "primary",
    when: (f) =>
      inStage(f, "action", "maintenance")
        ? reason(
            `${capitalise(describeStage(f))}: offer peer-supported recovery (seed SELECTING PSYCHOTHERAPY).`,
            stageRefs(f),
          )
        : null,
  },
  {
    id: "peer-support",
    tier: "primary",
    when: (f) => {
      const od = f.conditions.recentOverdose;
      return od
        ? reason(
            `Opioid overdose on ${od.date} (within 6 months): peer support after an overdose raised MOUD enrolment ` +
              "and lowered overdoses [56].",
            [od.ref],
          )
        : null;
    },
  },
  {
    id: "peer-support",
    tier: "primary",
    when: (f) =>
      !onMoud(f) && f.ongoingOpioidUse
        ? reason(
            "Ongoing opioid use and no active MOUD: peer support is best suited to starting MOUD (seed PEER SUPPORT " +
              "STRATEGIES) [56].",
            f.ongoingOpioidUseRefs,
          )
        : null,
  },
  {
    id: "peer-support",
    tier: "consider",
    when: (f) =>
      !onMoud(f) ? reason("Not on MOUD: a peer coach can help with starting it (seed PEER SUPPORT STRATEGIES) [56].") : null,
  },

  // ---- family involvement [37–43,63,64]
  {
    id: "family-therapy",
    tier: "consider",
    when: (_f, c) =>
      c.familyInvolved
        ? reason(
            "Family or partner involved: behavioral family or couples therapy needs an abstinent family member or " +
              "partner who wants to take part [37–39].",
            [INPUT_FAMILY],
          )
        : null,
  },
  {
    id: "craft",
    tier: "primary",
    when: (f, c) =>
      c.familyInvolved && inStage(f, "precontemplation")
        ? reason(
            `Family involved and ${describeStage(f)}: CRAFT helps families engage a loved one not yet motivated ` +
              "for treatment [40,63].",
            [INPUT_FAMILY, ...stageRefs(f)],
          )
        : null,
  },
  {
    id: "craft",
    tier: "consider",
    when: (_f, c) =>
      c.familyInvolved
        ? reason("Family involved: CRAFT supports family members, with or without the patient [40,63,64].", [INPUT_FAMILY])
        : null,
  },
  {
    id: "network-therapy",
    tier: "consider",
    when: (_f, c) =>
      c.familyInvolved
        ? reason("Family or friends involved: network therapy enlists them to support treatment [43].", [INPUT_FAMILY])
        : null,
  },

  // ---- naloxone [65]; seed FAMILY INVOLVEMENT AND EDUCATION
  {
    id: "naloxone",
    tier: "primary",
    when: (f) =>
      f.recentNaloxoneKit === null
        ? reason(
            "No naloxone rescue kit prescribed (active or completed) in the last 12 months: give overdose education " +
              "and a kit with training to the patient and family (seed FAMILY INVOLVEMENT AND EDUCATION) [65].",
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
              "and family [65].",
            [f.recentNaloxoneKit],
          )
        : null,
  },

  // ---- addiction-counseling [44–49]; seed OVERVIEW (regulatory requirements)
  {
    id: "addiction-counseling",
    tier: "primary",
    when: (f) => {
      const methadone = f.moud.active.filter((m) => m.medication === "methadone");
      return methadone.length
        ? reason(
            `On methadone (${methadone.map((m) => m.request).join(", ")}): opioid treatment programs are required to ` +
              "offer counseling; declining it never stops the medication (seed OVERVIEW) [44–49].",
            methadone.map((m) => m.request),
          )
        : null;
    },
  },
  {
    id: "addiction-counseling",
    tier: "primary",
    when: (_f, c) =>
      c.otp
        ? reason(
            "Opioid treatment program: the program is required to offer addiction counseling; declining it never " +
              "stops the medication (seed OVERVIEW) [44–49].",
            [INPUT_OTP],
          )
        : null,
  },
  {
    id: "addiction-counseling",
    tier: "consider",
    when: (f, c) =>
      !c.otp && !f.moud.active.some((m) => m.medication === "methadone")
        ? reason("Addiction counseling can support treatment; evidence as an add-on to MOUD is weak [44–49].")
        : null,
  },

  // ---- nonmedication-program [58,61]; seed PSYCHOSOCIAL TREATMENT ALONE
  {
    id: "nonmedication-program",
    tier: "primary",
    when: (_f, c) =>
      c.prefersNoMedication
        ? reason(
            "The patient prefers treatment without medication: plan a combined psychosocial program, usually after " +
              "medically supervised withdrawal, while MOUD stays on offer [58,61].",
            [INPUT_PREFERS_NO_MEDICATION],
          )
        : null,
  },
];

// ---------------------------------------------------------------- safety rules (second pass)

/** Why the overdose warning applies (no active MOUD and abstinence-oriented care), or null. */
function lostToleranceRisk(
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
              "carries a high risk of fatal overdose. Give naloxone and overdose education (seed FAMILY INVOLVEMENT " +
              "AND EDUCATION; SAMHSA 2025 caution) [65].",
            risk.refs,
          )
        : null;
    },
  },
];

// ---------------------------------------------------------------- evaluation

const TIER_RANK: Record<Tier, number> = { primary: 0, consider: 1 };

interface Fired {
  tier: Tier;
  reason: Reason;
}

function collect(
  fired: Map<RecommendationId, Fired[]>,
  id: RecommendationId,
  tier: Tier,
  r: Reason | null,
): void {
  if (!r) return;
  const list = fired.get(id) ?? [];
  list.push({ tier, reason: r });
  fired.set(id, list);
}

function topTier(list: Fired[]): Tier {
  return list.some((x) => x.tier === "primary") ? "primary" : "consider";
}

/** The behaviour CM should reinforce (clinical-spec §3; seed CONTINGENCY MANAGEMENT, [62]). */
export function cmTarget(f: Facts, c: ClinicianContext): string {
  const parts: string[] = [];
  if (onMoud(f)) parts.push("abstinence from illicit opioids (opioid-negative urine tests)");
  else if (c.prefersNoMedication)
    // Seed [62]: CM works in patients treated without medication; rewarding MOUD initiation would go against the
    // patient's stated choice, so the target is opioid abstinence and attendance (the MOUD offer stays open).
    parts.push("abstinence from illicit opioids and attendance at the program");
  else parts.push("starting MOUD, taking it as prescribed, and attending visits");
  if (f.stimulantUse) parts.push("abstinence from stimulants (cocaine, amphetamine)");
  return parts.join("; plus ");
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/**
 * Run every rule, group by recommendation, keep the highest tier and all reasons (primary reasons first).
 * Output: primary recommendations first, then consider, each in catalog order.
 */
export function recommend(
  facts: Facts,
  context: ClinicianContext,
  cm: CmStatus,
): { recommendations: Recommendation[]; warnings: EngineWarning[] } {
  const fired = new Map<RecommendationId, Fired[]>();
  for (const rule of RULES) collect(fired, rule.id, rule.tier, rule.when(facts, context, cm));

  const tiers = new Map<RecommendationId, Tier>([...fired].map(([id, list]) => [id, topTier(list)]));
  for (const rule of SAFETY_RULES) collect(fired, rule.id, rule.tier, rule.when(facts, context, cm, tiers));

  const recommendations: Recommendation[] = [];
  for (const entry of CATALOG) {
    const list = fired.get(entry.id);
    if (!list?.length) continue;
    const ordered = [...list].sort((a, b) => TIER_RANK[a.tier] - TIER_RANK[b.tier]); // stable: table order kept
    const rec: Recommendation = {
      id: entry.id,
      tier: topTier(list),
      title: entry.title,
      activity: entry.activity,
      reasons: ordered.map((x) => x.reason),
      evidence: entry.evidence.map((e) => ({ ...e, refs: [...e.refs] })),
    };
    if (entry.id === "contingency-management") rec.target = cmTarget(facts, context);
    recommendations.push(rec);
  }
  recommendations.sort((a, b) => TIER_RANK[a.tier] - TIER_RANK[b.tier]); // stable: catalog order within a tier

  const warnings: EngineWarning[] = [];
  const risk = lostToleranceRisk(facts, context, cm, tiers);
  if (risk) {
    warnings.push({
      code: "overdose-risk-lost-tolerance",
      message:
        `No active MOUD while ${risk.because.join(" and ")}. After a period without opioids tolerance is lower, ` +
        "so a return to use can cause a fatal overdose. Make sure the patient and family have naloxone and " +
        "overdose education, and keep offering MOUD. This is a caution, not a block: CM also works alongside " +
        "psychosocial treatment alone [62] (seed FAMILY INVOLVEMENT AND EDUCATION; SAMHSA 2025 caution).",
      refs: risk.refs,
    });
  }
  if (facts.returnToUse) {
    warnings.push({
      code: "return-to-use",
      message:
        `${capitalise(returnToUseText(facts))}. Stage changes are common: review the stage and the plan together ` +
        "with the patient (seed SELECTING PSYCHOTHERAPY).",
      refs: returnToUseRefs(facts),
    });
  }
  return { recommendations, warnings };
}
