// One way to write dates, ages and money everywhere in the app ("23 Nov 2026", "7 days ago", "$16.00"), also inside
// engine and server text, and one way to read a date a clinician types. Pure: no clock, no locale.
import { datePart, daysBetween, isValidDate } from "../clinical/dates.ts";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** How a date is written (also the hint next to every date input). */
export const DATE_EXAMPLE = "23 Nov 2026";

/**
 * "2026-11-23" → "23 Nov 2026"; "2026-11" → "Nov 2026"; "2026" → "2026"; a date-time → its date part as written
 * (no zone conversion). Null, empty or unreadable → `unknown`.
 */
export function formatDate(value: string | null | undefined, unknown = "date unknown"): string {
  if (!value) return unknown;
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?/.exec(value);
  if (!m) return unknown;
  const [, y, mo, d] = m;
  const month = mo ? MONTHS[Number(mo) - 1] : undefined;
  if (mo && !month) return unknown;
  if (!d) return month ? `${month} ${y}` : y!;
  return `${Number(d)} ${month} ${y}`;
}

/** "2026-11-23T10:05:00Z" → "23 Nov 2026, 10:05" (the time as written); a plain date → formatDate. */
export function formatDateTime(value: string | null | undefined, unknown = "date unknown"): string {
  const time = value ? /T(\d{2}:\d{2})/.exec(value)?.[1] : undefined;
  const date = formatDate(value, unknown);
  return time ? `${date}, ${time}` : date;
}

/** Whole days from `date` to `now` in words: "today", "yesterday", "7 days ago", "in 3 days". */
export function daysAgo(date: string | null | undefined, now: string): string {
  const d = datePart(date);
  if (!d) return "";
  const n = daysBetween(d, now);
  if (n === 0) return "today";
  if (n === 1) return "yesterday";
  if (n === -1) return "tomorrow";
  return n > 0 ? `${n} days ago` : `in ${-n} days`;
}

/** Completed years between a birth date and `now` (null when the birth date is not a full date). */
export function ageInYears(birthDate: string | undefined, now: string): number | null {
  if (!birthDate || !/^\d{4}-\d{2}-\d{2}$/.test(birthDate) || !isValidDate(birthDate)) return null;
  const years = Number(now.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return now.slice(5) < birthDate.slice(5) ? years - 1 : years;
}

// ISO dates and date-times inside a text: "recorded 2026-09-14", "changed 2026-11-23T10:00:00Z".
const ISO_IN_TEXT = /\b\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?)?\b/g;

/** A text (engine reasons, warnings, labels, server text) with its ISO dates written as the app writes dates. */
export function displayText(text: string): string {
  return text.replace(ISO_IN_TEXT, (iso) => (isValidDate(iso.slice(0, 10)) ? formatDateTime(iso) : iso));
}

export function money(x: number): string {
  return `$${x.toFixed(2)}`;
}

/**
 * A date as a clinician types it → YYYY-MM-DD, or null when it is not one. Accepts the app's own form
 * ("23 Nov 2026", "23 November 2026", any case) and ISO ("2026-11-23").
 */
export function parseDate(text: string): string | null {
  const t = text.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(t)) return isValidDate(t) ? t : null;
  const m = /^(\d{1,2})\s+([A-Za-z]{3,})\.?,?\s+(\d{4})$/.exec(t);
  if (!m) return null;
  const month = MONTHS.findIndex((name) => m[2]!.toLowerCase().startsWith(name.toLowerCase()));
  const full = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];
  if (month < 0 || !full[month]!.startsWith(m[2]!.toLowerCase())) return null;
  const iso = `${m[3]}-${String(month + 1).padStart(2, "0")}-${m[1]!.padStart(2, "0")}`;
  return isValidDate(iso) ? iso : null;
}
