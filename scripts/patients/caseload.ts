// The care coordinator's caseload: synthetic patients written for the anchor day (a Monday), each a profile that
// puts it on known worklists (urine test due this week, reward owed, plan review due, stage stale, safety flags),
// plus the CareTeams (one per patient, as US Core models them: subject = the patient, participants = the team,
// Luis Herrera, Practitioner/cc-1, among them), one Group of the same patients, and the PractitionerRoles that say
// who is a care coordinator and who a clinician. The first 25 profiles are written by hand (fhir-resources/caseload/
// README.md lists what each shows); a larger caseload (the bench) repeats them with other names and shifted days.
import type { CareTeam, FhirResource, Group, PractitionerRole } from "fhir/r4.js";
import { ICD10CM } from "../../src/clinical/codes.ts";
import type { CmScheduleKind, Stage } from "../../src/clinical/types.ts";
import {
  ago,
  appCarePlan,
  at,
  CLINICIAN,
  cmActivity,
  condition,
  COORDINATOR,
  goal,
  medicationRequest,
  OUD_CODINGS,
  PANEL_5,
  patient,
  planActivity,
  prng,
  recommendationCoding,
  RX,
  stageObservation,
  type AnalyteKey,
  type RxTerm,
  type Zone,
} from "./builders.ts";
import { rewardLog } from "./rewards.ts";
import { componentPanelSeries, plus, type PlannedTest } from "./uds-series.ts";
import type { RewardInput } from "../../src/clinical/reward-log.ts";

type Moud = "bup" | "methadone" | "naltrexone";

export interface CaseloadProfile {
  given: string;
  family: string;
  /** Stage and days since it was assessed; null: never assessed. */
  stage: [Stage, number] | null;
  moud: Moud | null;
  /** Days since the last naloxone kit was prescribed; null: none on record. */
  kit: number | null;
  /** Days since an opioid overdose; null: none. */
  overdose: number | null;
  /** Contingency management: start (days ago) and schedule; weekly outcomes follow `cmWeeks`. */
  cm: { start: number; schedule: CmScheduleKind; weeks: string } | null;
  /** Without CM: days ago of the urine tests ("f" suffix: fentanyl positive), newest last. */
  tests: string[];
  /** An active non-CM plan whose review date (period.end) is this many days from the anchor (negative: past). */
  planReview: number | null;
  /** Rewards handed out (the reward log on the CM plan): days ago and what; `eie`: later marked entered-in-error. */
  rewards?: { daysAgo: number; input: RewardInput; eie?: string }[];
  /** What the profile shows (README line). */
  shows: string;
}

const p = (o: CaseloadProfile): CaseloadProfile => o;

/**
 * The 25 profiles. CM weeks: one letter per past week, N = all tests negative, P = a fentanyl positive; the
 * current week has a test when the start day is not a Monday (the CM week then began before today).
 */
