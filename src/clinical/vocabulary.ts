// Value-set membership the engine needs: UDS LOINC codes by analyte, MOUD / naloxone / pain-buprenorphine RxNorm
// codes, OUD diagnoses and opioid overdoses. The code lists are DERIVED from the CDC Opioid CDS value sets and
// ../shared/reference/fhir-vocabulary.md by scripts/derive-vocabulary.ts (npm run vocab), which writes
// vocabulary.generated.json (read here) and the matching FHIR ValueSets in fhir-resources/. Do not edit the JSON.
// Every lookup tolerates junk input (a non-string code returns "not a member"), so callers never throw.
import data from "./vocabulary.generated.json" with { type: "json" };
import { ICD10CM, RXNORM, SNOMED } from "./codes.ts";
import type { Analyte, MoudMedication } from "./types.ts";

export interface UdsCodeInfo {
  analyte: Analyte;
  /** A cutoff stated by the code itself (e.g. 70151-6 "… >300 ng/mL"). */
  cutoff?: { value: number; unit: string };
}

/** Shape of vocabulary.generated.json (see scripts/derive-vocabulary.ts). */
export interface GeneratedVocabulary {
  /** LOINC result code → analyte (+ cutoff stated in the code). Cutoff codes and panels are not here. */
  uds: Record<string, UdsCodeInfo>;
  udsPanels: string[];
  /** LOINC "… cutoff [Mass/volume] …" code → analyte whose threshold it carries. */
  udsCutoffCodes: Record<string, Analyte>;
  /** RxNorm → MOUD class (buprenorphine for pain excluded). */
  moud: Record<string, MoudMedication>;
  buprenorphineForPain: string[];
  naloxoneKit: string[];
  /** OUD diagnosis codes by code system URL. */
  oudConditions: Record<string, string[]>;
  /** Opioid poisoning: ICD-10-CM categories (T40.0 …) and any verified SNOMED codes. */
  opioidOverdose: { icd10cmCategories: string[]; snomed: string[] };
}

const vocab = data as unknown as GeneratedVocabulary;

const UDS = new Map<string, UdsCodeInfo>(Object.entries(vocab.uds));
const PANELS = new Set(vocab.udsPanels);
const CUTOFF_CODES = new Map<string, Analyte>(Object.entries(vocab.udsCutoffCodes));
const MOUD = new Map<string, MoudMedication>(Object.entries(vocab.moud));
const BUP_PAIN = new Set(vocab.buprenorphineForPain);
const NALOXONE_KIT = new Set(vocab.naloxoneKit);
const OUD = new Map<string, Set<string>>(Object.entries(vocab.oudConditions).map(([s, codes]) => [s, new Set(codes)]));
const OVERDOSE_CATEGORIES = new Set(vocab.opioidOverdose.icd10cmCategories.map((c) => c.replace(".", "").toUpperCase()));
const OVERDOSE_SNOMED = new Set(vocab.opioidOverdose.snomed);

/** OIDs some EHRs send instead of the FHIR system URLs (HL7 terminology: code system OIDs). */
const SYSTEM_OIDS: Record<string, string> = {
  "urn:oid:2.16.840.1.113883.6.90": ICD10CM,
  "urn:oid:2.16.840.1.113883.6.96": SNOMED,
  "urn:oid:2.16.840.1.113883.6.88": RXNORM,
};

/** The FHIR system URL for a coding's system (OID form mapped, trailing slash removed). */
export function canonicalSystem(system: string | undefined): string {
  const s = (typeof system === "string" ? system : "").trim().replace(/\/$/, "");
  return SYSTEM_OIDS[s] ?? s;
}

/** The analyte a UDS result LOINC code measures (result codes only: not panels, not cutoff codes). */
export function udsCode(loinc: string): UdsCodeInfo | undefined {
  return typeof loinc === "string" ? UDS.get(loinc.trim()) : undefined;
}

/** A drugs-of-abuse panel code (the Observation's members/components carry the results). */
export function isUdsPanelCode(loinc: string): boolean {
  return typeof loinc === "string" && PANELS.has(loinc.trim());
}

/** For a "… cutoff [Mass/volume] …" code: the analyte whose threshold it carries. */
export function udsCutoffCode(loinc: string): Analyte | undefined {
  return typeof loinc === "string" ? CUTOFF_CODES.get(loinc.trim()) : undefined;
}

/** MOUD class by RxNorm code; null for anything else, including buprenorphine products for pain. */
export function moudClass(rxnorm: string): MoudMedication | null {
  if (typeof rxnorm !== "string") return null;
  const code = rxnorm.trim();
  if (BUP_PAIN.has(code)) return null;
  return MOUD.get(code) ?? null;
}

/** Buprenorphine product for pain (transdermal, single-ingredient buccal film, Buprenex injection). */
export function isBuprenorphineForPain(rxnorm: string): boolean {
  return typeof rxnorm === "string" && BUP_PAIN.has(rxnorm.trim());
}

/** A single-ingredient naloxone product (rescue kit). */
export function isNaloxoneKit(rxnorm: string): boolean {
  return typeof rxnorm === "string" && NALOXONE_KIT.has(rxnorm.trim());
}

/** OUD diagnosis: ICD-10-CM any F11.* code (by prefix, dot optional), or a code in the OUD value set. */
export function isOudCondition(system: string, code: string): boolean {
  if (typeof code !== "string") return false;
  const c = code.trim();
  system = canonicalSystem(system);
  if (system === ICD10CM && /^F11(\.|$|[0-9])/i.test(c)) return true;
  return OUD.get(system)?.has(c) ?? false;
}

/**
 * Opioid overdose (poisoning).
 * ICD-10-CM: T40.0–T40.4 and T40.6 (opium, heroin, other opioids, methadone, synthetic narcotics, unspecified
 * narcotics). The 6th character (dot excluded) is the intent: 1–4 (accidental, intentional self-harm, assault,
 * undetermined) counts; 5 (adverse effect) and 6 (underdosing) do not. A code too short to carry it (T40.2, T40.4X)
 * counts. T40.5 (cocaine) and T40.7 (cannabis) are not opioids.
 * SNOMED: the poisoning/overdose members of the CDC opioid-misuse-disorders value set (is-a 1148649003 "Poisoning
 * caused by opioid receptor agonist", e.g. 242253008 "Overdose of opiate"), a verified source, so no guess from the
 * display text is made: `display` is accepted for callers but not used.
 */
export function isOpioidOverdose(system: string, code: string, _display?: string): boolean {
  if (typeof code !== "string") return false;
  const c = code.trim();
  system = canonicalSystem(system);
  if (system === ICD10CM) {
    const flat = c.replace(".", "").toUpperCase();
    if (!OVERDOSE_CATEGORIES.has(flat.slice(0, 4))) return false;
    const intent = flat.charAt(5);
    if (intent === "") return true;
    return intent >= "1" && intent <= "4";
  }
  if (system === SNOMED) return OVERDOSE_SNOMED.has(c);
  return false;
}
