// datePart and isValidDate read characters instead of running a regular expression and a Date for every resource
// (the engine calls them once or more per Observation). Their definition is the regular expression and the
// calendar check below; the fast versions must agree with it on every input.
import { describe, expect, it } from "vitest";
import { addDays, addMonths, datePart, dayNumber, daysBetween, fromDayNumber, isValidDate } from "../../src/clinical/dates.ts";

const DATE_RE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?/;
function refValid(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const [y, m, d] = value.split("-").map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}
function refDatePart(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const m = DATE_RE.exec(value);
  if (!m) return null;
  const d = `${m[1]}-${m[2] ?? "01"}-${m[3] ?? "01"}`;
  return refValid(d) ? d : null;
}

describe("datePart", () => {
  it.each([
    ["2024-03-05T23:10:00-08:00", "2024-03-05"],
    ["2024-03-05", "2024-03-05"],
    ["2024-03", "2024-03-01"],
    ["2024", "2024-01-01"],
    ["2024-3-05", "2024-01-01"],
    ["2024-03-5", "2024-03-01"],
    ["2024-02-29", "2024-02-29"],
    ["2023-02-29", null],
    ["1900-02-29", null],
    ["2000-02-29", "2000-02-29"],
    ["2024-13-01", null],
    ["2024-00-10", null],
    ["2024-04-31", null],
    ["0050-01-01", null],
    ["0100-01-01", "0100-01-01"],
    ["", null],
    ["202", null],
    ["２０２４-01-01", null],
    ["soon", null],
  ])("%j → %j", (input, expected) => {
    expect(datePart(input)).toBe(expected);
    expect(refDatePart(input)).toBe(expected);
  });

  it("agrees with the definition on 200,000 generated strings", () => {
    let x = 7;
    const rand = (n: number) => ((x = (x * 1103515245 + 12345) % 2147483648) % n);
    const alphabet = "0123456789-T:Z+ x";
    const disagreements: string[] = [];
    for (let i = 0; i < 200_000; i++) {
      // Mostly date-shaped strings with a random character changed, so every branch is reached.
      const y = String(rand(10000)).padStart(4, "0");
      const base = `${y}-${String(rand(14)).padStart(2, "0")}-${String(rand(33)).padStart(2, "0")}T10:00:00Z`.slice(0, rand(22));
      const chars = [...base];
      if (chars.length && rand(3) === 0) chars[rand(chars.length)] = alphabet[rand(alphabet.length)]!;
      const s = chars.join("");
      if (datePart(s) !== refDatePart(s)) disagreements.push(s);
      const ten = s.slice(0, 10);
      if (isValidDate(ten) !== refValid(ten)) disagreements.push(`valid:${ten}`);
    }
    expect(disagreements.slice(0, 10)).toEqual([]);
  });

  it.each([undefined, null, 20240305])("%j is not a date", (input) => {
    expect(datePart(input as never)).toBeNull();
  });
});

// Calendar arithmetic: the Date-based definitions the integer arithmetic replaces.
const MS = 86_400_000;
function refDayNumber(date: string): number {
  return Math.floor(Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / MS);
}
function refFromDayNumber(day: number): string {
  return new Date(day * MS).toISOString().slice(0, 10);
}
function refAddMonths(date: string, months: number): string {
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7)) - 1 + months;
  const d = Number(date.slice(8, 10));
  const first = new Date(Date.UTC(y, m, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  return new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), Math.min(d, last))).toISOString().slice(0, 10);
}

describe("calendar arithmetic", () => {
  it.each([
    ["2024-08-31", -6, "2024-02-29"],
    ["2024-01-31", 1, "2024-02-29"],
    ["2023-01-31", 1, "2023-02-28"],
    ["2026-11-23", -12, "2025-11-23"],
    ["2000-02-29", 12, "2001-02-28"],
    ["1999-12-15", 1, "2000-01-15"],
    ["0150-03-31", -1, "0150-02-28"],
  ])("addMonths(%s, %i) = %s", (date, months, expected) => {
    expect(addMonths(date, months)).toBe(expected);
    expect(refAddMonths(date, months)).toBe(expected);
  });

  it.each([
    ["2026-11-23", -30, "2026-10-24"],
    ["2024-02-28", 1, "2024-02-29"],
    ["1970-01-01", -1, "1969-12-31"],
    ["2026-11-23", 36500, "2126-10-30"],
  ])("addDays(%s, %i) = %s", (date, days, expected) => {
    expect(addDays(date, days)).toBe(expected);
  });

  it("agrees with the Date-based definitions on 100,000 generated dates, day numbers and month steps", () => {
    let x = 11;
    const rand = (n: number) => ((x = (x * 1103515245 + 12345) % 2147483648) % n);
    const wrong: string[] = [];
    for (let i = 0; i < 100_000; i++) {
      const y = String(rand(10000)).padStart(4, "0");
      // months 00–13 and days 00–34 too: Date.UTC rolls them over, and so must the arithmetic
      const date = `${y}-${String(rand(14)).padStart(2, "0")}-${String(rand(35)).padStart(2, "0")}`;
      if (dayNumber(date) !== refDayNumber(date)) wrong.push(`dayNumber ${date}`);
      const day = rand(4_000_000) - 720_000; // about 0001 to 9000
      if (fromDayNumber(day) !== refFromDayNumber(day)) wrong.push(`fromDayNumber ${day}`);
      const months = rand(400) - 200;
      if (addMonths(date, months) !== refAddMonths(date, months)) wrong.push(`addMonths ${date} ${months}`);
    }
    expect(wrong.slice(0, 10)).toEqual([]);
  });

  it.each(["", "soon", "2024-xx-01", "2024-3-5"])("%j gives what the Date definition gives", (date) => {
    expect(Object.is(dayNumber(date), refDayNumber(date))).toBe(true);
    expect(Object.is(daysBetween(date, "2024-01-01"), refDayNumber("2024-01-01") - refDayNumber(date))).toBe(true);
  });
});
