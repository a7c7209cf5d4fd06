// The synthetic patients: one function per case. Each case is written for the anchor day (ANCHOR in
// ../patient-dates.ts): "ago(n)" is n days before it. What a case demonstrates is stated next to it and goes into
// fhir-resources/patients/README.md; the dates below are what make those statements true on the anchor day.
import type { FhirResource, Observation } from "fhir/r4.js";
import { ICD10CM, SNOMED } from "../../src/clinical/codes.ts";
import type { Stage } from "../../src/clinical/types.ts";
import { rewardLog } from "./rewards.ts";
import {
  ago,
  appCarePlan,
  at,
  cmActivity,
  condition,
  freeTextStageObservation,
  goal,
  medication,
  medicationRequest,
  OUD_CODINGS,
  OUD_REMISSION_CODINGS,
  PANEL_5,
  PANEL_ANY,
  patient,
  planActivity,
  prng,
  recommendationCoding,
  RX,
  rulerObservation,
  stageObservation,
  udsObservation,
  type AnalyteKey,
  type Zone,
} from "./builders.ts";
import {
  analyteSeries,
  clinicTime,
  componentPanelSeries,
  daysAgo,
  memberPanelSeries,
  plus,
  randomPositives,
  scheduleDates,
  withMissedVisits,
  type PlannedTest,
} from "./uds-series.ts";
import { appPlan, appProvenance, otherAppPlan } from "./plans.ts";

export interface PatientCase {
  id: string;
  /** "Given Family" for the README. */
  name: string;
  /** What the case demonstrates on the anchor day (one README line). */
  demonstrates: string;
  /** CLI flags for the clinician context the chart does not hold. */
  flags: string[];
  resources: FhirResource[];
}

function stages(patientId: string, zone: Zone, history: [number, Stage][], rand: () => number): Observation[] {
  return history.map(([days, stage]) => stageObservation(patientId, at(ago(days), clinicTime(rand), zone), stage));
}

function oud(patientId: string, onset: string, recorded: string) {
  return condition(patientId, { id: "oud", codings: OUD_CODINGS, text: "Opioid use disorder, moderate to severe", onset, recorded });
}

// ---------------------------------------------------------------- precontemplation, family involved

function maria(): PatientCase {
  const id = "pw-maria-precontemplation";
  const zone: Zone = "central";
  const rand = prng(id);
  const tests: PlannedTest[] = [
    { date: ago(40), positive: ["fen", "thc"] },
    { date: ago(28), positive: ["fen"] },
    { date: ago(21), positive: ["fen", "thc"] },
    { date: ago(7), positive: ["fen"] },
  ];
  return {
    id,
    name: "Maria Alvarez",
    demonstrates:
      "Stage precontemplation (coded, 21 days old); no MOUD; fentanyl-positive 7 days ago (ongoing opioid use); no naloxone kit; " +
      "family involved and willing (CRAFT primary in precontemplation with family); UDS as valueCodeableConcept SNOMED Positive/Negative, 10 analytes per test.",
    flags: ["--family"],
    resources: [
      patient({
        id, given: ["Maria", "Elena"], family: "Alvarez", gender: "female", birthDate: "1991-04-17", mrn: "SW-100201",
        phone: "312-555-0142", line: "2214 W Cermak Rd", city: "Chicago", state: "IL", postalCode: "60608",
      }),
      oud(id, "2022-03", ago(40)),
      ...stages(id, zone, [[21, "precontemplation"]], rand),
      ...analyteSeries(id, tests, rand, {
        zone, form: "snomed", analytes: ["opi", "fen", "6mam", "oxy", "bup", "mtd", "coc", "amp", "bzo", "thc"],
      }),
    ],
  };
}

// ---------------------------------------------------------------- contemplation, Suboxone film (SBD), interpretation only

function james(): PatientCase {
  const id = "pw-james-contemplation";
  const zone: Zone = "eastern";
  const rand = prng(id);
  const bupStart = 18;
  const tests: PlannedTest[] = scheduleDates(86, 2, 7).map((date) => {
    const d = daysAgo(date);
    if (d > bupStart) return { date, positive: rand() < 0.85 ? ["fen"] : [] };
    return { date, positive: d === 16 ? ["fen", "bup"] : ["bup"] };
  });
  return {
    id,
    name: "James Whitfield",
    demonstrates:
      "Stage contemplation (coded, 14 days; precontemplation 75 days ago); Suboxone sublingual film (SBD 1010606) started 18 days ago, " +
      "buprenorphine present in the 3 tests since (adherence confirmed); fentanyl-positive 16 days ago (ongoing opioid use); " +
      "UDS results carried only by interpretation POS/NEG (v3-ObservationInterpretation), no value[x].",
    flags: [],
    resources: [
      patient({
        id, given: ["James", "Robert"], family: "Whitfield", gender: "male", birthDate: "1984-09-02", mrn: "SW-100202",
        phone: "412-555-0187", line: "58 Carson St", city: "Pittsburgh", state: "PA", postalCode: "15203",
      }),
      oud(id, "2019", ago(86)),
      ...stages(id, zone, [[75, "precontemplation"], [14, "contemplation"]], rand),
      medicationRequest(id, {
        id: "bup-film", status: "active", authoredOn: at(ago(bupStart), "11:20", zone), validDays: 30, repeats: 1,
        codings: [RX.suboxoneFilmSbd], text: "Suboxone 8 mg/2 mg sublingual film",
        dosage: "Dissolve one 8 mg/2 mg film under the tongue once daily (16 mg/4 mg on day 1 after induction).",
      }),
      ...analyteSeries(id, tests, rand, { zone, form: "interpretation", analytes: ["opi", "fen", "oxy", "bup", "coc", "bzo"] }),
    ],
  };
}

// ---------------------------------------------------------------- preparation, XR-naltrexone, valueString, preliminary

