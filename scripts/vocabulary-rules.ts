// Classification rules used by derive-vocabulary.ts: which CDC urine-drug-screen LOINC code measures which analyte,
// which buprenorphine product is for pain, which naloxone product is a rescue kit. Every rule is written out here so
// a reviewer can check it; a CDC code no rule covers makes the script fail instead of guessing.
import type { Analyte } from "../src/clinical/types.ts";

/** CDC value sets that hold one drug class: every code in them gets that analyte. */
export const SINGLE_CLASS_SETS: Record<string, Analyte> = {
  "general-opiate-urine-drug-screening-tests": "opiates",
  "heroin-urine-drug-screening-tests": "heroin",
  "oxycodone-urine-drug-screening-tests": "oxycodone",
  "buprenorphine-urine-drug-screening-tests": "buprenorphine",
  "methadone-urine-drug-screening-tests": "methadone",
  "cocaine-urine-drug-screening-tests": "cocaine",
  "amphetamine-urine-drug-screening-tests": "amphetamine",
  "benzodiazepine-urine-drug-screening-tests": "benzodiazepine",
  "cannabinoid-urine-drug-screening-tests": "cannabinoid",
  "barbiturate-urine-drug-screening-tests": "barbiturate",
  "phencyclidine-urine-drug-screening-tests": "phencyclidine",
  "xylazine-urine-drug-screening-tests": "xylazine",
};

/** CDC value sets that mix drugs: their codes are classified by the drug named at the start of the display. */
export const MIXED_SETS = [
  "opiate-specific-urine-drug-screening-tests",
  "fentanyl-type-urine-drug-screening-tests",
  "synthetic-opioid-urine-drug-screening-tests",
  "opioid-urine-drug-screening",
  "non-opioid-urine-drug-screening",
] as const;

/** Unclassified codes of this set fall back to "other"; unclassified codes of the other mixed sets are an error. */
export const OTHER_FALLBACK_SET = "non-opioid-urine-drug-screening";

/**
 * Ordered rules on the display's leading drug name (lower case, "Deprecated " removed). First match wins.
 * Decisions worth knowing:
 * - tapentadol is NOT fentanyl (CDC lists it in the fentanyl-type set): other-opioid.
 * - alfentanil and sufentanil are fentanyl analogs given under anaesthesia: other-opioid (a test for them neither
 *   shows nor rules out illicit fentanyl). Other fentanyl analogs (acetyl fentanyl, carfentanil, …) and fentanyl
 *   metabolites/precursors (norfentanyl, despropionylfentanyl) → fentanyl.
 * - non-fentanyl novel synthetic opioids (U-47700, MT-45, AH-7921, W-18, nitazenes, brorphine, AP-237,
 *   desomorphine) → synthetic-opioid.
 * - 6-acetylcodeine is a by-product of street heroin → heroin.
 * - oxymorphone and noroxycodone are oxycodone metabolites → oxycodone (as in the CDC oxycodone set).
 * - prescription opioids not in the illicit list (tramadol, meperidine, propoxyphene, dihydrocodeine, …) and kratom
 *   alkaloids (mitragynine) → other-opioid.
 * - synthetic cathinones → amphetamine (the CDC amphetamine set already holds methcathinone, mephedrone, methylone).
 * - opioid antagonists (naltrexone, naloxone, …), papaverine → other.
 */
export const NAME_RULES: [RegExp, Analyte][] = [
  [/^(alfentanil|sufentanil|norsufentanil|remifentanil)/, "other-opioid"],
  [/^(nor)?tapentadol/, "other-opioid"],
  [/fentan(yl|il)/, "fentanyl"],
  [/^(diamorphine|6-monoacetylmorphine|6-acetylcodeine)/, "heroin"],
  [/^(dihydrocodeine|ethylmorphine|nicomorphine)/, "other-opioid"],
  [/^desomorphine/, "synthetic-opioid"],
  [/^(nor)?hydromorphone/, "hydromorphone"],
  [/^(nor)?hydrocodone/, "hydrocodone"],
  [/^(nor)?oxy(codone|morphone)/, "oxycodone"],
  [/^(nor)?morphine/, "morphine"],
  [/^(nor)?codeine/, "codeine"],
  [/^(nor)?buprenorphine/, "buprenorphine"],
  [/^(methadone|2-ethylidene-1,5-dimethyl-3,3-diphenylpyrrolidine)/, "methadone"],
  [
    /^(n-|7-hydroxy)?(nor)?(tramadol|meperidine|propoxyphene|levorphanol|nalbuphine|butorphanol|pentazocine|dipipanone|dextromoramide|anileridine|alphaprodine|trimeperidine|mitragynine)/,
    "other-opioid",
  ],
  [/^(u-47700|mt-45|ah-\d{4}|ic-26|w-1[589]|nor-w-18|brorphine|2-methyl ap-237)|nitazene/, "synthetic-opioid"],
  [/^(naltrexone|naltrexol|6-beta naltrex|naloxone|naloxol|nalorphine|papaverine)/, "other"],
  [/^(cocaine|benzoylecgonine|benzoylmethylecgonine|cocaethylene|ecgonine)/, "cocaine"],
  [
    /amphetamine|^(pentylone|pentedrone|eutylone|methylone|mephedrone|4-methylethcathinone|4-ethylmethcathinone|3,4-dimethylmethcathinone|alpha pyrrolidinovalerophenone)/,
    "amphetamine",
  ],
  [/azepam|azolam|clobazam|chlordiazepoxide|clorazepate|flurazepam|^benzodiazepine/, "benzodiazepine"],
  [/barbital|barbiturate/, "barbiturate"],
  [/cannabi/, "cannabinoid"],
  [/^phencyclidine/, "phencyclidine"],
  [/^xylazine/, "xylazine"],
];

