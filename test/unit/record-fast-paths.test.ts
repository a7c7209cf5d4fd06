// The engine's fast paths at the door give the answers of the plain definitions they replace: a FHIR id read
// character by character (FHIR_ID), and a resource repeated by type and id kept once, the first (what a Set of ids
// per type gave), also when every id lands on the same slot of the table (record-entries.ts, id-table.ts).
import type { FhirResource } from "fhir/r4.js";
import { describe, expect, it } from "vitest";
import { fnv1a, idTable } from "../../src/clinical/id-table.ts";
import { recordFromBundle, recordFromEntries } from "../../src/clinical/record.ts";
import { FHIR_ID, isFhirId } from "../../src/clinical/record-shape.ts";
import { collection, patient, uds } from "../helpers/resources.ts";

describe("isFhirId agrees with FHIR_ID", () => {
  it.each([
    ["a", true],
    ["A-Z.a-z.0-9", true],
    ["x".repeat(64), true],
    ["x".repeat(65), false],
    ["", false],
    ["has space", false],
    ["slash/in", false],
    ["under_score", false],
    ["ümlaut", false],
    ["line\nbreak", false],
    ["[", false],
    ["`", false],
    ["{", false],
    ["@", false],
    [":", false],
    ["/", false],
  ])("%j → %s", (id, expected) => {
    expect(isFhirId(id)).toBe(expected);
    expect(FHIR_ID.test(id)).toBe(expected);
  });

  it("on every character from U+0000 to U+017F, alone and inside an id", () => {
    for (let c = 0; c < 0x180; c++) {
      for (const id of [String.fromCharCode(c), `ab${String.fromCharCode(c)}9`]) expect({ id, ok: isFhirId(id) }).toEqual({ id, ok: FHIR_ID.test(id) });
    }
  });
});

/** The first of each type and id, as a Set per type finds them. */
function firstOfEach(resources: { resourceType: string; id: string }[]): boolean[] {
  const seen = new Map<string, Set<string>>();
  return resources.map((r) => {
    const ids = seen.get(r.resourceType) ?? seen.set(r.resourceType, new Set()).get(r.resourceType)!;
    if (ids.has(r.id)) return false;
    ids.add(r.id);
    return true;
  });
}

/** `n` ids whose hashes are equal modulo `size`: every one probes the same slot of a table of that size. */
function collidingIds(n: number, size: number): string[] {
  const out: string[] = [];
  const slot = fnv1a("k0") % size;
  for (let k = 0; out.length < n; k++) if (fnv1a(`k${k}`) % size === slot) out.push(`k${k}`);
  return out;
}

describe("a resource listed twice is kept once, the first", () => {
  it.each([
    ["the same id twice", [["Observation", "a"], ["Observation", "a"]]],
    ["the same id in two types", [["Observation", "a"], ["Condition", "a"]]],
    ["ids that differ in case", [["Observation", "a"], ["Observation", "A"], ["Observation", "a"]]],
    ["three repeats among others", [["Goal", "g"], ["Goal", "h"], ["Goal", "g"], ["CarePlan", "g"], ["Goal", "g"], ["Goal", "h"]]],
  ])("%s", (_name, pairs) => {
    const resources = pairs.map(([resourceType, id]) => ({ resourceType: resourceType!, id: id! }));
    const add = idTable(resources, resources.length);
    expect(resources.map((_r, i) => add(i))).toEqual(firstOfEach(resources));
  });

  it.each([
    ["every id on one slot (the table hands over to Sets)", 300],
    ["a few ids on one slot", 12],
  ])("%s: the same answers", (_name, n) => {
    // 2n resources (each id twice, the repeats in reverse order) in a table sized for them.
    let size = 16;
    while (size < 4 * n) size *= 2;
    const ids = collidingIds(n, size);
    const resources = [...ids, ...ids.toReversed()].map((id) => ({ resourceType: "Observation", id }));
    const add = idTable(resources, resources.length);
    expect(resources.map((_r, i) => add(i))).toEqual(firstOfEach(resources));
  });

  it("in a record from a Bundle and from loose entries: the first copy of each, the rest in order", () => {
    const first = uds("opiates", "pos", "2026-11-01", "o1");
    const second = { ...uds("opiates", "neg", "2026-11-02", "o1") };
    const other = uds("fentanyl", "neg", "2026-11-02", "o2");
    const resources = [patient(), first, other, second, uds("opiates", "neg", "2026-11-03", "o3")] as FhirResource[];
    for (const record of [recordFromBundle(collection(...resources)), recordFromEntries(resources.map((resource) => ({ resource })))]) {
      expect(record.observations.map((o) => [o.id, o.effectiveDateTime])).toEqual([
        ["o1", "2026-11-01"],
        ["o2", "2026-11-02"],
        ["o3", "2026-11-03"],
      ]);
    }
  });
});
