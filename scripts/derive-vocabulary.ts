// Derives the project's own terminology from the CDC Opioid CDS value sets (third_party/vocabulary/cdc-opioid-cds-r4,
// copied unchanged from ../shared by scripts/copy-third-party.ts) and the verified facts of
// ../shared/reference/fhir-vocabulary.md (hard-coded below, section cited):
//   fhir-resources/CodeSystem-stage-of-change.json, fhir-resources/ValueSet-*.json, src/clinical/vocabulary.generated.json
// Run: npm run vocab  (node scripts/derive-vocabulary.ts [dir holding vocabulary/cdc-opioid-cds-r4], default third_party). Output is deterministic; a unit test checks
// that the committed files equal deriveVocabulary(sharedDir).
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { ICD10CM, LOINC, RXNORM, SNOMED, STAGE_SYSTEM, STAGEWISE_BASE } from "../src/clinical/codes.ts";
import type { Analyte, MoudMedication } from "../src/clinical/types.ts";
import type { GeneratedVocabulary, UdsCodeInfo } from "../src/clinical/vocabulary.ts";
import {
  MIXED_SETS, OTHER_FALLBACK_SET, PANEL_CODES, SINGLE_CLASS_SETS, analyteByName, buprenorphineUse, cutoffInDisplay,
  isCutoffDisplay, isNonResultDisplay, isPanelDisplay, isSingleIngredientNaloxone,
} from "./vocabulary-rules.ts";
import { stageResources } from "./stage-codesystem.ts";

type Concept = { code: string; display: string };
type Expansion = { url: string; contains: (Concept & { system: string })[] };
const CDC = "http://fhir.org/guides/cdc/opioid-cds/ValueSet/";

// fhir-vocabulary.md §3 (MOUD RxNorm codes).
const BUPRENORPHINE_IN: Concept = { code: "1819", display: "buprenorphine" };
const BUP_NX_MIN: Concept = { code: "352364", display: "buprenorphine / naloxone" };
const METHADONE_IN: Concept = { code: "6813", display: "methadone" };
const NALTREXONE: Concept[] = [
  { code: "7243", display: "naltrexone" },
  { code: "637213", display: "naltrexone 380 MG Injection" },
  { code: "1483744", display: "naltrexone hydrochloride 50 MG Oral Tablet" },
];
const NALOXONE_IN: Concept = { code: "7242", display: "naloxone" };
// fhir-vocabulary.md §4 (SNOMED OUD list).
const OUD_SNOMED_REFERENCE: Concept[] = [
  { code: "5602001", display: "Opioid abuse (disorder)" },
  { code: "75544000", display: "Opioid dependence (disorder)" },
  { code: "191819002", display: "Continuous opioid dependence (disorder)" },
  { code: "191820008", display: "Episodic opioid dependence (disorder)" },
  { code: "191821007", display: "Opioid dependence in remission (disorder)" },
  { code: "1081000119105", display: "Opioid dependence, on agonist therapy (disorder)" },
  { code: "724653003", display: "Opioid dependence with current use (disorder)" },
  { code: "145121000119106", display: "Intravenous nondependent opioid abuse (disorder)" },
  { code: "231477003", display: "Dependence on diamorphine (disorder)" },
  { code: "426001001", display: "Fentanyl dependence (disorder)" },
  { code: "703845008", display: "Buprenorphine dependence (disorder)" },
  { code: "231478008", display: "Methadone dependence (disorder)" },
];
// clinical-spec §1: ICD-10-CM opioid poisoning categories T40.0–T40.4, T40.6 (intent rule in vocabulary.ts).
const OVERDOSE_ICD: Concept[] = [
  { code: "T40.0", display: "Poisoning by opium" },
  { code: "T40.1", display: "Poisoning by heroin" },
  { code: "T40.2", display: "Poisoning by other opioids" },
  { code: "T40.3", display: "Poisoning by methadone" },
  { code: "T40.4", display: "Poisoning by other synthetic narcotics" },
  { code: "T40.6", display: "Poisoning by other and unspecified narcotics" },
];

