// The clinical source and how it is cited. The source is the topic review "Opioid use disorder: psychosocial
// management" (literature current through January 2024); this file holds its title, its section names (sentence
// case), its numbered reference list (bibliographic citations only, spelling as printed in the review), the few
// other sources cited for claims the review does not make, and the one citation format used everywhere: in rule
// reasons, evidence lines, the app, the CLI output and the published FHIR artifacts.
import type { EvidenceLine } from "./types.ts";

/** The review's title, as cited in text. */
export const SOURCE_TITLE = "Opioid use disorder: psychosocial management";

/** The review as a bibliographic citation. */
export const SOURCE_REVIEW =
  "Opioid use disorder: psychosocial management. Topic review, literature current through January 2024 (last updated 24 October 2023).";

/** The review's top-level sections, in sentence case, in the review's order. */
export const SOURCE_SECTIONS = [
  "Overview",
  "Selecting psychotherapy",
  "Contingency management",
  "Motivational interviewing",
  "Cognitive-behavioral therapy",
  "Family therapy",
  "Addiction counseling",
  "Mutual help groups",
  "Peer support strategies",
  "Psychosocial treatment alone",
  "Family involvement and education",
  "Summary",
] as const;

export type SourceSection = (typeof SOURCE_SECTIONS)[number];

