// The engine's one entry point: a patient's record → facts → CM status → recommendations.
// Pure: `now` is passed in, nothing is read from the clock, the network or the disk.
import { cmEnrolmentFromCarePlans, cmStatus } from "./cm.ts";
import { defaultCmParams } from "./cm-schedules.ts";
import { readConditions } from "./conditions.ts";
import { datePart } from "./dates.ts";
import { INPUT_CM_START } from "./inputs.ts";
import { moudFromMedications, readMedications, recentNaloxoneKit } from "./medications.ts";
import { moudAdherenceFlags } from "./moud-adherence.ts";
import type { PatientRecord } from "./record.ts";
import { refLabels } from "./ref-labels.ts";
import { recommend } from "./rules.ts";
import { readStage } from "./stage.ts";
import { DEFAULT_CONTEXT } from "./types.ts";
import type { ClinicianContext, CmParams, CmScheduleKind, EngineWarning, Evaluation, Facts } from "./types.ts";
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
}

export class EvaluateError extends Error {
  override name = "EvaluateError";
}

export function evaluate(record: PatientRecord, options: EvaluateOptions): Evaluation {
  const now = datePart(options.now);
  if (!now) throw new EvaluateError(`"now" is not a date: ${JSON.stringify(options.now)}`);
  const cmStart = options.cmStart === undefined ? undefined : datePart(options.cmStart);
  if (cmStart === null) throw new EvaluateError(`CM start is not a date: ${JSON.stringify(options.cmStart)}`);
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
  const cm = cmStatus({ tests: uds.tests, now, enrolment, params });

  const recs = recommend(facts, context, cm);
  warnings.push(...recs.warnings);
  if (cm.capReached && cm.capMessage) warnings.push({ code: "cm-cap-reached", message: cm.capMessage });

  const evaluation = { ...facts, context, contingencyManagement: cm, recommendations: recs.recommendations, warnings };
  return { ...evaluation, refLabels: refLabels(evaluation, record) };
}
