// The engine's vocabulary of facts. Data flows one way:
//   FHIR record → facts (UDS, stage, medications, conditions) → recommendations + CM status → plan → Bundle.
// Everything here is plain data: no FHIR resource leaves the fact layer except as a "ref" string
// ("Observation/123"), which the UI turns into a link and the CLI prints.
import type { OtherSourceId, SourceSection } from "./references.ts";

/** A reference to the resource (or clinician input) behind a fact, e.g. "Observation/abc" or "input:family". */
export type Ref = string;

/**
 * How a warning is to be shown, set by the engine on every warning it returns:
 * - "safety": a clinical risk or gap to act on now (overdose risk after lost tolerance, recent overdose, no OUD
 *   diagnosis on record, return to use): shown at the top with the safety items;
 * - "notice": about the care program, not a risk (the CM yearly cap reached);
 * - "data": the record could not be fully read (a malformed or skipped resource and the like).
 */
export type WarningSeverity = "safety" | "notice" | "data";

/** Something the engine noticed and the user should see; never an exception. */
export interface EngineWarning {
  /** Stable machine code, e.g. "malformed-resource", "overdose-risk-lost-tolerance". */
  code: string;
  /** Plain-language message for the clinician. */
  message: string;
  /** Resources the warning is about. */
  refs?: Ref[];
  /** Set by evaluate() on every warning (see WarningSeverity). */
  severity?: WarningSeverity;
}

// ---------------------------------------------------------------- stage of change

export type Stage = "precontemplation" | "contemplation" | "preparation" | "action" | "maintenance";
export type StageValue = Stage | "unknown";

export interface StageFact {
  value: StageValue;
  /** effective date-time as written on the Observation, or null when unknown. */
  observedAt: string | null;
  /** Older than 90 days at `now`. */
  stale: boolean;
  /** "Observation/ID", or null when unknown. */
  source: Ref | null;
  /** How the value was read: our coded stage, free text, or a readiness ruler score. */
  method: "coded" | "text" | "readiness-ruler" | null;
  /** The ruler score 0–10 when method is readiness-ruler. */
  rulerScore?: number;
}

// ---------------------------------------------------------------- urine drug screens

/**
 * Analytes the engine distinguishes. The illicit-opioid ones are listed in ILLICIT_OPIOID_ANALYTES;
 * buprenorphine and methadone (incl. EDDP) are MOUD analytes; the rest are other substances.
 */
export type Analyte =
  | "opiates"
  | "morphine"
  | "codeine"
  | "heroin"
  | "fentanyl"
  | "synthetic-opioid"
  | "oxycodone"
  | "hydrocodone"
  | "hydromorphone"
  | "buprenorphine"
  | "methadone"
  | "other-opioid"
  | "cocaine"
  | "amphetamine"
  | "benzodiazepine"
  | "cannabinoid"
  | "barbiturate"
  | "phencyclidine"
  | "xylazine"
  | "other";

export const ILLICIT_OPIOID_ANALYTES: readonly Analyte[] = [
  "opiates",
  "morphine",
  "codeine",
  "heroin",
  "fentanyl",
  "synthetic-opioid",
  "oxycodone",
  "hydrocodone",
  "hydromorphone",
];
export const MOUD_ANALYTES: readonly Analyte[] = ["buprenorphine", "methadone"];
export const STIMULANT_ANALYTES: readonly Analyte[] = ["cocaine", "amphetamine"];

export type AnalyteResult = "positive" | "negative" | "indeterminate";

export interface AnalyteReading {
  analyte: Analyte;
  result: AnalyteResult;
  /** Explained by an active prescription for that drug (not illicit use). */
  prescribed: boolean;
  /** "Observation/ID" (for a component or hasMember panel: the Observation that carried the value). */
  source: Ref;
  /** LOINC code that was read. */
  code: string;
  /** final/amended/corrected count; preliminary is shown but not counted. */
  status: "final" | "amended" | "corrected" | "preliminary";
  counted: boolean;
  /** A preliminary result (clinical-spec §7.2): shown and labelled everywhere, never counted. */
  preliminary: boolean;
  /** How the result was read. */
  form: "codeable-concept" | "interpretation" | "string" | "quantity" | "boolean";
}