export const PROFILES: CaseloadProfile[] = [
  p({ given: "Aaliyah", family: "Brooks", stage: ["action", 30], moud: "bup", kit: 100, overdose: null, cm: { start: 28, schedule: "escalating", weeks: "NNNN" }, tests: [], planReview: null, rewards: [{ daysAgo: 21, input: { kind: "voucher", amount: 10 } }, { daysAgo: 21, input: { kind: "voucher", amount: 10 }, eie: "Recorded twice" }], shows: "CM escalating week 5, no test yet this week (due); 4 negative weeks earned 49.00, 10.00 given (a duplicate entered in error): 39.00 owed" }),
  p({ given: "Benjamin", family: "Carter", stage: ["preparation", 40], moud: "methadone", kit: 200, overdose: null, cm: { start: 31, schedule: "fixed", weeks: "NNNNN" }, tests: [], planReview: null, rewards: [24, 17, 10, 3].map((d) => ({ daysAgo: d, input: { kind: "voucher" as const, amount: 10 } })), shows: "CM fixed week 5, tested yesterday (not due); 50.00 earned, 40.00 given: 10.00 owed" }),
  p({ given: "Chloe", family: "Diaz", stage: ["preparation", 20], moud: "bup", kit: 50, overdose: null, cm: { start: 14, schedule: "prize", weeks: "PN" }, tests: [], planReview: null, shows: "CM prize draws week 3, due; one negative week's draws owed" }),
  p({ given: "Daniel", family: "Evans", stage: ["action", 100], moud: "bup", kit: 300, overdose: null, cm: { start: 77, schedule: "escalating", weeks: "NNNNNNNNNNN" }, tests: [], planReview: null, shows: "CM week 12 (last), due; CM plan ends in 6 days (review due); stage 100 days old (stale)" }),
  p({ given: "Elena", family: "Fischer", stage: ["contemplation", 10], moud: null, kit: null, overdose: null, cm: { start: 21, schedule: "escalating", weeks: "PPP" }, tests: [], planReview: null, shows: "CM without MOUD, three positive weeks (nothing owed), due; no naloxone kit; lost-tolerance warning" }),
  p({ given: "Farid", family: "Ghani", stage: ["maintenance", 200], moud: "bup", kit: 90, overdose: null, cm: null, tests: ["119", "91", "63", "35"], planReview: -3, shows: "last test 35 days ago (due); stage stale; plan review 3 days overdue" }),
  p({ given: "Grace", family: "Hall", stage: ["precontemplation", 20], moud: null, kit: 20, overdose: 20, cm: null, tests: ["20f", "6f"], planReview: null, shows: "recent overdose 20 days ago; no plan (review due)" }),
  p({ given: "Hugo", family: "Ibarra", stage: ["action", 45], moud: "naltrexone", kit: 60, overdose: null, cm: null, tests: ["25", "18", "11", "4"], planReview: 40, shows: "extended-release naltrexone only: lost-tolerance warning" }),
  p({ given: "Irene", family: "Jones", stage: ["maintenance", 60], moud: "bup", kit: 120, overdose: null, cm: null, tests: ["66", "38", "10"], planReview: 60, shows: "on no worklist" }),
  p({ given: "Jamal", family: "King", stage: ["action", 150], moud: "methadone", kit: 400, overdose: null, cm: null, tests: ["40", "26", "12"], planReview: 30, shows: "stage stale; naloxone kit older than 12 months (no kit)" }),
  p({ given: "Kira", family: "Lewis", stage: ["preparation", 100], moud: "bup", kit: 100, overdose: 100, cm: null, tests: ["100f", "70", "40"], planReview: null, shows: "overdose 100 days ago (recent); stage stale; last test 40 days ago (due); no plan" }),
  p({ given: "Liam", family: "Moore", stage: null, moud: null, kit: null, overdose: null, cm: null, tests: ["17f", "3f"], planReview: 14, shows: "stage never assessed (stale); no naloxone kit; fentanyl positive 3 days ago" }),
  p({ given: "Maya", family: "Nguyen", stage: ["action", 50], moud: "bup", kit: 30, overdose: null, cm: { start: 49, schedule: "fixed", weeks: "NNNNNNN" }, tests: [], planReview: null, rewards: [{ daysAgo: 1, input: { kind: "voucher", amount: 70 } }], shows: "CM fixed week 8, due; 7 negative weeks earned 70.00, all given (nothing owed)" }),
  p({ given: "Noah", family: "Ortiz", stage: ["action", 38], moud: "methadone", kit: 200, overdose: null, cm: { start: 38, schedule: "escalating", weeks: "NNPNNP" }, tests: [], planReview: null, shows: "CM week 6 already tested, positive this week (not due); earlier weeks owed" }),
  p({ given: "Olivia", family: "Perez", stage: ["contemplation", 95], moud: "bup", kit: 150, overdose: null, cm: null, tests: ["85", "57", "29"], planReview: -10, shows: "stage stale; last test 29 days ago (due); plan review 10 days overdue" }),
  p({ given: "Pedro", family: "Quinn", stage: ["maintenance", 30], moud: "methadone", kit: 100, overdose: null, cm: null, tests: ["34", "20", "6"], planReview: 50, shows: "on no worklist" }),
  p({ given: "Quinn", family: "Rivera", stage: ["action", 20], moud: "bup", kit: 20, overdose: null, cm: { start: 56, schedule: "prize", weeks: "NPNNNNNN" }, tests: [], planReview: null, rewards: [{ daysAgo: 7, input: { kind: "draws", draws: 20, prizes: 3, prizeValue: 1 } }], shows: "CM prize week 9, due; 22 draws earned, 20 drawn: 2 owed" }),
  p({ given: "Rosa", family: "Singh", stage: ["action", 60], moud: "methadone", kit: 150, overdose: 150, cm: null, tests: ["33", "19", "5"], planReview: 5, shows: "overdose 150 days ago (recent); plan review in 5 days" }),
  p({ given: "Samuel", family: "Turner", stage: ["preparation", 200], moud: "naltrexone", kit: null, overdose: null, cm: null, tests: ["78", "50"], planReview: null, shows: "naltrexone only (lost tolerance), no kit; stage stale; test due; no plan" }),
  p({ given: "Tara", family: "Usman", stage: ["action", 10], moud: "bup", kit: 10, overdose: null, cm: null, tests: ["16", "9", "2"], planReview: 90, shows: "on no worklist" }),
  p({ given: "Umar", family: "Vega", stage: ["maintenance", 84], moud: "bup", kit: 80, overdose: null, cm: { start: 84, schedule: "escalating", weeks: "NNNNNNNNNNNN" }, tests: [], planReview: null, shows: "CM program finished (12 weeks); earned owed; CM plan ended yesterday (review due)" }),
  p({ given: "Vera", family: "White", stage: ["precontemplation", 5], moud: null, kit: 5, overdose: null, cm: null, tests: ["19f", "5f"], planReview: null, shows: "no MOUD, fentanyl positive; no plan (review due)" }),
  p({ given: "Wesley", family: "Xu", stage: ["maintenance", 70], moud: "bup", kit: 300, overdose: null, cm: null, tests: ["43", "15"], planReview: 20, shows: "on no worklist" }),
  p({ given: "Yara", family: "Young", stage: ["preparation", 7], moud: "bup", kit: 7, overdose: null, cm: { start: 7, schedule: "fixed", weeks: "N" }, tests: [], planReview: null, shows: "CM fixed week 2, due; week 1 owed" }),
  p({ given: "Zeke", family: "Adams", stage: ["action", 91], moud: "methadone", kit: 400, overdose: null, cm: null, tests: ["36", "22", "8"], planReview: 7, shows: "stage 91 days old (stale); no kit in 12 months; plan review in 7 days" }),
];

