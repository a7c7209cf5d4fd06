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

// The last answer: the results of one test day share their date-time, and are read one after the other.
let lastValue: string | undefined;
let lastPart: string | null = null;

/** "2024-03-05T23:10:00-08:00" → "2024-03-05"; "2024-03" → "2024-03-01"; invalid → null. */
export function datePart(value: string | undefined | null): string | null {
  if (typeof value !== "string") return null;
  if (value === lastValue) return lastPart;
  lastPart = readDatePart(value);
  lastValue = value;
  return lastPart;
}

function readDatePart(value: string): string | null {
  if (!digitsAt(value, 0, 4)) return null;
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

// Day numbers and calendar arithmetic run many times per evaluation (CM weeks, look-back windows): done with
// integer arithmetic on the proleptic Gregorian calendar (H. Hinnant's days_from_civil / civil_from_days) rather
// than a Date per call. The Date-based definitions they replace are kept for what the arithmetic does not cover
// (a year outside 0–9999, a value that is not a number) and are checked against it in test/unit/dates.test.ts.

/** Days from 1970-01-01 to y-m-d (m 1–12; d may overflow the month either way). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * ((m + 9) % 12) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The year, month (1–12) and day of a day number. */
function civilFromDays(day: number): [number, number, number] {
  const z = day + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [m <= 2 ? yoe + era * 400 + 1 : yoe + era * 400, m, d];
}

/** Year, month and day numbers as written in "YYYY-MM-DD" (NaN where they are not numbers). */
function ymd(date: string): [number, number, number] {
  if (digitsAt(date, 0, 4) && digitsAt(date, 5, 2) && digitsAt(date, 8, 2))
    return [Number(date.slice(0, 4)), twoDigits(date, 5), twoDigits(date, 8)];
  return [Number(date.slice(0, 4)), Number(date.slice(5, 7)), Number(date.slice(8, 10))];
}

/** The year Date.UTC reads: 0–99 are 1900–1999. */
function utcYear(y: number): number {
  const t = Math.trunc(y);
  return t >= 0 && t <= 99 ? 1900 + t : t;
}

/** Day number since 1970-01-01 for a YYYY-MM-DD date. */
export function dayNumber(date: string): number {
  const [y, m, d] = ymd(date);
  if (!Number.isFinite(y) || !Number.isFinite(m) || !Number.isFinite(d)) return Math.floor(Date.UTC(y, m - 1, d) / MS_PER_DAY);
  const month = Math.trunc(m) - 1;
  const year = utcYear(y) + Math.floor(month / 12);
  return daysFromCivil(year, (((month % 12) + 12) % 12) + 1, 1) + Math.trunc(d) - 1;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}

/** YYYY-MM-DD for a day number. */
export function fromDayNumber(day: number): string {
  if (Number.isFinite(day)) {
    const [y, m, d] = civilFromDays(Math.floor(day));
    if (y >= 0 && y <= 9999) return `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
  }
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
  const [y, mm, d] = ymd(date);
  const m = mm - 1 + months;
  const month = Math.trunc(m);
  const year = utcYear(y) + Math.floor(month / 12);
  // (A year that lands in 0–99 after the months are added is read as 19xx by the Date definition below.)
  if (Number.isFinite(d) && year >= 100 && year <= 9999) {
    const m1 = (((month % 12) + 12) % 12) + 1;
    const last = daysFromCivil(m1 === 12 ? year + 1 : year, m1 === 12 ? 1 : m1 + 1, 1) - daysFromCivil(year, m1, 1);
    const out = fromDayNumber(daysFromCivil(year, m1, 1) + Math.trunc(Math.min(d, last)) - 1);
    if (out.charCodeAt(4) === DASH) return out;
  }
  const first = new Date(Date.UTC(y, m, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  return new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), Math.min(d, last))).toISOString().slice(0, 10);
}
