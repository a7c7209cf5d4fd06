// The contingency-management yearly cap (clinical-spec §4) and what was really given: the cap meter in integer
// units, program years, and the reward log (reward-log.ts) as lots that pay the weeks' earnings first in, first out.
// Used by cm.ts; pure.
import { addMonths } from "./dates.ts";
import { bowlTotals, toCents } from "./cm-schedules.ts";
import type { RewardEntry } from "./reward-log.ts";
import type { CmParams } from "./types.ts";

/** The cap, in integer units: cents for money schedules; cents × slips for prize (so a draw costs the bowl's
 * total value in cents, and the expected value stays exact). */
export interface CapMeter {
  /** Units in the yearly cap. */
  capUnits: number;
  /** Units one reward unit (a cent, or a draw) costs; 0 when rewards are worthless (never capped). */
  unitCost: number;
  /** Units per cent of money. */
  unitsPerCent: number;
}

export function capMeter(params: CmParams): CapMeter {
  const capCents = Math.max(0, toCents(Number.isFinite(params.yearlyCap) ? params.yearlyCap : 0));
  if (params.schedule !== "prize") return { capUnits: capCents, unitCost: 1, unitsPerCent: 1 };
  const { slips, valueCents } = bowlTotals(params.prize.bowl);
  if (slips === 0 || valueCents === 0) return { capUnits: 0, unitCost: 0, unitsPerCent: 1 };
  return { capUnits: capCents * slips, unitCost: valueCents, unitsPerCent: slips };
}

/** What is left of a reward after the cap: the largest whole number of reward units that still fits. */
export function applyCap(meter: CapMeter, reward: number, usedUnits: number): number {
  if (meter.unitCost === 0) return reward;
  const fits = Math.floor(Math.max(0, meter.capUnits - usedUnits) / meter.unitCost);
  return Math.min(reward, fits);
}

/** Rewards handed out in one program year, in date order: reward units (cents or draws) and their cost in meter units. */
export interface GivenLot {
  units: number;
  cost: number;
}

/** The reward log as lots per program year (entries from `start` to `now`, not struck out). */
export function givenLots(rewards: RewardEntry[], params: CmParams, meter: CapMeter, start: string, now: string): Map<number, GivenLot[]> {
  const prize = params.schedule === "prize";
  const { valueCents } = bowlTotals(params.prize.bowl);
  const slipsPerCent = meter.unitsPerCent;
  const lots = new Map<number, GivenLot[]>();
  const sorted = rewards.filter((r) => r.status === "given" && r.date >= start && r.date <= now).sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  for (const r of sorted) {
    let lot: GivenLot;
    if (r.kind === "draws") {
      const draws = r.draws ?? 0;
      // Draws without a recorded prize value cost the bowl's expected value (in meter units: valueCents per draw
      // under the prize schedule, valueCents / slips per draw in cents otherwise).
      const { slips } = bowlTotals(params.prize.bowl);
      const cost = r.prizeValue !== null ? toCents(r.prizeValue) * slipsPerCent : prize ? draws * valueCents : slips > 0 ? (draws * valueCents) / slips : 0;
      lot = { units: prize ? draws : 0, cost };
    } else {
      const cents = toCents(r.amount ?? 0);
      lot = { units: prize ? 0 : cents, cost: cents * slipsPerCent };
    }
    const year = programYear(start, r.date);
    lots.set(year, [...(lots.get(year) ?? []), lot]);
  }
  return lots;
}

/** Pays `earned` reward units from the year's lots, first in first out: the cost of the paid part and what is left unpaid. */
export function payFromLots(lots: GivenLot[], earned: number): { paidCost: number; unpaid: number } {
  let left = earned;
  let paidCost = 0;
  for (const lot of lots) {
    if (left === 0) break;
    if (lot.units === 0) continue;
    const take = Math.min(left, lot.units);
    const cost = (lot.cost * take) / lot.units;
    paidCost += cost;
    lot.cost -= cost;
    lot.units -= take;
    left -= take;
  }
  return { paidCost, unpaid: left };
}

/** Program year (0-based) of a date: year n = [start + n years, start + n+1 years). */
export function programYear(start: string, date: string): number {
  let n = 0;
  while (addMonths(start, 12 * (n + 1)) <= date) n += 1;
  return n;
}