function aisha(): PatientCase {
  const id = "pw-aisha-preparation-naltrexone";
  const zone: Zone = "pacific";
  const rand = prng(id);
  const tests: PlannedTest[] = scheduleDates(241, 3, 14).map((date) => {
    const d = daysAgo(date);
    return { date, positive: d >= 59 ? randomPositives(rand, { fen: 0.8, opi: 0.3, "6mam": 0.25, thc: 0.3 }) : [] };
  });
  const older = tests.filter((t) => daysAgo(t.date) > 120);
  const newer = tests.filter((t) => daysAgo(t.date) <= 120);
  const analytes: AnalyteKey[] = ["opi", "fen", "6mam", "oxy", "coc", "thc"];
  return {
    id,
    name: "Aisha Bello",
    demonstrates:
      "Stage preparation (coded, 10 days); XR-naltrexone 380 mg injection (RxNorm 637213) every 4 weeks since supervised withdrawal 52 days ago; " +
      "UDS as valueString (\"POS\"/\"NEG\" before the lab change 120 days ago, \"Positive\"/\"Negative\" since); last illicit-opioid positive 59+ days ago; " +
      "XR-naltrexone is her only MOUD and leaves no opioid tolerance: naloxone primary and ranked first, with the overdose-risk-lost-tolerance warning (FDA label); " +
      "a PRELIMINARY fentanyl \"Positive\" yesterday is shown, labelled preliminary, and not counted (no ongoing opioid use): it adds \"awaiting confirmation\" to naloxone and stage assessment.",
    flags: [],
    resources: [
      patient({
        id, given: ["Aisha"], family: "Bello", gender: "female", birthDate: "1995-12-09", mrn: "SW-100203",
        phone: "510-555-0119", line: "1760 Shattuck Ave Apt 3", city: "Berkeley", state: "CA", postalCode: "94709",
      }),
      oud(id, "2021-06", ago(241)),
      ...stages(id, zone, [[130, "contemplation"], [10, "preparation"]], rand),
      medicationRequest(id, {
        id: "naltrexone-xr", status: "active", authoredOn: at(ago(45), "14:05", zone), validDays: 365, repeats: 12,
        codings: [RX.naltrexoneXr], text: "Naltrexone extended-release 380 mg injection",
        dosage: "380 mg intramuscular gluteal injection every 4 weeks, given in clinic.",
        note: "Started after medically supervised withdrawal; opioid-free for 7 days before the first injection.",
      }),
      ...analyteSeries(id, older, rand, { zone, form: "string", analytes, strings: { pos: "POS", neg: "NEG" } }),
      ...analyteSeries(id, newer, rand, { zone, form: "string", analytes, strings: { pos: "Positive", neg: "Negative" } }),
      udsObservation(id, at(ago(1), "16:40", zone), "fen", "pos", "string", rand, {
        status: "preliminary", turnaround: 1, strings: { pos: "Positive", neg: "Negative" }, idSuffix: "-prelim",
        note: "Presumptive positive on the point-of-care immunoassay; sent for confirmation.",
      }),
    ],
  };
}

// ---------------------------------------------------------------- action, methadone at an OTP, valueQuantity

function robert(): PatientCase {
  const id = "pw-robert-action-methadone-otp";
  const zone: Zone = "eastern";
  const rand = prng(id);
  const dates = withMissedVisits(scheduleDates(1095, 3, 7), 0.06, rand, [ago(3)]);
  const tests: PlannedTest[] = dates.map((date) => {
    const d = daysAgo(date);
    const fen = d > 900 ? 0.5 : d > 500 ? 0.1 : d > 300 ? 0.45 : d > 100 ? 0.08 : 0;
    const coc = d > 730 ? 0.12 : 0;
    const opi = d > 900 ? 0.08 : 0;
    return { date, positive: ["mtd", "eddp", ...randomPositives(rand, { fen, coc, opi })] };
  });
  return {
    id,
    name: "Robert Kowalski",
    demonstrates:
      "Stage action (coded, 45 days); methadone at an opioid treatment program (contained Medication, RxNorm 991147; addiction counseling required there); " +
      "UDS as valueQuantity ng/mL against referenceRange.high cutoffs, and opiates as 70151-6 whose cutoff (>300 ng/mL) is in the code; " +
      "methadone and EDDP present (adherence); no illicit-opioid positive for 100+ days; naloxone kit active; 3-year weekly history (~700 Observations).",
    flags: ["--otp"],
    resources: [
      patient({
        id, given: ["Robert", "Stanley"], family: "Kowalski", gender: "male", birthDate: "1968-02-21", mrn: "SW-100204",
        phone: "215-555-0163", line: "3120 Richmond St", city: "Philadelphia", state: "PA", postalCode: "19134",
      }),
      oud(id, "2009", ago(1095)),
      ...stages(id, zone, [[1095, "preparation"], [900, "action"], [500, "contemplation"], [300, "preparation"], [45, "action"]], rand),
      medicationRequest(id, {
        id: "methadone-2023", status: "completed", authoredOn: at(ago(1100), "09:10", zone), validDays: 980, contained: true,
        codings: [RX.methadoneSolution], text: "Methadone 10 mg/mL oral concentrate",
        dosage: "Induction 30 mg by mouth daily, titrated to effect; observed dosing at the OTP.",
      }),
      medicationRequest(id, {
        id: "methadone", status: "active", authoredOn: at(ago(120), "09:40", zone), validDays: 365, contained: true,
        codings: [RX.methadoneSolution], text: "Methadone 10 mg/mL oral concentrate",
        dosage: "95 mg (9.5 mL) by mouth once daily, observed dosing at the OTP; take-home doses per program rules.",
      }),
      medicationRequest(id, {
        id: "naloxone", status: "active", authoredOn: at(ago(150), "10:15", zone), validDays: 365, repeats: 2,
        codings: [RX.naloxoneNasalScd], text: "Naloxone 4 mg nasal spray (rescue kit)",
        dosage: "For suspected opioid overdose: one spray in one nostril; repeat in 2-3 minutes in the other nostril if needed. Call 911.",
      }),
      ...analyteSeries(id, tests, rand, { zone, form: "quantity", analytes: ["mtd", "eddp", "opi", "fen", "coc"] }),
    ],
  };
}

