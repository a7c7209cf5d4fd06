// The sandbox's cheap first look at search candidates (launch/search-prefilter.ts) may only reject what the full
// match rejects: checked against medplum's matchesSearchRequest on generated Observations and filters, in every
// form the fields take (codes in any case, date-times with zones, dates, instants, periods, nothing, garbage).
import { matchesSearchRequest, Operator, type Filter } from "@medplum/core";
import type { Observation } from "@medplum/fhirtypes";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureDefinitions } from "../../launch/definitions.ts";
import { cannotMatch } from "../../launch/search-prefilter.ts";

beforeAll(() => ensureDefinitions());

const CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category";

describe("the sandbox's search prefilter", () => {
  it("never rejects an Observation the full match keeps, and rejects most that it does not", () => {
    let x = 3;
    const rand = (n: number) => ((x = (x * 1103515245 + 12345) % 2147483648) % n);
    const pick = <T>(xs: T[]): T => xs[rand(xs.length)]!;
    const day = () => `2025-${String(1 + rand(12)).padStart(2, "0")}-${String(1 + rand(28)).padStart(2, "0")}`;
    const wrong: string[] = [];
    let rejected = 0;
    let unmatched = 0;
    for (let i = 0; i < 4000; i++) {
      const obs: Observation = {
        resourceType: "Observation",
        id: `o${i}`,
        status: "final",
        code: { text: "x" },
        ...pick<Partial<Observation>>([
          { category: [{ coding: [{ system: CATEGORY, code: pick(["laboratory", "survey", "LABORATORY", "vital-signs"]) }] }] },
          { category: [{ coding: [{ code: "survey" }, { system: CATEGORY, code: "laboratory" }] }] },
          { category: [{ text: "laboratory" }] },
          {},
        ]),
        ...pick<Partial<Observation>>([
          { effectiveDateTime: day() },
          { effectiveDateTime: `${day()}T${pick(["00:30", "23:45", "12:00"])}:00${pick(["Z", "-12:00", "+14:00", "-05:00"])}` },
          { effectiveInstant: `${day()}T08:00:00.000Z` },
          { effectivePeriod: { start: day(), end: day() } },
          { effectiveDateTime: "2025-06" },
          {},
        ]),
      };
      const filters: Filter[] = [];
      if (rand(2)) filters.push({ code: "category", operator: Operator.EQUALS, value: pick(["laboratory", "survey", "laboratory,survey", "Laboratory"]) });
      if (rand(3)) filters.push({ code: "date", operator: pick([Operator.GREATER_THAN_OR_EQUALS, Operator.GREATER_THAN, Operator.LESS_THAN, Operator.LESS_THAN_OR_EQUALS, Operator.STARTS_AFTER, Operator.ENDS_BEFORE]), value: day() });
      const full = matchesSearchRequest(obs, { resourceType: "Observation", filters });
      const cheap = cannotMatch(obs, filters);
      if (cheap && full) wrong.push(`${JSON.stringify(obs)} ${JSON.stringify(filters)}`);
      if (!full) unmatched++;
      if (cheap) rejected++;
    }
    expect(wrong.slice(0, 3)).toEqual([]);
    expect(rejected / unmatched).toBeGreaterThan(0.6);
  });

  it("leaves other resource types and other parameters to the full match", () => {
    const filters: Filter[] = [{ code: "category", operator: Operator.EQUALS, value: "laboratory" }];
    expect(cannotMatch({ resourceType: "Condition", code: { text: "x" }, subject: { reference: "Patient/p" } }, filters)).toBe(false);
    expect(cannotMatch({ resourceType: "Observation", status: "final", code: { text: "x" } } as Observation, [{ code: "code", operator: Operator.EQUALS, value: "x" }])).toBe(false);
  });
});