export const SOURCE_REFERENCES: Readonly<Record<number, string>> = {
  1: "Prochaska JO, DiClemente CC, Norcross JC. In search of how people change. Applications to addictive behaviors. Am Psychol 1992; 47:1102.",
  2: "Davis DR, Kurti AN, Skelly JM, et al. A review of the literature on contingency management in the treatment of substance use disorders, 2009-2014. Prev Med 2016; 92:36.",
  3: "Hartzler B, Jackson TR, Jones BE, et al. Disseminating contingency management: impacts of staff training and implementation at an opiate treatment program. J Subst Abuse Treat 2014; 46:429.",
  4: "Hartzler B. Building a bonfire that remains stoked: sustainment of a contingency management intervention developed through collaborative design. Subst Abuse Treat Prev Policy 2015; 10:30.",
  5: "DeFulio A, Rzeszutek MJ, Furgeson J, et al. A smartphone-smartcard platform for contingency management in an inner-city substance use disorder outpatient program. J Subst Abuse Treat 2021; 120:108188.",
  6: "Lussier JP, Heil SH, Mongeon JA, et al. A meta-analysis of voucher-based reinforcement therapy for substance use disorders. Addiction 2006; 101:192.",
  7: "Prendergast M, Podus D, Finney J, et al. Contingency management for treatment of substance use disorders: a meta-analysis. Addiction 2006; 101:1546.",
  8: "Benishek LA, Dugosh KL, Kirby KC, et al. Prize-based contingency management for the treatment of substance abusers: a meta-analysis. Addiction 2014; 109:1426.",
  9: "Metrebian N, Weaver T, Goldsmith K, et al. Using a pragmatically adapted, low-cost contingency management intervention to promote heroin abstinence in individuals undergoing treatment for heroin use disorder in UK drug services (PRAISE): a cluster randomised trial. BMJ Open 2021; 11:e046371.",
  10: "Miller WR, Rollnick S. Motivational Interviewing: Preparing People to Change, 2nd ed., Guilford Press, New York 2002.",
  11: "Miller WR, Rollnick S. Motivational Interviewing: Preparing People to Change Addictive Behavior, 1st ed., Guilford Press, New York 1991.",
  12: "Nunes EV, Rothenberg JL, Sullivan MA, et al. Behavioral therapy to augment oral naltrexone for opioid dependence: a ceiling on effectiveness? Am J Drug Alcohol Abuse 2006; 32:503.",
  13: "Smedslund G, Berg RC, Hammerstrøm KT, et al. Motivational interviewing for substance abuse. Cochrane Database Syst Rev 2011; :CD008063.",
  14: "Saunders B, Wilkinson C, Phillips M. The impact of a brief motivational intervention with opiate users attending a methadone programme. Addiction 1995; 90:415.",
  15: "Ghitza UE, Epstein DH, Schmittner J, et al. Randomized trial of prize-based reinforcement density for simultaneous abstinence from cocaine and heroin. Journal of Counseling and Clinical Psychology 2007; 75:765.",
  16: "Petry NM, Martin B. Low-cost contigency management for treatment cocaine- and opioid-abusing methadone patients. Journal of Counseling and Clinical Psychology 2002; 70:398.",
  17: "Gross A, Marsch LA, Badger GJ, Bickel WK. A comparison between low-magnitude voucher and buprenorphine medication contingencies in promoting abstinence from opioids and cocaine. Exp Clin Psychopharmacol 2006; 14:148.",
  18: "Bolívar HA, Klemperer EM, Coleman SRM, et al. Contingency Management for Patients Receiving Medication for Opioid Use Disorder: A Systematic Review and Meta-analysis. JAMA Psychiatry 2021; 78:1092.",
  19: "Chen W, Hong Y, Zou X, et al. Effectiveness of prize-based contingency management in a methadone maintenance program in China. Drug Alcohol Depend 2013; 133:270.",
  20: "Nyamathi AM, Nandy K, Greengold B, et al. Effectiveness of intervention on improvement of drug use among methadone maintained adults. J Addict Dis 2011; 30:6.",
  21: "Caroll KM. Therapy manuals for drug addiction. Manual 1: A cognitive-behavioral approach: Treating cocaine addiction, National Institute of Drug Abuse, Rockville 1998.",
  22: "Magill M, Ray LA. Cognitive-behavioral treatment with adult alcohol and illicit drug users: a meta-analysis of randomized controlled trials. J Stud Alcohol Drugs 2009; 70:516.",
  23: "Bowen S, Chawla N, Marlatt GA. Mindfulness-based relapse prevention for addictive behviors: A clinician's guide, The Guilford Press, New York 2011.",
  24: "Scherbaum N, Kluwig J, Specka M, et al. Group psychotherapy for opiate addicts in methadone maintenance treatment--a controlled trial. Eur Addict Res 2005; 11:163.",
  25: "Kouimtsidis C, Reynolds M, Coulton S, Drummond C. How does cognitive behaviour therapy work with opioid-dependent clients? Results of the UKCBTMM study. Drugs (Abingdon Engl) 2012; 19:253.",
  26: "Gregory VL Jr, Ellis RJB. Cognitive-behavioral therapy and buprenorphine for opioid use disorder: A systematic review and meta-analysis of randomized controlled trials. Am J Drug Alcohol Abuse 2020; 46:520.",
  27: "Miotto K, Hillhouse M, Donovick R, et al. Comparison of buprenorphine treatment for opioid dependence in 3 settings. J Addict Med 2012; 6:68.",
  28: "Carroll KM, Rounsaville BJ, Nich C, et al. One-year follow-up of psychotherapy and pharmacotherapy for cocaine dependence. Delayed emergence of psychotherapy effects. Arch Gen Psychiatry 1994; 51:989.",
  29: "Carroll KM, Nich C, Ball SA, et al. One-year follow-up of disulfiram and psychotherapy for cocaine-alcohol users: sustained effects of treatment. Addiction 2000; 95:1335.",
  30: "Fiellin DA, Barry DT, Sullivan LE, et al. A randomized trial of cognitive behavioral therapy in primary care-based buprenorphine. Am J Med 2013; 126:74.e11.",
  31: "Ling W, Hillhouse M, Ang A, et al. Comparison of behavioral treatment conditions in buprenorphine maintenance. Addiction 2013; 108:1788.",
  32: "Moore BA, Barry DT, Sullivan LE, et al. Counseling and directly observed medication for primary care buprenorphine maintenance: a pilot study. J Addict Med 2012; 6:205.",
  33: "Marsch LA, Guarino H, Acosta M, et al. Web-based behavioral treatment for substance use disorders as a partial replacement of standard methadone maintenance treatment. J Subst Abuse Treat 2014; 46:43.",
  34: "https://www.fda.gov/NewsEvents/Newsroom/PressAnnouncements/ucm628091.htm (Accessed on March 21, 2019).",
  35: "Moore BA, Buono FD, Lloyd DP, et al. A randomized clinical trial of the Recovery Line among methadone treatment patients with ongoing illicit drug use. J Subst Abuse Treat 2019; 97:68.",
  36: "Shi JM, Henry SP, Dwy SL, et al. Randomized pilot trial of Web-based cognitive-behavioral therapy adapted for use in office-based buprenorphine maintenance. Subst Abus 2019; 40:132.",
  37: "Fals-Stewart W, O'Farrell TJ, Birchler GR. Behavioral couples therapy for male substance-abusing patients: a cost outcomes analysis. J Consult Clin Psychol 1997; 65:789.",
  38: "Fals-Stewart W, O'Farrell TJ. Behavioral family counseling and naltrexone for male opioid-dependent patients. J Consult Clin Psychol 2003; 71:432.",
  39: "Fals-Stewart W, O'Farrell TJ, Birchler GR. Behavioral couples therapy for male methadone maintenance patients: Effects on drug-using behavior and relationship adjustment. Behavior Therapy 2001; 32:391.",
  40: "Meyers RJ, Miller WR, Hill DE, Tonigan JS. Community reinforcement and family training (CRAFT): engaging unmotivated drug users in treatment. J Subst Abuse 1998; 10:291.",
  41: "Galanter M. Network therapy for addiction: a model for office practice. Am J Psychiatry 1993; 150:28.",
  42: "Galanter M. Network Therapy for Alcohol and Drug Abuse, Basic Books, New York 1993.",
  43: "Galanter M, Dermatis H, Glickman L, et al. Network therapy: decreased secondary opioid use during buprenorphine maintenance. J Subst Abuse Treat 2004; 26:313.",
  44: "Schwartz RP, Kelly SM, O'Grady KE, et al. Randomized trial of standard methadone treatment compared to initiating methadone without counseling: 12-month findings. Addiction 2012; 107:943.",
  45: "Calsyn DA, Wells EA, Saxon AJ, et al. Contingency management of urinalysis results and intensity of counseling services have an interactive impact on methadone maintenance treatment outcome. J Addict Dis 1994; 13:47.",
  46: "Gruber VA, Delucchi KL, Kielstein A, Batki SL. A randomized trial of 6-month methadone maintenance with standard or minimal counseling versus 21-day methadone detoxification. Drug Alcohol Depend 2008; 94:199.",
  47: "Saxon AJ, Wells EA, Fleming C, et al. Pre-treatment characteristics, program philosophy and level of ancillary services as predictors of methadone maintenance treatment outcome. Addiction 1996; 91:1197.",
  48: "McLellan AT, Arndt IO, Metzger DS, et al. The effects of psychosocial services in substance abuse treatment. JAMA 1993; 269:1953.",
  49: "Weiss RD, Potter JS, Fiellin DA, et al. Adjunctive counseling during brief and extended buprenorphine-naloxone treatment for prescription opioid dependence: a 2-phase randomized controlled trial. Arch Gen Psychiatry 2011; 68:1238.",
  50: "Narcotics Anonymous World Services, Inc (1996). World Service Board of Trustees Bulletin #29: Regarding methadone and other drug replacement programs. https://na.org/?ID=bulletins-bull29 (Accessed on February 24, 2019).",
  51: "Gossop M, Stewart D, Marsden J. Attendance at Narcotics Anonymous and Alcoholics Anonymous meetings, frequency of attendance and substance use outcomes after residential treatment for drug dependence: a 5-year follow-up study. Addiction 2008; 103:119.",
  52: "Monico LB, Gryczynski J, Mitchell SG, et al. Buprenorphine Treatment and 12-step Meeting Attendance: Conflicts, Compatibilities, and Patient Outcomes. J Subst Abuse Treat 2015; 57:89.",
  53: "White WL, Campbell MD, Shea C, et al. Coparticipation in 12-step mutual aid groups and methadone maintenance treatment: A survey of 322 patients. Journal of Groups in Addiction & Recovery 2013; 8:294.",
  54: "Ginter W. Methadone Anonymous and mutual support for medication-assisted recovery. Journal of Groups in Addiction & Recovery 2012; 7:189.",
  55: "Woods JS, Joseph H. Reducing stigma through education to enhance Medication-Assisted Recovery. J Addict Dis 2012; 31:226.",
  56: "Winhusen T, Wilder C, Kropp F, et al. A brief telephone-delivered peer intervention to encourage enrollment in medication for opioid use disorder in individuals surviving an opioid overdose: Results from a randomized pilot trial. Drug Alcohol Depend 2020; 216:108270.",
  57: "Tuten LM, Jones HE, Schaeffer CM, Stitzer ML. Reinforcement-Based Treatment for Substance Use Disorders: A Comprehensive Behavioral Approach, American Psychological Association, Washington, DC 2011.",
  58: "Mayet S, Farrell M, Ferri M, et al. Psychosocial treatment for opiate abuse and dependence. Cochrane Database Syst Rev 2005; :CD004330.",
  59: "Jones HE, Wong CJ, Tuten M, Stitzer ML. Reinforcement-based therapy: 12-month evaluation of an outpatient drug-free treatment for heroin abusers. Drug Alcohol Depend 2005; 79:119.",
  60: "Budney AJ, Higgins ST. A community reinforcement plus vouchers approach: Treating cocaine addiction. Therapy manuals for drug addiction. No. 2, National Institutes of Health, National Institute on Drug Abuse; Department of Health and Human Services, 1998.",
  61: "Tuten M, DeFulio A, Jones HE, Stitzer M. Abstinence-contingent recovery housing and reinforcement-based treatment following opioid detoxification. Addiction 2012; 107:973.",
  62: "Petry NM, Carroll KM. Contingency management is efficacious in opioid-dependent outpatients not maintained on agonist pharmacotherapy. Psychol Addict Behav 2013; 27:1036.",
  63: "Roozen HG, de Waart R, van der Kroft P. Community reinforcement and family training: an effective option to engage treatment-resistant substance-abusing individuals in treatment. Addiction 2010; 105:1729.",
  64: "Brigham GS, Slesnick N, Winhusen TM, et al. A randomized pilot clinical trial to evaluate the efficacy of Community Reinforcement and Family Training for Treatment Retention (CRAFT-T) for improving outcomes for patients completing opioid detoxification. Drug Alcohol Depend 2014; 138:240.",
  65: "Bagley SM, Forman LS, Ruiz S, et al. Expanding access to naloxone for family members: The Massachusetts experience. Drug Alcohol Rev 2018; 37:480.",
};

