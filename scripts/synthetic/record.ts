// Generated patient records of any length and shape, for what the hand-written synthetic patients cannot cover:
// long histories (the launch bench's 20-year patient), many varied records (the first-screen window test) and
// whole populations (scripts/generate-bulk-export.ts). Deterministic: the same id and options give the same record.
// Built with the synthetic patients' builders (scripts/patients/builders.ts), so every form the engine reads shows
// up: single-analyte results, component panels and hasMember panels in five result forms, preliminary and
// entered-in-error results, stage assessments (sometimes action or maintenance long ago), MOUD episodes (active,
// completed, stopped, on hold; as a code, a contained Medication or a shared Medication resource), naloxone kits,
// overdoses, CM enrolments (recent or years ago) and goals.
import type { FhirResource, Medication, MedicationRequest, Observation } from "fhir/r4.js";
import { addDays } from "../../src/clinical/dates.ts";
import type { CmScheduleKind, Stage } from "../../src/clinical/types.ts";
import {
  appCarePlan,
  cmActivity,
  condition,
  goal,
  medication,
  medicationRequest,
  OUD_CODINGS,
  PANEL_ANY,
  patient,
  prng,
  RX,
  stageObservation,
  udsComponentPanel,
  udsMemberPanel,
  udsObservation,
  type AnalyteKey,
  type Result,
  type ResultForm,
  type RxTerm,
  type Zone,
} from "../patients/builders.ts";
import { clinicTime } from "../patients/uds-series.ts";

export interface RecordShape {
  /** Today for this record, YYYY-MM-DD (dates are placed before it). */
  now: string;
  /** Years of history. */
  years: number;
  /** Days between urine tests (before jitter and missed visits). */
  testEveryDays: number;
  /** Analytes per test, besides fentanyl and opiates (at most 8). */
  extraAnalytes: number;
}

export interface SyntheticRecord {
  /** The patient's own resources, the Patient first. */
  resources: FhirResource[];
  /** Shared Medication resources the requests reference ("Medication/<id>"). */
  medications: Medication[];
}

const EXTRA: AnalyteKey[] = ["bup", "mtd", "coc", "amp", "oxy", "6mam", "bzo", "thc"];
const STAGES: Stage[] = ["precontemplation", "contemplation", "preparation", "action", "maintenance"];
const ZONES: Zone[] = ["eastern", "central", "pacific"];
const FORMS: ResultForm[] = ["snomed", "detected", "interpretation", "interpretation-legacy", "string"];
const MOUD: { key: "bup" | "mtd" | "ntx"; rx: RxTerm; text: string }[] = [
  { key: "bup", rx: RX.bupNxFilmScd, text: "Buprenorphine/naloxone 8/2 mg film" },
  { key: "mtd", rx: RX.methadoneSolution, text: "Methadone 10 mg/mL oral solution" },
  { key: "ntx", rx: RX.naltrexoneXr, text: "Naltrexone 380 mg extended-release injection" },
];
const FIRST = ["Alex", "Sam", "Jordan", "Casey", "Robin", "Morgan", "Taylor", "Jamie", "Avery", "Riley"];
const LAST = ["Rivera", "Nguyen", "Okafor", "Schmidt", "Kowalczyk", "Haddad", "Moreau", "Silva", "Larsen", "Ito"];

/** Shared Medication resources, one per RxNorm term (as an EHR's formulary would hold them). */
export function sharedMedication(rx: RxTerm, text: string): Medication {
  return medication(`rx-${rx.code}`, [rx], text);
}