// ---------------------------------------------------------------- maintenance, Sublocade, an existing plan, component panels

function linda(): PatientCase {
  const id = "pw-linda-maintenance-sublocade";
  const zone: Zone = "central";
  const rand = prng(id);
  const tests: PlannedTest[] = scheduleDates(1076, 20, 28).map((date) => {
    const d = daysAgo(date);
    return { date, positive: ["bup", ...(d > 960 ? randomPositives(rand, { fen: 0.5, coc: 0.1 }) : [])] };
  });
  tests.push({ date: ago(11), positive: ["bup"], time: "08:30" }); // the repeat test after the mislabelled specimen
  const planStart = ago(60);
  const oudCondition = oud(id, "2016", ago(1090));
  const goals = [
    goal(id, { planId: `${id}-plan-maintenance`, id: "goal-opioid-free", description: "Stay opioid-free, confirmed by monthly urine tests", start: planStart, due: plus(planStart, 365) }),
    goal(id, { planId: `${id}-plan-maintenance`, id: "goal-mutual-help", description: "Attend a medication-friendly mutual-help meeting (MARS) every week", start: planStart, due: plus(planStart, 90) }),
    goal(id, { planId: `${id}-plan-maintenance`, id: "goal-work", description: "Return to part-time work at the library", start: planStart, due: plus(planStart, 180), achievement: "improving" }),
  ];
  const plan = appCarePlan(id, {
    id: "plan-maintenance",
    title: "Recovery maintenance plan",
    created: at(planStart, "15:30", zone),
    start: planStart,
    end: plus(planStart, 365),
    addresses: [{ reference: `Condition/${oudCondition.id}` }],
    goals,
    narrative: [
      "Continue monthly extended-release buprenorphine injections.",
      "Weekly Medication-Assisted Recovery Services (MARS) meeting; talked about stigma in groups that restrict members on medication.",
      "Peer recovery coach every two weeks.",
      "Relapse-prevention group (8 weekly sessions) completed.",
    ],
    activities: [
      planActivity({
        codings: [{ system: SNOMED, code: "711281004", display: "Referral to support group (procedure)" }, recommendationCoding("mutual-help", "Mutual help")],
        text: "Mutual help (MOUD-friendly group)", status: "in-progress",
        description: "Weekly Medication-Assisted Recovery Services (MARS) meeting.",
      }),
      planActivity({
        codings: [recommendationCoding("peer-support", "Peer recovery support")],
        text: "Peer recovery support", status: "in-progress", description: "Peer recovery coach every two weeks.",
      }),
      planActivity({
        codings: [{ system: SNOMED, code: "228557008", display: "Cognitive and behavioral therapy (regime/therapy)" }, recommendationCoding("cbt", "Cognitive behavioral therapy")],
        text: "Mindfulness-based relapse prevention", status: "completed", description: "Relapse-prevention group, 8 weekly sessions.",
      }),
    ],
  });
  return {
    id,
    name: "Linda Chen",
    demonstrates:
      "Stage maintenance (coded, 60 days); Sublocade monthly injection (SCD 1996184 + SBD 1996189; a Medication resource the request references, read with _include) active, the earlier Suboxone film request completed (not active); " +
      "naloxone kit 170 days ago; UDS as a 65750-2 panel with component[] per analyte, monthly for 3 years; " +
      "an ENTERED-IN-ERROR fentanyl \"Positive\" 12 days ago is dropped (no return to use; the repeat the next day is negative); " +
      "an existing app-written CarePlan (mutual help, peer support, completed relapse prevention) with 3 Goals to continue, " +
      "written 60 days ago by Dr. Naomi Okafor with Stagewise (its Provenance).",
    flags: [],
    resources: [
      patient({
        id, given: ["Linda", "Mei"], family: "Chen", gender: "female", birthDate: "1979-07-30", mrn: "SW-100205",
        phone: "608-555-0131", line: "415 Jenifer St", city: "Madison", state: "WI", postalCode: "53703",
      }),
      oudCondition,
      ...stages(id, zone, [[1090, "contemplation"], [1085, "preparation"], [1000, "action"], [800, "maintenance"], [400, "maintenance"], [60, "maintenance"]], rand),
      medicationRequest(id, {
        id: "bup-film", status: "completed", authoredOn: at(ago(1085), "10:00", zone), validDays: 755,
        codings: [RX.bupNxFilmScd], text: "Buprenorphine/naloxone 8 mg/2 mg sublingual film",
        dosage: "Two 8 mg/2 mg films under the tongue once daily.", note: "Switched to monthly extended-release injection.",
      }),
      medicationRequest(id, {
        id: "sublocade", status: "active", authoredOn: at(ago(330), "10:30", zone), validDays: 365, repeats: 11,
        codings: [RX.sublocadeScd, RX.sublocadeSbd], text: "Sublocade 100 mg extended-release injection",
        dosage: "100 mg subcutaneous abdominal injection once a month, given in clinic.", medicationId: "med-sublocade-100",
      }),
      medication("med-sublocade-100", [RX.sublocadeScd, RX.sublocadeSbd], "Sublocade 100 mg extended-release injection"),
      medicationRequest(id, {
        id: "naloxone", status: "completed", authoredOn: at(ago(170), "10:45", zone), validDays: 365,
        codings: [RX.narcanNasalSbd], text: "Narcan 4 mg nasal spray (rescue kit)", dosage: "For suspected opioid overdose: one spray in one nostril; repeat if needed. Call 911.",
      }),
      ...componentPanelSeries(id, tests, rand, { zone, form: "snomed", analytes: ["opi", "oxy", "fen", "bup", "coc"], panel: PANEL_5 }),
      udsObservation(id, at(ago(12), "09:05", zone), "fen", "pos", "snomed", rand, {
        status: "entered-in-error", idSuffix: "-eie",
        note: "Entered in error: specimen label mismatch, result belongs to another patient. Recollected the next day.",
      }),
      ...goals,
      plan,
      appProvenance(id, {
        id: "prov-plan-maintenance", planId: `${id}-plan-maintenance`, recorded: plan.created!,
        targets: [`CarePlan/${plan.id}`, ...goals.map((g) => `Goal/${g.id}`)],
      }),
    ],
  };
}