// formatRefs and cite run for every reason and evidence line of every evaluation (a population run makes thousands),
// with the same few arguments each time: their answers are kept, keyed by the arguments as text. The memos are
// bounded, and an argument that makes cite() throw is never kept.
const MEMO_LIMIT = 1024;
const refsMemo = new Map<string, string>();
const citeMemo = new Map<string, string>();

function remember(memo: Map<string, string>, key: string, value: string): string {
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(key, value);
  return value;
}

/** "[13]", "[44–49]", "[2, 10–17]": the source's reference numbers, runs of three or more as a range. */
export function formatRefs(refs: readonly number[]): string {
  const key = refs.join(",");
  return refsMemo.get(key) ?? remember(refsMemo, key, formatRefsNow(refs));
}

function formatRefsNow(refs: readonly number[]): string {
  const sorted = [...new Set(refs)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(j - i >= 2 ? `${sorted[i]}–${sorted[j]}` : sorted.slice(i, j + 1).join(", "));
    i = j + 1;
  }
  return `[${parts.join(", ")}]`;
}

/**
 * Sources other than the review, for the few claims the review does not make. `short` is the in-text form,
 * `citation` the bibliographic one.
 */
export const OTHER_SOURCES = {
  "asam-2020": {
    short: "ASAM National Practice Guideline, 2020",
    citation:
      "American Society of Addiction Medicine. The ASAM National Practice Guideline for the Treatment of Opioid Use " +
      "Disorder: 2020 Focused Update. J Addict Med 2020; 14(2S Suppl 1):1-91.",
  },
  "otp-rule-2024": {
    short: "42 CFR Part 8, as revised in 2024",
    citation:
      "Substance Abuse and Mental Health Services Administration. Medications for the Treatment of Opioid Use " +
      "Disorder (42 CFR Part 8), final rule. Federal Register 2024; 89:7528. Medication in an opioid treatment " +
      "program is no longer contingent on receiving counseling.",
  },
  "fda-naltrexone-xr": {
    short: "FDA label for extended-release naltrexone",
    citation:
      "Vivitrol (naltrexone for extended-release injectable suspension), US prescribing information: vulnerability " +
      "to opioid overdose after a missed dose, at the end of a dosing interval, or after stopping treatment.",
  },
  "samhsa-2025": {
    short: "SAMHSA, 2025",
    citation:
      "Substance Abuse and Mental Health Services Administration. Contingency management incentives for grant " +
      "programs, January 2025: caution against rewarding opioid abstinence because of overdose risk after lost " +
      "tolerance; medication for opioid use disorder is the standard of care.",
  },
} as const;

