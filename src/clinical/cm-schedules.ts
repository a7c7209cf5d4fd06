// Contingency-management (CM) reward schedules (clinical-spec §4) as small pure state machines over week
// outcomes, their default parameters with where each comes from, and the plain-language lines the UI shows.
//
// Money is handled in whole cents here (no float drift); prize rewards are whole draws.
// Sources for the defaults: the project's verified CM parameters (California Recovery Incentives Program, SAMHSA
// 2025, Petry's prize bowl). The 12-week program length: most CM studies use 12 weeks of weekly CM as the standard,
// as the source review "Opioid use disorder: psychosocial management" states (section Contingency management,
// without a reference number).
import { cite } from "./references.ts";
import type { CmParams, CmScheduleKind, EscalatingParams, PrizeBowlSlip, WeekOutcome } from "./types.ts";

export const CM_SCHEDULE_KINDS: readonly CmScheduleKind[] = ["escalating", "prize", "fixed"];

export function isCmScheduleKind(x: unknown): x is CmScheduleKind {
  return typeof x === "string" && (CM_SCHEDULE_KINDS as readonly string[]).includes(x);
}

// ---------------------------------------------------------------- defaults

/** California Recovery Incentives Program: $10 start and $26.50 maximum are sourced; the +1.50 step, the reset
 * and the restore-after-2 rule are UNVERIFIED (fhir-vocabulary.md §8). */
const DEFAULT_ESCALATING: EscalatingParams = { start: 10, step: 1.5, max: 26.5, restoreAfter: 2 };
/** The classic Petry "fishbowl": UNVERIFIED composition (half the slips win; ≈1, ≈20, ≈100 are sourced). */
const DEFAULT_BOWL: PrizeBowlSlip[] = [
  { label: "Good job", value: 0, count: 250 },
  { label: "Small prize", value: 1, count: 209 },
  { label: "Large prize", value: 20, count: 40 },
  { label: "Jumbo prize", value: 100, count: 1 },
];
const DEFAULT_PRIZE = { firstDraws: 1, stepDraws: 1, maxDraws: 8 };
const DEFAULT_FIXED_AMOUNT = 10;
const DEFAULT_PROGRAM_WEEKS = 12;
/** SAMHSA, January 2025: up to $750 per patient per year, non-cash only. */
const DEFAULT_YEARLY_CAP = 750;
/** California Recovery Incentives Program total per episode/year (just below the IRS $600 threshold). */
const CALIFORNIA_CAP = 599;

/** Default CM parameters (a fresh copy each call). */
export function defaultCmParams(schedule: CmScheduleKind = "escalating"): CmParams {
  return {
    schedule,
    programWeeks: DEFAULT_PROGRAM_WEEKS,
    yearlyCap: DEFAULT_YEARLY_CAP,
    escalating: { ...DEFAULT_ESCALATING },
    prize: { ...DEFAULT_PRIZE, bowl: DEFAULT_BOWL.map((s) => ({ ...s })) },
    fixed: { amount: DEFAULT_FIXED_AMOUNT },
  };
}

// ---------------------------------------------------------------- money and the bowl

/** 14.5 → 1450 (whole cents). */
export function toCents(amount: number): number {
  return Math.round(amount * 100);
}

/** 1450 → 14.5. */
export function fromCents(cents: number): number {
  return Math.round(cents) / 100;
}

/** Number of slips and their total value in cents: the exact expected value is valueCents / slips / 100. */
export function bowlTotals(bowl: PrizeBowlSlip[]): { slips: number; valueCents: number } {
  let slips = 0;
  let valueCents = 0;
  for (const s of bowl) {
    const count = Number.isFinite(s.count) && s.count > 0 ? Math.floor(s.count) : 0;
    const value = Number.isFinite(s.value) && s.value > 0 ? toCents(s.value) : 0;
    slips += count;
    valueCents += count * value;
  }
  return { slips, valueCents };
}

/** Expected money value of one draw (2.218 for the default bowl); 0 for an empty bowl. */
export function expectedValuePerDraw(bowl: PrizeBowlSlip[]): number {
  const { slips, valueCents } = bowlTotals(bowl);
  return slips === 0 ? 0 : valueCents / (slips * 100);
}

// ---------------------------------------------------------------- the state machines

export interface EscalatingState {
  kind: "escalating";
  /** Voucher the next negative week earns, in cents. */
  nextCents: number;
  /** Value saved at the first reset, waiting to be restored (cents), or null. */
  restoreCents: number | null;
  /** Consecutive negative weeks. */
  run: number;
}
export interface PrizeState {
  kind: "prize";
  /** Draws the next negative week earns. */
  nextDraws: number;
}
export interface FixedState {
  kind: "fixed";
}
export type ScheduleState = EscalatingState | PrizeState | FixedState;

