// A component of the workspace rendered on its own: the EvaluationContext it reads (record, evaluation, today), with
// a session that is never called and tab moves that go nowhere.
import type { ReactNode } from "react";
import type { PatientRecord } from "../../../src/clinical/record.ts";
import type { Evaluation } from "../../../src/clinical/types.ts";
import { EvaluationContext, type EvaluationContextValue } from "../../../src/app/EvaluationContext.tsx";
import { fetchApi } from "../../../src/app/fhir-api.ts";

export function InWorkspace({ record, evaluation, children }: { record: PatientRecord; evaluation: Evaluation; children: ReactNode }) {
  const value: EvaluationContextValue = {
    session: { api: fetchApi("http://fhir.invalid"), patientId: record.patientRef.replace(/^Patient\//, ""), needPatientBanner: false, fhirUser: null },
    record,
    evaluation,
    now: evaluation.now,
    cm: { schedule: undefined, setSchedule: () => undefined, cmStart: "", setCmStart: () => undefined },
    show: () => undefined,
    tab: "overview",
    onWritten: () => undefined,
  };
  return <EvaluationContext.Provider value={value}>{children}</EvaluationContext.Provider>;
}
