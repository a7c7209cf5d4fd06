// datePart and isValidDate read characters instead of running a regular expression and a Date for every resource
// (the engine calls them once or more per Observation). Their definition is the regular expression and the
// calendar check below; the fast versions must agree with it on every input.
import { describe, expect, it } from "vitest";
import { datePart, isValidDate } from "../../src/clinical/dates.ts";

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
