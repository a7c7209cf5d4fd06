// The engine is pure and fast: every change of context, schedule or CM start simply evaluates again.
import { useMemo } from "react";
import { evaluate } from "../clinical/evaluate.ts";
import type { PatientRecord } from "../clinical/record.ts";
import type { ClinicianContext, CmScheduleKind, Evaluation } from "../clinical/types.ts";

export interface EvaluationInputs {
  now: string;
  context: ClinicianContext;
  /** undefined: the schedule of an enrolment read from a CarePlan, else the default. */
  schedule?: CmScheduleKind;
  /** "" or undefined: the enrolment read from a CarePlan, if any. */
  cmStart?: string;
}

export type EvaluationResult = { evaluation: Evaluation; error: null } | { evaluation: null; error: unknown };

export function useEvaluation(record: PatientRecord, inputs: EvaluationInputs): EvaluationResult {
  const { now, context, schedule, cmStart } = inputs;
  return useMemo(() => {
    try {
      const evaluation = evaluate(record, {
        now,
        context,
        ...(schedule ? { schedule } : {}),
        ...(cmStart ? { cmStart } : {}),
      });
      return { evaluation, error: null };
    } catch (error) {
      return { evaluation: null, error };
    }
  }, [record, now, context, schedule, cmStart]);
}