const GIVEN = ["Ana", "Bo", "Cy", "Dee", "Eli", "Fay", "Gus", "Ida", "Jo", "Kai", "Lu", "Max", "Nia", "Oz", "Pia", "Rex", "Sol", "Tia", "Uma", "Val"];
const FAMILY = ["Abbott", "Baker", "Cole", "Dunn", "Ellis", "Ford", "Gray", "Hayes", "Irwin", "Jensen", "Kemp", "Lowe", "Mills", "Nash", "Owens"];
const ZONES: Zone[] = ["eastern", "central", "pacific"];

/** The care coordinator whose caseload this is, and the resources that say so. */
export const CASELOAD_COORDINATOR = "Practitioner/cc-1";
export const CASELOAD_GROUP_ID = "caseload-cc-1";

export function caseloadPatientId(i: number): string {
  return `cl-${String(i + 1).padStart(3, "0")}`;
}

/** Profile i of a caseload of any size: the 25 by hand, then the same with other names, every 25th shifted a day. */
export function profileAt(i: number): CaseloadProfile {
  const base = PROFILES[i % PROFILES.length]!;
  if (i < PROFILES.length) return base;
  return { ...base, given: GIVEN[i % GIVEN.length]!, family: `${FAMILY[Math.floor(i / GIVEN.length) % FAMILY.length]!}-${Math.floor(i / PROFILES.length)}` };
}

const MOUD_RX: Record<Moud, { rx: RxTerm; text: string; dosage: string }> = {
  bup: { rx: RX.bupNxFilmScd, text: "Buprenorphine/naloxone 8 mg/2 mg sublingual film", dosage: "Two films under the tongue once daily." },
  methadone: { rx: RX.methadoneSolution, text: "Methadone 10 mg/mL oral solution", dosage: "80 mg by mouth once daily at the clinic." },
  naltrexone: { rx: RX.naltrexoneXr, text: "Naltrexone 380 mg extended-release injection", dosage: "380 mg into the muscle every 4 weeks." },
};