/** The state before week 1. */
export function initialScheduleState(params: CmParams): ScheduleState {
  switch (params.schedule) {
    case "prize":
      return { kind: "prize", nextDraws: wholeDraws(params.prize.firstDraws) };
    case "fixed":
      return { kind: "fixed" };
    default:
      return { kind: "escalating", nextCents: toCents(params.escalating.start), restoreCents: null, run: 0 };
  }
}

function wholeDraws(n: number): number {
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
}

/**
 * One week of a schedule. `earned` is in cents (escalating, fixed) or draws (prize), before any cap.
 * A pending week changes nothing and earns 0. Never mutates `state`.
 */
export function stepSchedule(
  params: CmParams,
  state: ScheduleState,
  outcome: WeekOutcome,
): { state: ScheduleState; earned: number } {
  if (outcome === "pending") return { state, earned: 0 };
  const negative = outcome === "negative";
  switch (state.kind) {
    case "escalating": {
      // clinical-spec §4 pseudo-code, with 10.00 / 1.50 / 26.50 / 2 taken from the parameters.
      const p = params.escalating;
      const start = toCents(p.start);
      const step = toCents(p.step);
      const max = toCents(p.max);
      const restoreAfter = Number.isFinite(p.restoreAfter) ? Math.floor(p.restoreAfter) : 2;
      if (!negative) {
        return {
          earned: 0,
          state: { kind: "escalating", run: 0, restoreCents: state.restoreCents ?? state.nextCents, nextCents: start },
        };
      }
      const run = state.run + 1;
      if (state.restoreCents !== null && run >= restoreAfter) {
        return {
          earned: state.restoreCents,
          state: { kind: "escalating", run, restoreCents: null, nextCents: Math.min(state.restoreCents + step, max) },
        };
      }
      if (state.restoreCents !== null) {
        // first negative week(s) after a reset
        return { earned: state.nextCents, state: { kind: "escalating", run, restoreCents: state.restoreCents, nextCents: start } };
      }
      return {
        earned: state.nextCents,
        state: { kind: "escalating", run, restoreCents: null, nextCents: Math.min(state.nextCents + step, max) },
      };
    }
    case "prize": {
      const p = params.prize;
      const first = wholeDraws(p.firstDraws);
      if (!negative) return { earned: 0, state: { kind: "prize", nextDraws: first } };
      const next = Math.min(state.nextDraws + wholeDraws(p.stepDraws), wholeDraws(p.maxDraws));
      return { earned: Math.min(state.nextDraws, wholeDraws(p.maxDraws)), state: { kind: "prize", nextDraws: next } };
    }
    case "fixed":
      return { earned: negative ? Math.max(0, toCents(params.fixed.amount)) : 0, state };
  }
}

// ---------------------------------------------------------------- checking and describing parameters

/** Problems with configured parameters, each naming the parameter (empty when usable). */
export function validateCmParams(params: CmParams): string[] {
  const problems: string[] = [];
  const money = (name: string, v: number, allowZero = false) => {
    if (typeof v !== "number" || !Number.isFinite(v) || v < 0 || (!allowZero && v === 0))
      problems.push(`${name} must be a ${allowZero ? "non-negative" : "positive"} amount (got ${String(v)})`);
  };
  const whole = (name: string, v: number, min: number) => {
    if (typeof v !== "number" || !Number.isInteger(v) || v < min)
      problems.push(`${name} must be a whole number of at least ${min} (got ${String(v)})`);
  };
  if (!isCmScheduleKind(params.schedule))
    problems.push(`schedule must be one of ${CM_SCHEDULE_KINDS.join(", ")} (got ${String(params.schedule)})`);
  whole("programWeeks", params.programWeeks, 1);
  money("yearlyCap", params.yearlyCap, true);
  money("escalating.start", params.escalating.start);
  money("escalating.step", params.escalating.step, true);
  money("escalating.max", params.escalating.max);
  if (params.escalating.max < params.escalating.start)
    problems.push(`escalating.max (${params.escalating.max}) is below escalating.start (${params.escalating.start})`);
  whole("escalating.restoreAfter", params.escalating.restoreAfter, 1);
  whole("prize.firstDraws", params.prize.firstDraws, 1);
  whole("prize.stepDraws", params.prize.stepDraws, 0);
  whole("prize.maxDraws", params.prize.maxDraws, 1);
  if (params.prize.maxDraws < params.prize.firstDraws)
    problems.push(`prize.maxDraws (${params.prize.maxDraws}) is below prize.firstDraws (${params.prize.firstDraws})`);
  params.prize.bowl.forEach((s, i) => {
    money(`prize.bowl[${i}].value`, s.value, true);
    whole(`prize.bowl[${i}].count`, s.count, 0);
  });
  if (bowlTotals(params.prize.bowl).slips === 0) problems.push("prize.bowl has no slips");
  money("fixed.amount", params.fixed.amount);
  return problems;
}