// ---------------------------------------------------------------- return to use, hasMember panels, an old overdose

function derek(): PatientCase {
  const id = "pw-derek-return-to-use";
  const zone: Zone = "eastern";
  const rand = prng(id);
  const dates = withMissedVisits(scheduleDates(728, 7, 7), 0.08, rand, [ago(14), ago(7)]);
  const tests: PlannedTest[] = dates.map((date) => {
    const d = daysAgo(date);
    if (d === 14 || d === 7) return { date, positive: ["bup", "fen"] };
    const fen = d > 545 ? 0.6 : d > 400 ? 0.25 : d > 120 ? 0.04 : 0;
    const bup = d > 540 ? 0 : 0.97;
    return { date, positive: randomPositives(rand, { fen, bup, "6mam": d > 545 ? 0.2 : 0, bzo: d > 500 ? 0.1 : 0 }) };
  });
  return {
    id,
    name: "Derek Johnson",
    demonstrates:
      "RETURN TO USE: stage action (coded, 70 days ago) and fentanyl-positive tests 14 and 7 days ago, after it; buprenorphine/naloxone film (SCD 1010604) active, so MOUD is primary and ranked first: " +
      "review the dose, adherence and formulation (never stop); " +
      "UDS as 69739-1 panels with hasMember (7 member Observations each), weekly for 2 years; an overdose 2 years ago (T40.1X1A heroin) is not recent; " +
      "naloxone kit older than 12 months.",
    flags: [],
    resources: [
      patient({
        id, given: ["Derek", "Anthony"], family: "Johnson", gender: "male", birthDate: "1988-11-14", mrn: "SW-100206",
        phone: "614-555-0175", line: "889 Parsons Ave", city: "Columbus", state: "OH", postalCode: "43206",
      }),
      oud(id, "2017", ago(760)),
      condition(id, {
        id: "overdose-2024", category: "encounter-diagnosis", clinicalStatus: "resolved",
        codings: [{ system: ICD10CM, code: "T40.1X1A", display: "Poisoning by heroin, accidental (unintentional), initial encounter" }],
        text: "Heroin overdose", onset: at(ago(760), "23:50", zone), abatement: at(ago(759), "06:00", zone), recorded: at(ago(759), "01:10", zone),
      }),
      ...stages(id, zone, [[759, "precontemplation"], [560, "contemplation"], [545, "preparation"], [400, "action"], [70, "action"]], rand),
      medicationRequest(id, {
        id: "naloxone-2024", status: "completed", authoredOn: at(ago(759), "05:30", zone), validDays: 365,
        codings: [RX.naloxoneNasalScd], text: "Naloxone 4 mg nasal spray (rescue kit)", dosage: "For suspected opioid overdose: one spray in one nostril. Call 911.",
      }),
      medicationRequest(id, {
        id: "bup-film-start", status: "completed", authoredOn: at(ago(540), "13:00", zone), validDays: 516,
        codings: [RX.bupNxFilmScd], text: "Buprenorphine/naloxone 8 mg/2 mg sublingual film", dosage: "Two films under the tongue once daily.",
      }),
      medicationRequest(id, {
        id: "bup-film", status: "active", authoredOn: at(ago(25), "13:30", zone), validDays: 60, repeats: 1,
        codings: [RX.bupNxFilmScd], text: "Buprenorphine/naloxone 8 mg/2 mg sublingual film", dosage: "Two films under the tongue once daily.",
      }),
      ...memberPanelSeries(id, tests, rand, { zone, form: "snomed", analytes: ["opi", "fen", "6mam", "oxy", "bup", "coc", "bzo"], panel: PANEL_ANY }),
    ],
  };
}

// ---------------------------------------------------------------- unknown stage, recent overdose

function tomas(): PatientCase {
  const id = "pw-tomas-unknown-stage-overdose";
  const zone: Zone = "pacific";
  const rand = prng(id);
  const tests: PlannedTest[] = [
    { date: ago(61), positive: ["fen"], time: "03:15" },
    { date: ago(30), positive: ["fen", "amp"] },
    { date: ago(6), positive: ["fen"] },
  ];
  return {
    id,
    name: "Tomás Reyes",
    demonstrates:
      "Stage UNKNOWN (no stage Observation); RECENT OVERDOSE: fentanyl poisoning T40.411A 61 days ago (resolved), the warning recent-overdose (\"Opioid overdose on 2026-09-23 (61 days ago)\"), " +
      "naloxone primary and ranked first although a kit was handed over at ED discharge; no MOUD; fentanyl-positive 6 days ago (ongoing opioid use), " +
      "amphetamine-positive 30 days ago; UDS as interpretation under the legacy http://hl7.org/fhir/v2/0078 system.",
    flags: [],
    resources: [
      patient({
        id, given: ["Tomás"], family: "Reyes", gender: "male", birthDate: "2000-05-03", mrn: "SW-100207",
        phone: "559-555-0108", line: "1442 N Fresno St", city: "Fresno", state: "CA", postalCode: "93703",
      }),
      oud(id, "2023", at(ago(60), "11:00", zone)),
      condition(id, {
        id: "overdose", category: "encounter-diagnosis", clinicalStatus: "resolved",
        codings: [{ system: ICD10CM, code: "T40.411A", display: "Poisoning by fentanyl or fentanyl analogs, accidental (unintentional), initial encounter" }],
        text: "Fentanyl overdose", onset: at(ago(61), "02:40", zone), abatement: at(ago(60), "09:00", zone), recorded: at(ago(61), "03:05", zone),
      }),
      medicationRequest(id, {
        id: "naloxone", status: "completed", authoredOn: at(ago(60), "08:45", zone), validDays: 365,
        codings: [RX.narcanNasalSbd], text: "Narcan 4 mg nasal spray (rescue kit)", dosage: "For suspected opioid overdose: one spray in one nostril. Call 911.",
      }),
      ...analyteSeries(id, tests, rand, { zone, form: "interpretation-legacy", analytes: ["opi", "fen", "oxy", "coc", "amp", "bzo", "thc"] }),
    ],
  };
}

