// The recommendation rules of clinical-spec.md §3, one row per tier rule and per safety rule. Each row states the
// expected tier and a reason that names the right evidence (the source review's section and reference numbers, as
// "(Opioid use disorder: psychosocial management, <Section> [n])", or another named source) and points at the right
// resource or clinician input; where a reason once cited the wrong references, `never` pins what it must not say.
// Expected values come from the spec table and the review's text, not from running the engine.
import { describe, expect, it } from "vitest";
import { recommend } from "../../src/clinical/rules.ts";
import type { ClinicianContext, CmStatus, EngineWarning, Facts, Recommendation, RecommendationId, Tier } from "../../src/clinical/types.ts";
import { cm, context, facts, REF } from "./helpers/rule-facts.ts";

function run(f: Facts, c: ClinicianContext = context(), s: CmStatus = cm()) {
  return recommend(f, c, s);
}

function rec(out: { recommendations: Recommendation[] }, id: RecommendationId): Recommendation | undefined {
  return out.recommendations.find((r) => r.id === id);
}

interface Row {
  name: string;
  f: Facts;
  c?: Partial<ClinicianContext>;
  s?: CmStatus;
  id: RecommendationId;
  tier: Tier;
  /** Text a fired reason must contain (usually the review's section and reference numbers). */
  says: string;
  /** Text that same reason must not contain (a citation that was wrong for this claim). */
  never?: string;
  /** A ref that same reason must point at. */
  ref?: string;
}

