// The JSON that `cli evaluate` prints: the field names of clinical-spec §6 (fixed), plus extra fields.
import { evidenceText } from "../clinical/references.ts";
import type { Evaluation } from "../clinical/types.ts";

export function toCliJson(ev: Evaluation): Record<string, unknown> {
  const cm = ev.contingencyManagement;
  return {
    patient: ev.patient,
    now: ev.now,
    stage: {
      value: ev.stage.value,
      observedAt: ev.stage.observedAt,
      stale: ev.stage.stale,
      source: ev.stage.source,
      method: ev.stage.method,
      ...(ev.stage.rulerScore !== undefined ? { rulerScore: ev.stage.rulerScore } : {}),
    },
    moud: {
      active: ev.moud.active.map((a) => ({ medication: a.medication, request: a.request })),
      onHold: ev.moud.onHold,
      flags: ev.moud.flags,
    },
    uds: {
      tests: ev.uds.tests.map((t) => ({
        date: t.date,
        opioid: t.opioid,
        fentanylTested: t.fentanylTested,
        analytes: t.analytes.map((a) => ({
          analyte: a.analyte,
          result: a.result,
          prescribed: a.prescribed,
          source: a.source,
          code: a.code,
          status: a.status,
          counted: a.counted,
          preliminary: a.preliminary,
        })),
      })),
    },
    ongoingOpioidUse: ev.ongoingOpioidUse,
    stimulantUse: ev.stimulantUse,
    returnToUse: ev.returnToUse,
    preliminaryOpioidPositives: ev.preliminaryOpioidPositives,
    recentOverdose: ev.conditions.recentOverdose,
    oudConditions: ev.conditions.oud,
    recentNaloxoneKit: ev.recentNaloxoneKit,
    context: ev.context,
    contingencyManagement: {
      enrolled: cm.enrolled,
      schedule: cm.schedule,
      source: cm.source,
      startDate: cm.startDate,
      currentWeek: cm.currentWeek,
      programWeeks: cm.programWeeks,
      weeks: cm.weeks,
      counts: cm.counts,
      currentStreak: cm.currentStreak,
      longestStreak: cm.longestStreak,
      earnedThisWeek: cm.earnedThisWeek,
      earnedTotal: cm.earnedTotal,
      earnedValue: cm.earnedValue,
      // The reward log (clinical-spec §6 allows added fields): handed out, its money value, still owed, beyond earned.
      givenTotal: cm.givenTotal,
      givenValue: cm.givenValue,
      owed: cm.owed,
      givenBeyondEarned: cm.givenBeyondEarned,
      nextIfNegative: cm.nextIfNegative,
      capRemaining: cm.capRemaining,
      capReached: cm.capReached,
      completed: cm.completed,
      target: cm.target,
      ...(cm.expectedValuePerDraw !== undefined ? { expectedValuePerDraw: cm.expectedValuePerDraw } : {}),
      params: cm.params,
    },
    recommendations: ev.recommendations.map((r) => ({
      id: r.id,
      rank: r.rank,
      tier: r.tier,
      title: r.title,
      reasons: r.reasons.map((x) => x.text),
      reasonRefs: r.reasons.map((x) => x.refs),
      evidence: r.evidence.map(evidenceText),
      ...(r.target ? { target: r.target } : {}),
      ...(r.aims ? { aims: r.aims } : {}),
    })),
    warnings: ev.warnings.map((w) => ({
      code: w.code,
      ...(w.severity ? { severity: w.severity } : {}),
      message: w.message,
      ...(w.refs ? { refs: w.refs } : {}),
    })),
  };
}
