// Stage-matched psychosocial rules (clinical-spec.md §3; source section Selecting psychotherapy): stage assessment,
// motivational interviewing, CBT with wraparound services, community reinforcement, mutual help and peer support.
import { cite } from "../references.ts";
import { capitalise, describeStage, inStage, onMoud, onRecentOverdose, reason, returnToUseRefs, returnToUseText, stageRefs } from "./shared.ts";
import type { Rule } from "./shared.ts";

export const PSYCHOSOCIAL_RULES: readonly Rule[] = [
  // ---- stage-assessment [1]
  {
    id: "stage-assessment",
    tier: "primary",
    when: (f) =>
      f.stage.value === "unknown" ? reason(`No stage of change recorded: assess readiness to change ${cite("Selecting psychotherapy", [1])}.`) : null,
  },
  {
    id: "stage-assessment",
    tier: "primary",
    when: (f) =>
      f.stage.value !== "unknown" && f.stage.stale
        ? reason(`The latest ${describeStage(f)}: reassess readiness to change ${cite("Selecting psychotherapy", [1])}.`, stageRefs(f))
        : null,
  },
  {
    id: "stage-assessment",
    tier: "primary",
    when: (f) =>
      f.returnToUse
        ? reason(
            `${capitalise(returnToUseText(f))}: reassess the stage together with the patient; stage changes are ` +
              `common ${cite("Selecting psychotherapy")}.`,
            returnToUseRefs(f),
          )
        : null,
  },

  // ---- motivational-interviewing: source sections Selecting psychotherapy, Motivational interviewing [13]
  {
    id: "motivational-interviewing",
    tier: "primary",
    when: (f) =>
      f.stage.value === "unknown" || inStage(f, "precontemplation", "contemplation")
        ? reason(
            `${capitalise(describeStage(f))}: MI helps resolve mixed feelings about change ` +
              `${cite("Selecting psychotherapy", "Motivational interviewing", [13])}.`,
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
            `${capitalise(returnToUseText(f))}: use MI to revisit motivation without judgement ` +
              `${cite("Selecting psychotherapy", "Motivational interviewing")}.`,
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
            `${capitalise(describeStage(f))}: MI can be used at any point in treatment ${cite("Selecting psychotherapy")}.`,
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
            "Stimulant use (a cocaine or amphetamine positive test in the last 30 days): MI can also be aimed at " +
              `other substances ${cite("Motivational interviewing")}.`,
            f.stimulantUseRefs,
          )
        : null,
  },

  // ---- cbt, wraparound-services, community-reinforcement: source section Selecting psychotherapy
  {
    id: "cbt",
    tier: "primary",
    when: (f) =>
      inStage(f, "preparation", "action")
        ? reason(
            `${capitalise(describeStage(f))}: action-oriented skills work likely suits this stage; pair CBT with ` +
              `wraparound services ${cite("Selecting psychotherapy")}. Evidence for CBT added to MOUD is mixed ` +
              `${cite("Cognitive-behavioral therapy", [22, 24, 25])}.`,
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
            `${capitalise(describeStage(f))}: pair CBT with wraparound social services ${cite("Selecting psychotherapy")}.`,
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
              `${cite("Selecting psychotherapy")}.`,
            stageRefs(f),
          )
        : null,
  },

  // ---- mutual-help: source sections Selecting psychotherapy, Mutual help groups [50–54]
  {
    id: "mutual-help",
    tier: "primary",
    when: (f) =>
      inStage(f, "action", "maintenance")
        ? reason(
            `${capitalise(describeStage(f))}: offer mutual help groups or 12-step facilitation ` +
              `${cite("Selecting psychotherapy", "Mutual help groups", [51, 52, 53])}.`,
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
              `talk about stigma; some Narcotics Anonymous groups restrict members on MOUD ${cite("Mutual help groups", [50, 54])}.`,
            f.moud.active.map((m) => m.request),
          )
        : null,
  },

  // ---- peer-support: source sections Selecting psychotherapy, Peer support strategies [56]
  {
    id: "peer-support",
    tier: "primary",
    when: (f) =>
      inStage(f, "action", "maintenance")
        ? reason(
            `${capitalise(describeStage(f))}: offer peer-supported recovery ${cite("Selecting psychotherapy")}.`,
            stageRefs(f),
          )
        : null,
  },
  {
    id: "peer-support",
    tier: "primary",
    when: onRecentOverdose(
      (date) =>
        `Opioid overdose on ${date} (within 6 months): in a pilot trial of people with a recent overdose and ` +
        "recent opioid-positive tests, a peer's phone call raised MOUD enrolment and lowered overdoses " +
        `${cite("Peer support strategies", [56])}.`,
    ),
  },
  {
    id: "peer-support",
    tier: "primary",
    when: (f) =>
      !onMoud(f) && f.ongoingOpioidUse
        ? reason(
            "Ongoing opioid use and no active MOUD: peer support seems best suited to starting MOUD " +
              `${cite("Peer support strategies")}.`,
            f.ongoingOpioidUseRefs,
          )
        : null,
  },
  {
    id: "peer-support",
    tier: "consider",
    when: (f) =>
      !onMoud(f) ? reason(`Not on MOUD: a peer coach can help with starting it ${cite("Peer support strategies")}.`) : null,
  },
];