const ROWS: Row[] = [
  // moud
  { name: "no active MOUD → offer", f: facts({ moud: [] }), id: "moud", tier: "primary", says: "offer and discuss starting", ref: REF.oud },
  { name: "no active MOUD → naltrexone needs supervised withdrawal", f: facts({ moud: [] }), id: "moud", tier: "primary", says: "naltrexone only after medically supervised withdrawal" },
  { name: "no active MOUD → declining psychosocial care never delays medication", f: facts({ moud: [] }), id: "moud", tier: "primary", says: "never delays medication (ASAM National Practice Guideline, 2020)" },
  { name: "on-hold MOUD → resume", f: facts({ moud: [], onHold: ["methadone"] }), id: "moud", tier: "primary", says: "resuming", ref: REF.held("methadone") },
  { name: "active MOUD → continue", f: facts({ moud: ["buprenorphine"] }), id: "moud", tier: "consider", says: "Continue it and support adherence", ref: REF.med("buprenorphine") },
  {
    name: "absent while prescribed → adherence reason",
    f: facts({
      flags: [{ code: "absent-while-prescribed", medication: "buprenorphine", date: "2025-06-01", refs: ["Observation/uds-0601"], message: "" }],
    }),
    id: "moud",
    tier: "consider",
    says: "Adherence",
    ref: "Observation/uds-0601",
  },
  { name: "prefers no medication → moud stays primary as an offer", f: facts({ moud: [] }), c: { prefersNoMedication: true }, id: "moud", tier: "primary", says: "(Opioid use disorder: psychosocial management, Psychosocial treatment alone)", ref: "input:prefers-no-medication" },

  // stage-assessment [1]
  { name: "stage unknown → assess", f: facts({ stage: "unknown" }), id: "stage-assessment", tier: "primary", says: "(Opioid use disorder: psychosocial management, Selecting psychotherapy [1])" },
  { name: "stage stale → reassess", f: facts({ stage: "action", stageAgeDays: 120 }), id: "stage-assessment", tier: "primary", says: "stale", ref: REF.stage },
  { name: "return to use → reassess; stage changes are common (no reference)", f: facts({ stage: "action", returnToUse: true }), id: "stage-assessment", tier: "primary", says: "stage changes are common (Opioid use disorder: psychosocial management, Selecting psychotherapy).", never: "[1]", ref: REF.returnTest },

  // motivational-interviewing
  { name: "precontemplation → MI", f: facts({ stage: "precontemplation" }), id: "motivational-interviewing", tier: "primary", says: "Selecting psychotherapy; Motivational interviewing [13])", ref: REF.stage },
  { name: "contemplation → MI", f: facts({ stage: "contemplation" }), id: "motivational-interviewing", tier: "primary", says: "Selecting psychotherapy; Motivational interviewing [13])", ref: REF.stage },
  { name: "unknown stage → MI", f: facts({ stage: "unknown" }), id: "motivational-interviewing", tier: "primary", says: "Stage of change unknown" },
  { name: "return to use → MI", f: facts({ stage: "maintenance", returnToUse: true }), id: "motivational-interviewing", tier: "primary", says: "Return to use", ref: REF.returnTest },
  { name: "maintenance → MI at any point", f: facts({ stage: "maintenance" }), id: "motivational-interviewing", tier: "consider", says: "any point in treatment (Opioid use disorder: psychosocial management, Selecting psychotherapy)", ref: REF.stage },
  { name: "stimulant use → MI for other substances (MI section, no reference)", f: facts({ stage: "action", stimulantUse: true, moud: ["methadone"] }), c: { canDeliverCm: false }, id: "motivational-interviewing", tier: "consider", says: "other substances (Opioid use disorder: psychosocial management, Motivational interviewing).", never: "[", ref: REF.stimulantTest },

  // contingency-management
  { name: "ongoing opioid use, CM available → CM", f: facts({ ongoingOpioidUse: true }), id: "contingency-management", tier: "primary", says: "Contingency management [18, 19])", ref: REF.opioidTest },
  { name: "stimulant use, CM available → CM (shown in people on MOUD)", f: facts({ stimulantUse: true }), id: "contingency-management", tier: "primary", says: "in people on MOUD, CM has reduced use of other substances such as stimulants (Opioid use disorder: psychosocial management, Contingency management [2, 10–17])", ref: REF.stimulantTest },
  { name: "ongoing use, setting cannot deliver CM → consider, says why", f: facts({ ongoingOpioidUse: true }), c: { canDeliverCm: false }, id: "contingency-management", tier: "consider", says: "cannot deliver", ref: "input:no-cm" },
  { name: "setting cannot deliver CM → regulatory oversight, not 'regulated'", f: facts({ ongoingOpioidUse: true }), c: { canDeliverCm: false }, id: "contingency-management", tier: "consider", says: "subject to regulatory oversight (Opioid use disorder: psychosocial management, Contingency management)", never: "[18]" },
  { name: "contemplation → CM as a bridge", f: facts({ stage: "contemplation" }), id: "contingency-management", tier: "consider", says: "bridge to change when motivation is low (Opioid use disorder: psychosocial management, Selecting psychotherapy)", ref: REF.stage },
  { name: "enrolled, week 5 → continue", f: facts({ stage: "action" }), s: cm({ week: 5 }), id: "contingency-management", tier: "primary", says: "week 5 of 12", ref: REF.cmPlan },

  // cbt, wraparound-services, community-reinforcement
  { name: "preparation → CBT", f: facts({ stage: "preparation" }), id: "cbt", tier: "primary", says: "wraparound services (Opioid use disorder: psychosocial management, Selecting psychotherapy)", ref: REF.stage },
  { name: "action → CBT; evidence with MOUD is mixed [22,24,25]", f: facts({ stage: "action" }), id: "cbt", tier: "primary", says: "Evidence for CBT added to MOUD is mixed (Opioid use disorder: psychosocial management, Cognitive-behavioral therapy [22, 24, 25])", never: "[22, 24]", ref: REF.stage },
  { name: "preparation → wraparound", f: facts({ stage: "preparation" }), id: "wraparound-services", tier: "primary", says: "(Opioid use disorder: psychosocial management, Selecting psychotherapy)", ref: REF.stage },
  { name: "action → wraparound", f: facts({ stage: "action" }), id: "wraparound-services", tier: "primary", says: "(Opioid use disorder: psychosocial management, Selecting psychotherapy)", ref: REF.stage },
  { name: "preparation → community reinforcement (stage use has no reference)", f: facts({ stage: "preparation" }), id: "community-reinforcement", tier: "consider", says: "(Opioid use disorder: psychosocial management, Selecting psychotherapy)", never: "[60", ref: REF.stage },
  { name: "action → community reinforcement (stage use has no reference)", f: facts({ stage: "action" }), id: "community-reinforcement", tier: "consider", says: "(Opioid use disorder: psychosocial management, Selecting psychotherapy)", never: "[60", ref: REF.stage },

  // mutual-help
  { name: "action → mutual help", f: facts({ stage: "action" }), id: "mutual-help", tier: "primary", says: "Selecting psychotherapy; Mutual help groups [51–53])", ref: REF.stage },
  { name: "maintenance → mutual help", f: facts({ stage: "maintenance" }), id: "mutual-help", tier: "primary", says: "Selecting psychotherapy; Mutual help groups [51–53])", ref: REF.stage },
  { name: "maintenance on MOUD → MOUD-friendly groups and stigma", f: facts({ stage: "maintenance", moud: ["methadone"] }), id: "mutual-help", tier: "primary", says: "Methadone Anonymous", ref: REF.med("methadone") },
  { name: "on MOUD → NA restrictions [50]", f: facts({ stage: "action" }), id: "mutual-help", tier: "primary", says: "Mutual help groups [50, 54])", ref: REF.med("buprenorphine") },

  // peer-support
  { name: "action → peer support", f: facts({ stage: "action" }), id: "peer-support", tier: "primary", says: "peer-supported recovery (Opioid use disorder: psychosocial management, Selecting psychotherapy)", ref: REF.stage },
  { name: "recent overdose → peer support, the trial's group described", f: facts({ overdoseDaysAgo: 40 }), id: "peer-support", tier: "primary", says: "a pilot trial of people with a recent overdose and recent opioid-positive tests", ref: REF.overdose },
  { name: "recent overdose → peer support cites [56]", f: facts({ overdoseDaysAgo: 40 }), id: "peer-support", tier: "primary", says: "Peer support strategies [56])", ref: REF.overdose },
  { name: "no MOUD + ongoing use → peer support for MOUD initiation (not shown by [56])", f: facts({ moud: [], ongoingOpioidUse: true }), id: "peer-support", tier: "primary", says: "best suited to starting MOUD (Opioid use disorder: psychosocial management, Peer support strategies)", never: "[56]", ref: REF.opioidTest },
  { name: "not on MOUD otherwise → consider peer support (not shown by [56])", f: facts({ moud: [] }), id: "peer-support", tier: "consider", says: "(Opioid use disorder: psychosocial management, Peer support strategies)", never: "[56]" },

  // family
  { name: "family → family therapy: definition [37]", f: facts(), c: { familyInvolved: true }, id: "family-therapy", tier: "consider", says: "who wants to take part (Opioid use disorder: psychosocial management, Family therapy [37])", never: "[37–39]", ref: "input:family" },
  { name: "family → family therapy: outcomes [38,39]", f: facts(), c: { familyInvolved: true }, id: "family-therapy", tier: "consider", says: "outcomes (Opioid use disorder: psychosocial management, Family therapy [38, 39])", ref: "input:family" },
  { name: "family → network therapy", f: facts(), c: { familyInvolved: true }, id: "network-therapy", tier: "consider", says: "Family therapy [41–43])", ref: "input:family" },
  { name: "family → CRAFT", f: facts(), c: { familyInvolved: true }, id: "craft", tier: "consider", says: "Family involvement and education [63, 64])", ref: "input:family" },
  { name: "family + precontemplation → CRAFT primary: unmotivated loved ones [40]", f: facts({ stage: "precontemplation" }), c: { familyInvolved: true }, id: "craft", tier: "primary", says: "not yet motivated for treatment (Opioid use disorder: psychosocial management, Family therapy [40])", never: "63", ref: REF.stage },

  // naloxone
  { name: "no kit in 12 months → naloxone", f: facts({ naloxoneKit: false }), id: "naloxone", tier: "primary", says: "Family involvement and education [65])" },
  { name: "kit on record → review it", f: facts({ naloxoneKit: true }), id: "naloxone", tier: "consider", says: "review the kit", ref: REF.naloxone },

  // addiction-counseling
  { name: "on methadone → counseling, required", f: facts({ moud: ["methadone"] }), id: "addiction-counseling", tier: "primary", says: "required to provide counseling (Opioid use disorder: psychosocial management, Overview)", never: "[44", ref: REF.med("methadone") },
  { name: "methadone: declining never stops medication (OTP rules, not the review)", f: facts({ moud: ["methadone"] }), id: "addiction-counseling", tier: "primary", says: "never stops the medication (42 CFR Part 8, as revised in 2024)" },
  { name: "OTP → counseling, required", f: facts(), c: { otp: true }, id: "addiction-counseling", tier: "primary", says: "required to provide addiction counseling (Opioid use disorder: psychosocial management, Overview)", never: "[44", ref: "input:otp" },
  { name: "buprenorphine, office → consider counseling", f: facts(), id: "addiction-counseling", tier: "consider", says: "Addiction counseling [44–49])" },

  // nonmedication-program
  { name: "prefers no medication → program", f: facts({ moud: [] }), c: { prefersNoMedication: true }, id: "nonmedication-program", tier: "primary", says: "Psychosocial treatment alone [58, 61])", ref: "input:prefers-no-medication" },

  // safety
  { name: "no MOUD + CM primary → naloxone primary despite a kit", f: facts({ moud: [], ongoingOpioidUse: true, naloxoneKit: true }), id: "naloxone", tier: "primary", says: "tolerance falls with abstinence, so a return to use carries a high risk of fatal overdose (SAMHSA, 2025)", ref: REF.opioidTest },
  { name: "no MOUD + CM enrolled → naloxone primary", f: facts({ moud: [], naloxoneKit: true }), s: cm({ week: 3 }), id: "naloxone", tier: "primary", says: "under way", ref: REF.cmPlan },
  { name: "no MOUD + non-medication program → naloxone primary", f: facts({ moud: [], naloxoneKit: true }), c: { prefersNoMedication: true }, id: "naloxone", tier: "primary", says: "without medication", ref: "input:prefers-no-medication" },
  { name: "on-hold MOUD counts as none for safety", f: facts({ moud: [], onHold: ["buprenorphine"], stimulantUse: true, naloxoneKit: true }), id: "naloxone", tier: "primary", says: "tolerance" },

  // clinical-spec §7.3: naltrexone leaves no opioid tolerance
  { name: "naltrexone the only MOUD → naloxone primary despite a kit", f: facts({ moud: ["naltrexone"], naloxoneKit: true }), id: "naloxone", tier: "primary", says: "FDA label for extended-release naltrexone", ref: REF.med("naltrexone") },
  // §7.4: a recent overdose, whatever kits are on record
  { name: "overdose 61 days ago → naloxone primary despite a kit, date and days ago", f: facts({ overdoseDaysAgo: 61, naloxoneKit: true }), id: "naloxone", tier: "primary", says: "Opioid overdose on 2025-04-15 (61 days ago)", ref: REF.overdose },
  // §7.2: a preliminary positive awaiting confirmation
  { name: "preliminary fentanyl positive yesterday → naloxone: awaiting confirmation", f: facts({ preliminaryPositive: true }), id: "naloxone", tier: "consider", says: "Awaiting confirmation", ref: REF.preliminaryTest },
  { name: "preliminary positive, no kit → naloxone stays primary and says awaiting confirmation", f: facts({ preliminaryPositive: true, naloxoneKit: false }), id: "naloxone", tier: "primary", says: "fentanyl on 2025-06-14", ref: REF.preliminaryTest },
  { name: "preliminary fentanyl positive yesterday → stage assessment: awaiting confirmation", f: facts({ preliminaryPositive: true }), id: "stage-assessment", tier: "consider", says: "Awaiting confirmation", ref: REF.preliminaryTest },
  // §7.5: illicit opioid use while MOUD is active
  { name: "ongoing use on buprenorphine → moud primary: review the dose", f: facts({ ongoingOpioidUse: true }), id: "moud", tier: "primary", says: "review the dose, adherence and formulation", ref: REF.opioidTest },
  { name: "ongoing use on buprenorphine → moud points at the medication", f: facts({ ongoingOpioidUse: true }), id: "moud", tier: "primary", says: "ASAM National Practice Guideline, 2020", ref: REF.med("buprenorphine") },
  { name: "return to use on methadone → moud primary: review the dose", f: facts({ stage: "action", moud: ["methadone"], returnToUse: true }), id: "moud", tier: "primary", says: "review the dose, adherence and formulation", ref: REF.returnTest },
];