const byCode = (a: { code: string }, b: { code: string }) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
const uniqSorted = (cs: Concept[]): Concept[] => [...new Map(cs.map((c) => [c.code, c])).values()].sort(byCode);

function readCdc(dir: string): Map<string, Expansion> {
  const sets = new Map<string, Expansion>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".json")).sort()) {
    const vs = JSON.parse(readFileSync(path.join(dir, file), "utf8")) as { id: string; url: string; expansion?: { contains?: Expansion["contains"] } };
    sets.set(vs.id, { url: vs.url, contains: vs.expansion?.contains ?? [] });
  }
  return sets;
}

function need(sets: Map<string, Expansion>, id: string): Expansion {
  const s = sets.get(id);
  if (!s) throw new Error(`CDC value set ${id} not found`);
  return s;
}

interface ValueSetInput {
  id: string;
  title: string;
  description: string;
  include: ({ system: string; concept: Concept[] } | { system: string; filter: { property: string; op: string; value: string }[] })[];
}

function valueSet(v: ValueSetInput): object {
  const name = v.id.split("-").map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join("").replace(/[^A-Za-z0-9]/g, "");
  return {
    resourceType: "ValueSet",
    id: v.id,
    url: `${STAGEWISE_BASE}/ValueSet/${v.id}`,
    name,
    title: v.title,
    status: "active",
    experimental: false,
    publisher: "Stagewise",
    description: v.description,
    compose: { include: v.include },
  };
}

type UdsKind = "result" | "cutoff" | "panel" | "non-result";
interface UdsRow { code: string; display: string; kind: UdsKind; analyte: Analyte | null; sets: string[] }

/** Every LOINC code of the CDC urine drug screening sets, classified. */
export function classifyUds(sets: Map<string, Expansion>): UdsRow[] {
  const display = new Map<string, string>();
  const memberOf = new Map<string, string[]>();
  const ids = [...sets.keys()].filter((id) => id in SINGLE_CLASS_SETS || (MIXED_SETS as readonly string[]).includes(id));
  // Long common names come from the all-UDS set; codes only in a class set keep that set's (short) display.
  for (const c of need(sets, "all-urine-drug-screening-tests").contains) display.set(c.code, c.display);
  for (const id of ids) {
    for (const c of need(sets, id).contains) {
      if (c.system !== LOINC) continue;
      if (!display.has(c.code)) display.set(c.code, c.display);
      memberOf.set(c.code, [...(memberOf.get(c.code) ?? []), id]);
    }
  }
  const rows: UdsRow[] = [];
  for (const [code, sets_] of memberOf) {
    const d = display.get(code)!;
    const kind: UdsKind = PANEL_CODES.has(code) || isPanelDisplay(d) ? "panel" : isCutoffDisplay(d) ? "cutoff" : isNonResultDisplay(d) ? "non-result" : "result";
    let analyte: Analyte | null = null;
    const single = [...new Set(sets_.filter((s) => s in SINGLE_CLASS_SETS).map((s) => SINGLE_CLASS_SETS[s]!))];
    if (single.length > 1) throw new Error(`${code} is in class sets of ${single.join(" and ")}`);
    if (kind !== "panel") {
      analyte = single[0] ?? analyteByName(d) ?? (sets_.every((s) => s === OTHER_FALLBACK_SET) ? "other" : null);
      if (analyte === null && kind !== "non-result") throw new Error(`no rule classifies ${code} "${d}" (${sets_.join(", ")})`);
    }
    rows.push({ code, display: d, kind, analyte, sets: sets_.sort() });
  }
  return rows.sort(byCode);
}

