// One way to write dates (and read them back) everywhere in the app: the formatter, dates inside engine and server
// text, ages, and what a clinician may type into a date field.
import { describe, expect, it } from "vitest";
import { ageInYears, daysAgo, displayText, formatDate, formatDateTime, parseDate } from "../../src/app/format.ts";

describe("formatDate", () => {
  it.each([
    ["2026-11-23", "23 Nov 2026"],
    ["2026-01-05", "5 Jan 2026"],
    ["2026-11-23T23:10:00-08:00", "23 Nov 2026"], // the date part as written, no zone conversion
    ["2026-11", "Nov 2026"],
    ["2026", "2026"],
    ["2026-13-01", "date unknown"],
    ["", "date unknown"],
    ["not a date", "date unknown"],
  ])("%s → %s", (value, expected) => {
    expect(formatDate(value)).toBe(expected);
  });

  it("null is unknown, in the words the caller chooses", () => {
    expect(formatDate(null)).toBe("date unknown");
    expect(formatDate(undefined, "unknown")).toBe("unknown");
  });

  it.each([
    ["2026-11-23T10:05:00Z", "23 Nov 2026, 10:05"],
    ["2026-11-23", "23 Nov 2026"],
  ])("formatDateTime %s → %s", (value, expected) => {
    expect(formatDateTime(value)).toBe(expected);
  });
});

describe("displayText: ISO dates inside engine and server text", () => {
  it.each([
    ["Stage action (recorded 2026-09-14): offer peer support", "Stage action (recorded 14 Sep 2026): offer peer support"],
    ["Enrolled in CM since 2026-10-12: continue (week 7 of 12).", "Enrolled in CM since 12 Oct 2026: continue (week 7 of 12)."],
    ["changed 2026-11-23T10:00:00Z elsewhere", "changed 23 Nov 2026, 10:00 elsewhere"],
    ["from 2026-10-05 to 2026-10-11", "from 5 Oct 2026 to 11 Oct 2026"],
    ["no date here [18,19]", "no date here [18,19]"],
    ["not a real day 2026-02-31", "not a real day 2026-02-31"],
  ])("%s", (text, expected) => {
    expect(displayText(text)).toBe(expected);
  });
});

describe("daysAgo and ageInYears", () => {
  it.each([
    ["2026-11-23", "today"],
    ["2026-11-22", "yesterday"],
    ["2026-11-16T09:00:00Z", "7 days ago"],
    ["2026-11-26", "in 3 days"],
  ])("%s seen on 2026-11-23 → %s", (date, expected) => {
    expect(daysAgo(date, "2026-11-23")).toBe(expected);
  });

  it.each([
    ["1985-04-02", 41],
    ["1985-11-23", 41], // the birthday itself
    ["1985-11-24", 40], // the day before it
    ["1985-04", null], // not a full date: no age
    [undefined, null],
  ])("born %s → %s years on 2026-11-23", (birthDate, expected) => {
    expect(ageInYears(birthDate, "2026-11-23")).toBe(expected);
  });
});

describe("parseDate: what a clinician types into a date field", () => {
  it.each([
    ["23 Nov 2026", "2026-11-23"],
    ["23 nov 2026", "2026-11-23"],
    ["5 November 2026", "2026-11-05"],
    ["  5 Nov. 2026 ", "2026-11-05"],
    ["2026-11-23", "2026-11-23"],
    ["31 Feb 2026", null],
    ["2026-02-31", null],
    ["23 Novem 2026", "2026-11-23"],
    ["23 Nob 2026", null],
    ["11/23/2026", null], // ambiguous across locales: not accepted
    ["", null],
  ])("%j → %s", (typed, expected) => {
    expect(parseDate(typed)).toBe(expected);
  });

  it("reads back every date it writes", () => {
    for (let day = 0; day < 366; day += 7) {
      const iso = new Date(Date.UTC(2028, 0, 1 + day)).toISOString().slice(0, 10);
      expect(parseDate(formatDate(iso))).toBe(iso);
    }
  });
});