describe("recommend: one row per rule of clinical-spec §3", () => {
  it.each(ROWS)("$name", ({ f, c, s, id, tier, says, never, ref }) => {
    const out = run(f, context(c), s ?? cm());
    const r = rec(out, id);
    expect(r, `${id} recommended`).toBeDefined();
    expect(r?.tier).toBe(tier);
    const match = r?.reasons.find((x) => x.text.includes(says) && (ref === undefined || x.refs.includes(ref)));
    expect(match, `a reason saying "${says}"${ref ? ` pointing at ${ref}` : ""}; got ${JSON.stringify(r?.reasons)}`).toBeDefined();
    if (never) expect(match?.text).not.toContain(never);
  });
});

describe("recommend: when rules do not fire", () => {
  const ABSENT: { name: string; f: Facts; c?: Partial<ClinicianContext>; s?: CmStatus; id: RecommendationId }[] = [
    { name: "fresh known stage, no return to use → no stage assessment", f: facts({ stage: "action" }), id: "stage-assessment" },
    { name: "contemplation → no CBT", f: facts({ stage: "contemplation" }), id: "cbt" },
    { name: "contemplation → no wraparound", f: facts({ stage: "contemplation" }), id: "wraparound-services" },
    { name: "maintenance → no community reinforcement", f: facts({ stage: "maintenance" }), id: "community-reinforcement" },
    { name: "preparation → no mutual help", f: facts({ stage: "preparation" }), id: "mutual-help" },
    { name: "on MOUD, preparation, no overdose → no peer support", f: facts({ stage: "preparation" }), id: "peer-support" },
    { name: "no family → no family therapy", f: facts(), id: "family-therapy" },
    { name: "no family → no CRAFT", f: facts({ stage: "precontemplation" }), id: "craft" },
    { name: "no family → no network therapy", f: facts(), id: "network-therapy" },
    { name: "no use, preparation, not enrolled → no CM", f: facts({ stage: "preparation" }), id: "contingency-management" },
    { name: "CM completed → no CM", f: facts({ stage: "action" }), s: cm({ completed: true }), id: "contingency-management" },
    { name: "no preference → no non-medication program", f: facts({ moud: [] }), id: "nonmedication-program" },
  ];
  it.each(ABSENT)("$name", ({ f, c, s, id }) => {
    expect(rec(run(f, context(c), s ?? cm()), id)).toBeUndefined();
  });

  it.each([
    { name: "naltrexone with buprenorphine: tolerance kept, naloxone stays consider", f: facts({ moud: ["naltrexone", "buprenorphine"] }) },
    { name: "buprenorphine alone, no overdose: naloxone stays consider", f: facts() },
    { name: "no recent overdose, kit on record: naloxone stays consider", f: facts({ stage: "action" }) },
  ])("$name", ({ f }) => {
    expect(rec(run(f), "naloxone")?.tier).toBe("consider");
  });

  it("use with no MOUD active → moud is the offer to start it, never a dose review", () => {
    const r = rec(run(facts({ moud: [], ongoingOpioidUse: true })), "moud");
    expect(r?.reasons.some((x) => x.text.includes("review the dose"))).toBe(false);
  });

  it("no preliminary positive → no 'awaiting confirmation' anywhere", () => {
    const out = run(facts({ stage: "unknown" }));
    expect(out.recommendations.flatMap((r) => r.reasons).some((x) => x.text.includes("Awaiting confirmation"))).toBe(false);
  });

  it("does not suggest MOUD-friendly groups to a patient not on MOUD", () => {
    const r = rec(run(facts({ stage: "action", moud: [] })), "mutual-help");
    expect(r?.tier).toBe("primary");
    expect(r?.reasons.some((x) => x.text.includes("Methadone Anonymous"))).toBe(false);
  });
});

