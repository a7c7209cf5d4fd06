// MOUD-aware reading of urine drug screens (clinical-spec §2): buprenorphine or methadone/EDDP present while that
// medication is prescribed confirms adherence; absent while prescribed is an adherence flag; present while not
// prescribed is a flag (non-prescribed use). Only counted readings (final/amended/corrected) are used. Pure.
import { addDays } from "./dates.ts";
import { prescribedOn } from "./medications.ts";
import type { Analyte, AnalyteReading, MedicationFact, MoudFlag, UdsTest } from "./types.ts";

/** "Absent while prescribed" looks at the latest test that checked for the medication within this many days. */
export const ABSENT_LOOKBACK_DAYS = 30;
/** "Non-prescribed use" is reported for the latest such test within this many days. */
export const NON_PRESCRIBED_LOOKBACK_DAYS = 90;
/**
 * "Adherence confirmed" is reported for the latest such test within this many days: a test from years ago does not
 * show that the medication is being taken now (the recommendation's reason reads "Recent urine tests confirm…").
 * Unbounded before; bounded so that the app's first screen, which reads the last 12 months of results first
 * (read-window.ts), gives the same answer as the whole record.
 */
export const CONFIRMED_LOOKBACK_DAYS = 90;

const MOUD_IN_URINE: readonly { analyte: Analyte; medication: "buprenorphine" | "methadone"; name: string }[] = [
  { analyte: "buprenorphine", medication: "buprenorphine", name: "Buprenorphine" },
  { analyte: "methadone", medication: "methadone", name: "Methadone (or its breakdown product EDDP)" },
];

function sources(readings: AnalyteReading[]): string[] {
  return [...new Set(readings.map((r) => r.source))];
}

/**
 * Flags per MOUD medication found in urine (buprenorphine, methadone):
 * - adherence-confirmed: the latest test within 90 days where it was present while a prescription for it as MOUD
 *   covered that day;
 * - absent-while-prescribed: the latest test within 30 days that checked for it on a day it was prescribed as MOUD
 *   (not on hold) found it absent (negative);
 * - non-prescribed-use: the latest test within 90 days where it was present and no prescription explains it.
 */
export function moudAdherenceFlags(tests: UdsTest[], medications: MedicationFact[], now: string): MoudFlag[] {
  const flags: MoudFlag[] = [];
  const absentFrom = addDays(now, -ABSENT_LOOKBACK_DAYS);
  const nonPrescribedFrom = addDays(now, -NON_PRESCRIBED_LOOKBACK_DAYS);
  const confirmedFrom = addDays(now, -CONFIRMED_LOOKBACK_DAYS);
  // Every flag looks back from now: older tests cannot give one (and are most of a long record).
  const from = [absentFrom, nonPrescribedFrom, confirmedFrom].reduce((a, b) => (b < a ? b : a));

  for (const { analyte, medication, name } of MOUD_IN_URINE) {
    // Prescriptions of this medication as MOUD (not, e.g., buprenorphine for pain); on-hold ones are not taken now,
    // so an absent result under them is expected and is not flagged.
    const asMoudMeds = medications.filter((m) => m.moud === medication);
    const activeMoudMeds = asMoudMeds.filter((m) => m.status !== "on-hold");
    let confirmed: { date: string; readings: AnalyteReading[]; request: string } | undefined;
    let latestWhilePrescribed: { date: string; readings: AnalyteReading[]; request: string } | undefined;
    let nonPrescribed: { date: string; readings: AnalyteReading[] } | undefined;

    for (const test of tests) {
      if (test.date > now || test.date < from) continue;
      const readings = test.analytes.filter((a) => a.counted && a.analyte === analyte);
      if (readings.length === 0) continue;
      const present = readings.filter((a) => a.result === "positive");
      const explaining = prescribedOn(medications, analyte, test.date);
      const asMoud = prescribedOn(asMoudMeds, analyte, test.date);
      const activeMoud = prescribedOn(activeMoudMeds, analyte, test.date);

      if (present.length > 0 && asMoud && test.date >= confirmedFrom && (!confirmed || test.date >= confirmed.date)) {
        confirmed = { date: test.date, readings: present, request: asMoud.request };
      }
      if (present.length > 0 && !explaining && test.date >= nonPrescribedFrom && (!nonPrescribed || test.date >= nonPrescribed.date)) {
        nonPrescribed = { date: test.date, readings: present };
      }
      if (activeMoud && test.date >= absentFrom && (!latestWhilePrescribed || test.date >= latestWhilePrescribed.date)) {
        latestWhilePrescribed = { date: test.date, readings, request: activeMoud.request };
      }
    }

    if (confirmed) {
      flags.push({
        code: "adherence-confirmed",
        medication,
        date: confirmed.date,
        refs: [...sources(confirmed.readings), confirmed.request],
        message: `${name} was found in the urine test of ${confirmed.date}, while it is prescribed: this supports that the medication is being taken.`,
      });
    }
    if (latestWhilePrescribed) {
      const { readings, date, request } = latestWhilePrescribed;
      const anyPresent = readings.some((r) => r.result === "positive");
      const absent = readings.filter((r) => r.result === "negative");
      if (!anyPresent && absent.length > 0) {
        flags.push({
          code: "absent-while-prescribed",
          medication,
          date,
          refs: [...sources(absent), request],
          message: `${name} was not found in the urine test of ${date}, although it is prescribed. Ask, without judgement, how the medication is being taken (missed doses, running out, other reasons) and what would help.`,
        });
      }
    }
    if (nonPrescribed) {
      flags.push({
        code: "non-prescribed-use",
        medication,
        date: nonPrescribed.date,
        refs: sources(nonPrescribed.readings),
        message: `${name} was found in the urine test of ${nonPrescribed.date}, but no prescription in the record explains it. Talk with the patient about where it came from; it can be a sign they want treatment, and offering a prescription is a good next step.`,
      });
    }
  }
  return flags;
}
