// Dates as the engine sees them: calendar days written as YYYY-MM-DD, compared as whole days.
// The date part of a FHIR date-time is taken as written (its own offset), never converted to another zone.

const DATE_TIME_RE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/;
const MS_PER_DAY = 86_400_000;
const DASH = 45;

// datePart and isValidDate run once or more per resource: they read characters and do arithmetic, with no regular
// expression, no Date and no garbage (test/unit/dates.test.ts checks them against the regular-expression definition).

/** True when value[from, from + n) are ASCII digits. */
function digitsAt(value: string, from: number, n: number): boolean {
  for (let i = from; i < from + n; i++) {
    const c = value.charCodeAt(i); // NaN past the end: not a digit
    if (!(c >= 48 && c <= 57)) return false;
  }
  return true;
}

function twoDigits(value: string, at: number): number {
  return (value.charCodeAt(at) - 48) * 10 + (value.charCodeAt(at + 1) - 48);
}

/** A real calendar day (proleptic Gregorian); years before 100 are refused, as Date.UTC reads them as 19xx. */
function validDay(y: number, m: number, d: number): boolean {
  if (y < 100 || m < 1 || m > 12 || d < 1) return false;
  if (m === 2) return d <= (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28);
  return d <= (m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31);
}

/** "2024-03-05T23:10:00-08:00" → "2024-03-05"; "2024-03" → "2024-03-01"; invalid → null. */
export function datePart(value: string | undefined | null): string | null {
  if (typeof value !== "string" || !digitsAt(value, 0, 4)) return null;
  const y = Number(value.slice(0, 4));
  if (value.charCodeAt(4) !== DASH || !digitsAt(value, 5, 2)) return validDay(y, 1, 1) ? `${value.slice(0, 4)}-01-01` : null;
  const m = twoDigits(value, 5);
  if (value.charCodeAt(7) !== DASH || !digitsAt(value, 8, 2)) return validDay(y, m, 1) ? `${value.slice(0, 7)}-01` : null;
  if (!validDay(y, m, twoDigits(value, 8))) return null;
  return value.length === 10 ? value : value.slice(0, 10);
}

/** True for a real calendar date written YYYY-MM-DD. */
export function isValidDate(value: string): boolean {
  if (value.length !== 10 || !digitsAt(value, 0, 4) || value.charCodeAt(4) !== DASH || !digitsAt(value, 5, 2)) return false;
  if (value.charCodeAt(7) !== DASH || !digitsAt(value, 8, 2)) return false;
  return validDay(Number(value.slice(0, 4)), twoDigits(value, 5), twoDigits(value, 8));
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