export interface UdsTest {
  /** YYYY-MM-DD: the date part of effective[x] as written. */
  date: string;
  /**
   * Summary for illicit opioids over the counted analytes:
   * positive = an illicit-opioid analyte positive and not prescribed; negative = illicit-opioid analytes tested
   * and none positive (prescribed positives are not illicit); indeterminate = tested, none positive, at least one
   * indeterminate and none negative... see uds.ts; none = no illicit-opioid analyte tested.
   */
  opioid: "positive" | "negative" | "indeterminate" | "none";
  /** At least one fentanyl analyte was counted in this test. */
  fentanylTested: boolean;
  analytes: AnalyteReading[];
}

// ---------------------------------------------------------------- medications

export type MoudMedication = "buprenorphine" | "methadone" | "naltrexone";

export interface MedicationFact {
  request: Ref;
  status: string;
  /** authoredOn as written (may be absent). */
  authoredOn: string | null;
  /** Validity end (dispenseRequest.validityPeriod.end) if any. */
  endDate: string | null;
  /** Validity start (dispenseRequest.validityPeriod.start) if any: the coverage start when authoredOn is absent. */
  validFrom?: string | null;
  /** RxNorm code that classified it (or null when none could be read). */
  rxnorm: string | null;
  display: string | null;
  /** MOUD class by RxNorm code; null when not MOUD (incl. buprenorphine for pain). */
  moud: MoudMedication | null;
  /** buprenorphine product for pain (BuTrans, Belbuca, Buprenex): shown, never MOUD. */
  buprenorphineForPain: boolean;
  /** A single-ingredient naloxone product (rescue kit). */
  naloxoneKit: boolean;
  /** Analytes this prescription explains in a urine test (e.g. oxycodone Rx → "oxycodone"). */
  explains: Analyte[];
}

export type MoudFlagCode =
  | "adherence-confirmed" // MOUD analyte present while prescribed
  | "absent-while-prescribed" // MOUD analyte absent from a recent test while prescribed
  | "non-prescribed-use" // MOUD analyte present while not prescribed
  | "on-hold"; // an on-hold MOUD request (counts as not active)

export interface MoudFlag {
  code: MoudFlagCode;
  medication: MoudMedication;
  /** Test date for test-based flags. */
  date?: string;
  refs: Ref[];
  message: string;
}

export interface MoudFact {
  active: { medication: MoudMedication; request: Ref }[];
  onHold: { medication: MoudMedication; request: Ref }[];
  flags: MoudFlag[];
}

// ---------------------------------------------------------------- conditions

export interface ConditionFacts {
  /** Active OUD diagnoses (ICD-10-CM F11.*, SNOMED opioid dependence/abuse family). */
  oud: Ref[];
  /** Opioid overdose conditions with their date (onset or recorded). */
  overdoses: { ref: Ref; date: string | null }[];
  /** An overdose dated within the last 6 months [56]. */
  recentOverdose: { ref: Ref; date: string } | null;
}

// ---------------------------------------------------------------- clinician context

/** What charts rarely hold; entered in the app, passed to the CLI as flags. */
export interface ClinicianContext {
  /** Family or partner involved and willing. */
  familyInvolved: boolean;
  /** Patient prefers treatment without medication. */
  prefersNoMedication: boolean;
  /** The setting can deliver contingency management (default true; CLI --no-cm makes it false). */
  canDeliverCm: boolean;
  /** The setting is an opioid treatment program. */
  otp: boolean;
}

export const DEFAULT_CONTEXT: ClinicianContext = {
  familyInvolved: false,
  prefersNoMedication: false,
  canDeliverCm: true,
  otp: false,
};

// ---------------------------------------------------------------- contingency management

export type CmScheduleKind = "escalating" | "prize" | "fixed";