// ---------------------------------------------------------------- stale stage, buprenorphine patch for pain (not MOUD)

function grace(): PatientCase {
  const id = "pw-grace-stale-stage-pain-patch";
  const zone: Zone = "eastern";
  const rand = prng(id);
  const tests: PlannedTest[] = scheduleDates(722, 8, 28).map((date) => {
    const d = daysAgo(date);
    if (d > 210) return { date, positive: randomPositives(rand, { oxy: 0.95, bzo: 0.1 }) };
    if (d >= 150 && d < 178) return { date, positive: ["bup", "oxy"] }; // oxycodone after it was stopped
    return { date, positive: d <= 205 ? ["bup"] : [] };
  });
  return {
    id,
    name: "Grace O'Neill",
    demonstrates:
      "STALE stage: preparation recorded exactly 120 days ago (older than 90 days); BuTrans transdermal buprenorphine patch for chronic low back pain (SBD 904878) " +
      "is NOT MOUD (no active MOUD); buprenorphine in her urine is explained by the patch; Percocet, stopped 210 days ago, explains the 17 oxycodone positives taken in its 510 days of validity " +
      "(prescribed, not illicit use, whatever its status now); illicit-opioid positives (oxycodone) only 722 days ago, before it, and 162 days ago, after it was stopped; " +
      "UDS as valueCodeableConcept SNOMED Detected/Not detected, monthly for 2 years.",
    flags: [],
    resources: [
      patient({
        id, given: ["Grace", "Anne"], family: "O'Neill", gender: "female", birthDate: "1966-03-11", mrn: "SW-100208",
        phone: "617-555-0124", line: "27 Adams St", city: "Dorchester", state: "MA", postalCode: "02122",
      }),
      condition(id, {
        id: "back-pain", codings: [{ system: SNOMED, code: "278860009", display: "Chronic low back pain (finding)" }],
        text: "Chronic low back pain", onset: "2014", recorded: ago(722),
      }),
      oud(id, ago(240), at(ago(210), "10:20", zone)),
      stageObservation(id, at(ago(205), "10:00", zone), "contemplation"),
      stageObservation(id, at(ago(120), "10:30", zone), "preparation"),
      medicationRequest(id, {
        id: "percocet", status: "stopped", authoredOn: at(ago(720), "09:00", zone), validDays: 510,
        codings: [RX.percocetSbd], text: "Percocet 5/325 mg tablet", dosage: "One tablet by mouth every 6 hours as needed for pain.",
        note: "Stopped: opioid use disorder diagnosed; pain managed with transdermal buprenorphine.",
      }),
      medicationRequest(id, {
        id: "butrans-start", status: "completed", authoredOn: at(ago(205), "10:40", zone), validDays: 170,
        codings: [RX.butransSbd], text: "BuTrans 20 mcg/hour transdermal patch", dosage: "Apply one patch every 7 days.",
      }),
      medicationRequest(id, {
        id: "butrans", status: "active", authoredOn: at(ago(35), "11:10", zone), validDays: 90, repeats: 2,
        codings: [RX.butransSbd], text: "BuTrans 20 mcg/hour transdermal patch", dosage: "Apply one patch every 7 days for chronic low back pain.",
      }),
      ...analyteSeries(id, tests, rand, { zone, form: "detected", analytes: ["opi", "oxy", "fen", "bup", "mtd", "bzo", "coc", "thc"] }),
    ],
  };
}

// ---------------------------------------------------------------- free-text stage, prefers no medication

function kevin(): PatientCase {
  const id = "pw-kevin-free-text-no-medication";
  const zone: Zone = "central";
  const rand = prng(id);
  const tests: PlannedTest[] = scheduleDates(175, 7, 14).map((date) => {
    const d = daysAgo(date);
    if (d === 21) return { date, positive: ["6mam", "opi", "fen"] };
    if (d === 7) return { date, positive: [] };
    return { date, positive: rand() < 0.7 ? ["6mam", "opi", "fen"] : [] };
  });
  return {
    id,
    name: "Kevin Park",
    demonstrates:
      "FREE-TEXT stage: code.text \"Stage of change\" with valueString \"Contemplation\" (9 days), and an older flowsheet row (coding display \"Stage of Change (TTM)\", " +
      "valueCodeableConcept.text \"precontemplation\"); no MOUD; PREFERS NO MEDICATION (non-medication program, MOUD still offered, naloxone and the lost-tolerance warning); " +
      "heroin (6-MAM), opiates and fentanyl positive 21 days ago; UDS as upper-case valueString \"POSITIVE\"/\"NEGATIVE\"; " +
      "an ACTIVE CarePlan written 120 days ago by ANOTHER APP (CareFlow EHR 3.2: free-text activities, no Stagewise identifier, a Goal without achievementStatus, " +
      "its own Provenance agent): opens read-only, to continue in a new version.",
    flags: ["--prefers-no-medication"],
    resources: [
      patient({
        id, given: ["Kevin", "Minjun"], family: "Park", gender: "male", birthDate: "1993-01-25", mrn: "SW-100209",
        phone: "651-555-0190", line: "960 University Ave W", city: "Saint Paul", state: "MN", postalCode: "55104",
      }),
      oud(id, "2018", ago(175)),
      freeTextStageObservation(
        id, at(ago(150), "14:00", zone),
        { coding: [{ system: "https://ehr.stagewise.example/flowsheet-row", code: "7031", display: "Stage of Change (TTM)" }], text: "Stage of Change (TTM)" },
        { valueCodeableConcept: { text: "precontemplation" } },
      ),
      freeTextStageObservation(id, at(ago(9), "14:30", zone), { text: "Stage of change" }, { valueString: "Contemplation" }),
      ...otherAppPlan(id, { created: at(ago(120), "11:00", zone), start: ago(120), oudCondition: `Condition/${id}-oud` }),
      ...analyteSeries(id, tests, rand, {
        zone, form: "string", analytes: ["opi", "fen", "6mam", "oxy", "coc", "bzo", "thc"], strings: { pos: "POSITIVE", neg: "NEGATIVE" },
      }),
    ],
  };
}

