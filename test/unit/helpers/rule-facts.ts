// Hand-built Facts / CmStatus for rule tests. Defaults describe a quiet, stable patient: stage preparation recorded
// 10 days ago, on buprenorphine, a naloxone kit on record, no recent use, no overdose, OUD diagnosis on file.
// Every ref is a fixed, readable string so tests can assert that a reason points at it.
import { addDays } from "../../../src/clinical/dates.ts";
import type {
  CmParams,
  CmStatus,
  ClinicianContext,
  Facts,
  MoudFlag,
  MoudMedication,
  StageValue,
} from "../../../src/clinical/types.ts";
import { DEFAULT_CONTEXT } from "../../../src/clinical/types.ts";

export const NOW = "2025-06-15";

export const REF = {
  stage: "Observation/stage-1",
  oud: "Condition/oud-1",
  overdose: "Condition/od-1",
  opioidTest: "Observation/uds-opioid",
  stimulantTest: "Observation/uds-cocaine",
  returnTest: "Observation/uds-return",
  preliminaryTest: "Observation/uds-preliminary",
  naloxone: "MedicationRequest/naloxone-1",
  cmPlan: "CarePlan/cm-1",
  med: (m: MoudMedication) => `MedicationRequest/${m}-1`,
  held: (m: MoudMedication) => `MedicationRequest/${m}-hold`,
} as const;

export interface FactsSpec {
  stage?: StageValue;
  /** Days between the stage Observation and NOW (default 10); > 90 makes it stale. */
  stageAgeDays?: number;
  moud?: MoudMedication[];
  onHold?: MoudMedication[];
  flags?: MoudFlag[];
  ongoingOpioidUse?: boolean;
  stimulantUse?: boolean;
  returnToUse?: boolean;
  /** Days since a recent opioid overdose, if any. */
  overdoseDaysAgo?: number;
  naloxoneKit?: boolean;
  /** A preliminary fentanyl positive yesterday, awaiting confirmation. */
  preliminaryPositive?: boolean;
  /** No OUD diagnosis on record. */
  noOud?: boolean;
}

export function facts(spec: FactsSpec = {}): Facts {
  const stage = spec.stage ?? "preparation";
  const age = spec.stageAgeDays ?? 10;
  const moud = spec.moud ?? ["buprenorphine"];
  const onHold = spec.onHold ?? [];
  const overdose =
    spec.overdoseDaysAgo === undefined ? null : { ref: REF.overdose, date: addDays(NOW, -spec.overdoseDaysAgo) };
  return {
    patient: "Patient/p1",
    now: NOW,
    stage:
      stage === "unknown"
        ? { value: "unknown", observedAt: null, stale: false, source: null, method: null }
        : { value: stage, observedAt: addDays(NOW, -age), stale: age > 90, source: REF.stage, method: "coded" },
    moud: {
      active: moud.map((medication) => ({ medication, request: REF.med(medication) })),
      onHold: onHold.map((medication) => ({ medication, request: REF.held(medication) })),
      flags: spec.flags ?? [],
    },
    medications: [],
    uds: { tests: [] },
    conditions: { oud: spec.noOud ? [] : [REF.oud], overdoses: overdose ? [overdose] : [], recentOverdose: overdose },
    ongoingOpioidUse: spec.ongoingOpioidUse ?? false,
    ongoingOpioidUseRefs: spec.ongoingOpioidUse ? [REF.opioidTest] : [],
    stimulantUse: spec.stimulantUse ?? false,
    stimulantUseRefs: spec.stimulantUse ? [REF.stimulantTest] : [],
    returnToUse: spec.returnToUse ?? false,
    returnToUseRefs: spec.returnToUse ? [REF.returnTest] : [],
    preliminaryOpioidPositives: spec.preliminaryPositive ? [{ date: addDays(NOW, -1), analyte: "fentanyl", source: REF.preliminaryTest }] : [],
    recentNaloxoneKit: (spec.naloxoneKit ?? true) ? REF.naloxone : null,
  };
}

export function context(over: Partial<ClinicianContext> = {}): ClinicianContext {
  return { ...DEFAULT_CONTEXT, ...over };
}

const PARAMS: CmParams = {
  schedule: "escalating",
  programWeeks: 12,
  yearlyCap: 750,
  escalating: { start: 10, step: 1.5, max: 26.5, restoreAfter: 2 },
  prize: { firstDraws: 1, stepDraws: 1, maxDraws: 8, bowl: [] },
  fixed: { amount: 10 },
};

/** Not enrolled, unless `week` (current week of 12) or `completed` is given; target opioids unless `stimulants`. */
export function cm(spec: { week?: number; completed?: boolean; stimulants?: boolean } = {}): CmStatus {
  const enrolled = spec.week !== undefined || spec.completed === true;
  const week = spec.completed ? 12 : (spec.week ?? null);
  return {
    enrolled,
    schedule: "escalating",
    source: enrolled ? REF.cmPlan : null,
    startDate: enrolled ? addDays(NOW, -7 * ((week ?? 1) - 1) - 2) : null,
    currentWeek: enrolled ? week : null,
    programWeeks: 12,
    weeks: [],
    currentStreak: 0,
    longestStreak: 0,
    earnedThisWeek: 0,
    earnedTotal: 0,
    earnedValue: 0,
    capRemaining: 750,
    capReached: false,
    nextIfNegative: spec.completed ? null : enrolled ? 10 : null,
    completed: spec.completed ?? false,
    counts: { negative: 0, positive: 0, missed: 0, pending: 0 },
    target: { analytes: spec.stimulants ? ["opioids", "stimulants"] : ["opioids"], source: "default", refs: [] },
    givenTotal: 0,
    givenValue: 0,
    owed: 0,
    givenBeyondEarned: 0,
    params: PARAMS,
  };
}