const ANALYTE_TITLES: Record<Analyte, string> = {
  opiates: "opiates (class immunoassay)", morphine: "morphine", codeine: "codeine", heroin: "heroin (6-MAM)",
  fentanyl: "fentanyl and fentanyl analogs", "synthetic-opioid": "non-fentanyl synthetic opioids",
  oxycodone: "oxycodone and oxymorphone", hydrocodone: "hydrocodone", hydromorphone: "hydromorphone",
  buprenorphine: "buprenorphine", methadone: "methadone and EDDP", "other-opioid": "other opioids (not in the illicit list)",
  cocaine: "cocaine", amphetamine: "amphetamine-type stimulants", benzodiazepine: "benzodiazepines",
  cannabinoid: "cannabinoids", barbiturate: "barbiturates", phencyclidine: "phencyclidine", xylazine: "xylazine",
  other: "other substances",
};

function rxnormSets(sets: Map<string, Expansion>) {
  const bup = need(sets, "buprenorphine-medications").contains;
  const bupOud = bup.filter((c) => buprenorphineUse(c.display) === "oud");
  const bupPain = bup.filter((c) => buprenorphineUse(c.display) === "pain");
  const methadone = need(sets, "methadone-medications").contains;
  const naloxoneKit = need(sets, "naloxone-medications").contains.filter((c) => isSingleIngredientNaloxone(c.display));
  const pick = (cs: Concept[]) => uniqSorted(cs.map(({ code, display }) => ({ code, display })));
  return {
    buprenorphine: pick([...bupOud, BUPRENORPHINE_IN, BUP_NX_MIN]),
    pain: pick(bupPain),
    methadone: pick([...methadone, METHADONE_IN]),
    naltrexone: pick(NALTREXONE),
    naloxoneKit: pick([...naloxoneKit, NALOXONE_IN]),
  };
}

/** CDC opioid-misuse-disorders, split into OUD diagnoses (abuse/dependence family) and opioid poisonings. */
function conditionSets(sets: Map<string, Expansion>) {
  const misuse = need(sets, "opioid-misuse-disorders").contains;
  const sct = misuse.filter((c) => c.system === SNOMED);
  const oudSnomed = uniqSorted([...sct.filter((c) => /\b(abuse|dependence)\b/i.test(c.display)), ...OUD_SNOMED_REFERENCE].map(({ code, display }) => ({ code, display })));
  const oudIcd = uniqSorted(misuse.filter((c) => c.system === ICD10CM).map(({ code, display }) => ({ code, display })));
  const overdoseSnomed = uniqSorted(sct.filter((c) => /\b(poisoning|overdose)\b/i.test(c.display)).map(({ code, display }) => ({ code, display })));
  return { oudSnomed, oudIcd, overdoseSnomed };
}

const json = (x: unknown) => `${JSON.stringify(x, null, 2)}\n`;