// ---------------------------------------------------------------- contingency management helpers

interface CmPlanInput {
  id: string;
  zone: Zone;
  start: string;
  schedule: "escalating" | "prize" | "fixed";
  description: string;
  goalText: string;
  addresses: string;
}

function cmPlan(o: CmPlanInput): FhirResource[] {
  const g = goal(o.id, { planId: `${o.id}-plan-cm`, id: "goal-cm", description: o.goalText, start: o.start, due: plus(o.start, 83), expressedBy: { reference: `Patient/${o.id}` } });
  const plan = appCarePlan(o.id, {
    id: "plan-cm",
    title: "Contingency management",
    created: at(o.start, "12:00", o.zone),
    start: o.start,
    end: plus(o.start, 83),
    addresses: [{ reference: o.addresses }],
    goals: [g],
    narrative: [o.description, "Weekly visits for 12 weeks; results reviewed with the patient at each visit."],
    activities: [cmActivity(o.start, o.schedule, o.description)],
  });
  return [g, plan];
}

// ---------------------------------------------------------------- readiness ruler, CM prize, no MOUD

function sofia(): PatientCase {
  const id = "pw-sofia-readiness-ruler-cm-prize";
  const zone: Zone = "pacific";
  const rand = prng(id);
  const start = ago(46); // a Thursday; week 7 (started 4 days ago) is the current week
  const before: PlannedTest[] = scheduleDates(94, 52, 7).map((date) => ({ date, positive: rand() < 0.8 ? ["fen"] : [] }));
  const cm: PlannedTest[] = [
    { date: start, positive: [] }, // week 1
    { date: plus(start, 4), positive: [] },
    // week 2: no test (missed)
    { date: plus(start, 14), positive: [] }, // week 3
    { date: plus(start, 18), positive: [] },
    { date: plus(start, 21), positive: [] }, // week 4
    { date: plus(start, 25), positive: [] },
    { date: plus(start, 28), positive: ["fen"] }, // week 5
    { date: plus(start, 32), positive: [] },
    { date: plus(start, 35), positive: [] }, // week 6
    { date: plus(start, 39), positive: [] },
    { date: plus(start, 42), positive: [] }, // week 7 (current)
  ];
  const oudCondition = oud(id, "2024-01", ago(95));
  return {
    id,
    name: "Sofia Marino",
    demonstrates:
      "READINESS RULER 5 (our readiness-ruler code, 50 days) maps to contemplation (an older ruler of 3 with code.text \"Readiness ruler\" only); no MOUD; " +
      "CM PRIZE schedule enrolled mid-program 46 days ago (week 7 of 12), scored on illicit opioids only (no stimulant use before the start; starting MOUD and attendance are aims in the plan, not scored from tests): " +
      "weeks N, missed, N, N, P, N, and week 7 negative so far = 1+0+1+2+0+1+2 = 7 draws, next week 3 draws; " +
      "fentanyl-positive 18 days ago (ongoing opioid use); no MOUD while in CM: naloxone primary with the overdose-risk-lost-tolerance warning; UDS as interpretation POS/NEG.",
    flags: [],
    resources: [
      patient({
        id, given: ["Sofia", "Giulia"], family: "Marino", gender: "female", birthDate: "1998-08-19", mrn: "SW-100210",
        phone: "619-555-0156", line: "3871 Park Blvd Apt 12", city: "San Diego", state: "CA", postalCode: "92103",
      }),
      oudCondition,
      rulerObservation(id, at(ago(95), "13:00", zone), 3, false),
      rulerObservation(id, at(ago(50), "13:30", zone), 5, true),
      ...cmPlan({
        id, zone, start, schedule: "prize", addresses: `Condition/${oudCondition.id}`,
        description: "Prize-bowl draws for each week of opioid-negative urine tests and attendance; target: weekly attendance and starting medication for OUD.",
        goalText: "Come to every weekly visit with a urine test; talk about starting buprenorphine",
      }),
      ...analyteSeries(id, [...before, ...cm], rand, { zone, form: "interpretation", analytes: ["opi", "fen", "6mam", "oxy", "coc", "amp"] }),
    ],
  };
}

// ---------------------------------------------------------------- CM escalating on buprenorphine film