describe("recommend: stage, tiers and ordering", () => {
  it("a stale stage still drives the stage rules, says stale, and makes stage-assessment primary", () => {
    const out = run(facts({ stage: "precontemplation", stageAgeDays: 200 }));
    const mi = rec(out, "motivational-interviewing");
    expect(mi?.tier).toBe("primary");
    expect(mi?.reasons[0]?.text).toContain("precontemplation");
    expect(mi?.reasons[0]?.text).toContain("stale");
    expect(mi?.reasons[0]?.text).toContain("2024-11-27"); // NOW 2025-06-15 − 200 days
    expect(rec(out, "stage-assessment")?.tier).toBe("primary");
  });

  it("the highest tier wins and keeps every reason, primary reasons first", () => {
    // contemplation (consider: bridge) + ongoing opioid use (primary)
    const r = rec(run(facts({ stage: "contemplation", ongoingOpioidUse: true })), "contingency-management");
    expect(r?.tier).toBe("primary");
    expect(r?.reasons).toHaveLength(2);
    expect(r?.reasons[0]?.text).toContain("Ongoing opioid use");
    expect(r?.reasons[1]?.text).toContain("bridge");
  });

  it("lists primary recommendations first, then consider, each in catalog order", () => {
    const out = run(facts({ stage: "action", moud: ["methadone"], naloxoneKit: true }), context({ familyInvolved: true }));
    // By hand: primary = cbt, wraparound, mutual-help, peer-support, addiction-counseling;
    // consider = moud, MI, community-reinforcement, family-therapy, craft, network-therapy, naloxone.
    expect(out.recommendations.map((r) => `${r.tier}:${r.id}`)).toEqual([
      "primary:cbt",
      "primary:wraparound-services",
      "primary:mutual-help",
      "primary:peer-support",
      "primary:addiction-counseling",
      "consider:moud",
      "consider:motivational-interviewing",
      "consider:community-reinforcement",
      "consider:family-therapy",
      "consider:craft",
      "consider:network-therapy",
      "consider:naloxone",
    ]);
  });

  it("carries title, activity and evidence from the catalog", () => {
    const mi = rec(run(facts({ stage: "contemplation" })), "motivational-interviewing");
    expect(mi?.activity).toMatch(/1–4 sessions/);
    const line = mi?.evidence.find((e) => e.refs.includes(13));
    expect(line?.text).toContain("59 RCTs");
    expect(line?.text).toContain("13,342");
  });
});

