// The recommendation catalog: the clinical content of every recommendation, as data.
// Source: the topic review "Opioid use disorder: psychosocial management" (literature through Jan 2024). Every
// evidence line names the review's section that states the claim (sentence case) and the reference numbers the
// review cites for it there, or, for the few claims the review does not make, the other source that does
// (references.ts). Rule texts cite the same way, through cite() and citeOther(). All text here is our own
// plain-language wording; figures are carried over from the review. The rules that decide tiers live in rules.ts;
// `ruleText` describes them for users and for the published PlanDefinition (scripts/generate-catalog.ts), so keep
// the two in step.
//
// Where this catalog follows the review over clinical-spec.md §3 (each checked against the review's text):
// - cbt: §3 lists "benefits in some trials [22,24–27]". The review cites [22,24,25] for *mixed* results with MOUD
//   and [24,26,27] for trials suggesting benefit, so these are two lines; the stage match itself (Selecting
//   psychotherapy) has no reference. The review hedges the delayed effect in [24] ("may highlight"), and the phone
//   system's extra attendance in [35] was self-reported.
// - motivational-interviewing and other substances: §2 pins "[2,10–17]" on "CM and MI also reduce other
//   substances", but in the review those references back the CM sentence only (and only in people on MOUD). The
//   review's MI section says MI can be turned to other behaviours (e.g. polysubstance use) without a reference;
//   [14,20] back MI added to methadone. "At any point in treatment" is from Selecting psychotherapy.
// - contingency-management: "regulated" is "subject to regulatory oversight" in the review (no incentive limits
//   are named there). The 12-week standard is the review's statement, with no reference.
// - community-reinforcement: "often" used in alcohol use disorder; [60,61] back reinforcement-based treatment
//   building on it, not its use by stage.
// - peer-support: the one trial [56] is a randomized pilot in 80 people with an overdose in the past 6 months
//   *and* recent opioid-positive tests (§3 says "80 adults after overdose").
// - family-therapy: outcomes are [38,39]; [37] is cited for the definition only (§3: [37–39]).
// - stage-assessment: stage changes being common is the review's own statement; [1] backs the stages-of-change
//   framework only.
// - naloxone and the lost-tolerance warning: the review speaks of opioid poisoning risks with or without medication,
//   not of lost tolerance, which is credited to SAMHSA (2025).
// - moud, addiction-counseling: "declining psychosocial care never delays medication" (ASAM 2020) and "declining
//   counseling never stops the medication" (42 CFR Part 8 as revised in 2024) are not in the review and are
//   credited to those sources.
// - mutual-help: the review's survey count (332 in the text) differs from its reference title (322), so no count
//   is given.
// - [2,10–17] is cited as the review prints it, though the titles of [10]–[14] are motivational-interviewing works.
import type { Coding } from "fhir/r4.js";
import { activityCodings } from "./activity-codes.ts";
import { cite, citeOther } from "./references.ts";
import type { OtherSourceId, SourceSection } from "./references.ts";
import type { EvidenceLine, RecommendationId } from "./types.ts";

