// Contingency management rules (clinical-spec.md §3, §4; source section Contingency management) and the behaviour
// CM should reinforce.
import { cite } from "../references.ts";
import type { ClinicianContext, CmStatus, Facts } from "../types.ts";
import { capitalise, describeStage, INPUT_NO_CM, inStage, onMoud, reason, stageRefs } from "./shared.ts";
import type { Rule } from "./shared.ts";

export const CM_RULES: readonly Rule[] = [
  // ---- contingency-management: source sections Contingency management [2,10–19], Selecting psychotherapy
  {
    id: "contingency-management",
    tier: "primary",
    when: (f, c) =>
      f.ongoingOpioidUse && c.canDeliverCm
        ? reason(
            "Ongoing opioid use (an illicit-opioid-positive test in the last 30 days): CM gives a defined target to " +
              `reinforce ${cite("Contingency management", [18, 19])}.`,
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
            "Stimulant use (a cocaine or amphetamine positive test in the last 30 days): in people on MOUD, CM has " +
              `reduced use of other substances such as stimulants ${cite("Contingency management", [2, 10, 11, 12, 13, 14, 15, 16, 17])}.`,
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
              "cannot deliver it: refer to a program that can. CM is not available everywhere and is subject to " +
              `regulatory oversight ${cite("Contingency management")}.`,
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
            `${capitalise(describeStage(f))}: CM can serve as a bridge to change when motivation is low ` +
              `${cite("Selecting psychotherapy")}${c.canDeliverCm ? "" : "; this setting cannot deliver CM, so refer"}.`,
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
];

/**
 * What CM scores, naming exactly the analytes the weeks are scored on (clinical-spec §7.6; cm-target.ts): illicit
 * opioids, plus stimulants when the target includes them.
 */
export function cmTarget(cm: CmStatus): string {
  return cm.target.analytes.includes("stimulants")
    ? "abstinence from illicit opioids and stimulants (cocaine, amphetamine): a week counts as negative when every " +
        "opioid and stimulant result that week is negative"
    : "abstinence from illicit opioids: a week counts as negative when every illicit-opioid result that week is negative";
}

/**
 * Aims written in the plan, never scored from urine tests (clinical-spec §3, §7.6): MOUD initiation, adherence and
 * attendance when not on MOUD. When the patient prefers no medication, attendance only: CM works in patients treated
 * without medication (source section Psychosocial treatment alone [62]), and rewarding MOUD initiation would go against the patient's stated choice (the MOUD
 * offer stays open).
 */
export function cmAims(f: Facts, c: ClinicianContext): string[] {
  if (onMoud(f)) return [];
  if (c.prefersNoMedication) return ["attending the program"];
  return ["starting MOUD", "taking it as prescribed", "attending visits"];
}
