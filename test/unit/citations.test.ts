// Citations everywhere a user or an integrator reads them: the catalog, the rule reasons and warnings in the CLI
// output of every synthetic patient (fhir-resources/patients/*.json, run through the engine under every clinician
// context), the CM schedule lines, and every file in fhir-resources/. The source review is cited by its title,
// a section in sentence case and reference numbers that exist in its list (1–65); a reference number never stands
// outside such a citation in engine text; the word "seed" appears nowhere.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Bundle } from "fhir/r4.js";
import { describe, expect, it } from "vitest";
import { ANCHOR } from "../../scripts/generate-patients.ts";
import { CATALOG } from "../../src/clinical/catalog.ts";
import { CM_SCHEDULE_KINDS, defaultCmParams, describeSchedule } from "../../src/clinical/cm-schedules.ts";
import { evaluate } from "../../src/clinical/evaluate.ts";
import { recordFromBundle } from "../../src/clinical/record.ts";
import { cite, citeOther, formatRefs, SOURCE_REFERENCES, SOURCE_SECTIONS, SOURCE_TITLE } from "../../src/clinical/references.ts";
import type { ClinicianContext } from "../../src/clinical/types.ts";
import { toCliJson } from "../../src/cli/output.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const FHIR_DIR = path.join(ROOT, "fhir-resources");
const PATIENTS_DIR = path.join(FHIR_DIR, "patients");
const SEED = /\bseed\b/i;

/** Every string inside a JSON value. */
function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === "object") return Object.values(value).flatMap(strings);
  return [];
}

/** "[2, 10–17]" → [2, 10, …, 17]; null when the brackets hold something else. */
function refNumbers(group: string): number[] | null {
  const out: number[] = [];
  for (const part of group.split(",").map((p) => p.trim())) {
    const m = /^(\d+)(?:[–-](\d+))?$/.exec(part);
    if (!m) return null;
    const [a, b] = [Number(m[1]), Number(m[2] ?? m[1])];
    for (let n = a; n <= b; n++) out.push(n);
  }
  return out;
}

const TITLE_CITATION = new RegExp(`\\(${SOURCE_TITLE}, ([^()]+)\\)`, "g");

/**
 * Problems with the citations in one string: a title citation naming an unknown section or badly formatted
 * reference numbers, a reference number outside 1–65, a bare reference list outside a title citation (when
 * `bareRefsAllowed` is false), an upper-case section name, the word "seed".
 */
function citationProblems(s: string, bareRefsAllowed: boolean): string[] {
  const problems: string[] = [];
  if (SEED.test(s)) problems.push(`says "seed": ${s}`);
  for (const section of SOURCE_SECTIONS) if (s.includes(section.toUpperCase())) problems.push(`upper-case section: ${s}`);
  for (const m of s.matchAll(TITLE_CITATION)) {
    for (const pointer of m[1]!.split("; ")) {
      const p = /^(.+?)(?: (\[[^\]]+\]))?$/.exec(pointer)!;
      if (!(SOURCE_SECTIONS as readonly string[]).includes(p[1]!)) problems.push(`unknown section "${p[1]}": ${s}`);
      if (p[2]) {
        const refs = refNumbers(p[2].slice(1, -1));
        if (!refs || formatRefs(refs) !== p[2]) problems.push(`badly formatted refs ${p[2]}: ${s}`);
      }
    }
  }
  for (const m of s.matchAll(/\[([\d,\s–-]+)\]/g)) {
    const refs = refNumbers(m[1]!) ?? [];
    for (const n of refs) if (!SOURCE_REFERENCES[n]) problems.push(`reference [${n}] is not in the list: ${s}`);
  }
  if (!bareRefsAllowed && /\[\d/.test(s.replace(TITLE_CITATION, ""))) problems.push(`reference numbers outside a citation: ${s}`);
  return problems;
}

// ---------------------------------------------------------------- the check itself can fail