export interface CatalogEntry {
  id: RecommendationId;
  /** Short plain title. */
  title: string;
  /** What it is, in one or two plain sentences. */
  summary: string;
  /** Default plan-activity text (the clinician may edit it). */
  activity: string;
  /** Short evidence summaries with the review's figures, section and reference numbers. */
  evidence: EvidenceLine[];
  /** The tier rules in plain words, with citations (the PlanDefinition action description). */
  ruleText: string;
  /** Default Goal description, where a goal makes sense. */
  goal?: string;
  /** Plan-activity codings: a verified standard code where one exists, then our own code. */
  codes: Coding[];
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** A claim stated in the review's `section`, citing `refs` there (none when the review gives none). */
const fromSource = (section: SourceSection, refs: number[], text: string): EvidenceLine => ({ text, refs, section });

/** A claim the review does not make, credited to another source. */
const fromOther = (otherSource: OtherSourceId, text: string): EvidenceLine => ({ text, refs: [], otherSource });

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
      fromSource(
        "Overview",
        [],
        "First-line care for most patients is an opioid agonist or antagonist combined with psychosocial support; " +
          "psychosocial care can also be aimed at starting medication and staying on it.",
      ),
      fromSource(
        "Psychosocial treatment alone",
        [],
        "Most trials that compared medication with psychosocial treatment alone found less substance use and more " +
          "abstinence with medication.",
      ),
      fromSource("Summary", [], "Starting naltrexone (an antagonist) first needs medically supervised withdrawal."),
      fromSource(
        "Selecting psychotherapy",
        [],
        "Little evidence shows which psychosocial treatment works best with which medication: the treatments differ " +
          "and the studies are small.",
      ),
      fromOther(
        "asam-2020",
        "Declining psychosocial treatment, or not having it available, should neither prevent nor delay medication.",
      ),
    ],
    ruleText:
      "Do now when no MOUD is active: offer and discuss starting it, naltrexone only after medically supervised " +
      `withdrawal ${cite("Overview", "Summary")}. Do now when a MOUD prescription is on hold: resume it. Consider ` +
      "when MOUD is active: continue it and support adherence; a prescribed medication missing from a recent urine " +
      "test is an adherence reason. Do now when illicit opioid use continues or returns while MOUD is active: " +
      "continue the medication and review the dose, adherence and formulation before adding intensity elsewhere " +
      `${citeOther("asam-2020")}. When the patient prefers treatment without medication, MOUD stays 'do now', ` +
      "worded as an offer, because most trials found less use and more abstinence with medication " +
      `${cite("Psychosocial treatment alone")}. Declining psychosocial care never delays medication ` +
      `${citeOther("asam-2020")}.`,
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
      fromSource(
        "Selecting psychotherapy",
        [1],
        "The stages-of-change model is used to match psychosocial care to how ready the patient is to change.",
      ),
      fromSource(
        "Selecting psychotherapy",
        [],
        "A patient's stage often shifts (for example a return to use after a period of abstinence); such changes " +
          "are worked through together with the patient.",
      ),
    ],
    ruleText:
      "Do now when no stage of change is recorded, when the latest one is older than 90 days, or after a return to " +
      "use (an illicit-opioid-positive test dated after an action or maintenance stage). A preliminary " +
      "illicit-opioid positive in the last 14 days is a reason to consider it, awaiting confirmation (never counted " +
      "before it is confirmed). Care is matched to the " +
      `stage using the stages-of-change model ${cite("Selecting psychotherapy", [1])}; stage changes are common and ` +
      `are handled with the patient ${cite("Selecting psychotherapy")}.`,
  },
  {
    id: "motivational-interviewing",
    title: "Motivational interviewing",
    summary:
      "A collaborative, non-judgmental conversation style that helps the patient explore and settle mixed feelings " +
      "about changing their drug use. It can be brief or part of a long treatment relationship, and counselors, " +
      "clinicians and nurses can all use it.",
    activity: "Motivational interviewing, 1–4 sessions or as needed; may also address other substances",
    evidence: [
      fromSource(
        "Motivational interviewing",
        [13],
        "Meta-analysis of 59 RCTs, 13,342 adults with any substance use disorder, compared with no treatment: less " +
          "substance use, SMD 0.79 right after the intervention and 0.15 at follow-up of up to 12 months.",
      ),
      fromSource(
        "Motivational interviewing",
        [14, 20],
        "In OUD the evidence is positive but more limited: added to methadone, longer abstinence in one trial and " +
          "better drug-use outcomes at 6 months in another.",
      ),
      fromSource("Selecting psychotherapy", [], "Can be used at any point in the course of treatment."),
      fromSource(
        "Motivational interviewing",
        [],
        "Over a long course of treatment, once opioid-related problems settle, MI can be turned to other " +
          "behaviours, such as use of other substances, smoking, or getting medical care.",
      ),
    ],
    ruleText:
      "Do now in precontemplation or contemplation and when the stage is unknown, to build motivation to change " +
      `${cite("Selecting psychotherapy", "Motivational interviewing", [13])}, and after a return to use, to revisit ` +
      `motivation without judgement ${cite("Motivational interviewing")}. Otherwise consider: MI can be used at any ` +
      `point in treatment ${cite("Selecting psychotherapy")} and can also be aimed at other substances such as ` +
      `stimulants ${cite("Motivational interviewing")}.`,
  },
  {
    id: "contingency-management",
    title: "Contingency management",
    summary:
      "Planned rewards (vouchers or prize draws) each time a verified target behaviour happens, such as a negative " +
      "urine test, taking medication or attending. Most studies use a weekly course of 12 weeks.",
    activity: "Contingency management, weekly for 12 weeks, with rewards for a defined target confirmed by urine tests",
    evidence: [
      fromSource(
        "Contingency management",
        [18],
        "Meta-analysis of 60 RCTs, 10,444 adults on MOUD: effect size d 0.58 for abstinence from illicit opioids, " +
          "0.75 for medication adherence and 0.43 for attendance.",
      ),
      fromSource(
        "Contingency management",
        [19],
        "Trial of 256 people in a methadone program: 82 vs 68% retention, and 68 vs 58% morphine-negative tests.",
      ),
      fromSource(
        "Contingency management",
        [5],
        "Smartphone-delivered CM for 85 adults with OUD, compared retrospectively with matched controls: a share of " +
          "negative urine tests 18% greater and attendance 20% greater at four months.",
      ),
      fromSource(
        "Contingency management",
        [2, ...range(6, 9)],
        "Across substance use disorders CM has the most consistent evidence of benefit, including less substance " +
          "use, and meta-analyses generally support it.",
      ),
      fromSource(
        "Contingency management",
        [2, ...range(10, 17)],
        "In people receiving MOUD, CM has improved attendance and adherence and reduced use of other substances such " +
          "as stimulants.",
      ),
      fromSource(
        "Psychosocial treatment alone",
        [62],
        "A secondary analysis of a randomized trial found CM effective in patients treated without medication as " +
          "well as in patients on MOUD.",
      ),
      fromSource("Contingency management", [], "Most CM studies use 12 weeks of weekly CM as the standard course."),
      fromSource(
        "Contingency management",
        [3],
        "Its principles and skills are fairly easy to learn: counselors and case managers can deliver it faithfully " +
          "after little training.",
      ),
      fromSource(
        "Contingency management",
        [4],
        "In an opioid treatment program dispensing methadone, CM was kept going after the initial trial period ended.",
      ),
      fromSource(
        "Contingency management",
        [],
        "Not available everywhere, can be hard to run in office-based settings, and is subject to regulatory " +
          "oversight.",
      ),
    ],
    ruleText:
      "Do now when there is ongoing opioid use or stimulant use (a positive urine test in the last 30 days) and the " +
      "setting can deliver CM: it suits a clear target group in a setting able to run it faithfully " +
      `${cite("Contingency management")}. When the setting cannot, consider and say why. Consider as a bridge to ` +
      `change in precontemplation or contemplation ${cite("Selecting psychotherapy")}. Do now while enrolled and the ` +
      "12 weeks are not over. Weeks are scored on what urine tests confirm: abstinence from illicit opioids " +
      `${cite("Contingency management", [18])}, plus stimulants when the plan's target includes them (by default when ` +
      "a stimulant-positive test lies in the 30 days up to the start) " +
      `${cite("Contingency management", [2, ...range(10, 17)])}; a week is negative only when every tested target ` +
      "result is negative. Starting MOUD, taking it and attending when not on MOUD " +
      `${cite("Overview", "Contingency management")} (attendance alone when the patient chose treatment without ` +
      `medication ${cite("Psychosocial treatment alone", [62])}) are aims written in the plan and rewarded by hand, ` +
      "not scored from tests. Without MOUD, naloxone and an overdose warning come with it.",
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
      fromSource("Cognitive-behavioral therapy", [22, 24, 25], "Trials of CBT added to MOUD have found mixed results."),
      fromSource(
        "Cognitive-behavioral therapy",
        [24, 26, 27],
        "Several trials suggest benefit, such as better retention or fewer drug-positive urine tests.",
      ),
      fromSource(
        "Cognitive-behavioral therapy",
        [24],
        "In a methadone trial (73 patients) group CBT did no better than usual counseling after 20 weeks but had " +
          "fewer drug-positive tests at 6-month follow-up, possibly a delayed, 'sleeper' effect.",
      ),
      fromSource(
        "Cognitive-behavioral therapy",
        range(30, 32),
        "Three trials, 398 primary-care patients on buprenorphine: no added benefit over medical management.",
      ),
      fromSource(
        "Cognitive-behavioral therapy",
        [33],
        "Web-based CBT in place of half the counseling time, 160 patients in an opioid treatment program: more " +
          "abstinence, same retention.",
      ),
      fromSource(
        "Cognitive-behavioral therapy",
        [36],
        "12-week pilot of 20 patients on buprenorphine: 91 vs 64% opioid-negative tests with web-based CBT.",
      ),
      fromSource(
        "Cognitive-behavioral therapy",
        [35],
        "A CBT-based automated phone system for 82 methadone patients: no difference in urine results; patients " +
          "reported attending more.",
      ),
      fromSource("Cognitive-behavioral therapy", [22], "Courses in trials averaged 18 sessions, usually weekly."),
    ],
    ruleText:
      "Do now in preparation or action, paired with wraparound social services: action-oriented, skill-building " +
      `therapy likely suits these stages ${cite("Selecting psychotherapy")}. Evidence for CBT added to MOUD is mixed ` +
      `${cite("Cognitive-behavioral therapy", [22, 24, 25])}.`,
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
      fromSource(
        "Selecting psychotherapy",
        [],
        "Recommended together with CBT for people in the preparation or action stage.",
      ),
    ],
    ruleText: `Do now in preparation or action, together with CBT ${cite("Selecting psychotherapy")}.`,
  },
  {
    id: "community-reinforcement",
    title: "Community reinforcement approach",
    summary:
      "A cognitive-behavioral approach, often used in alcohol use disorder, that makes a life without drug use more " +
      "rewarding. Reinforcement-based treatment for opioid use disorder builds on it.",
    activity: "Community reinforcement approach sessions",
    evidence: [
      fromSource(
        "Selecting psychotherapy",
        [],
        "Can be used in the preparation or action stage; often used in alcohol use disorder. The review cites no " +
          "opioid use disorder trial of the approach itself.",
      ),
      fromSource("Psychosocial treatment alone", [60, 61], "Reinforcement-based treatment builds on this approach."),
      fromSource(
        "Psychosocial treatment alone",
        [59, 61],
        "Randomized trials of reinforcement-based treatment in heroin or opioid dependence found it better than " +
          "control conditions.",
      ),
    ],
    ruleText: `Consider in preparation or action ${cite("Selecting psychotherapy")}.`,
  },
  {
    id: "mutual-help",
    title: "Mutual help groups",
    summary:
      "Peer-led groups such as Narcotics Anonymous (12-step) or groups for people on medication (Methadone " +
      "Anonymous, Medication-Assisted Recovery Services); coaching from the clinician helps the patient benefit.",
    activity:
      "Mutual help group or 12-step facilitation; on MOUD, suggest MOUD-friendly groups (Methadone Anonymous, " +
      "Medication-Assisted Recovery Services) and talk about stigma",
    evidence: [
      fromSource(
        "Mutual help groups",
        [51, 52, 53],
        "No randomized trials in OUD. Observational studies link attendance with abstinence (142 patients after " +
          "residential treatment) and with retention and abstinence (300 starting buprenorphine), and more than " +
          "three quarters of surveyed NA members on MOUD found it very or extremely helpful.",
      ),
      fromSource("Mutual help groups", [54], "People on MOUD report feeling stigmatised in 12-step groups."),
      fromSource(
        "Mutual help groups",
        [50],
        "NA welcomes members on MOUD but advises limits on some roles (leading a meeting, sponsoring); each group " +
          "sets its own policy, so some are more restrictive.",
      ),
      fromSource(
        "Mutual help groups",
        [],
        "Clinicians should talk about stigma toward MOUD in these groups and help patients choose meetings that " +
          "support it; patients on MOUD may look for the more accepting NA groups and need not mention their medication.",
      ),
      fromSource(
        "Mutual help groups",
        [55],
        "Medication-Assisted Recovery Services is a growing peer-led network for people on MOUD: support groups, " +
          "training, social activities and peer mentoring.",
      ),
    ],
    ruleText:
      `Do now in action or maintenance ${cite("Selecting psychotherapy")}; the support for it is observational ` +
      `${cite("Mutual help groups", [51, 52, 53])}. On MOUD, suggest MOUD-friendly groups (Methadone Anonymous, ` +
      "Medication-Assisted Recovery Services) and talk about stigma: people on MOUD report stigma in 12-step groups " +
      `and NA advises limits on their roles ${cite("Mutual help groups", [50, 54])}.`,
    goal: "Attend a mutual help meeting every week",
  },
  {
    id: "peer-support",
    title: "Peer recovery support",
    summary:
      "A trained person with lived experience of substance use coaches and supports the patient, especially around " +
      "starting MOUD and stopping opioid use.",
    activity: "Peer recovery support (contact with a peer recovery coach), focused on starting MOUD and opioid abstinence",
    evidence: [
      fromSource(
        "Peer support strategies",
        [56],
        "Randomized pilot in 80 people with an opioid overdose in the past 6 months and recent opioid-positive drug " +
          "tests: after a phone call from a trained peer, compared with a control such as overdose education, MOUD " +
          "enrolment 32.5 vs 17.5% and overdose 12.5 vs 32.5% at 12 months.",
      ),
      fromSource(
        "Peer support strategies",
        [],
        "Data are sparse and methods vary; peer programs seem best suited to starting MOUD and to opioid abstinence.",
      ),
    ],
    ruleText:
      `Do now in action or maintenance ${cite("Selecting psychotherapy")}, after an opioid overdose in the last 6 ` +
      "months, or with ongoing opioid use and no MOUD, since peer support seems best suited to starting MOUD " +
      `${cite("Peer support strategies")}. Its one trial enrolled only people with both a recent overdose and recent ` +
      `opioid-positive tests ${cite("Peer support strategies", [56])}. Otherwise consider when not on MOUD.`,
    goal: "Meet a peer recovery coach",
  },
  {
    id: "family-therapy",
    title: "Behavioral family or couples therapy",
    summary:
      "Sessions with the patient and an abstinent family member or partner who wants to take part, using " +
      "behavioral principles to reinforce abstinence.",
    activity: "Behavioral family counseling or couples therapy with a willing, abstinent family member or partner",
    evidence: [
      fromSource(
        "Family therapy",
        [37],
        "Behavioral family counseling and couples therapy use behavioral principles to reinforce abstinence, with " +
          "an abstinent family member or partner taking part.",
      ),
      fromSource(
        "Family therapy",
        [38, 39],
        "Improved treatment adherence and substance use outcomes in OUD; in 124 men with OUD living with a family " +
          "member: more naltrexone doses taken, more sessions attended and more abstinent days. The trials enrolled men.",
      ),
    ],
    ruleText:
      "Consider when a family member or partner is involved and willing to take part: the therapy needs an " +
      `abstinent family member or partner ${cite("Family therapy", [37])}, and it has improved adherence and ` +
      `substance use outcomes ${cite("Family therapy", [38, 39])}.`,
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
      fromSource(
        "Family therapy",
        [40],
        "Designed to help family members get a loved one to cut down and seek treatment, including one who is not " +
          "motivated to.",
      ),
      fromSource(
        "Family involvement and education",
        [],
        "CRAFT supports the family members themselves and does not need the patient to take part.",
      ),
      fromSource(
        "Family involvement and education",
        [63],
        "Family members who complete it report less depression, anger and anxiety.",
      ),
      fromSource(
        "Family involvement and education",
        [64],
        "In a randomized pilot after opioid detoxification, CRAFT with the family was followed by less opioid use " +
          "by the patient.",
      ),
      fromSource(
        "Family involvement and education",
        [],
        "Also for families: accurate plain-language information, talking about MOUD without stigma, acknowledging " +
          "how hard things are for them, their own support (Al-Anon, Nar-Anon, therapy) and help with setting limits.",
      ),
    ],
    ruleText:
      `Consider when family is involved ${cite("Family involvement and education")}; do now in precontemplation ` +
      "with family involved, since CRAFT is designed to engage loved ones not yet motivated for treatment " +
      `${cite("Family therapy", [40])}.`,
  },
  {
    id: "network-therapy",
    title: "Network therapy",
    summary: "Family and friends are brought in to help the patient stay engaged in treatment and follow it.",
    activity: "Network therapy: involve family and friends in sessions that support treatment",
    evidence: [
      fromSource(
        "Family therapy",
        [43],
        "One trial, 66 patients on buprenorphine: more opioid-negative urine tests than medication management.",
      ),
      fromSource("Family therapy", [41, 42], "Uses the patient's own network to support engagement and adherence."),
    ],
    ruleText: `Consider when family or friends are involved ${cite("Family therapy", [41, 42, 43])}.`,
  },
  {
    id: "naloxone",
    title: "Overdose education and naloxone",
    summary:
      "Teach the patient and family about overdose risk, with or without medication, and how to respond; provide a " +
      "naloxone rescue kit with training.",
    activity: "Overdose education, harm-reduction advice and a naloxone rescue kit with training for patient and family",
    evidence: [
      fromSource(
        "Family involvement and education",
        [],
        "Educate families about opioid poisoning risk, with or without OUD medication, and give naloxone with " +
          "training in reversing an overdose.",
      ),
      fromSource(
        "Family involvement and education",
        [65],
        "Family members trained in overdose response and naloxone may feel able to save a life.",
      ),
      fromOther(
        "samhsa-2025",
        "After a time without opioids tolerance is lower, so a return to use can cause a fatal overdose; SAMHSA " +
          "cautions about this where CM rewards opioid abstinence.",
      ),
    ],
    ruleText:
      "Do now when no naloxone rescue kit has been prescribed (active or completed) in the last 12 months; " +
      "otherwise consider, reviewing the kit and training with patient and family " +
      `${cite("Family involvement and education", [65])}. Always do now, with an overdose-risk warning, when there ` +
      "is no active MOUD and CM is planned or under way or treatment is without medication: tolerance falls " +
      `without opioids, so a return to use can be fatal ${citeOther("samhsa-2025")}. Always do now, with the same ` +
      "warning, when naltrexone is the only active MOUD: it leaves no opioid tolerance, and overdose risk is highest " +
      `after a missed dose or when it wears off ${citeOther("fda-naltrexone-xr")}. Always do now after an opioid ` +
      "overdose in the last 6 months, whatever kits are on record (the last kit may have been used). A preliminary " +
      "illicit-opioid positive in the last 14 days adds a reason, awaiting confirmation.",
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
      fromSource(
        "Addiction counseling",
        range(44, 49),
        "Weak evidence as an add-on to MOUD: of 5 trials with 1,446 people, only one showed a benefit.",
      ),
      fromSource(
        "Overview",
        [],
        "In the US, opioid treatment programs must provide addiction counseling, and clinicians prescribing " +
          "buprenorphine must be able to provide psychosocial treatment or refer for it.",
      ),
      fromSource(
        "Overview",
        [],
        "Trials in opioid treatment programs may not apply to other settings such as office-based buprenorphine care.",
      ),
      fromSource(
        "Addiction counseling",
        [],
        "How often and how long is individualised: what the patient needs to stabilise, their wishes, and their " +
          "work and family commitments.",
      ),
      fromOther(
        "otp-rule-2024",
        "Under the federal rules revised in 2024, medication in an opioid treatment program no longer depends on " +
          "receiving counseling.",
      ),
    ],
    ruleText:
      "Do now on methadone or in an opioid treatment program, which must provide addiction counseling " +
      `${cite("Overview")}; declining counseling never stops the medication ${citeOther("otp-rule-2024")}. ` +
      `Otherwise consider; evidence as an add-on to MOUD is weak ${cite("Addiction counseling", range(44, 49))}.`,
    goal: "Attend addiction counseling sessions as agreed",
  },
  {
    id: "nonmedication-program",
    title: "Psychosocial treatment without medication",
    summary:
      "For patients who choose not to take medication: usually after medically supervised withdrawal, a combined " +
      "program of counseling, mutual help, a structured therapy (CBT, CM, MI or 12-step facilitation), skills, job " +
      "and leisure groups, and regular urine tests. Reinforcement-based treatment is one tested program.",
    activity:
      "Non-medication program after medically supervised withdrawal: addiction counseling, mutual help, a " +
      "structured intervention (CBT, CM, MI or 12-step facilitation), skills/job/recreation groups and regular " +
      "urine testing (e.g. reinforcement-based treatment)",
    evidence: [
      fromSource(
        "Psychosocial treatment alone",
        [58],
        "Evidence is insufficient to judge psychosocial treatment alone (review of 5 RCTs, 389 participants); " +
          "enhanced outreach counseling and brief reinforcement-based intensive outpatient counseling may do " +
          "better than controls.",
      ),
      fromSource(
        "Psychosocial treatment alone",
        [61],
        "243 patients after supervised withdrawal: 50 vs 37 vs 13% drug-free urine tests at 3 months with " +
          "abstinence-contingent housing plus reinforcement-based treatment vs housing alone vs usual care.",
      ),
      fromSource(
        "Psychosocial treatment alone",
        [59, 61],
        "Reinforcement-based treatment, developed for heroin dependence, combines individual and group counseling " +
          "in day treatment with abstinence-contingent housing, food and recreation, and job-skills training; " +
          "randomized trials found it better than control conditions.",
      ),
      fromSource(
        "Psychosocial treatment alone",
        [],
        "Most trials comparing MOUD with psychosocial treatment alone found less use and more abstinence with MOUD.",
      ),
    ],
    ruleText:
      "Do now when the patient prefers treatment without medication, alongside MOUD, which stays 'do now' as an " +
      `offer because most trials favour medication ${cite("Psychosocial treatment alone")}; evidence for treatment ` +
      "without medication is insufficient, though some programs reduced drug use in trials " +
      `${cite("Psychosocial treatment alone", [58, 59, 61])}. Naloxone becomes 'do now' with an overdose-risk warning.`,
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
