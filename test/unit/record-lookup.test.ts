// Resolving a reference before the record has built its index (the resources are read instead) gives what the index
// gives: the same resource for every reference, whatever the order of lookups, with repeated ids and fullUrls.
import { describe, expect, it } from "vitest";
import { recordFromBundle, resolveReference } from "../../src/clinical/record.ts";

const patient = { resourceType: "Patient", id: "p1" };
const med = (id: string, text: string) => ({ resourceType: "Medication", id, code: { text } });

function bundle(entries: { resource: unknown; fullUrl?: string }[]): unknown {
  return { resourceType: "Bundle", type: "collection", entry: [{ resource: patient }, ...entries] };
}

/** The answers for `references`, from a fresh record (no index yet) and from one whose index is built first. */
function both(b: unknown, references: string[]): { scanned: unknown[]; indexed: unknown[] } {
  const fresh = recordFromBundle(b);
  const scanned = references.map((r) => resolveReference(fresh, r) ?? null);
  const built = recordFromBundle(b);
  void built.index.size;
  const indexed = references.map((r) => resolveReference(built, r) ?? null);
  return { scanned, indexed };
}

describe("resolving a reference without the index", () => {
  it.each([
    ["a relative reference", [{ resource: med("m1", "a") }], ["Medication/m1"]],
    ["an absolute reference", [{ resource: med("m1", "a") }], ["https://ehr.test/fhir/Medication/m1/_history/2"]],
    ["a fullUrl", [{ resource: med("m1", "a"), fullUrl: "urn:uuid:7" }], ["urn:uuid:7", "Medication/m1"]],
    ["an id that ends like another's", [{ resource: med("xm1", "a") }, { resource: med("m1", "b") }], ["Medication/m1", "Medication/xm1"]],
    ["a type that is a prefix of the reference's", [{ resource: med("m1", "a") }], ["MedicationRequest/m1", "Medication/m1"]],
    ["nothing there", [{ resource: med("m1", "a") }], ["Medication/m2", "Observation/m1", "Medication/", "urn:uuid:9"]],
    [
      "a fullUrl that reads like another resource's type and id: the later one wins, as in the index",
      [{ resource: med("m1", "first") }, { resource: med("m2", "second"), fullUrl: "Medication/m1" }],
      ["Medication/m1", "Medication/m2"],
    ],
    [
      "a fullUrl that reads like a later resource's type and id",
      [{ resource: med("m2", "first"), fullUrl: "Medication/m1" }, { resource: med("m1", "second") }],
      ["Medication/m1"],
    ],
  ])("%s: the resource the index gives", (_name, entries, references) => {
    const { scanned, indexed } = both(bundle(entries), references);
    expect(scanned).toEqual(indexed);
  });

  it("the same as the index on generated records, and after more lookups than it answers without the index", () => {
    let x = 11;
    const rand = (n: number) => ((x = (x * 1103515245 + 12345) % 2147483648) % n);
    for (let round = 0; round < 200; round++) {
      const entries = Array.from({ length: 1 + rand(12) }, (_, i) => ({
        resource: med(`m${rand(6)}`, `r${round}-${i}`),
        ...(rand(3) === 0 ? { fullUrl: rand(2) ? `urn:uuid:${rand(4)}` : `Medication/m${rand(6)}` } : {}),
      }));
      const references = Array.from({ length: 1 + rand(8) }, () =>
        rand(3) === 0 ? `urn:uuid:${rand(4)}` : rand(2) ? `Medication/m${rand(7)}` : `https://x.test/Medication/m${rand(7)}`,
      );
      const { scanned, indexed } = both(bundle(entries), references);
      expect({ round, scanned }).toEqual({ round, scanned: indexed });
    }
  });
});
