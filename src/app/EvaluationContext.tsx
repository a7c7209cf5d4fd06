// What every screen of the workspace reads: the session, the record, the evaluation, today, and how to move between
// tabs, from one React context (Workspace provides it) instead of props handed down through every component.
import { createContext, useContext } from "react";
import type { FhirResource } from "fhir/r4.js";
import type { PatientRecord } from "../clinical/record.ts";
import type { CmScheduleKind, Evaluation, Ref } from "../clinical/types.ts";
import type { SmartSession } from "./session.ts";

export const TAB_IDS = ["overview", "urine-tests", "cm", "recommendations", "plan"] as const;
export type TabId = (typeof TAB_IDS)[number];

export interface CmSettings {
  /** The schedule chosen here, or undefined: an enrolment's schedule read from a CarePlan, else the default. */
  schedule: CmScheduleKind | undefined;
  setSchedule(schedule: CmScheduleKind): void;
  /** The CM start date entered here ("" when none: an enrolment read from a CarePlan, if any). */
  cmStart: string;
  setCmStart(date: string): void;
}

export interface EvaluationContextValue {
  session: SmartSession;
  record: PatientRecord;
  evaluation: Evaluation;
  /** Today, YYYY-MM-DD. */
  now: string;
  /** CM schedule and start: set in one place (the CM tab), read by the plan. */
  cm: CmSettings;
  /** Shows a tab, and then (optionally) the element with that id in it: opened, scrolled into view and focused. */
  show(tab: TabId, targetId?: string): void;
  /** The tab on screen. */
  tab: TabId;
  /** A resource the app has just written (a stage Observation): added to the record, which is evaluated again. */
  onWritten(resource: FhirResource): void;
}

export const EvaluationContext = createContext<EvaluationContextValue | null>(null);

export function useEvaluationContext(): EvaluationContextValue {
  const value = useContext(EvaluationContext);
  if (!value) throw new Error("useEvaluationContext() is used outside the workspace (no EvaluationContext provider)");
  return value;
}

/** The label the engine gave a reference (never the reference itself). */
export function labelOf(evaluation: Evaluation, ref: Ref): string {
  return evaluation.refLabels[ref] ?? (ref.startsWith("input:") ? "clinician input" : "a resource the evaluation did not name");
}