describe("recommend: CM target names exactly what is scored; MOUD aims are not scored (§7.6)", () => {
  it.each([
    { name: "target opioids, on MOUD → illicit opioids only, no aims", f: facts({ ongoingOpioidUse: true }), c: {}, s: cm(), want: /^abstinence from illicit opioids: .*illicit-opioid result/, aims: [] },
    {
      name: "target opioids, not on MOUD → illicit opioids; MOUD initiation, adherence, attendance as aims",
      f: facts({ moud: [], ongoingOpioidUse: true }), c: {}, s: cm(), want: /^abstinence from illicit opioids: /,
      aims: ["starting MOUD", "taking it as prescribed", "attending visits"],
    },
    { name: "target opioids and stimulants → names both", f: facts({ stimulantUse: true }), c: {}, s: cm({ stimulants: true }), want: /illicit opioids and stimulants \(cocaine, amphetamine\)/, aims: [] },
    {
      name: "stimulant use but a target of opioids → does not name stimulants",
      f: facts({ stimulantUse: true }), c: {}, s: cm(), want: /^abstinence from illicit opioids: /, aims: [],
    },
    {
      name: "prefers no medication → illicit opioids; attendance as the aim [62]",
      f: facts({ moud: [], ongoingOpioidUse: true }), c: { prefersNoMedication: true }, s: cm(), want: /^abstinence from illicit opioids: /,
      aims: ["attending the program"],
    },
  ])("$name", ({ f, c, s, want, aims }) => {
    const r = rec(run(f, context(c), s), "contingency-management");
    expect(r?.target).toMatch(want);
    // The target text names only the analytes the weeks are scored on.
    expect(r?.target).not.toMatch(/MOUD|attend/);
    if (!s.target.analytes.includes("stimulants")) expect(r?.target).not.toMatch(/stimulant|cocaine|amphetamine/);
    expect(r?.aims ?? []).toEqual(aims);
  });
});

