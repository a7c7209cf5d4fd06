// The patient handout as data: plain language for a reading age of about 12 (Flesch–Kincaid grade ≤ 7, checked in
// test/unit/handout.test.ts), no abbreviations (no MOUD, UDS, CM, OUD…). Built from the evaluation and the saved
// plan: this week's plan, the goals, the next reward and what earns it, naloxone and overdose, who to call.
// The goals are the clinician's own words, shown as written (the only text here not held to the reading check).
// Pure: no React, no clock.
import { defaultPlan, listPlans } from "../clinical/plan-continue.ts";
import type { PatientRecord } from "../clinical/record.ts";
import type { CmStatus, Evaluation, RecommendationId } from "../clinical/types.ts";
import { formatDate, money } from "./format.ts";

export interface HandoutSection {
  heading: string;
  paragraphs: string[];
  items?: string[];
}

export interface Handout {
  title: string;
  /** "For Marcus Bell, 30 Nov 2026". */
  subtitle: string;
  sections: HandoutSection[];
  /** Free text written by the clinician (the goals): shown as written. */
  clinicianText: string[];
}

/** What each part of a plan asks of the patient, in plain words. */
export const PLAN_STEPS: Record<RecommendationId, string> = {
  moud: "Take your medicine for opioid use every day, the way your doctor told you.",
  "stage-assessment": "Tell us how you feel about your drug use and what you want to change.",
  "motivational-interviewing": "Meet with your counselor to talk about what matters to you and what you want to change.",
  "contingency-management": "Give a urine sample at each visit. You earn a reward for each week your tests are clear.",
  cbt: "Meet with your counselor to learn new ways to deal with cravings, stress and hard feelings.",
  "wraparound-services": "Ask our staff for help with a home, food, work or money.",
  "community-reinforcement": "Build a life you enjoy without drugs: work, fun and people who care about you.",
  "mutual-help": "Try a support group, such as Narcotics Anonymous. Groups are free.",
  "peer-support": "Meet with a peer mentor. This is someone who has been through recovery too.",
  "family-therapy": "Bring your family or partner to a session, if you want to.",
  craft: "Your family can learn ways to help you and to take care of themselves.",
  "network-therapy": "Ask a few people you trust to be part of your care.",
  naloxone: "Keep naloxone with you. Show your family and friends how to use it.",
  "addiction-counseling": "Meet with your counselor each week.",
  "nonmedication-program": "Take part in a treatment program that does not use medicine.",
};

export const NALOXONE_TEXT: string[] = [
  "Naloxone can stop an opioid overdose. It is a spray for the nose. Keep it with you, and tell your family and friends where it is.",
  "Signs of an overdose: the person will not wake up, breathes very slowly or not at all, or has blue or gray lips.",
  "What to do: call 911. Give the naloxone. Lay the person on their side. Stay with them until help comes. If they do not wake up in 2 to 3 minutes, give a second dose.",
  "After a break from opioids, your body can not take what it used to. Even a small amount can kill you. Fentanyl is in many street drugs. Never use alone.",
];

export const WHO_TO_CALL: string[] = [
  "In an emergency, call 911.",
  "If you are in crisis, call or text 988. You can call day or night.",
  "To find treatment, call 1-800-662-4357. It is free and open all the time.",
  "Your care team: call the clinic if you have a question or miss a visit.",
];

function targetWords(cm: CmStatus): string {
  return cm.target.analytes.includes("stimulants") ? "no opioids and no stimulants (such as cocaine or meth)" : "no opioids";
}

const draws = (n: number) => `${n} draw${n === 1 ? "" : "s"} from the prize bowl`;

/** The reward section, or null when the patient is not in a reward program (or it is over). */
function rewardSection(cm: CmStatus): HandoutSection | null {
  if (!cm.enrolled || cm.completed || cm.currentWeek === null) return null;
  const paragraphs: string[] = [];
  const when = cm.weeks[cm.currentWeek - 1]?.outcome === "pending" ? "this week" : "next week";
  if (cm.currentWeek >= 1) paragraphs.push(`This is week ${cm.currentWeek} of ${cm.programWeeks}.`);
  if (cm.capReached || cm.nextIfNegative === null || cm.nextIfNegative === 0)
    paragraphs.push("You have reached the limit for rewards this year. Please keep coming: your visits still matter.");
  else {
    const next = cm.schedule === "prize" ? `is ${draws(cm.nextIfNegative)}` : `is worth ${money(cm.nextIfNegative)}`;
    paragraphs.push(`Your next reward ${next} if all your urine tests ${when} show ${targetWords(cm)}.`);
  }
  paragraphs.push("A missed test counts as a week without a reward. Come to every visit.");
  if (cm.owed > 0) paragraphs.push(`We owe you ${cm.schedule === "prize" ? draws(cm.owed) : `${money(cm.owed)} in rewards`} from past weeks. Ask for it at your next visit.`);
  return { heading: "Your next reward", paragraphs };
}

export function buildHandout(o: { record: PatientRecord; evaluation: Evaluation; now: string }): Handout {
  const { record, evaluation, now } = o;
  const name = record.patient.name?.[0];
  const fullName = [name?.given?.[0], name?.family].filter(Boolean).join(" ") || name?.text || "you";
  const view = defaultPlan(listPlans(record.carePlans, record.goals, []));
  const planIds = view
    ? view.plan.activities.filter((a) => a.coded && !["cancelled", "completed", "stopped"].includes(a.status ?? "")).map((a) => a.id as RecommendationId)
    : evaluation.recommendations.filter((r) => r.tier === "primary").map((r) => r.id);
  // Medication the patient takes belongs on the list even when the plan does not name it.
  if (evaluation.moud.active.length > 0) planIds.unshift("moud");
  const steps = [...new Set(planIds)].filter((id) => id in PLAN_STEPS).map((id) => PLAN_STEPS[id]);
  const goals = view ? view.goals.filter((g) => !["cancelled", "completed", "entered-in-error"].includes(g.draft.lifecycleStatus ?? "active")).map((g) => g.draft.description) : [];

  const sections: HandoutSection[] = [
    { heading: "Your plan this week", paragraphs: steps.length ? [] : ["Talk with your care team about your plan."], items: steps },
  ];
  if (goals.length) sections.push({ heading: "Your goals", paragraphs: ["These are the goals you set with your care team."], items: goals });
  const reward = rewardSection(evaluation.contingencyManagement);
  if (reward) sections.push(reward);
  sections.push({ heading: "Naloxone and overdose", paragraphs: NALOXONE_TEXT });
  sections.push({ heading: "Who to call", paragraphs: [], items: WHO_TO_CALL });
  return { title: "Your care plan", subtitle: `For ${fullName}, ${formatDate(now)}`, sections, clinicianText: goals };
}