export type OtherSourceId = keyof typeof OTHER_SOURCES;

/** "Selecting psychotherapy", "Contingency management [18, 19]": a section of the review with its reference numbers. */
export function sectionCitation(section: SourceSection, refs: readonly number[] = []): string {
  return refs.length ? `${section} ${formatRefs(refs)}` : section;
}

/**
 * The in-text citation of the review: its title, then one or more sections, each followed by the reference numbers
 * cited from it.
 *   cite("Selecting psychotherapy")  → "(Opioid use disorder: psychosocial management, Selecting psychotherapy)"
 *   cite("Selecting psychotherapy", "Motivational interviewing", [13])
 *     → "(Opioid use disorder: psychosocial management, Selecting psychotherapy; Motivational interviewing [13])"
 */
export function cite(...parts: (SourceSection | readonly number[])[]): string {
  // The key: one line per part, a section as written, a list of numbers after a NUL and joined by commas (a section
  // holds no line break and no NUL).
  let key = "";
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    key += typeof part === "string" ? `${part}\n` : `\u0000${Array.isArray(part) ? part.join(",") : String(part)}\n`;
  }
  return citeMemo.get(key) ?? remember(citeMemo, key, citeNow(parts));
}

function citeNow(parts: (SourceSection | readonly number[])[]): string {
  const pointers: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const section = parts[i];
    if (typeof section !== "string") throw new Error("cite(): reference numbers must follow a section name");
    const next = parts[i + 1];
    if (next !== undefined && typeof next !== "string") {
      pointers.push(sectionCitation(section, next));
      i++;
    } else pointers.push(sectionCitation(section));
  }
  if (!pointers.length) throw new Error("cite(): name at least one section of the review");
  return `(${SOURCE_TITLE}, ${pointers.join("; ")})`;
}

/** "(ASAM National Practice Guideline, 2020)": a source other than the review, in text. */
export function citeOther(id: OtherSourceId): string {
  return `(${OTHER_SOURCES[id].short})`;
}

/**
 * An evidence line's citation. "full" stands alone ("(Opioid use disorder: psychosocial management, Contingency
 * management [18])"); "short" leaves out the review's title, for lists that name the review once
 * ("Contingency management [18]"). A line from another source gives that source's short name in both forms.
 */
export function evidenceCitation(e: EvidenceLine, form: "full" | "short" = "full"): string {
  if (e.otherSource) return form === "full" ? citeOther(e.otherSource) : OTHER_SOURCES[e.otherSource].short;
  if (!e.section) return formatRefs(e.refs);
  return form === "full" ? cite(e.section, e.refs) : sectionCitation(e.section, e.refs);
}

/** An evidence line as one self-contained sentence with its citation (the CLI output). */
export function evidenceText(e: EvidenceLine): string {
  return `${e.text} ${evidenceCitation(e)}`;
}