describe("recommend: safety warnings", () => {
  const lostTolerance = (w: EngineWarning[]) => w.filter((x) => x.code === "overdose-risk-lost-tolerance");

  it("no MOUD and CM primary → naloxone primary and the lost-tolerance warning", () => {
    const out = run(facts({ moud: [], ongoingOpioidUse: true, naloxoneKit: true }));
    expect(rec(out, "contingency-management")?.tier).toBe("primary");
    expect(rec(out, "naloxone")?.tier).toBe("primary");
    const w = lostTolerance(out.warnings);
    expect(w).toHaveLength(1);
    expect(w[0]?.message).toContain("tolerance is lower, so a return to use can cause a fatal overdose (SAMHSA, 2025)");
    expect(w[0]?.message).toContain("psychosocial treatment alone (Opioid use disorder: psychosocial management, Psychosocial treatment alone [62])");
    expect(w[0]?.message).not.toContain("Family involvement and education [62]");
    expect(w[0]?.refs).toContain(REF.opioidTest);
  });

  it("on MOUD with CM primary → no warning, naloxone stays consider when a kit is on record", () => {
    const out = run(facts({ moud: ["buprenorphine"], ongoingOpioidUse: true, naloxoneKit: true }));
    expect(rec(out, "contingency-management")?.tier).toBe("primary");
    expect(lostTolerance(out.warnings)).toHaveLength(0);
    expect(rec(out, "naloxone")?.tier).toBe("consider");
  });

  it("no MOUD, CM only considered (setting cannot deliver) → no warning", () => {
    const out = run(facts({ moud: [], ongoingOpioidUse: true, naloxoneKit: true }), context({ canDeliverCm: false }));
    expect(rec(out, "contingency-management")?.tier).toBe("consider");
    expect(lostTolerance(out.warnings)).toHaveLength(0);
    expect(rec(out, "naloxone")?.tier).toBe("consider");
  });

  it("no MOUD and CM enrolled (not completed) → warning", () => {
    const out = run(facts({ moud: [], naloxoneKit: true }), context(), cm({ week: 8 }));
    expect(lostTolerance(out.warnings)).toHaveLength(1);
    expect(lostTolerance(out.warnings)[0]?.refs).toContain(REF.cmPlan);
  });

  it("prefers no medication → moud and nonmedication-program both primary, naloxone primary, warning", () => {
    const out = run(facts({ moud: [], naloxoneKit: true }), context({ prefersNoMedication: true }));
    expect(rec(out, "moud")?.tier).toBe("primary");
    expect(rec(out, "nonmedication-program")?.tier).toBe("primary");
    expect(rec(out, "naloxone")?.tier).toBe("primary");
    const w = lostTolerance(out.warnings);
    expect(w).toHaveLength(1);
    expect(w[0]?.refs).toContain("input:prefers-no-medication");
  });

  it("return to use → a return-to-use warning pointing at the test and the stage", () => {
    const out = run(facts({ stage: "maintenance", returnToUse: true }));
    const w = out.warnings.find((x) => x.code === "return-to-use");
    expect(w?.refs).toEqual([REF.returnTest, REF.stage]);
    expect(w?.message).toContain("maintenance");
    expect(w?.message).toContain("Stage changes are common");
    expect(w?.message).toContain("(Opioid use disorder: psychosocial management, Selecting psychotherapy)");
  });

  it("a quiet patient gets no warnings", () => {
    expect(run(facts()).warnings).toEqual([]);
  });

  // clinical-spec §7.3, §7.4, §7.7: each warning with its code, message, refs and severity "safety".
  it.each([
    {
      name: "recent overdose → recent-overdose with the date and days ago",
      f: facts({ overdoseDaysAgo: 61 }),
      code: "recent-overdose",
      says: /^Opioid overdose on 2025-04-15 \(61 days ago\), within the last 6 months\./,
      refs: [REF.overdose],
    },
    { name: "overdose yesterday → 1 day ago", f: facts({ overdoseDaysAgo: 1 }), code: "recent-overdose", says: /^Opioid overdose on 2025-06-14 \(1 day ago\)/, refs: [REF.overdose] },
    {
      name: "naltrexone the only MOUD → overdose-risk-lost-tolerance citing the FDA label",
      f: facts({ moud: ["naltrexone"] }),
      code: "overdose-risk-lost-tolerance",
      says: /naltrexone.*no opioid tolerance.*FDA label for extended-release naltrexone/,
      refs: [REF.med("naltrexone")],
    },
    {
      name: "no OUD diagnosis → no-oud-diagnosis, in the words of §7.7",
      f: facts({ noOud: true }),
      code: "no-oud-diagnosis",
      says: /^No opioid use disorder diagnosis on record: recommendations assume OUD; confirm the diagnosis\.$/,
      refs: undefined,
    },
  ])("$name", ({ f, code, says, refs }) => {
    const w = run(f).warnings.filter((x) => x.code === code);
    expect(w).toHaveLength(1);
    expect(w[0]?.message).toMatch(says);
    expect(w[0]?.refs).toEqual(refs);
    expect(w[0]?.severity).toBe("safety");
  });

  it.each([
    { name: "naltrexone with buprenorphine", f: facts({ moud: ["naltrexone", "buprenorphine"] }), code: "overdose-risk-lost-tolerance" },
    { name: "no overdose on record", f: facts(), code: "recent-overdose" },
    { name: "an OUD diagnosis on record", f: facts(), code: "no-oud-diagnosis" },
  ])("no $code warning: $name", ({ f, code }) => {
    expect(run(f).warnings.map((w) => w.code)).not.toContain(code);
  });
});

