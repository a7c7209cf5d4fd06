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

describe("recommend: CM target", () => {
  it.each([
    { name: "on MOUD → abstinence from illicit opioids", f: facts({ ongoingOpioidUse: true }), c: {}, want: /abstinence from illicit opioids/, not: /starting MOUD/ },
    { name: "not on MOUD → MOUD initiation, adherence, attendance", f: facts({ moud: [], ongoingOpioidUse: true }), c: {}, want: /starting MOUD, taking it as prescribed, and attending/, not: /stimulants/ },
    { name: "stimulants → plus stimulant abstinence", f: facts({ stimulantUse: true }), c: {}, want: /abstinence from illicit opioids.*stimulants/, not: /starting MOUD/ },
    { name: "prefers no medication → opioid abstinence and attendance [62]", f: facts({ moud: [], ongoingOpioidUse: true }), c: { prefersNoMedication: true }, want: /abstinence from illicit opioids and attendance/, not: /starting MOUD/ },
  ])("$name", ({ f, c, want, not }) => {
    const t = rec(run(f, context(c)), "contingency-management")?.target ?? "";
    expect(t).toMatch(want);
    expect(t).not.toMatch(not);
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
});
