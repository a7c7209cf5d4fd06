// The engine's one entry point: a patient's record → facts → CM status → recommendations.
// Pure: `now` is passed in, nothing is read from the clock, the network or the disk.
import { cmEnrolmentFromCarePlans, cmStatus } from "./cm.ts";
import { defaultCmParams } from "./cm-schedules.ts";
import { isValidCmTarget, resolveCmTarget } from "./cm-target.ts";
import { readConditions } from "./conditions.ts";
import { datePart } from "./dates.ts";
import { INPUT_CM_START } from "./inputs.ts";
import { moudFromMedications, readMedications, recentNaloxoneKit } from "./medications.ts";
import { moudAdherenceFlags } from "./moud-adherence.ts";
import type { PatientRecord } from "./record.ts";
import { refLabels } from "./ref-labels.ts";
import { readRewardLog } from "./reward-log.ts";
import { recommend } from "./rules.ts";
import { readStage } from "./stage.ts";
import { DEFAULT_CONTEXT } from "./types.ts";
import type {
  ClinicianContext,
  CmParams,
  CmScheduleKind,
  CmTargetAnalyte,
  EngineWarning,
  Evaluation,
  Facts,
  WarningSeverity,
} from "./types.ts";
import { readUds } from "./uds.ts";
import { useFacts } from "./use-facts.ts";

export interface EvaluateOptions {
  /** "Today": a YYYY-MM-DD date or an ISO date-time (its date part as written is used). */
  now: string;
  context?: Partial<ClinicianContext>;
  /** Reward schedule; overrides the schedule of an enrolment read from a CarePlan. */
  schedule?: CmScheduleKind;
  /** CM start date given by the user; overrides an enrolment read from a CarePlan. */
  cmStart?: string;
  /** Overrides of the CM parameters (program length, cap, schedule amounts). */
  cmParams?: Partial<Omit<CmParams, "schedule">>;
  /**
   * What CM scores (clinical-spec §7.6): ["opioids"] or ["opioids", "stimulants"]; overrides the target recorded in
   * a CarePlan. Absent: the plan's, else the default (stimulants included when a stimulant-positive test lies in the
   * 30 days up to the CM start date).
   */
  cmTarget?: CmTargetAnalyte[];
}

/** Severity of the engine's own clinical warnings; every other warning is about reading the record ("data"). */
const SEVERITY: Record<string, WarningSeverity> = {
  "overdose-risk-lost-tolerance": "safety",
  "recent-overdose": "safety",
  "no-oud-diagnosis": "safety",
  "return-to-use": "safety",
  "cm-cap-reached": "notice",
};

export class EvaluateError extends Error {
  override name = "EvaluateError";
}

export function evaluate(record: PatientRecord, options: EvaluateOptions): Evaluation {
  const now = datePart(options.now);
  if (!now) throw new EvaluateError(`"now" is not a date: ${JSON.stringify(options.now)}`);
  const cmStart = options.cmStart === undefined ? undefined : datePart(options.cmStart);
  if (cmStart === null) throw new EvaluateError(`CM start is not a date: ${JSON.stringify(options.cmStart)}`);
  if (options.cmTarget !== undefined && !isValidCmTarget(options.cmTarget))
    throw new EvaluateError(`CM target must be ["opioids"] or ["opioids", "stimulants"]: ${JSON.stringify(options.cmTarget)}`);
  const context: ClinicianContext = { ...DEFAULT_CONTEXT, ...options.context };
  const warnings: EngineWarning[] = [...record.warnings];

  const meds = readMedications(record);
  warnings.push(...meds.warnings);
  const uds = readUds(record, meds.medications);
  warnings.push(...uds.warnings);
  const stage = readStage(record, now);
  warnings.push(...stage.warnings);
  const conditions = readConditions(record, now);
  warnings.push(...conditions.warnings);

  const moud = moudFromMedications(meds.medications);
  moud.flags.push(...moudAdherenceFlags(uds.tests, meds.medications, now));
  const use = useFacts(uds.tests, stage.stage, now);

  const facts: Facts = {
    patient: record.patientRef,
    now,
    stage: stage.stage,
    moud,
    medications: meds.medications,
    uds: { tests: uds.tests },
    conditions: conditions.conditions,
    ...use,
    recentNaloxoneKit: recentNaloxoneKit(meds.medications, now),
  };

  const fromPlan = cmEnrolmentFromCarePlans(record.carePlans);
  const enrolment = cmStart
    ? { startDate: cmStart, source: INPUT_CM_START }
    : fromPlan
      ? { startDate: fromPlan.startDate, source: fromPlan.source }
      : null;
  const schedule = options.schedule ?? fromPlan?.schedule ?? "escalating";
  const params: CmParams = { ...defaultCmParams(schedule), ...options.cmParams, schedule };
  const target = resolveCmTarget({
    ...(options.cmTarget ? { input: options.cmTarget } : {}),
    plan: enrolment && !cmStart ? (fromPlan?.target ?? null) : null,
    tests: uds.tests,
    start: enrolment?.startDate ?? null,
    now,
  });
  const rewardLog = readRewardLog(record.observations);
  warnings.push(...rewardLog.warnings);
  const cm = cmStatus({ tests: uds.tests, now, enrolment, params, target, rewards: rewardLog.entries });

  const recs = recommend(facts, context, cm);
  warnings.push(...recs.warnings);
  if (cm.capReached && cm.capMessage) warnings.push({ code: "cm-cap-reached", message: cm.capMessage });

  const shown = warnings.map((w) => (w.severity ? w : { ...w, severity: SEVERITY[w.code] ?? "data" }));
  const evaluation = { ...facts, context, contingencyManagement: cm, recommendations: recs.recommendations, warnings: shown };
  return { ...evaluation, refLabels: refLabels(evaluation, record) };
}