describe("recommend: illicit opioid use on MOUD is a medication review, never a stop (§7.5)", () => {
  it.each([
    { name: "ongoing use on buprenorphine", f: facts({ ongoingOpioidUse: true }), rank: 1 },
    { name: "return to use on methadone", f: facts({ stage: "maintenance", moud: ["methadone"], returnToUse: true, ongoingOpioidUse: true }), rank: 1 },
    // naloxone with the lost-tolerance warning comes first
    { name: "ongoing use on naltrexone", f: facts({ moud: ["naltrexone"], ongoingOpioidUse: true }), rank: 2 },
    { name: "ongoing use with an adherence flag", f: facts({ ongoingOpioidUse: true, flags: [{ code: "absent-while-prescribed", medication: "buprenorphine", date: "2025-06-01", refs: ["Observation/u"], message: "" }] }), rank: 1 },
  ])("$name: moud primary, ranked $rank, and none of its reasons says stop", ({ f, rank }) => {
    const out = run(f);
    const moud = rec(out, "moud");
    expect(moud?.tier).toBe("primary");
    expect(moud?.rank).toBe(rank);
    expect(moud?.reasons[0]?.text).toContain("review the dose, adherence and formulation");
    for (const x of moud?.reasons ?? []) expect(x.text).not.toMatch(/\bstop/i);
  });
});

