// Dates as the engine sees them: calendar days written as YYYY-MM-DD, compared as whole days.
// The date part of a FHIR date-time is taken as written (its own offset), never converted to another zone.

const DATE_RE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?/;
const FULL_DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME_RE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/;
const MS_PER_DAY = 86_400_000;

/** "2024-03-05T23:10:00-08:00" → "2024-03-05"; "2024-03" → "2024-03-01"; invalid → null. */
export function datePart(value: string | undefined | null): string | null {
  if (typeof value !== "string") return null;
  const m = DATE_RE.exec(value);
  if (!m) return null;
  const d = `${m[1]}-${m[2] ?? "01"}-${m[3] ?? "01"}`;
  return isValidDate(d) ? d : null;
}

/** True for a real calendar date written YYYY-MM-DD. */
export function isValidDate(value: string): boolean {
  if (!FULL_DATE_RE.test(value)) return false;
  const [y, m, d] = value.split("-").map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

/** True for an ISO date or date-time the CLI accepts for --now / --cm-start. */
export function isValidDateOrDateTime(value: string): boolean {
  return DATE_TIME_RE.test(value) && datePart(value) !== null && isValidDate(value.slice(0, 10));
}

/** Day number since 1970-01-01 for a YYYY-MM-DD date. */
export function dayNumber(date: string): number {
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7));
  const d = Number(date.slice(8, 10));
  return Math.floor(Date.UTC(y, m - 1, d) / MS_PER_DAY);
}

/** YYYY-MM-DD for a day number. */
export function fromDayNumber(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return fromDayNumber(dayNumber(date) + days);
}

/** Whole days from a to b (b − a). */
export function daysBetween(a: string, b: string): number {
  return dayNumber(b) - dayNumber(a);
}

/** Same day-of-month n months earlier/later, clamped to the month's end (2024-08-31 − 6 months → 2024-02-29). */
export function addMonths(date: string, months: number): string {
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7)) - 1 + months;
  const d = Number(date.slice(8, 10));
  const first = new Date(Date.UTC(y, m, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  return new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), Math.min(d, last))).toISOString().slice(0, 10);
}
