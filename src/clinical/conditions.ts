// Condition facts: active OUD diagnoses and opioid overdoses (with the latest one in the last 6 months, the entry
// criterion of the peer-support trial that the source review cites as reference [56]). Codes come from vocabulary.ts. Pure.
import type { CodeableConcept, Condition } from "fhir/r4.js";
import { addMonths, datePart } from "./dates.ts";
import { refOf, type PatientRecord } from "./record.ts";
import type { ConditionFacts, EngineWarning } from "./types.ts";
import { isOpioidOverdose, isOudCondition } from "./vocabulary.ts";

/** Months back from `now` within which an overdose counts as recent [56]. */
export const RECENT_OVERDOSE_MONTHS = 6;

const ACTIVE_CLINICAL = new Set(["active", "recurrence", "relapse"]);
const SKIPPED_VERIFICATION = new Set(["refuted", "entered-in-error"]);

function codes(concept: CodeableConcept | undefined): string[] {
  return (concept?.coding ?? []).map((c) => c.code).filter((c): c is string => typeof c === "string");
}

/** Clinical status is active, recurrence or relapse; an absent clinicalStatus counts as active. */
function isActive(condition: Condition): boolean {
  const status = codes(condition.clinicalStatus);
  return status.length === 0 || status.some((s) => ACTIVE_CLINICAL.has(s));
}

function isSkipped(condition: Condition): boolean {
  return codes(condition.verificationStatus).some((s) => SKIPPED_VERIFICATION.has(s));
}

/** The overdose's date: onset (onsetDateTime, onsetPeriod.start) date part, else recordedDate. */
function overdoseDate(condition: Condition): string | null {
  return datePart(condition.onsetDateTime) ?? datePart(condition.onsetPeriod?.start) ?? datePart(condition.recordedDate);
}

export function readConditions(record: PatientRecord, now: string): { conditions: ConditionFacts; warnings: EngineWarning[] } {
  const warnings: EngineWarning[] = [];
  const oud: string[] = [];
  const overdoses: ConditionFacts["overdoses"] = [];
  for (const condition of record.conditions) {
    if (isSkipped(condition)) continue;
    const ref = refOf(condition);
    const codings = (condition.code?.coding ?? []).filter((c) => typeof c.code === "string" && typeof c.system === "string");
    if (isActive(condition) && codings.some((c) => isOudCondition(c.system!, c.code!))) oud.push(ref);
    // An overdose is an event: a resolved or inactive overdose Condition still records that it happened.
    if (codings.some((c) => isOpioidOverdose(c.system!, c.code!, c.display))) {
      const date = overdoseDate(condition);
      overdoses.push({ ref, date });
      if (date === null) {
        warnings.push({
          code: "overdose-without-date",
          message: `${ref} records an opioid overdose with no onset or recorded date, so it cannot count as recent.`,
          refs: [ref],
        });
      }
    }
  }
  const since = addMonths(now, -RECENT_OVERDOSE_MONTHS);
  let recentOverdose: ConditionFacts["recentOverdose"] = null;
  for (const o of overdoses) {
    if (o.date === null || o.date < since || o.date > now) continue;
    if (!recentOverdose || o.date > recentOverdose.date) recentOverdose = { ref: o.ref, date: o.date };
  }
  return { conditions: { oud, overdoses, recentOverdose }, warnings };
}
