// The recommendation catalog: the clinical content of every recommendation, as data.
// Source: ../shared/seeds/000 (a review of psychosocial management of OUD, literature to Jan 2024); numbers in
// `refs` are that review's reference numbers (1–65), `section` names a section of the review where no numbered
// reference applies. All text here is our own plain-language wording; figures are carried over from the review.
// The rules that decide tiers live in rules.ts; `ruleText` below describes them for users and for the published
// PlanDefinition (scripts/generate-catalog.ts), so keep the two in step.
//
// Where this catalog departs from clinical-spec.md §3 because the seed says otherwise:
// - cbt: §3 lists "benefits in some trials [22,24–27]". The seed cites [22,24,25] for *mixed* results and
//   [24,26,27] for trials suggesting benefit, so the two are separate lines. Technology-delivered CBT also has a
//   null result on urine tests [35], added for balance (the seed calls technology-delivered CBT "mixed").
// - mutual-help: the stigma line cites [54] as §3 does; the "crutch" remark is the seed's [52], listed with the
//   observational studies. The seed's survey count (332) differs from its reference title (322), so no count is given.
// - motivational-interviewing and other substances: §2 pins "[2,10–17]" on "CM and MI also reduce other
//   substances", but in the seed those references back the CM sentence only; the seed's MI section says MI can be
//   aimed at other behaviours (e.g. polysubstance use) without a reference, so MI cites that section instead.
import type { Coding } from "fhir/r4.js";
import { activityCodings } from "./activity-codes.ts";
import type { EvidenceLine, RecommendationId } from "./types.ts";