/** The display's leading drug name: lower case, without "Deprecated " and without the property/method part. */
export function leadName(display: string): string {
  return display
    .replace(/^Deprecated /i, "")
    .split(/ \[|\/|,? cutoff| free\b| --| tested for| positive| negative| screen method| confirm method| panel\b| (Ur|Pnl)\b/i)[0]!
    .trim()
    .toLowerCase();
}

export function analyteByName(display: string): Analyte | undefined {
  const lead = leadName(display);
  return NAME_RULES.find(([re]) => re.test(lead))?.[1];
}

/** Panels: named codes from fhir-vocabulary.md §1 and any display that says panel. */
export const PANEL_CODES = new Set(["65750-2", "69739-1", "24349-3", "87428-9", "93474-5"]);
export function isPanelDisplay(display: string): boolean {
  return /\bpanel\b|\bpnl\b/i.test(display);
}

/** "… cutoff [Mass/volume] …" (long name) or "… CtO …" (short name): carries a threshold, not a result. */
export function isCutoffDisplay(display: string): boolean {
  return /\bcutoff\b|\bCtO\b/i.test(display);
}

/**
 * Codes that are not a result: method identifiers (their value names a method), Z-scores (a statistical score, no
 * cutoff applies) and 12554-2 "Narcotics and opioids [Identifier]" (it spans every opioid class, so no analyte).
 * Other "[Identifier]" and "tested for" codes ARE kept as results of their class: the CDC logic reads every member
 * of these sets as a result string, and the HL7 example Observation-barbiturate uses 3372-0 "Barbiturate screen
 * absent [Identifier]" with valueString "negative".
 */
export function isNonResultDisplay(display: string): boolean {
  return /(screen|confirm) method \[Identifier\]|\b(Scn|Cfm) Meth\b|\[Z-score\]|^Narcotics and opioids \[Identifier\]/i.test(display);
}

/** A cutoff the code itself states, e.g. "… by Screen method >300 ng/mL". */
export function cutoffInDisplay(display: string): { value: number; unit: string } | undefined {
  const m = />\s*(\d+(?:\.\d+)?)\s*(ng\/mL|ug\/L|ng|ug\/mL)?/.exec(display);
  if (!m) return undefined;
  const unit = m[2] === undefined || m[2] === "ng" ? "ng/mL" : m[2];
  return { value: Number(m[1]), unit };
}

// ---------------------------------------------------------------- buprenorphine products

/**
 * Buprenorphine products that are for pain, not OUD (clinical-spec §1). Every display of the CDC
 * buprenorphine-medications set must match exactly one of PAIN or OUD rules, or the script fails.
 */
export const BUP_PAIN_RULES: [RegExp, string][] = [
  [/Transdermal/i, "transdermal patch for chronic pain (BuTrans and generics)"],
  [/^buprenorphine [\d.]+ MG Buccal Film/i, "single-ingredient buccal film for chronic pain (Belbuca and generics)"],
  [/(\bInjection\b|Injectable Solution|Cartridge)/i, "short-acting injection for acute pain (Buprenex and generics; Simbadol is veterinary)"],
  [/Topical Solution/i, "topical solution for pain in cats (Zorbium, veterinary)"],
  [/^buprenorphine 0\.[24] MG Sublingual Tablet/i, "0.2 mg / 0.4 mg sublingual tablets are analgesic strengths (OUD tablets are 2 mg and 8 mg)"],
];
export const BUP_OUD_RULES: [RegExp, string][] = [
  [/naloxone/i, "buprenorphine/naloxone sublingual film or tablet, or buccal film (Suboxone, Zubsolv, Bunavail)"],
  [/^buprenorphine [28] MG Sublingual Tablet/i, "buprenorphine 2 mg / 8 mg sublingual tablet"],
  [/Prefilled Syringe/i, "extended-release injection (Sublocade, Brixadi)"],
  [/Drug Implant/i, "implant (Probuphine)"],
];

export function buprenorphineUse(display: string): "pain" | "oud" {
  const pain = BUP_PAIN_RULES.some(([re]) => re.test(display));
  const oud = BUP_OUD_RULES.some(([re]) => re.test(display));
  if (pain === oud) throw new Error(`buprenorphine product needs a decision (pain=${pain}, oud=${oud}): ${display}`);
  return pain ? "pain" : "oud";
}

/** Single-ingredient naloxone (a rescue kit): "naloxone hydrochloride …", "0.4 ML naloxone …", not "… / naloxone". */
export function isSingleIngredientNaloxone(display: string): boolean {
  return /^([\d.]+ ML )?naloxone\b/i.test(display) && !display.includes(" / ");
}
