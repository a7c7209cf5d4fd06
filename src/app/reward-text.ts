// One reward log entry in a few words, for the log table and the visit note: "$10.00", or
// "3 draws, 1 prize won ($20.00)". Pure.
import type { RewardEntry } from "../clinical/reward-log.ts";
import { money } from "./format.ts";

export function rewardText(e: RewardEntry): string {
  if (e.kind === "voucher") return money(e.amount ?? 0);
  const draws = `${e.draws} draw${e.draws === 1 ? "" : "s"}`;
  if (e.prizes === null) return `${draws}, prizes not recorded`;
  return `${draws}, ${e.prizes} prize${e.prizes === 1 ? "" : "s"} won${e.prizeValue !== null ? ` (${money(e.prizeValue)})` : ""}`;
}