function andre(): PatientCase {
  const id = "pw-andre-cm-escalating";
  const zone: Zone = "eastern";
  const rand = prng(id);
  const start = ago(42); // a Monday; week 7 starts today with no test yet (pending)
  const before: PlannedTest[] = scheduleDates(180, 48, 14).map((date) => {
    const d = daysAgo(date);
    return { date, positive: d > 80 ? (rand() < 0.9 ? ["fen"] : []) : randomPositives(rand, { fen: 0.4, bup: 1 }) };
  });
  const weekly = (week: number, positives: AnalyteKey[][]): PlannedTest[] =>
    positives.map((p, i) => ({ date: plus(start, 7 * (week - 1) + 3 * i), positive: ["bup", ...p] }));
  const cm: PlannedTest[] = [
    ...weekly(1, [[], []]),
    ...weekly(2, [[], []]),
    ...weekly(3, [[], []]),
    ...weekly(4, [[], ["fen"]]),
    ...weekly(5, [[], []]),
    ...weekly(6, [[], []]),
  ];
  const oudCondition = oud(id, "2020", ago(180));
  return {
    id,
    name: "André Thompson",
    demonstrates:
      "CM ESCALATING enrolled mid-program 42 days ago (week 7 of 12, pending today): weeks N N N P N N earn 10.00, 11.50, 13.00, 0, 10.00, 14.50 (restored) = 59.00, " +
      "next voucher 16.00, cap remaining 691.00; stage preparation (coded, 49 days); buprenorphine/naloxone film (SCD 1010604) active, buprenorphine present; " +
      "fentanyl-positive 18 days ago (ongoing opioid use); UDS as valueCodeableConcept SNOMED; " +
      "two stored plans: an older COMPLETED \"Early recovery plan\" (160 days ago: motivational interviewing and naloxone, both completed; its goal achieved; " +
      "reason recorded; no CM activity, so CM still comes from the newer plan) and the ACTIVE CM plan.",
    flags: [],
    resources: [
      patient({
        id, given: ["André", "Marcel"], family: "Thompson", gender: "male", birthDate: "1986-06-06", mrn: "SW-100211",
        phone: "404-555-0171", line: "512 Auburn Ave NE", city: "Atlanta", state: "GA", postalCode: "30312",
      }),
      oudCondition,
      ...stages(id, zone, [[100, "contemplation"], [49, "preparation"]], rand),
      medicationRequest(id, {
        id: "bup-film-start", status: "completed", authoredOn: at(ago(80), "10:00", zone), validDays: 30,
        codings: [RX.bupNxFilmScd], text: "Buprenorphine/naloxone 8 mg/2 mg sublingual film", dosage: "Two films under the tongue once daily.",
      }),
      medicationRequest(id, {
        id: "bup-film-2", status: "completed", authoredOn: at(ago(50), "10:00", zone), validDays: 30,
        codings: [RX.bupNxFilmScd], text: "Buprenorphine/naloxone 8 mg/2 mg sublingual film", dosage: "Two films under the tongue once daily.",
      }),
      medicationRequest(id, {
        id: "bup-film", status: "active", authoredOn: at(ago(20), "10:00", zone), validDays: 30,
        codings: [RX.bupNxFilmScd], text: "Buprenorphine/naloxone 8 mg/2 mg sublingual film", dosage: "Two films under the tongue once daily.",
      }),
      ...cmPlan({
        id, zone, start, schedule: "escalating", addresses: `Condition/${oudCondition.id}`,
        description: "Escalating vouchers for each week of opioid-negative urine tests while on buprenorphine; target: opioid abstinence on MOUD.",
        goalText: "Opioid-free weeks, confirmed by urine tests twice a week",
      }),
      ...appPlan(id, {
        planId: "plan-early", status: "completed", statusReason: "Replaced by the contingency-management plan",
        context: { familyInvolved: false, prefersNoMedication: false, canDeliverCm: true, otp: false },
        title: "Early recovery plan", period: { start: ago(160), end: ago(43) },
        activities: [
          { id: "motivational-interviewing", title: "Motivational interviewing", text: "Two sessions on goals and ambivalence.", status: "completed", progress: [{ time: ago(140), text: "Both sessions held; ready to try buprenorphine." }] },
          { id: "naloxone", title: "Naloxone", text: "Naloxone kit and overdose-response teaching.", status: "completed" },
        ],
        goals: [{ key: "g1", description: "Keep a naloxone kit at home", startDate: ago(160), lifecycleStatus: "completed", achievementStatus: "achieved", activityIds: ["naloxone"] }],
      }, { created: at(ago(160), "10:00", zone), oudCondition: `Condition/${oudCondition.id}` }),
      ...analyteSeries(id, [...before, ...cm], rand, { zone, form: "snomed", analytes: ["opi", "fen", "6mam", "oxy", "bup", "coc", "amp", "thc"] }),
    ],
  };
}

// ---------------------------------------------------------------- CM fixed, stimulant use, on buprenorphine

function marcus(): PatientCase {
  const id = "pw-marcus-cm-fixed-stimulants";
  const zone: Zone = "central";
  const rand = prng(id);
  const start = ago(39); // a Thursday; week 6 started 4 days ago, no test yet (pending)
  const before: PlannedTest[] = withMissedVisits(scheduleDates(385, 42, 7), 0.07, rand).map((date) => {
    const d = daysAgo(date);
    return { date, positive: ["bup", ...randomPositives(rand, { fen: d >= 60 ? 0.3 : 0, coc: 0.2 })] };
  });
  const cm: PlannedTest[] = [
    { date: start, positive: ["bup"] }, // week 1
    { date: plus(start, 4), positive: ["bup"] },
    { date: plus(start, 7), positive: ["bup"] }, // week 2
    // week 3: no test (missed)
    { date: plus(start, 21), positive: ["bup"] }, // week 4
    { date: plus(start, 25), positive: ["bup", "coc"] },
    { date: plus(start, 28), positive: ["bup"] }, // week 5
    { date: plus(start, 32), positive: ["bup"] },
  ];
  const oudCondition = oud(id, "2015", ago(390));
  return {
    id,
    name: "Marcus Bell",
    demonstrates:
      "CM FIXED enrolled mid-program 39 days ago (week 6 of 12, pending), scored on illicit opioids AND stimulants (the default: cocaine positive 63 and 49 days ago, in the 30 days before the start): " +
      "weeks N N missed P N = 3 x 10.00 = 30.00, next 10.00, week 4 positive for the cocaine (benzoylecgonine) positive 14 days ago while opioid-negative; " +
      "REWARD LOG: 10.00 vouchers handed out in weeks 1 and 2 by the care coordinator, a duplicate week-2 entry marked entered-in-error: given 20.00, owed 10.00 (week 5); " +
      "STIMULANT use; stage action (coded, 30 days), no opioid positive since; " +
      "buprenorphine/naloxone film active; UDS as valueString \"Positive\"/\"Negative\".",
    flags: [],
    resources: [
      patient({
        id, given: ["Marcus", "Jerome"], family: "Bell", gender: "male", birthDate: "1982-10-27", mrn: "SW-100212",
        phone: "314-555-0148", line: "4100 Natural Bridge Ave", city: "St. Louis", state: "MO", postalCode: "63115",
      }),
      oudCondition,
      ...stages(id, zone, [[395, "preparation"], [30, "action"]], rand),
      medicationRequest(id, {
        id: "bup-film-start", status: "completed", authoredOn: at(ago(395), "09:30", zone), validDays: 369,
        codings: [RX.bupNxFilmScd], text: "Buprenorphine/naloxone 8 mg/2 mg sublingual film", dosage: "Two films under the tongue once daily.",
      }),
      medicationRequest(id, {
        id: "bup-film", status: "active", authoredOn: at(ago(26), "09:30", zone), validDays: 30, repeats: 2,
        codings: [RX.bupNxFilmScd], text: "Buprenorphine/naloxone 8 mg/2 mg sublingual film", dosage: "Two films under the tongue once daily.",
      }),
      ...cmPlan({
        id, zone, start, schedule: "fixed", addresses: `Condition/${oudCondition.id}`,
        description: "A fixed 10.00 voucher for each week of negative urine tests; target: stimulant-free and opioid-free weeks.",
        goalText: "Cocaine-free and opioid-free weeks, confirmed by urine tests",
      }),
      ...rewardLog(id, `${id}-plan-cm`, zone, [
        { date: start, input: { kind: "voucher", amount: 10 }, note: "Grocery store gift card" },
        { date: plus(start, 7), input: { kind: "voucher", amount: 10 }, note: "Grocery store gift card" },
        { date: plus(start, 8), input: { kind: "voucher", amount: 10 }, note: "Grocery store gift card", enteredInError: "Duplicate of the week 2 voucher" },
      ]),
      ...analyteSeries(id, [...before, ...cm], rand, {
        zone, form: "string", analytes: ["opi", "fen", "oxy", "bup", "coc", "amp", "bzo"], strings: { pos: "Positive", neg: "Negative" },
      }),
    ],
  };
}