export interface CatalogEntry {
  id: RecommendationId;
  /** Short plain title. */
  title: string;
  /** What it is, in one or two plain sentences. */
  summary: string;
  /** Default plan-activity text (the clinician may edit it). */
  activity: string;
  /** Short evidence summaries with the seed's figures and reference numbers. */
  evidence: EvidenceLine[];
  /** The tier rules in plain words, with references (shown to users; PlanDefinition action description). */
  ruleText: string;
  /** Default Goal description, where a goal makes sense. */
  goal?: string;
  /** Plan-activity codings: a verified standard code where one exists, then our own code. */
  codes: Coding[];
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

type EntryData = Omit<CatalogEntry, "codes">;

const ENTRIES: EntryData[] = [
  {
    id: "moud",
    title: "Medication for opioid use disorder (MOUD)",
    summary:
      "Buprenorphine, methadone or naltrexone, with psychosocial support alongside, is the first-line treatment for " +
      "most people with opioid use disorder. Naltrexone can only be started after medically supervised withdrawal.",
    activity:
      "Offer and discuss medication for OUD (buprenorphine, methadone, or naltrexone after medically supervised " +
      "withdrawal); if already prescribed, continue it and support adherence",
    evidence: [
      {
        text:
          "First-line care for most patients is an opioid agonist or antagonist combined with psychosocial support; " +
          "psychosocial care can also be aimed at starting medication and staying on it.",
        refs: [],
        section: "OVERVIEW",
      },
      {
        text:
          "Most trials that compared medication with psychosocial treatment alone found less substance use and more " +
          "abstinence with medication.",
        refs: [],
        section: "PSYCHOSOCIAL TREATMENT ALONE",
      },
      {
        text: "Starting naltrexone (an antagonist) first needs medically supervised withdrawal.",
        refs: [],
        section: "SUMMARY",
      },
    ],
    ruleText:
      "Do now when no MOUD is active: offer and discuss starting it (naltrexone only after medically supervised " +
      "withdrawal). Do now when a MOUD prescription is on hold: resume it. Consider when MOUD is active: continue " +
      "it and support adherence; a prescribed medication missing from a recent urine test is an adherence reason. " +
      "When the patient prefers treatment without medication, MOUD stays 'do now', worded as an offer, because most " +
      "trials found less use and more abstinence with medication (seed PSYCHOSOCIAL TREATMENT ALONE). Declining " +
      "psychosocial care never delays medication (ASAM 2020). Seed OVERVIEW and SUMMARY.",
    goal: "Start or continue medication for opioid use disorder and take it as prescribed",
  },
  {
    id: "stage-assessment",
    title: "Assess readiness to change",
    summary:
      "Find out, with the patient, which stage of change they are in (precontemplation, contemplation, preparation, " +
      "action or maintenance), for example with a readiness ruler, so care can be matched to it.",
    activity: "Assess stage of change (interview or readiness ruler) and record it; reassess after any return to use",
    evidence: [
      {
        text: "The stages-of-change model is used to match psychosocial care to how ready the patient is to change.",
        refs: [1],
      },
      {
        text:
          "Stage often shifts over time (for example a return to use after a period of abstinence); such changes " +
          "are handled together with the patient.",
        refs: [],
        section: "SELECTING PSYCHOTHERAPY",
      },
    ],
    ruleText:
      "Do now when no stage of change is recorded, when the latest one is older than 90 days, or after a return to " +
      "use (an illicit-opioid-positive test dated after an action or maintenance stage) [1].",
  },
  {
    id: "motivational-interviewing",
    title: "Motivational interviewing",
    summary:
      "A collaborative, non-judgmental conversation style that helps the patient explore and settle mixed feelings " +
      "about changing their drug use. It can be brief or woven into a long-term relationship with any clinician.",
    activity: "Motivational interviewing, 1–4 sessions or as needed; may also address other substances",
    evidence: [
      {
        text:
          "Meta-analysis of 59 RCTs, 13,342 adults with any substance use disorder, compared with no treatment: less " +
          "substance use, SMD 0.79 right after the intervention and 0.15 at follow-up of up to 12 months.",
        refs: [13],
      },
      {
        text:
          "In OUD the evidence is positive but more limited: added to methadone, longer abstinence in one trial and " +
          "better drug-use outcomes at 6 months in another.",
        refs: [14, 20],
      },
      {
        text:
          "Can be used at any point in treatment, and can be aimed at other behaviours such as use of other " +
          "substances.",
        refs: [],
        section: "MOTIVATIONAL INTERVIEWING",
      },
    ],
    ruleText:
      "Do now in precontemplation or contemplation, when the stage is unknown, and after a return to use (seed " +
      "SELECTING PSYCHOTHERAPY) [13]. Otherwise consider: MI can be used at any point in treatment, and can also " +
      "address other substances such as stimulants (seed MOTIVATIONAL INTERVIEWING) [14,20].",
  },
  {
    id: "contingency-management",
    title: "Contingency management",
    summary:
      "Small planned rewards (vouchers or prize draws) each time a verified target behaviour happens, such as a " +
      "negative urine test, taking medication or attending. The usual course is weekly for 12 weeks.",
    activity: "Contingency management, weekly for 12 weeks, with rewards for a defined target confirmed by urine tests",
    evidence: [
      {
        text:
          "Meta-analysis of 60 RCTs, 10,444 adults on MOUD: effect size d 0.58 for abstinence from illicit opioids, " +
          "0.75 for medication adherence and 0.43 for attendance.",
        refs: [18],
      },
      {
        text: "Trial of 256 people in a methadone program: 82 vs 68% retention, and 68 vs 58% morphine-negative tests.",
        refs: [19],
      },
      {
        text:
          "Smartphone-delivered CM for 85 adults with OUD, compared retrospectively with matched controls: 18% more " +
          "negative urine tests and 20% higher attendance at four months.",
        refs: [5],
      },
      {
        text:
          "Across substance use disorders CM has the most consistent evidence; in people on MOUD it also improves " +
          "attendance and adherence and reduces use of other substances such as stimulants.",
        refs: [2, ...range(10, 17)],
      },
      {
        text: "CM also worked in patients treated without medication.",
        refs: [62],
      },
      {
        text:
          "Not available everywhere, can be hard to run in office-based settings, and is regulated (incentive " +
          "limits apply).",
        refs: [],
        section: "CONTINGENCY MANAGEMENT",
      },
    ],
    ruleText:
      "Do now when there is ongoing opioid use or stimulant use (a positive urine test in the last 30 days) and the " +
      "setting can deliver CM; when it cannot, consider and say why [18]. Consider as a bridge to change in " +
      "precontemplation or contemplation (seed SELECTING PSYCHOTHERAPY). Do now while enrolled and the 12 weeks are " +
      "not over. Target: abstinence from illicit opioids when on MOUD; starting MOUD, taking it and attending when " +
      "not on MOUD (opioid abstinence and attendance when the patient chose treatment without medication [62]); " +
      "also stimulant abstinence when stimulants are used [2,10–17]. Without MOUD, naloxone and an overdose warning " +
      "come with it.",
    goal: "Complete 12 weeks of contingency management with weekly urine tests",
  },
  {
    id: "cbt",
    title: "Cognitive behavioral therapy (CBT)",
    summary:
      "Skills-based therapy on the links between thoughts, feelings, body sensations and drug use, building coping, " +
      "drug-refusal and problem-solving skills. Variants include mindfulness-based relapse prevention and acceptance " +
      "and commitment therapy.",
    activity:
      "CBT (or mindfulness-based relapse prevention or ACT), about 18 weekly sessions, timing individualised; may " +
      "be delivered online",
    evidence: [
      { text: "Trials of CBT added to MOUD show mixed results.", refs: [22, 24, 25] },
      {
        text: "Several trials suggest benefit, such as better retention or fewer drug-positive urine tests.",
        refs: [24, 26, 27],
      },
      {
        text:
          "In a methadone trial (73 patients) the benefit appeared only at 6-month follow-up: a delayed, " +
          "'sleeper' effect.",
        refs: [24],
      },
      {
        text: "Three trials, 398 primary-care patients on buprenorphine: no added benefit over medical management.",
        refs: [30, 31, 32],
      },
      {
        text: "Web-based CBT for 160 patients in an opioid treatment program: more abstinence, same retention.",
        refs: [33],
      },
      {
        text: "Pilot of 20 patients on buprenorphine: 91 vs 64% opioid-negative tests with web-based CBT.",
        refs: [36],
      },
      {
        text: "A CBT-based phone system for 82 methadone patients: no difference in urine results, more attendance.",
        refs: [35],
      },
      { text: "Courses in trials averaged 18 sessions, usually weekly.", refs: [22] },
    ],
    ruleText:
      "Do now in preparation or action, paired with wraparound social services (seed SELECTING PSYCHOTHERAPY); " +
      "trial evidence is mixed [22,24–27,30–33,36].",
    goal: "Complete a course of CBT (about 18 weekly sessions)",
  },
  {
    id: "wraparound-services",
    title: "Wraparound social services",
    summary:
      "Coordinated help with practical needs such as housing, income, work, legal problems and transport, so the " +
      "patient can take part in treatment.",
    activity: "Refer to wraparound social services (housing, work, benefits, legal help, transport) alongside CBT",
    evidence: [
      {
        text: "Recommended together with CBT for people in the preparation or action stage.",
        refs: [],
        section: "SELECTING PSYCHOTHERAPY",
      },
    ],
    ruleText: "Do now in preparation or action, together with CBT (seed SELECTING PSYCHOTHERAPY).",
  },
  {
    id: "community-reinforcement",
    title: "Community reinforcement approach",
    summary:
      "A cognitive-behavioral approach that helps the patient make a life without drugs more rewarding, through " +
      "work, relationships and leisure.",
    activity: "Community reinforcement approach sessions",
    evidence: [
      {
        text:
          "Can be used in the preparation or action stage; mostly used in alcohol use disorder, and no OUD trial of " +
          "it is cited.",
        refs: [],
        section: "SELECTING PSYCHOTHERAPY",
      },
      {
        text: "Reinforcement-based treatment, which has OUD trial support, is built on this approach.",
        refs: [60, 61],
      },
    ],
    ruleText: "Consider in preparation or action (seed SELECTING PSYCHOTHERAPY) [60,61].",
  },
  {
    id: "mutual-help",
    title: "Mutual help groups",
    summary:
      "Peer-led groups such as Narcotics Anonymous (12-step) or groups for people on medication (Methadone " +
      "Anonymous, Medication-Assisted Recovery Services); 12-step facilitation helps the patient get started.",
    activity:
      "Mutual help group or 12-step facilitation; on MOUD, suggest MOUD-friendly groups (Methadone Anonymous, " +
      "Medication-Assisted Recovery Services) and talk about stigma",
    evidence: [
      {
        text:
          "No randomized trials in OUD. Observational studies link attendance with abstinence and retention (142 " +
          "patients after residential treatment; 300 starting buprenorphine), and most surveyed NA members on MOUD " +
          "found it very or extremely helpful.",
        refs: [51, 52, 53],
      },
      { text: "People on MOUD report feeling stigmatised in 12-step groups.", refs: [54] },
      {
        text:
          "NA welcomes members on MOUD but advises limits on some roles (leading a meeting, sponsoring); each group " +
          "sets its own policy, so some are more restrictive.",
        refs: [50],
      },
    ],
    ruleText:
      "Do now in action or maintenance (seed SELECTING PSYCHOTHERAPY) [51–53]. On MOUD, suggest MOUD-friendly groups " +
      "(Methadone Anonymous, Medication-Assisted Recovery Services) and talk about stigma, since some NA groups " +
      "restrict members on MOUD [50,54].",
    goal: "Attend a mutual help meeting every week",
  },
  {
    id: "peer-support",
    title: "Peer recovery support",
    summary:
      "A trained person with lived experience of substance use coaches and supports the patient, especially around " +
      "starting and staying on MOUD.",
    activity: "Peer recovery support (contact with a peer recovery coach), focused on starting or staying on MOUD",
    evidence: [
      {
        text:
          "Trial of 80 adults with an opioid overdose in the past 6 months: after peer support by phone, MOUD " +
          "enrolment 32.5 vs 17.5% and overdose 12.5 vs 32.5% at 12 months.",
        refs: [56],
      },
      {
        text: "Data are sparse; peer programs seem best suited to starting MOUD and to opioid abstinence.",
        refs: [],
        section: "PEER SUPPORT STRATEGIES",
      },
    ],
    ruleText:
      "Do now in action or maintenance (seed SELECTING PSYCHOTHERAPY), after an opioid overdose in the last 6 " +
      "months [56], or with ongoing opioid use and no MOUD (peer support suits starting MOUD). Otherwise consider " +
      "when not on MOUD.",
    goal: "Meet a peer recovery coach",
  },
  {
    id: "family-therapy",
    title: "Behavioral family or couples therapy",
    summary:
      "Sessions with the patient and an abstinent family member or partner who wants to take part, rewarding " +
      "abstinence and treatment adherence.",
    activity: "Behavioral family counseling or couples therapy with a willing, abstinent family member or partner",
    evidence: [
      {
        text:
          "Improved adherence and substance use outcomes; in 124 men with OUD living with family, more naltrexone " +
          "doses taken, more sessions attended and more abstinent days. The trials enrolled men.",
        refs: [37, 38, 39],
      },
    ],
    ruleText: "Consider when a family member or partner is involved and willing to take part [37–39].",
  },
  {
    id: "craft",
    title: "Community reinforcement and family training (CRAFT)",
    summary:
      "Training for family members or loved ones, with or without the patient, to help them encourage less use and " +
      "entry into treatment, and to look after themselves.",
    activity:
      "CRAFT for family members; give plain-language information on OUD and MOUD, point to Al-Anon or Nar-Anon, " +
      "and support limit-setting",
    evidence: [
      { text: "Designed to help families engage loved ones who are not motivated to seek treatment.", refs: [40] },
      {
        text:
          "Family members who complete it report less depression, anger and anxiety; a pilot after opioid " +
          "detoxification reported less opioid use.",
        refs: [63, 64],
      },
      {
        text:
          "Also for families: accurate plain-language information, talking about MOUD without stigma, their own " +
          "support (Al-Anon, Nar-Anon) and help with setting limits.",
        refs: [],
        section: "FAMILY INVOLVEMENT AND EDUCATION",
      },
    ],
    ruleText:
      "Consider when family is involved; do now in precontemplation with family involved, since CRAFT aims at " +
      "loved ones not yet motivated for treatment [40,63,64].",
  },
  {
    id: "network-therapy",
    title: "Network therapy",
    summary: "Family members and friends join some sessions to support the patient's engagement in treatment.",
    activity: "Network therapy: involve family and friends in sessions that support treatment",
    evidence: [
      {
        text: "One trial, 66 patients on buprenorphine: more opioid-negative urine tests than medication management.",
        refs: [43],
      },
      { text: "Uses the patient's own network to support engagement and adherence.", refs: [41, 42] },
    ],
    ruleText: "Consider when family or friends are involved [43].",
  },
  {
    id: "naloxone",
    title: "Overdose education and naloxone",
    summary:
      "Teach the patient and family about overdose risk, including after a break from opioids, and how to respond; " +
      "provide a naloxone rescue kit with training.",
    activity: "Overdose education, harm-reduction advice and a naloxone rescue kit with training for patient and family",
    evidence: [
      {
        text:
          "Educate families about opioid poisoning risk, with or without OUD medication, and give naloxone with " +
          "training in reversing an overdose.",
        refs: [],
        section: "FAMILY INVOLVEMENT AND EDUCATION",
      },
      { text: "Family members trained in overdose response and naloxone may feel able to save a life.", refs: [65] },
    ],
    ruleText:
      "Do now when no naloxone rescue kit has been prescribed (active or completed) in the last 12 months; " +
      "otherwise consider (review the kit and training with patient and family) [65]. Always do now, with an " +
      "overdose-risk warning, when there is no active MOUD and CM is planned or under way or treatment is without " +
      "medication: tolerance falls with abstinence, so a return to use can be fatal (seed FAMILY INVOLVEMENT AND " +
      "EDUCATION; SAMHSA 2025 caution).",
    goal: "Patient and family have a naloxone kit and know how to use it",
  },
  {
    id: "addiction-counseling",
    title: "Addiction counseling",
    summary:
      "Individual or group counseling aimed at abstinence, given by credentialed addiction counselors; content " +
      "varies by program.",
    activity: "Addiction counseling, individual or group, at a frequency that fits the patient's needs and commitments",
    evidence: [
      {
        text: "Weak evidence as an add-on to MOUD: of 5 trials with 1,446 people, only one showed a benefit.",
        refs: range(44, 49),
      },
      {
        text:
          "Trials in opioid treatment programs may not apply to office-based buprenorphine care; US opioid treatment " +
          "programs must provide counseling.",
        refs: [],
        section: "OVERVIEW",
      },
    ],
    ruleText:
      "Do now on methadone or in an opioid treatment program, which is required to offer counseling; declining " +
      "counseling never stops medication. Otherwise consider [44–49].",
    goal: "Attend addiction counseling sessions as agreed",
  },
  {
    id: "nonmedication-program",
    title: "Psychosocial treatment without medication",
    summary:
      "For patients who choose not to take medication: usually after medically supervised withdrawal, a combined " +
      "program of counseling, mutual help, a structured therapy (CBT, CM or MI), skills, job and leisure groups, " +
      "and regular urine tests. Reinforcement-based treatment is one tested program.",
    activity:
      "Non-medication program after medically supervised withdrawal: addiction counseling, mutual help, a " +
      "structured intervention (CBT, CM or MI), skills/job/recreation groups and regular urine testing (e.g. " +
      "reinforcement-based treatment)",
    evidence: [
      {
        text: "Evidence is insufficient to judge psychosocial treatment alone (review of 5 RCTs, 389 participants).",
        refs: [58],
      },
      {
        text:
          "243 patients after supervised withdrawal: 50 vs 37 vs 13% drug-free urine tests at 3 months with " +
          "abstinence-contingent housing plus reinforcement-based treatment vs housing alone vs usual care.",
        refs: [61],
      },
      {
        text: "Most trials comparing MOUD with psychosocial treatment alone found less use and more abstinence with MOUD.",
        refs: [],
        section: "PSYCHOSOCIAL TREATMENT ALONE",
      },
    ],
    ruleText:
      "Do now when the patient prefers treatment without medication, alongside MOUD, which stays 'do now' as an " +
      "offer [58,61]. Naloxone becomes 'do now' with an overdose-risk warning.",
    goal: "Take part in the program with regular urine tests free of illicit opioids",
  },
];

/** One entry per recommendation id, in display order. */
export const CATALOG: readonly CatalogEntry[] = ENTRIES.map((e) => ({ ...e, codes: activityCodings(e.id, e.title) }));

const BY_ID = new Map<RecommendationId, CatalogEntry>(CATALOG.map((e) => [e.id, e]));

/** The catalog entry for a recommendation id. */
export function catalogEntry(id: RecommendationId): CatalogEntry {
  const entry = BY_ID.get(id);
  if (!entry) throw new Error(`no catalog entry for recommendation id "${id}"`);
  return entry;
}

/** Position in the catalog (for ordering recommendations). */
export function catalogIndex(id: RecommendationId): number {
  return CATALOG.findIndex((e) => e.id === id);
}
