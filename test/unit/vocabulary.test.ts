import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { deriveVocabulary } from "../../scripts/derive-vocabulary.ts";
import { ICD10CM, SNOMED, STAGE_SYSTEM } from "../../src/clinical/codes.ts";
import {
  isBuprenorphineForPain,
  isNaloxoneKit,
  isOpioidOverdose,
  isOudCondition,
  isUdsPanelCode,
  moudClass,
  udsCode,
  udsCutoffCode,
} from "../../src/clinical/vocabulary.ts";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
// The project's copy of the CDC value sets (scripts/copy-third-party.ts), so a checkout without ../shared tests too.
const sharedDir = path.resolve(repoRoot, "third_party");

describe("derived files are up to date (run `npm run vocab` after changing the script or third_party/)", () => {
  const derived = deriveVocabulary(sharedDir);

  it("derives the stage CodeSystem, the value sets and the engine JSON", () => {
    const paths = [...derived.keys()];
    expect(paths).toContain("fhir-resources/CodeSystem-stage-of-change.json");
    expect(paths).toContain("fhir-resources/ValueSet-uds-fentanyl.json");
    expect(paths).toContain("fhir-resources/ValueSet-moud-buprenorphine.json");
    expect(paths).toContain("src/clinical/vocabulary.generated.json");
  });

  it.each([...derived.keys()])("%s equals the committed file", (rel) => {
    expect(readFileSync(path.join(repoRoot, rel), "utf8")).toBe(derived.get(rel));
  });

  it("is deterministic", () => {
    expect([...deriveVocabulary(sharedDir)]).toEqual([...derived]);
  });

  it("stage CodeSystem has the assessment, the ruler and the five stages under STAGE_SYSTEM", () => {
    const cs = JSON.parse(derived.get("fhir-resources/CodeSystem-stage-of-change.json")!);
    expect(cs.url).toBe(STAGE_SYSTEM);
    expect(cs.content).toBe("complete");
    expect(cs.concept.map((c: { code: string }) => c.code)).toEqual([
      "stage-of-change",
      "readiness-ruler",
      "precontemplation",
      "contemplation",
      "preparation",
      "action",
      "maintenance",
    ]);
    for (const c of cs.concept) expect(c.definition.length).toBeGreaterThan(20);
  });
});

describe("UDS LOINC codes (fhir-vocabulary §1 and CDC displays)", () => {
  it.each([
    ["19295-5", "Opiates screen", "opiates"],
    ["59673-4", "fentaNYL screen", "fentanyl"],
    ["74372-4", "Acetyl fentanyl (an analog)", "fentanyl"],
    ["43199-9", "Norfentanyl (metabolite)", "fentanyl"],
    ["72485-6", "Tapentadol screen — in CDC fentanyl-type set but not fentanyl", "other-opioid"],
    ["65807-0", "Tapentadol mass", "other-opioid"],
    ["93459-6", "U-47700 (non-fentanyl synthetic)", "synthetic-opioid"],
    ["19321-9", "6-MAM screen", "heroin"],
    ["19642-8", "oxyCODONE screen", "oxycodone"],
    ["11247-4", "oxyMORphone (oxycodone metabolite)", "oxycodone"],
    ["19597-4", "Morphine screen", "morphine"],
    ["19411-8", "Codeine screen", "codeine"],
    ["19482-9", "HYDROcodone screen", "hydrocodone"],
    ["19486-0", "HYDROmorphone screen (not morphine)", "hydromorphone"],
    ["17719-6", "traMADol mass", "other-opioid"],
    ["93494-3", "Buprenorphine screen", "buprenorphine"],
    ["19550-3", "Methadone screen", "methadone"],
    ["93495-0", "EDDP screen", "methadone"],
    ["41466-4", "Methadone/Creatinine ratio (HL7 fixture code)", "methadone"],
    ["14314-9", "Benzoylecgonine screen", "cocaine"],
    ["3349-8", "Amphetamines presence", "amphetamine"],
    ["14316-4", "Benzodiazepines screen", "benzodiazepine"],
    ["18282-4", "Cannabinoids screen", "cannabinoid"],
    ["101809-2", "Xylazine confirm", "xylazine"],
    ["3372-0", "Barbiturate screen absent [Identifier] (HL7 fixture, valueString negative)", "barbiturate"],
    ["3394-4", "Benzoylecgonine mass (HL7 fixture)", "cocaine"],
    ["89302-4", "Noroxymorphone screen (HL7 fixture)", "oxycodone"],
  ])("%s (%s) → %s", (code, _label, analyte) => {
    expect(udsCode(code)?.analyte).toBe(analyte);
  });

  it.each([
    ["70151-6", "opiates", 300],
    ["21431-2", "opiates", 2000],
    ["70148-2", "methadone", 150],
    ["43985-1", "cocaine", 300],
  ])("%s states its own cutoff (%s > %d ng/mL)", (code, analyte, value) => {
    expect(udsCode(code)).toEqual({ analyte, cutoff: { value, unit: "ng/mL" } });
  });

  it("a code without a stated cutoff has none", () => {
    expect(udsCode("19295-5")).toEqual({ analyte: "opiates" });
  });

  it.each([
    ["19299-7", "opiates"],
    ["79260-6", "fentanyl"],
    ["19600-6", "morphine"],
    ["19323-5", "heroin"],
  ])("cutoff code %s carries a %s threshold and is not a result", (code, analyte) => {
    expect(udsCutoffCode(code)).toBe(analyte);
    expect(udsCode(code)).toBeUndefined();
  });

  it.each(["65750-2", "69739-1", "24349-3", "87428-9", "93474-5", "67822-7"])("panel %s is a panel, not a result", (code) => {
    expect(isUdsPanelCode(code)).toBe(true);
    expect(udsCode(code)).toBeUndefined();
  });

  it.each([
    ["19301-1", "Opiates screen method [Identifier] (its value names a method)"],
    ["78828-1", "fentaNYL [Z-score]"],
    ["12554-2", "Narcotics and opioids [Identifier] (spans every opioid class)"],
    ["2951-2", "Sodium in serum (not a drug screen)"],
  ])("%s (%s) is not a result code", (code) => {
    expect(udsCode(code)).toBeUndefined();
  });
});

