// Which laboratory results the engine's answers can depend on: the app's first screen reads only those (and the
// rest after it is shown), so the first screen takes the same time for a 20-year record as for a 1-year one.
// Every fact that looks back at urine drug screens is covered by the window (and a test over every synthetic
// patient and long generated records checks that the answers are the same with the window as with the whole
// record: test/unit/read-window.test.ts):
//   ongoing opioid use, stimulant use        30 days        (use-facts.ts RECENT_USE_DAYS)
//   MOUD absent while prescribed             30 days        (moud-adherence.ts ABSENT_LOOKBACK_DAYS)
//   non-prescribed MOUD, adherence confirmed 90 days        (moud-adherence.ts NON_PRESCRIBED/CONFIRMED_LOOKBACK_DAYS)
//   return to use                            since the stage assessment, when the stage is action or maintenance
//   contingency management                   since the CM start (from the user, else from a CarePlan)
// The window is LAB_WINDOW_MONTHS (which also gives the chart a year of results at once), widened back to the
// stage date and the CM start when those are earlier. Facts from other resources need no window: medication
// requests (prescriptions explaining a positive, naloxone kits), conditions (recent overdose), care plans and
// survey Observations (the stage) are read whole. Pure.
import { cmEnrolmentFromCarePlans } from "./cm.ts";
import { LAB_WINDOW_MONTHS } from "./lab-window.ts";
import { addMonths, datePart } from "./dates.ts";
import type { PatientRecord } from "./record.ts";
import { readStage } from "./stage.ts";

export { LAB_WINDOW_MONTHS };

export interface LabWindowInput {
  /** Today, YYYY-MM-DD. */
  now: string;
  /** A CM start the user gave (overrides the enrolment from a CarePlan, as in evaluate()). */
  cmStart?: string;
}

/**
 * The first day (YYYY-MM-DD) from which the laboratory results must all be in the record for the engine's answers
 * to be final. `record` needs its survey Observations and CarePlans (laboratory ones may be there or not).
 */
export function labWindowStart(record: Pick<PatientRecord, "observations" | "carePlans">, input: LabWindowInput): string {
  const now = datePart(input.now);
  if (!now) throw new RangeError(`"now" is not a date: ${JSON.stringify(input.now)}`);
  let from = addMonths(now, -LAB_WINDOW_MONTHS);
  const earlier = (d: string | null | undefined) => {
    if (d && d < from) from = d;
  };
  const { stage } = readStage(record, now);
  if (stage.value === "action" || stage.value === "maintenance") earlier(datePart(stage.observedAt));
  const cmStart = input.cmStart !== undefined ? datePart(input.cmStart) : cmEnrolmentFromCarePlans(record.carePlans)?.startDate;
  earlier(cmStart);
  return from;
}
