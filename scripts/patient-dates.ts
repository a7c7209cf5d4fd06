// Date shifting for the synthetic patients in fhir-resources/patients/. Every date in those bundles is written
// relative to ANCHOR (the day on which each case is what its README line claims). The sandbox shifts a bundle by
// daysSinceAnchor(today) at start so that "6 weeks into CM" or "an overdose 2 months ago" stays true on any day.
// Pure: no I/O, no clock.
import type { Bundle } from "fhir/r4.js";
import { addDays, datePart, daysBetween, isValidDate } from "../src/clinical/dates.ts";

/** The day the synthetic patients are written for (YYYY-MM-DD). */
export const ANCHOR = "2026-11-23";

// FHIR date (YYYY, YYYY-MM, YYYY-MM-DD), dateTime and instant: a date, optionally followed by a time with
// optional fractional seconds and an optional zone. The date part is captured; everything after it is kept.
const FHIR_DATE_RE = /^(\d{4})(-\d{2})?(-\d{2})?(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/** Keys whose value is a date, dateTime or instant in the resources we write (FHIR R4 element names). */
const DATE_KEYS = new Set([
  "issued",
  "authoredOn",
  "recordedDate",
  "created",
  "startDate",
  "dueDate",
  "start", // Period.start (effectivePeriod, validityPeriod, CarePlan.period, boundsPeriod, …)
  "end", // Period.end
  "date",
  "lastUpdated",
  "occurred",
  "recorded", // Provenance.recorded
  "time", // Annotation.time (notes: reward log, activity progress)
  "statusDate",
  "whenHandedOver",
  "whenPrepared",
]);

/** Keys never shifted even though they hold a date: a person's birth date is not relative to the anchor. */
const NEVER_SHIFTED = new Set(["birthDate"]);

function isDateKey(key: string): boolean {
  if (NEVER_SHIFTED.has(key)) return false;
  if (DATE_KEYS.has(key)) return true;
  // choice types and other date-typed elements: effectiveDateTime, onsetDateTime, abatementDateTime,
  // valueDateTime, effectiveInstant, occurrenceDateTime, deceasedDateTime, valueDate, …
  return /(DateTime|Instant|Date)$/.test(key);
}

/**
 * Shifts one FHIR date/dateTime/instant by whole days, keeping its precision, time and offset as written.
 * A partial date (YYYY or YYYY-MM) is shifted as its first day and cut back to its precision, so it moves only
 * when the shift crosses into another month or year (and a round trip may not restore it exactly).
 */
export function shiftDateValue(value: string, days: number): string {
  const m = FHIR_DATE_RE.exec(value);
  if (!m) return value;
  const full = datePart(value);
  if (full === null) return value;
  const shifted = addDays(full, days);
  const rest = m[4] ?? "";
  if (m[3] !== undefined) return shifted + rest; // YYYY-MM-DD[Thh:mm…]
  if (m[2] !== undefined) return shifted.slice(0, 7); // YYYY-MM
  return shifted.slice(0, 4); // YYYY
}

function shiftValue(value: unknown, key: string | null, days: number): unknown {
  if (typeof value === "string") {
    return key !== null && isDateKey(key) ? shiftDateValue(value, days) : value;
  }
  if (Array.isArray(value)) return value.map((v) => shiftValue(v, key, days));
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = shiftValue(v, k, days);
    return out;
  }
  return value;
}

/**
 * A copy of `bundle` with every date, dateTime and instant moved by `days` (negative moves back): effective[x],
 * issued, authoredOn, validityPeriod, onset/abatement/recordedDate, CarePlan period and created, activity
 * scheduledTiming boundsPeriod, Goal startDate and target.dueDate, meta.lastUpdated. Each value keeps its own
 * format (date-only stays date-only) and its own offset. Patient.birthDate is not shifted. The input is not changed.
 */
export function shiftBundleDates(bundle: Bundle, days: number): Bundle {
  if (!Number.isInteger(days)) throw new RangeError(`shiftBundleDates: days must be a whole number, got ${days}`);
  if (days === 0) return structuredClone(bundle);
  return shiftValue(bundle, null, days) as Bundle;
}

/** Whole days from ANCHOR to `today` (a YYYY-MM-DD date or a date-time; its date part is used as written). */
export function daysSinceAnchor(today: string): number {
  const day = datePart(today);
  if (day === null || !isValidDate(today.slice(0, 10))) {
    throw new RangeError(`daysSinceAnchor: "${today}" is not a date (expected YYYY-MM-DD)`);
  }
  return daysBetween(ANCHOR, day);
}
