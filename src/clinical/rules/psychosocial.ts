// Stage-matched psychosocial rules (clinical-spec.md §3; seed SELECTING PSYCHOTHERAPY): stage assessment,
// motivational interviewing, CBT with wraparound services, community reinforcement, mutual help and peer support.
import { capitalise, describeStage, inStage, onMoud, reason, returnToUseRefs, returnToUseText, stageRefs } from "./shared.ts";
import type { Rule } from "./shared.ts";

export const PSYCHOSOCIAL_RULES: readonly Rule[] = [
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
];