describe("recommend: ranked, what to do first (§7.8)", () => {
  const order = (out: { recommendations: Recommendation[] }) => out.recommendations.map((r) => `${r.rank}.${r.tier}:${r.id}`);
  it.each([
    {
      // By hand: primary moud (none active), stage-assessment and MI (unknown stage), CM (use), peer support
      // (overdose; use without MOUD), naloxone (recent overdose: warning); consider addiction counseling.
      name: "recent overdose, no MOUD, unknown stage: naloxone (warned), moud, stage assessment, then psychosocial",
      f: facts({ stage: "unknown", moud: [], ongoingOpioidUse: true, overdoseDaysAgo: 61, naloxoneKit: true }),
      want: [
        "1.primary:naloxone", "2.primary:moud", "3.primary:stage-assessment", "4.primary:motivational-interviewing",
        "5.primary:contingency-management", "6.primary:peer-support", "7.consider:addiction-counseling",
      ],
    },
    {
      // Return to use on buprenorphine, no kit: naloxone primary but with no overdose warning stays in catalog order.
      name: "return to use on MOUD, no kit: moud first, stage assessment, psychosocial, naloxone last of the primary ones",
      f: facts({ stage: "action", ongoingOpioidUse: true, returnToUse: true, naloxoneKit: false }),
      want: [
        "1.primary:moud", "2.primary:stage-assessment", "3.primary:motivational-interviewing", "4.primary:contingency-management",
        "5.primary:cbt", "6.primary:wraparound-services", "7.primary:mutual-help", "8.primary:peer-support", "9.primary:naloxone",
        "10.consider:community-reinforcement", "11.consider:addiction-counseling",
      ],
    },
    {
      name: "naltrexone only, preparation, a preliminary positive: naloxone (warned) first; stage assessment to consider",
      f: facts({ moud: ["naltrexone"], preliminaryPositive: true, naloxoneKit: false }),
      want: [
        "1.primary:naloxone", "2.primary:cbt", "3.primary:wraparound-services", "4.consider:moud", "5.consider:stage-assessment",
        "6.consider:motivational-interviewing", "7.consider:community-reinforcement", "8.consider:addiction-counseling",
      ],
    },
  ])("$name", ({ f, want }) => {
    expect(order(run(f))).toEqual(want);
  });
});