describe("RxNorm classes", () => {
  it.each([
    ["351267", "bup 8 / nx 2 SL tablet", "buprenorphine"],
    ["1010603", "Suboxone film", "buprenorphine"],
    ["1542396", "Bunavail (bup/nx buccal film) is for OUD", "buprenorphine"],
    ["1996184", "Sublocade", "buprenorphine"],
    ["2639021", "Brixadi", "buprenorphine"],
    ["1797650", "Probuphine implant", "buprenorphine"],
    ["1819", "buprenorphine IN", "buprenorphine"],
    ["352364", "buprenorphine / naloxone MIN", "buprenorphine"],
    ["864708", "Dolophine 10 mg", "methadone"],
    ["991147", "methadone 10 mg/mL oral solution", "methadone"],
    ["6813", "methadone IN", "methadone"],
    ["637213", "naltrexone 380 mg injection", "naltrexone"],
    ["1483744", "naltrexone 50 mg tablet", "naltrexone"],
    ["7243", "naltrexone IN", "naltrexone"],
  ])("%s (%s) → MOUD %s", (code, _label, cls) => {
    expect(moudClass(code)).toBe(cls);
    expect(isBuprenorphineForPain(code)).toBe(false);
  });

  it.each([
    ["904874", "BuTrans patch"],
    ["904870", "generic transdermal patch"],
    ["1716063", "Belbuca buccal film"],
    ["1716057", "generic single-ingredient buccal film"],
    ["205533", "Buprenex injection"],
  ])("%s (%s) is buprenorphine for pain, never MOUD", (code) => {
    expect(isBuprenorphineForPain(code)).toBe(true);
    expect(moudClass(code)).toBeNull();
  });

  it.each([
    ["1725064", "Narcan nasal spray", true],
    ["1725059", "naloxone 40 mg/mL nasal spray", true],
    ["7242", "naloxone IN", true],
    ["351267", "buprenorphine/naloxone tablet", false],
    ["312289", "naloxone/pentazocine tablet", false],
    ["864708", "methadone", false],
  ])("%s (%s) naloxone kit: %s", (code, _label, kit) => {
    expect(isNaloxoneKit(code)).toBe(kit);
  });

  it("unknown codes are nothing", () => {
    expect(moudClass("1049640")).toBeNull();
    expect(isNaloxoneKit("1049640")).toBe(false);
  });
});

describe("conditions", () => {
  it.each([
    [ICD10CM, "F11.20", true],
    [ICD10CM, "F11.10", true],
    [ICD10CM, "F11.21", true],
    [ICD10CM, "F11.90", true],
    [ICD10CM, "F1120", true],
    [ICD10CM, "F10.20", false],
    [ICD10CM, "C79.2", false],
    [SNOMED, "75544000", true],
    [SNOMED, "5602001", true],
    [SNOMED, "724653003", true],
    [SNOMED, "87132004", false], // opioid withdrawal can follow prescribed opioids: not a use-disorder diagnosis
    [SNOMED, "708248004", false],
    ["urn:oid:2.16.840.1.113883.6.90", "F11.20", true],
    ["http://example.org/local", "F11.20", false],
  ])("OUD %s %s → %s", (system, code, expected) => {
    expect(isOudCondition(system, code)).toBe(expected);
  });

  it.each([
    [ICD10CM, "T40.1X1A", true, "heroin, accidental"],
    [ICD10CM, "T40.411A", true, "fentanyl, accidental"],
    [ICD10CM, "T40.2X2A", true, "other opioids, self-harm"],
    [ICD10CM, "T40.0X4D", true, "opium, undetermined"],
    [ICD10CM, "T40.601A", true, "unspecified narcotics"],
    [ICD10CM, "T40.2", true, "too short to carry intent"],
    [ICD10CM, "T40.4X", true, "too short to carry intent"],
    [ICD10CM, "T40.2X5A", false, "adverse effect"],
    [ICD10CM, "T40.2X6A", false, "underdosing"],
    [ICD10CM, "T40.5X1A", false, "cocaine"],
    [ICD10CM, "T40.7X1A", false, "cannabis"],
    [ICD10CM, "F11.20", false, "OUD is not an overdose"],
    [SNOMED, "242253008", true, "Overdose of opiate"],
    [SNOMED, "295193008", true, "Fentanyl overdose"],
    [SNOMED, "75544000", false, "Opioid dependence"],
  ])("overdose %s %s → %s (%s)", (system, code, expected) => {
    expect(isOpioidOverdose(system, code)).toBe(expected);
  });
});