/** Tests of a CM profile: Monday and Thursday of each past week (from the start), and one in the current week when it began before today. */
function cmTests(cm: NonNullable<CaseloadProfile["cm"]>, moud: Moud | null): PlannedTest[] {
  const onMoud: AnalyteKey[] = moud === "bup" ? ["bup"] : moud === "methadone" ? ["mtd"] : [];
  const out: PlannedTest[] = [];
  const start = ago(cm.start);
  const weeksPast = Math.floor(cm.start / 7);
  for (let w = 0; w < weeksPast && w < 12; w++) {
    const positive = cm.weeks[w] === "P";
    out.push({ date: plus(start, 7 * w), positive: [...onMoud, ...(positive ? (["fen", "opi"] as AnalyteKey[]) : [])] });
    out.push({ date: plus(start, 7 * w + 3), positive: onMoud });
  }
  const currentStarted = cm.start % 7 !== 0 && weeksPast < 12;
  if (currentStarted) {
    // a test in the current CM week, the day before the anchor; positive when the week letter says so
    const positive = cm.weeks[weeksPast] === "P";
    out.push({ date: ago(1), positive: [...onMoud, ...(positive ? (["fen"] as AnalyteKey[]) : [])] });
  }
  return out;
}

function plainTests(tests: string[], moud: Moud | null): PlannedTest[] {
  const onMoud: AnalyteKey[] = moud === "bup" ? ["bup"] : moud === "methadone" ? ["mtd"] : [];
  return tests.map((t) => ({ date: ago(parseInt(t, 10)), positive: [...onMoud, ...(t.endsWith("f") ? (["fen", "opi"] as AnalyteKey[]) : [])] }));
}