describe("the citation check", () => {
  it.each([
    ["a section of the review with its references", `MI helps ${cite("Selecting psychotherapy", "Motivational interviewing", [13])}.`, []],
    ["another source", `Never delays ${citeOther("asam-2020")}.`, []],
    ["the word seed", "(seed SELECTING PSYCHOTHERAPY) [13]", ['says "seed"', "upper-case section", "outside a citation"]],
    ["a section the review does not have", `(${SOURCE_TITLE}, Harm reduction [13])`, ['unknown section "Harm reduction"']],
    ["a reference the list does not have", `(${SOURCE_TITLE}, Overview [66])`, ["reference [66] is not in the list"]],
    ["references not in the one format", `(${SOURCE_TITLE}, Overview [2,10-17])`, ["badly formatted refs"]],
    ["a bare reference list", "CM works [18].", ["outside a citation"]],
  ] as const)("%s", (_name, s, expected) => {
    const problems = citationProblems(s, false);
    expect(problems).toHaveLength(expected.length);
    expected.forEach((e, i) => expect(problems[i]).toContain(e));
  });
});

// ---------------------------------------------------------------- the engine's text

const FLAGS: (keyof ClinicianContext)[] = ["familyInvolved", "prefersNoMedication", "canDeliverCm", "otp"];
/** All 16 clinician contexts. */
const CONTEXTS: ClinicianContext[] = Array.from({ length: 16 }, (_, bits) => {
  const c = { familyInvolved: false, prefersNoMedication: false, canDeliverCm: false, otp: false };
  FLAGS.forEach((f, i) => (c[f] = Boolean(bits & (1 << i))));
  return c;
});

const patientFiles = readdirSync(PATIENTS_DIR).filter((n) => n.startsWith("pw-") && n.endsWith(".json"));

describe("CLI output of every synthetic patient", () => {
  it("covers the synthetic patients", () => expect(patientFiles.length).toBeGreaterThanOrEqual(13));

  it.each(patientFiles)("%s: every clinician context, with and without CM enrolment", (file) => {
    const record = recordFromBundle(JSON.parse(readFileSync(path.join(PATIENTS_DIR, file), "utf8")) as Bundle);
    const problems = new Set<string>();
    let cited = 0;
    // Every context without CM enrolment, and four with it (CM status changes the CM and safety reasons).
    const runs = [
      ...CONTEXTS.map((context) => ({ context, cmStart: undefined })),
      ...[0, 2, 4, 15].map((i) => ({ context: CONTEXTS[i]!, cmStart: "2026-10-05" })),
    ];
    for (const { context, cmStart } of runs) {
      {
        const out = toCliJson(evaluate(record, { now: ANCHOR, context, ...(cmStart ? { cmStart } : {}) }));
        for (const s of strings(out)) {
          for (const p of citationProblems(s, false)) problems.add(p);
          if (s.includes(`(${SOURCE_TITLE}, `)) cited++;
        }
        const recs = out.recommendations as { evidence: string[] }[];
        for (const r of recs) for (const e of r.evidence) expect(e, "every evidence line cites a source").toMatch(/\)$/);
      }
    }
    expect([...problems]).toEqual([]);
    expect(cited, "title citations found").toBeGreaterThan(100);
  });
});

describe("catalog and CM schedule text", () => {
  it("every catalog string cites in the one format", () => {
    expect(strings(CATALOG).flatMap((s) => citationProblems(s, false))).toEqual([]);
  });

  it.each(CM_SCHEDULE_KINDS)("%s schedule lines: the 12-week standard cites the review's CM section", (kind) => {
    const lines = describeSchedule(defaultCmParams(kind));
    expect(strings(lines).flatMap((s) => citationProblems(s, false))).toEqual([]);
    const weeks = lines.find((l) => l.parameter === "programWeeks");
    expect(weeks?.source).toContain(cite("Contingency management"));
    expect(weeks?.source).not.toMatch(/Higgins|Petry/);
  });
});

// ---------------------------------------------------------------- the published files

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