export function syntheticRecord(id: string, shape: RecordShape): SyntheticRecord {
  const rand = prng(`synthetic:${id}`);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const chance = (p: number) => rand() < p;
  const daysBack = Math.round(shape.years * 365);
  const dayAgo = (n: number) => addDays(shape.now, -n);
  const zone = pick(ZONES);
  const resources: FhirResource[] = [];
  const medications = new Map<string, Medication>();

  resources.push(
    patient({
      id,
      given: [pick(FIRST)],
      family: pick(LAST),
      gender: pick(["female", "male", "other"] as const),
      birthDate: `${1950 + Math.floor(rand() * 50)}-0${1 + Math.floor(rand() * 9)}-1${Math.floor(rand() * 9)}`,
      mrn: `MRN-${id}`,
      phone: "555-0100",
      city: "Springfield",
      state: "IL",
      postalCode: "62701",
      line: "1 Main St",
    }),
  );

  // Medication for OUD: up to three episodes, the last possibly still active.
  const moud = chance(0.75) ? pick(MOUD) : null;
  const episodes: { from: number; to: number | null; status: MedicationRequest["status"] }[] = [];
  if (moud) {
    let start = Math.floor(daysBack * (0.3 + 0.7 * rand()));
    for (let e = 0; e < 3 && start > 0; e++) {
      const length = 30 + Math.floor(rand() * 400);
      const ends = start - length;
      const last = ends <= 0 || e === 2;
      const status: MedicationRequest["status"] = last ? pick(["active", "active", "active", "on-hold", "stopped"] as const) : pick(["completed", "stopped"] as const);
      episodes.push({ from: start, to: last ? null : Math.max(ends, 0), status });
      start = Math.max(ends, 0) - Math.floor(rand() * 120);
    }
    episodes.forEach((ep, i) => {
      const how = rand();
      const shared = how < 0.3;
      if (shared) medications.set(`rx-${moud.rx.code}`, sharedMedication(moud.rx, moud.text));
      resources.push(
        medicationRequest(id, {
          id: `moud-${i}`,
          status: ep.status,
          authoredOn: dayAgo(ep.from),
          validDays: ep.to === null ? 30 : ep.from - ep.to,
          dosage: "As directed",
          text: moud.text,
          codings: [moud.rx],
          ...(shared ? { medicationId: `rx-${moud.rx.code}` } : how < 0.5 ? { contained: true } : {}),
        }),
      );
    });
  }
  const onMoud = (ago: number) => episodes.some((ep) => ep.status !== "stopped" && ago <= ep.from && (ep.to === null || ago >= ep.to));

  if (chance(0.6)) {
    const kitAgo = Math.floor(rand() * Math.min(daysBack, 700));
    medications.set(`rx-${RX.narcanNasalSbd.code}`, sharedMedication(RX.narcanNasalSbd, "Narcan 4 mg nasal spray"));
    resources.push(
      medicationRequest(id, {
        id: "naloxone",
        status: pick(["active", "completed"] as const),
        authoredOn: dayAgo(kitAgo),
        validDays: 365,
        dosage: "One spray in a nostril for a suspected overdose; repeat after 2-3 minutes",
        text: "Narcan 4 mg nasal spray",
        codings: [RX.narcanNasalSbd],
        ...(chance(0.5) ? { medicationId: `rx-${RX.narcanNasalSbd.code}` } : {}),
      }),
    );
  }

  // Urine drug screens on a schedule, with missed visits and, for some records, no test for a long while.
  const analytes: AnalyteKey[] = ["fen", "opi", ...EXTRA.filter(() => chance(shape.extraAnalytes / EXTRA.length))];
  const layout = pick(["single", "single", "components", "members"] as const);
  const form = pick(FORMS);
  const gap = chance(0.3) ? 30 + Math.floor(rand() * 500) : 0;
  let using = chance(0.5);
  for (let ago = daysBack; ago >= gap; ago -= Math.max(1, shape.testEveryDays + Math.floor(rand() * 3) - 1)) {
    if (chance(0.1)) continue; // a missed visit
    if (chance(0.08)) using = !using;
    const date = dayAgo(ago);
    const collected = `${date}T${clinicTime(rand)}:00${zone === "eastern" ? "-05:00" : zone === "central" ? "-06:00" : "-08:00"}`;
    const results: [AnalyteKey, Result][] = analytes.map((a) => {
      const pos =
        a === "bup" ? onMoud(ago) && moud?.key === "bup" && chance(0.9)
        : a === "mtd" ? onMoud(ago) && moud?.key === "mtd" && chance(0.9)
        : a === "fen" || a === "opi" || a === "6mam" ? using && chance(0.6)
        : chance(0.05);
      return [a, pos ? "pos" : "neg"];
    });
    const status: Observation["status"] = chance(0.02) ? "preliminary" : chance(0.02) ? "entered-in-error" : "final";
    if (layout === "components" && form !== "string" && form !== "interpretation-legacy") {
      resources.push({ ...udsComponentPanel(id, collected, PANEL_ANY, results, form as "snomed" | "detected" | "interpretation", rand), status });
    } else if (layout === "members") {
      const members = results.map(([a, r]) => udsObservation(id, collected, a, r, form, rand, { status }));
      resources.push({ ...udsMemberPanel(id, collected, PANEL_ANY, members), status }, ...members);
    } else {
      for (const [a, r] of results) resources.push(udsObservation(id, collected, a, r, form, rand, { status }));
    }
  }

  // Stage assessments: the latest one sometimes long ago (and action or maintenance: return to use looks back to it).
  const stageDays = new Set<number>();
  const assessments = Math.floor(rand() * 6);
  for (let i = 0; i < assessments; i++) stageDays.add(Math.floor(rand() * daysBack));
  for (const ago of stageDays) resources.push(stageObservation(id, `${dayAgo(ago)}T10:00:00-05:00`, pick(STAGES)));

  resources.push(
    condition(id, { id: "oud", codings: OUD_CODINGS, text: "Opioid use disorder", onset: dayAgo(daysBack), recorded: dayAgo(daysBack) }),
  );
  if (chance(0.2)) {
    const odAgo = Math.floor(rand() * Math.min(daysBack, 900));
    resources.push(
      condition(id, {
        id: "overdose",
        codings: [{ system: "http://hl7.org/fhir/sid/icd-10-cm", code: "T40.411A", display: "Poisoning by fentanyl or fentanyl analogs, accidental (unintentional), initial encounter" }],
        text: "Fentanyl overdose",
        onset: dayAgo(odAgo),
        recorded: dayAgo(odAgo),
        clinicalStatus: "resolved",
        abatement: dayAgo(Math.max(0, odAgo - 3)),
        category: "encounter-diagnosis",
      }),
    );
  }

  if (chance(0.3)) {
    const cmAgo = Math.floor(rand() * Math.min(daysBack, 1000));
    const start = dayAgo(cmAgo);
    const goals = chance(0.5)
      ? [goal(id, { id: "goal-negative", description: "Opioid-negative urine tests", start, due: addDays(start, 84) })]
      : [];
    resources.push(
      appCarePlan(id, {
        id: "plan",
        title: "Psychosocial care plan",
        created: start,
        start,
        end: addDays(start, 180),
        activities: [cmActivity(start, pick(["escalating", "prize", "fixed"] as CmScheduleKind[]), "Weekly CM visits")],
        narrative: ["Contingency management"],
        goals,
        addresses: [{ reference: `Condition/${id}-oud` }],
      }),
      ...goals,
    );
  }
  return { resources, medications: [...medications.values()] };
}

/** One Bundle (collection) holding a record and the Medications it references. */
export function recordBundle(record: SyntheticRecord): { resourceType: "Bundle"; type: "collection"; entry: { resource: FhirResource }[] } {
  return { resourceType: "Bundle", type: "collection", entry: [...record.resources, ...record.medications].map((resource) => ({ resource })) };
}