/** One caseload patient's resources (its CareTeam included). */
export function caseloadPatient(i: number): FhirResource[] {
  const id = caseloadPatientId(i);
  const pr = profileAt(i);
  const zone = ZONES[i % ZONES.length]!;
  const rand = prng(id);
  const out: FhirResource[] = [];
  out.push(
    patient({
      id, given: [pr.given], family: pr.family, gender: i % 2 === 0 ? "female" : "male", birthDate: `${1970 + (i % 30)}-0${1 + (i % 9)}-1${i % 10}`,
      mrn: `SW-2${String(i).padStart(5, "0")}`, phone: `555-01${String(i % 100).padStart(2, "0")}`, line: `${100 + i} Main St`, city: "Springfield", state: "IL", postalCode: "62701",
    }),
  );
  const oud = condition(id, { id: "oud", codings: OUD_CODINGS, text: "Opioid use disorder", onset: "2021", recorded: ago(400) });
  out.push(oud);
  if (pr.overdose !== null) {
    out.push(
      condition(id, {
        id: "overdose", category: "encounter-diagnosis", clinicalStatus: "resolved",
        codings: [{ system: ICD10CM, code: "T40.411A", display: "Poisoning by fentanyl or fentanyl analogs, accidental (unintentional), initial encounter" }],
        text: "Fentanyl overdose", onset: at(ago(pr.overdose), "22:00", zone), abatement: at(ago(pr.overdose - 1), "06:00", zone), recorded: at(ago(pr.overdose), "23:30", zone),
      }),
    );
  }
  if (pr.stage) out.push(stageObservation(id, at(ago(pr.stage[1]), "10:00", zone), pr.stage[0], i % 3 === 0 ? COORDINATOR : CLINICIAN));
  if (pr.moud) {
    const m = MOUD_RX[pr.moud];
    out.push(medicationRequest(id, { id: "moud", status: "active", authoredOn: at(ago(20), "09:30", zone), validDays: 90, codings: [m.rx], text: m.text, dosage: m.dosage }));
  }
  if (pr.kit !== null) {
    out.push(
      medicationRequest(id, {
        id: "naloxone", status: "completed", authoredOn: at(ago(pr.kit), "11:00", zone), validDays: 365, codings: [RX.naloxoneNasalScd],
        text: "Naloxone 4 mg nasal spray (rescue kit)", dosage: "For suspected opioid overdose: one spray in one nostril. Call 911.",
      }),
    );
  }
  const tests = pr.cm ? cmTests(pr.cm, pr.moud) : plainTests(pr.tests, pr.moud);
  out.push(...componentPanelSeries(id, tests, rand, { zone, form: "snomed", analytes: ["opi", "fen", "bup", "mtd"], panel: PANEL_5 }));
  if (pr.cm) {
    const start = ago(pr.cm.start);
    const g = goal(id, { planId: `${id}-plan-cm`, id: "goal-cm", description: "Opioid-free weeks, confirmed by urine tests twice a week", start, due: plus(start, 83), expressedBy: { reference: `Patient/${id}` } });
    out.push(
      g,
      appCarePlan(id, {
        id: "plan-cm", title: "Contingency management", created: at(start, "12:00", zone), start, end: plus(start, 83),
        addresses: [{ reference: `Condition/${oud.id}` }], goals: [g],
        narrative: ["Rewards for each week of opioid-negative urine tests; tests twice a week."],
        activities: [cmActivity(start, pr.cm.schedule, "Rewards for each week of opioid-negative urine tests.")],
      }),
    );
    const rewards = (pr.rewards ?? []).map((r) => ({ date: ago(r.daysAgo), input: r.input, ...(r.eie ? { enteredInError: r.eie } : {}) }));
    if (rewards.length) out.push(...rewardLog(id, `${id}-plan-cm`, zone, rewards));
  } else if (pr.planReview !== null) {
    const start = ago(60);
    const g = goal(id, { planId: `${id}-plan`, id: "goal-1", description: "Keep every counselling appointment this month", start, due: ago(-pr.planReview), expressedBy: { reference: `Patient/${id}` } });
    out.push(
      g,
      appCarePlan(id, {
        id: "plan", title: "Psychosocial care", created: at(start, "12:00", zone), start, end: ago(-pr.planReview),
        addresses: [{ reference: `Condition/${oud.id}` }], goals: [g], narrative: ["Counselling every two weeks; review the plan on its end date."],
        activities: [planActivity({ codings: [recommendationCoding("motivational-interviewing", "Motivational interviewing")], text: "Motivational interviewing", description: "Counselling every two weeks.", status: "in-progress" })],
      }),
    );
  }
  out.push(careTeam(id, pr));
  return out;
}

function careTeam(patientId: string, pr: CaseloadProfile): CareTeam {
  return {
    resourceType: "CareTeam",
    id: `${patientId}-team`,
    status: "active",
    name: `Care team of ${pr.given} ${pr.family}`,
    subject: { reference: `Patient/${patientId}` },
    participant: [
      { role: [{ text: "Care coordinator" }], member: COORDINATOR },
      { role: [{ text: "Clinician" }], member: CLINICIAN },
    ],
  };
}

/** The same patients as one Group managed by the coordinator (for EHRs that keep caseloads as Groups). */
export function caseloadGroup(n: number): Group {
  return {
    resourceType: "Group",
    id: CASELOAD_GROUP_ID,
    type: "person",
    actual: true,
    name: "Caseload of Luis Herrera (care coordinator)",
    managingEntity: COORDINATOR,
    quantity: n,
    member: Array.from({ length: n }, (_, i) => ({ entity: { reference: `Patient/${caseloadPatientId(i)}` } })),
  };
}

/** The users' roles: PractitionerRole.code as text (no verified code for "care coordinator" exists). */
export function practitionerRoles(): PractitionerRole[] {
  return [
    { resourceType: "PractitionerRole", id: "cc-1-role", active: true, practitioner: COORDINATOR, code: [{ text: "Care coordinator" }] },
    { resourceType: "PractitionerRole", id: "dr-1-role", active: true, practitioner: CLINICIAN, code: [{ text: "Clinician" }] },
  ];
}

/** Every resource of a caseload of `n` patients. */
export function caseloadResources(n: number): FhirResource[] {
  const out: FhirResource[] = [];
  for (let i = 0; i < n; i++) out.push(...caseloadPatient(i));
  out.push(caseloadGroup(n), ...practitionerRoles());
  return out;
}