/** What CM scores from urine tests (clinical-spec §7.6): illicit opioids always, stimulants when chosen. */
export type CmTargetAnalyte = "opioids" | "stimulants";

export interface CmTarget {
  /** ["opioids"] or ["opioids", "stimulants"]. */
  analytes: CmTargetAnalyte[];
  /**
   * Where the choice came from: "input" (the user: CLI --cm-target, EvaluateOptions.cmTarget), "plan" (recorded in
   * the CM activity of a CarePlan the app wrote), "default" (stimulants included when a stimulant-positive test lies
   * in the 30 days up to the CM start date; today when not enrolled).
   */
  source: "plan" | "input" | "default";
  /** For a default that includes stimulants: the stimulant-positive results behind it. */
  refs: Ref[];
}
export type WeekOutcome = "negative" | "positive" | "missed" | "pending";

export interface EscalatingParams {
  start: number; // 10.00
  step: number; // 1.50
  max: number; // 26.50
  /** Consecutive negative weeks after a reset that restore the pre-reset value. */
  restoreAfter: number; // 2
}
export interface PrizeBowlSlip {
  label: string;
  value: number;
  count: number;
}
export interface PrizeParams {
  firstDraws: number; // 1
  stepDraws: number; // 1
  maxDraws: number; // 8
  bowl: PrizeBowlSlip[];
}
export interface FixedParams {
  amount: number; // 10.00
}

export interface CmParams {
  schedule: CmScheduleKind;
  programWeeks: number; // 12
  /** Yearly cap per patient per program year from the start date (money). */
  yearlyCap: number; // 750.00
  escalating: EscalatingParams;
  prize: PrizeParams;
  fixed: FixedParams;
}

export interface CmWeek {
  week: number;
  /** First day of the week (YYYY-MM-DD). */
  start: string;
  /** Last day of the week (YYYY-MM-DD), inclusive. */
  end: string;
  outcome: WeekOutcome;
  /** Money for escalating/fixed; draws for prize. */
  earned: number;
  /** Dates of the tests that judged the week (a target analyte read positive or negative). */
  tests: string[];
  /** No test that week included a fentanyl analyte: fentanyl use cannot be ruled out. */
  fentanylNotTested: boolean;
  /** Earnings were cut by the yearly cap this week. */
  capped?: boolean;
  /** What of this week's earnings the reward log has not paid (money or draws; weeks that earned something only). */
  owed?: number;
}

export interface CmStatus {
  enrolled: boolean;
  schedule: CmScheduleKind;
  /** Where the enrolment came from: a CarePlan written by the app, or a start date given by the user. */
  source: Ref | null;
  startDate: string | null;
  currentWeek: number | null;
  programWeeks: number;
  weeks: CmWeek[];
  currentStreak: number;
  longestStreak: number;
  earnedThisWeek: number;
  /** Money (escalating/fixed) or draws (prize). */
  earnedTotal: number;
  /** Money value counted against the cap (for prize: draws × expected value per draw). */
  earnedValue: number;
  capRemaining: number;
  capReached: boolean;
  /** Plain-language notice when the yearly cap is reached (show it as a warning). */
  capMessage?: string;
  /** Reward for the current week if pending, otherwise for the next week; null when the program is over. */
  nextIfNegative: number | null;
  completed: boolean;
  counts: Record<WeekOutcome, number>;
  /** What the weeks are scored on (clinical-spec §7.6). */
  target: CmTarget;
  /** Expected value of one prize draw (prize schedule only). */
  expectedValuePerDraw?: number;
  /**
   * What the reward log says was handed out in this program (entries dated from the start date to today, not
   * entered-in-error): money (escalating/fixed) or draws (prize).
   */
  givenTotal: number;
  /** Money value of what was handed out (prize: the prizes' recorded values; draws without one at the expected value). */
  givenValue: number;
  /** Earned but not yet handed out: money or draws (never below 0). */
  owed: number;
  /** Handed out beyond what the weeks earned (e.g. rewards for plan aims given by hand, clinical-spec §7.6). */
  givenBeyondEarned: number;
  params: CmParams;
}