/** All derived files by repo-relative path. Pure apart from reading `${sharedDir}/vocabulary/cdc-opioid-cds-r4`. */
export function deriveVocabulary(sharedDir: string): Map<string, string> {
  const sets = readCdc(path.join(sharedDir, "vocabulary", "cdc-opioid-cds-r4"));
  const out = new Map<string, string>();
  const put = (id: string, resource: object) => out.set(`fhir-resources/${id}.json`, json(resource));
  const src = (id: string) => `${CDC}${id}`;

  for (const [file, resource] of stageResources()) put(file, resource);

  // ---- urine drug screens
  const rows = classifyUds(sets);
  const uds: Record<string, UdsCodeInfo> = {};
  const cutoffCodes: Record<string, Analyte> = {};
  for (const r of rows) {
    if (r.kind === "result") {
      const cutoff = cutoffInDisplay(r.display);
      uds[r.code] = cutoff ? { analyte: r.analyte!, cutoff } : { analyte: r.analyte! };
    } else if (r.kind === "cutoff") cutoffCodes[r.code] = r.analyte!;
  }
  const analytes = [...new Set(rows.filter((r) => r.kind === "result").map((r) => r.analyte!))].sort();
  for (const a of analytes) {
    const mine = rows.filter((r) => r.kind === "result" && r.analyte === a);
    const from = [...new Set(mine.flatMap((r) => r.sets))].sort().map(src).join(", ");
    put(`ValueSet-uds-${a}`, valueSet({
      id: `uds-${a}`,
      title: `Urine drug screen results: ${ANALYTE_TITLES[a]}`,
      description: `Urine LOINC result codes read as the analyte "${a}". Derived from the CDC Opioid CDS value sets ${from}: codes of a single-class set take that class; codes of the mixed sets are classified by the drug named at the start of the LOINC long common name (rules in scripts/vocabulary-rules.ts). Cutoff codes, panels, method identifiers and Z-scores are excluded (not results); creatinine ratios, "tested for" lists and class "[Identifier]" codes are kept (the CDC logic reads every member as a result string).`,
      include: [{ system: LOINC, concept: mine.map(({ code, display }) => ({ code, display })) }],
    }));
  }
  const panels = rows.filter((r) => r.kind === "panel");
  put("ValueSet-uds-panels", valueSet({
    id: "uds-panels",
    title: "Urine drug screen panels",
    description: `Urine drug-screen panel codes (the results are in the panel's components or hasMember Observations). Derived from the CDC Opioid CDS urine drug screening value sets: the panels named in fhir-vocabulary.md §1 (65750-2, 69739-1, 24349-3, 87428-9, 93474-5) and every code whose display says "panel".`,
    include: [{ system: LOINC, concept: panels.map(({ code, display }) => ({ code, display })) }],
  }));

  // ---- medications
  const rx = rxnormSets(sets);
  const medVs = (id: string, title: string, description: string, concepts: Concept[]) =>
    put(`ValueSet-${id}`, valueSet({ id, title, description, include: [{ system: RXNORM, concept: concepts }] }));
  medVs("moud-buprenorphine", "Buprenorphine for opioid use disorder", `Buprenorphine products for OUD: CDC ${src("buprenorphine-medications")} minus the products for pain (see ValueSet buprenorphine-for-pain), plus RxNorm 1819 buprenorphine (IN) and 352364 buprenorphine / naloxone (MIN) from fhir-vocabulary.md §3. Includes sublingual and buccal buprenorphine/naloxone, 2 mg / 8 mg sublingual tablets, extended-release injections (Sublocade, Brixadi) and the implant (Probuphine).`, rx.buprenorphine);
  medVs("buprenorphine-for-pain", "Buprenorphine products for pain (not MOUD)", `Buprenorphine products in CDC ${src("buprenorphine-medications")} that are for pain, not OUD: transdermal patches (BuTrans), single-ingredient buccal film (Belbuca), short-acting injections (Buprenex, cartridges; Simbadol is veterinary), veterinary topical solution (Zorbium), and 0.2 / 0.4 mg sublingual tablets (analgesic strengths). Buprenorphine/naloxone buccal film (Bunavail) is for OUD and is not here.`, rx.pain);
  medVs("moud-methadone", "Methadone", `Methadone products: CDC ${src("methadone-medications")} plus RxNorm 6813 methadone (IN) from fhir-vocabulary.md §3. Note: the codes do not say whether methadone was prescribed for OUD or for pain.`, rx.methadone);
  medVs("moud-naltrexone", "Naltrexone", "Naltrexone for OUD, from fhir-vocabulary.md §3 (naltrexone is in no CDC set): 7243 naltrexone (IN), 637213 naltrexone 380 MG Injection (extended-release), 1483744 naltrexone hydrochloride 50 MG Oral Tablet.", rx.naltrexone);
  medVs("naloxone-rescue-kit", "Naloxone rescue kits", `Single-ingredient naloxone products: CDC ${src("naloxone-medications")} without the combinations (buprenorphine/naloxone, pentazocine/naloxone), plus RxNorm 7242 naloxone (IN) from fhir-vocabulary.md §3.`, rx.naloxoneKit);

  // ---- conditions
  const cond = conditionSets(sets);
  put("ValueSet-oud-conditions", valueSet({
    id: "oud-conditions",
    title: "Opioid use disorder diagnoses",
    description: `OUD diagnoses. SNOMED: the abuse/dependence members of CDC ${src("opioid-misuse-disorders")} (is-a 5602001 Opioid abuse, is-a 75544000 Opioid dependence) plus the SNOMED list of fhir-vocabulary.md §4. The CDC set's poisoning codes are in ValueSet opioid-overdose; its withdrawal, intoxication, opioid-induced mood disorder and "narcotic drug user" codes are left out because they can follow prescribed opioid use and are not a use-disorder diagnosis. ICD-10-CM: every F11 code (is-a F11, listed as expanded by CDC).`,
    include: [
      { system: SNOMED, concept: cond.oudSnomed },
      { system: ICD10CM, concept: cond.oudIcd },
      { system: ICD10CM, filter: [{ property: "concept", op: "is-a", value: "F11" }] },
    ],
  }));
  put("ValueSet-opioid-overdose", valueSet({
    id: "opioid-overdose",
    title: "Opioid overdose (poisoning)",
    description: `Opioid poisoning. ICD-10-CM: is-a T40.0 opium, T40.1 heroin, T40.2 other opioids, T40.3 methadone, T40.4 other synthetic narcotics, T40.6 other and unspecified narcotics; the engine counts a code only when its 6th character (dot excluded), the intent, is 1–4 (accidental, intentional self-harm, assault, undetermined) or absent (a code too short to carry it); 5 (adverse effect) and 6 (underdosing) are not overdoses. SNOMED: the poisoning/overdose members of CDC ${src("opioid-misuse-disorders")} (is-a 1148649003 Poisoning caused by opioid receptor agonist, SNOMED US 2023-03-01).`,
    include: [
      ...OVERDOSE_ICD.map((c) => ({ system: ICD10CM, filter: [{ property: "concept", op: "is-a", value: c.code }] })),
      { system: SNOMED, concept: cond.overdoseSnomed },
    ],
  }));

  // ---- engine lookup data
  const moud: Record<string, MoudMedication> = {};
  for (const c of rx.buprenorphine) moud[c.code] = "buprenorphine";
  for (const c of rx.methadone) moud[c.code] = "methadone";
  for (const c of rx.naltrexone) moud[c.code] = "naltrexone";
  const sortedObject = <T>(o: Record<string, T>) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)));
  const generated: GeneratedVocabulary = {
    uds: sortedObject(uds),
    udsPanels: panels.map((p) => p.code),
    udsCutoffCodes: sortedObject(cutoffCodes),
    moud: sortedObject(moud),
    buprenorphineForPain: rx.pain.map((c) => c.code),
    naloxoneKit: rx.naloxoneKit.map((c) => c.code),
    oudConditions: { [ICD10CM]: cond.oudIcd.map((c) => c.code), [SNOMED]: cond.oudSnomed.map((c) => c.code) },
    opioidOverdose: { icd10cmCategories: OVERDOSE_ICD.map((c) => c.code), snomed: cond.overdoseSnomed.map((c) => c.code) },
  };
  out.set("src/clinical/vocabulary.generated.json", json(generated));
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : 1)));
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const shared = path.resolve(process.argv[2] ?? path.join(repoRoot, "third_party"));
  const files = deriveVocabulary(shared);
  for (const [rel, text] of files) {
    mkdirSync(path.dirname(path.join(repoRoot, rel)), { recursive: true });
    writeFileSync(path.join(repoRoot, rel), text);
  }
  console.log(`wrote ${files.size} files from ${shared}`);
}