/** One plain-language line about a parameter, for the UI. */
export interface CmScheduleLine {
  /** The parameter described, e.g. "escalating.step" ("schedule" for rules without a number). */
  parameter: string;
  text: string;
  /** The value is a default whose source could not be verified (fhir-vocabulary.md §8). */
  unverified: boolean;
  /** Where the value comes from: a named source, or "set for this program" when changed from the default. */
  source: string;
}

const CONFIGURED = "set for this program";
const RIP = "California Recovery Incentives Program";
const money = (x: number) => x.toFixed(2);
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** The schedule in plain language: each parameter, where it comes from, and which defaults are unverified. */
export function describeSchedule(params: CmParams): CmScheduleLine[] {
  const d = defaultCmParams(params.schedule);
  const lines: CmScheduleLine[] = [];
  const line = (parameter: string, text: string, isDefault: boolean, source: string, unverified: boolean) =>
    lines.push({ parameter, text, unverified: isDefault && unverified, source: isDefault ? source : CONFIGURED });

  line(
    "programWeeks",
    `The program runs ${plural(params.programWeeks, "week")}. Each week is judged on its urine tests for illicit opioids: negative (at least one test, all negative), positive (any positive), or missed (no test).`,
    params.programWeeks === d.programWeeks,
    `most CM studies use 12 weeks of weekly CM as the standard ${cite("Contingency management")}`,
    false,
  );

  if (params.schedule === "escalating") {
    const e = params.escalating;
    const de = d.escalating;
    line("escalating.start", `The first negative week earns a voucher worth ${money(e.start)}.`, e.start === de.start, `${RIP} (vouchers start at $10)`, false);
    line("escalating.step", `Each further negative week in a row earns ${money(e.step)} more than the one before.`, e.step === de.step, RIP, true);
    line("escalating.max", `A week never earns more than ${money(e.max)}.`, e.max === de.max, `${RIP} (maximum $26.50)`, false);
    line("schedule", `A positive or missed week earns nothing, and the next voucher drops back to ${money(e.start)}.`, true, RIP, true);
    line(
      "escalating.restoreAfter",
      `After a drop, ${plural(e.restoreAfter, "negative week")} in a row bring the voucher back to what it was worth before the drop; the ${e.restoreAfter === 1 ? "first" : "last"} of them pays that value.`,
      e.restoreAfter === de.restoreAfter,
      RIP,
      true,
    );
  } else if (params.schedule === "prize") {
    const p = params.prize;
    const dp = d.prize;
    const petry = "Petry prize (\"fishbowl\") CM";
    line("prize.firstDraws", `The first negative week earns ${plural(p.firstDraws, "draw")} from the prize bowl.`, p.firstDraws === dp.firstDraws, petry, true);
    line("prize.stepDraws", `Each further negative week in a row earns ${plural(p.stepDraws, "more draw")}.`, p.stepDraws === dp.stepDraws, petry, true);
    line("prize.maxDraws", `A week never earns more than ${plural(p.maxDraws, "draw")}.`, p.maxDraws === dp.maxDraws, petry, true);
    line("schedule", `A positive or missed week earns no draws, and the next negative week starts again at ${plural(p.firstDraws, "draw")}.`, true, `${petry} (a lapse resets draws)`, false);
    const { slips } = bowlTotals(p.bowl);
    const bowlText = p.bowl.map((s) => `${s.count} × ${s.label} (${money(s.value)})`).join(", ");
    const sameBowl = JSON.stringify(p.bowl) === JSON.stringify(dp.bowl);
    line("prize.bowl", `The bowl holds ${slips} slips: ${bowlText}.`, sameBowl, `classic ${petry} bowl`, true);
    line(
      "prize.expectedValue",
      `One draw is worth ${expectedValuePerDraw(p.bowl).toFixed(3)} on average; draws count against the yearly cap at this value until real prize values are recorded.`,
      sameBowl,
      `classic ${petry} bowl`,
      true,
    );
  } else {
    line("fixed.amount", `Every negative week earns ${money(params.fixed.amount)}.`, params.fixed.amount === d.fixed.amount, "project default", false);
  }

  const capSource =
    params.yearlyCap === DEFAULT_YEARLY_CAP
      ? "SAMHSA, January 2025 (up to $750 per patient per year)"
      : params.yearlyCap === CALIFORNIA_CAP
        ? `${RIP} ($599 per year)`
        : CONFIGURED;
  lines.push({
    parameter: "yearlyCap",
    text: `Rewards stop once ${money(params.yearlyCap)} has been earned in a program year (counted from the start date). Rewards must be items, vouchers or gift cards, never cash.`,
    unverified: false,
    source: capSource,
  });
  return lines;
}