// ---------------------------------------------------------------- recommendations

export type RecommendationId =
  | "moud"
  | "stage-assessment"
  | "motivational-interviewing"
  | "contingency-management"
  | "cbt"
  | "wraparound-services"
  | "community-reinforcement"
  | "mutual-help"
  | "peer-support"
  | "family-therapy"
  | "craft"
  | "network-therapy"
  | "naloxone"
  | "addiction-counseling"
  | "nonmedication-program";

export type Tier = "primary" | "consider";

export interface Reason {
  text: string;
  /** Resources or inputs behind it ("Observation/1", "input:family"). */
  refs: Ref[];
}

/**
 * One claim with where it comes from: a section of the source review ("Opioid use disorder: psychosocial
 * management") and the reference numbers it cites there, or, for a claim the review does not make, another source.
 * Formatted by evidenceCitation() in references.ts.
 */
export interface EvidenceLine {
  text: string;
  /** The review's reference numbers for this claim, e.g. [13] or [44, 45, 46, 47, 48, 49]; empty when the review states it without one. */
  refs: number[];
  /** The review's section that states it, in sentence case (e.g. "Selecting psychotherapy"). */
  section?: SourceSection;
  /** A source other than the review, for a claim the review does not make. */
  otherSource?: OtherSourceId;
}

export interface Recommendation {
  id: RecommendationId;
  tier: Tier;
  title: string;
  /** Default activity text for the plan (the clinician may edit it). */
  activity: string;
  reasons: Reason[];
  evidence: EvidenceLine[];
  /** For contingency-management: what the weeks are scored on, naming exactly the analytes scored (§7.6). */
  target?: string;
  /**
   * For contingency-management: aims written in the plan but not scored from urine tests (MOUD initiation,
   * adherence, attendance); rewarded by hand through the reward log.
   */
  aims?: string[];
  /**
   * Position in the ranked list, 1 = first (clinical-spec §7.8): primary safety items (naloxone with an overdose
   * warning, then moud), then stage-assessment, then the other primary ones in catalog order; then consider ones in
   * catalog order. The recommendations array is in this order.
   */
  rank: number;
}

// ---------------------------------------------------------------- the whole evaluation

/** Use facts derived from the tests and the stage (clinical-spec §2), each with the test refs behind it. */
export interface UseFacts {
  /** An illicit-opioid-positive test within the last 30 days. */
  ongoingOpioidUse: boolean;
  ongoingOpioidUseRefs: Ref[];
  /** A cocaine or amphetamine positive within the last 30 days. */
  stimulantUse: boolean;
  stimulantUseRefs: Ref[];
  /** Stage action/maintenance and an illicit-opioid positive dated after that assessment. */
  returnToUse: boolean;
  returnToUseRefs: Ref[];
  /** Preliminary (not counted) illicit-opioid positives dated in the last 14 days: awaiting confirmation (§7.2). */
  preliminaryOpioidPositives: { date: string; analyte: Analyte; source: Ref }[];
}

export interface Facts extends UseFacts {
  patient: Ref;
  now: string; // YYYY-MM-DD
  stage: StageFact;
  moud: MoudFact;
  medications: MedicationFact[];
  uds: { tests: UdsTest[] };
  conditions: ConditionFacts;
  /** Latest naloxone rescue-kit request (active or completed) authored within 12 months, if any. */
  recentNaloxoneKit: Ref | null;
}

export interface Evaluation extends Facts {
  context: ClinicianContext;
  contingencyManagement: CmStatus;
  recommendations: Recommendation[];
  warnings: EngineWarning[];
  /**
   * A plain-language label for every reference the evaluation points at (facts, reasons, warnings, and references
   * written inside their text): "Observation/x" → "urine test 2026-11-05: fentanyl positive" (ref-labels.ts).
   */
  refLabels: Record<Ref, string>;
}