// ---------------------------------------------------------------- five-year weekly history (performance)

function helen(): PatientCase {
  const id = "pw-helen-five-year-history";
  const zone: Zone = "central";
  const rand = prng(id);
  const first = 1824;
  const all = scheduleDates(first, 5, 7);
  const dates = withMissedVisits(all, 0.03, rand, all.filter((d) => daysAgo(d) <= 61));
  const tests: PlannedTest[] = dates.map((date) => {
    const d = daysAgo(date);
    const sinceStart = first - d;
    const fen = sinceStart < 84 ? 0.6 - sinceStart / 200 : d > 1460 ? 0.06 : d > 1100 ? 0.02 : 0;
    const thc = d > 1100 ? 0.15 : 0;
    const bup = d === first ? 0 : d <= 61 ? 1 : 0.98;
    return { date, positive: randomPositives(rand, { fen, thc, bup, bzo: d > 1400 ? 0.03 : 0 }) };
  });
  const stageHistory: [number, Stage][] = [];
  for (let k = 0; 1826 - 91 * k > 90; k++) {
    stageHistory.push([1826 - 91 * k, k === 0 ? "contemplation" : k === 1 ? "preparation" : k < 4 ? "action" : "maintenance"]);
  }
  stageHistory.push([28, "maintenance"]);
  const requests = [];
  for (let days = 1826; days > 90; days -= 90) {
    requests.push(
      medicationRequest(id, {
        id: `bup-film-${ago(days)}`, status: "completed", authoredOn: at(ago(days), "11:00", zone), validDays: 90,
        codings: [RX.bupNxFilmScd], text: "Buprenorphine/naloxone 8 mg/2 mg sublingual film", dosage: "Two films under the tongue once daily.",
      }),
    );
  }
  return {
    id,
    name: "Helen Novak",
    demonstrates:
      "PERFORMANCE: 5-year weekly history, a 10-analyte UDS every week (~250 tests, ~2,500 Observations, SNOMED Detected/Not detected), 21 stage assessments, 21 buprenorphine requests; " +
      "stage maintenance (coded, 28 days); buprenorphine/naloxone film active, present in every recent test; no illicit-opioid positive for 3 years; naloxone kit 200 days ago.",
    flags: [],
    resources: [
      patient({
        id, given: ["Helen", "Marie"], family: "Novak", gender: "female", birthDate: "1975-12-01", mrn: "SW-100213",
        phone: "402-555-0137", line: "1207 S 13th St", city: "Omaha", state: "NE", postalCode: "68108",
      }),
      condition(id, { id: "oud", codings: OUD_REMISSION_CODINGS, text: "Opioid use disorder, in remission on maintenance therapy", onset: "2012", recorded: ago(1100) }),
      ...stages(id, zone, stageHistory, rand),
      ...requests,
      medicationRequest(id, {
        id: "bup-film", status: "active", authoredOn: at(ago(26), "11:00", zone), validDays: 90, repeats: 2,
        codings: [RX.bupNxFilmScd], text: "Buprenorphine/naloxone 8 mg/2 mg sublingual film", dosage: "Two films under the tongue once daily.",
      }),
      medicationRequest(id, {
        id: "naloxone", status: "completed", authoredOn: at(ago(200), "11:20", zone), validDays: 365,
        codings: [RX.naloxoneNasalScd], text: "Naloxone 4 mg nasal spray (rescue kit)", dosage: "For suspected opioid overdose: one spray in one nostril. Call 911.",
      }),
      ...analyteSeries(id, tests, rand, { zone, form: "detected", analytes: ["opi", "fen", "6mam", "oxy", "bup", "mtd", "coc", "amp", "bzo", "thc"] }),
    ],
  };
}

/** Every case, in README order. */
export function allCases(): PatientCase[] {
  return [maria(), james(), aisha(), robert(), linda(), derek(), tomas(), grace(), kevin(), sofia(), andre(), marcus(), helen()];
}