describe("fhir-resources", () => {
  const files = filesUnder(FHIR_DIR);

  it.each(files.map((f) => path.relative(ROOT, f)))("%s never says seed", (file) => {
    expect(readFileSync(path.join(ROOT, file), "utf8")).not.toMatch(SEED);
  });

  // Knowledge artifacts cite the review; the ActivityDefinitions also list its references as "[n] Author…".
  const artifacts = files.filter((f) => /(ActivityDefinition|PlanDefinition|CodeSystem|ValueSet)-[^/]*\.json$/.test(f));
  it.each(artifacts.map((f) => path.relative(ROOT, f)))("%s: citations name sections and references that exist", (file) => {
    const json = JSON.parse(readFileSync(path.join(ROOT, file), "utf8")) as unknown;
    expect(strings(json).flatMap((s) => citationProblems(s, true))).toEqual([]);
  });

  it("every ActivityDefinition names the review by title", () => {
    const ads = artifacts.filter((f) => /ActivityDefinition-/.test(f));
    expect(ads).toHaveLength(CATALOG.length);
    for (const f of ads) {
      const ad = JSON.parse(readFileSync(f, "utf8")) as { relatedArtifact: { type: string; display?: string; citation?: string }[] };
      const review = ad.relatedArtifact.filter((a) => a.type === "citation" && a.display === SOURCE_TITLE);
      expect(review, f).toHaveLength(1);
      for (const a of ad.relatedArtifact.filter((x) => x.type === "citation" && /^\[\d+\]$/.test((x as { label?: string }).label ?? "")))
        expect(a.display, f).toMatch(new RegExp(`^${SOURCE_TITLE}, reference \\d+$`));
    }
  });
});

// cite() and formatRefs() keep their answers (a population run calls them with the same arguments for every patient):
// a kept answer is the one a first call gives, arguments that differ only in how their numbers split never share
// one, and arguments cite() refuses are refused every time.
describe("kept citation answers", () => {
  it.each([
    [[13], "[13]"],
    [[1, 23], "[1, 23]"],
    [[12, 3], "[3, 12]"],
    [[44, 45, 46, 47, 48, 49], "[44–49]"],
    [[49, 44, 45, 46, 47, 48, 45], "[44–49]"],
    [[], "[]"],
  ])("formatRefs(%j) is %s on every call", (refs, text) => {
    expect(formatRefs(refs)).toBe(text);
    expect(formatRefs(refs)).toBe(text);
  });

  it.each([
    [["Overview", [1, 23]], `(${SOURCE_TITLE}, Overview [1, 23])`],
    [["Overview", [12, 3]], `(${SOURCE_TITLE}, Overview [3, 12])`],
    [["Overview", "Summary"], `(${SOURCE_TITLE}, Overview; Summary)`],
    [["Overview", [2], "Summary"], `(${SOURCE_TITLE}, Overview [2]; Summary)`],
    [["Overview", [2, 3, 4], "Summary", [5]], `(${SOURCE_TITLE}, Overview [2–4]; Summary [5])`],
  ] as const)("cite(%j) gives the same text on every call", (parts, text) => {
    const args = parts as unknown as Parameters<typeof cite>;
    expect(cite(...args)).toBe(text);
    expect(cite(...args)).toBe(text);
  });

  it.each([[[[13]]], [["Overview", [1], [2]]], [[]]])("cite(…%j) is refused on every call", (parts) => {
    const args = parts as unknown as Parameters<typeof cite>;
    for (let i = 0; i < 2; i++) expect(() => cite(...args)).toThrow(/cite\(\)/);
  });

  it("a section named like a list of numbers is not taken for one", () => {
    expect(() => cite([13] as never)).toThrow(/reference numbers must follow a section name/);
    expect(cite("13" as never)).toBe(`(${SOURCE_TITLE}, 13)`);
    expect(() => cite([13] as never)).toThrow(/reference numbers must follow a section name/);
  });
});
