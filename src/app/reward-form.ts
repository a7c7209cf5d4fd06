// The reward form's fields → a reward to record, or the problems, each naming the field and what is wrong. Pure
// (unit-tested); the form keeps what was typed whatever the outcome.
import type { RewardInput } from "../clinical/reward-log.ts";
import { formatDate, parseDate } from "./format.ts";

export interface RewardFields {
  date: string;
  /** Voucher amount in dollars (escalating, fixed). */
  amount: string;
  draws: string;
  prizes: string;
  prizeValue: string;
  note: string;
}

export type RewardFieldName = keyof RewardFields;

export interface RewardProblem {
  field: RewardFieldName;
  text: string;
}

export const emptyRewardFields = (today: string): RewardFields => ({ date: formatDate(today), amount: "", draws: "", prizes: "0", prizeValue: "0.00", note: "" });

const DOLLARS = /^\$?\s*(\d{1,6})(?:\.(\d{1,2}))?$/;
const WHOLE = /^\d{1,4}$/;

function dollars(text: string): number | null {
  const m = DOLLARS.exec(text.trim());
  return m ? Number(`${m[1]}.${(m[2] ?? "0").padEnd(2, "0")}`) : null;
}

/**
 * Checks the fields for a schedule ("prize" asks for draws, prizes won and their value; the others for an amount).
 * The date must be a date from the program's start to today. The note is optional (at most 1,000 characters).
 */
export function readRewardFields(
  fields: RewardFields,
  o: { prize: boolean; today: string; start: string | null },
): { input: RewardInput; date: string; note: string } | { problems: RewardProblem[] } {
  const problems: RewardProblem[] = [];
  const date = parseDate(fields.date);
  if (date === null) problems.push({ field: "date", text: `Date: "${fields.date.trim() || "(empty)"}" is not a date; write it as ${formatDate(o.today)} or ${o.today}.` });
  else if (date > o.today) problems.push({ field: "date", text: `Date: ${formatDate(date)} is after today; record a reward on the day it was handed out.` });
  else if (o.start && date < o.start) problems.push({ field: "date", text: `Date: ${formatDate(date)} is before the program started (${formatDate(o.start)}).` });
  const note = fields.note.trim();
  if (note.length > 1000) problems.push({ field: "note", text: `Note: ${note.length} characters; keep it to 1,000.` });

  let input: RewardInput | null = null;
  if (!o.prize) {
    const amount = dollars(fields.amount);
    if (amount === null || amount <= 0) problems.push({ field: "amount", text: `Amount: "${fields.amount.trim() || "(empty)"}" is not an amount in dollars above 0, such as 10.00.` });
    else input = { kind: "voucher", amount };
  } else {
    const draws = WHOLE.test(fields.draws.trim()) ? Number(fields.draws.trim()) : null;
    const prizes = WHOLE.test(fields.prizes.trim()) ? Number(fields.prizes.trim()) : null;
    const value = dollars(fields.prizeValue);
    if (draws === null || draws < 1) problems.push({ field: "draws", text: `Draws: "${fields.draws.trim() || "(empty)"}" is not a whole number of at least 1.` });
    if (prizes === null) problems.push({ field: "prizes", text: `Prizes won: "${fields.prizes.trim() || "(empty)"}" is not a whole number (0 when no draw won a prize).` });
    else if (draws !== null && prizes > draws) problems.push({ field: "prizes", text: `Prizes won: ${prizes} is more than the ${draws} draw${draws === 1 ? "" : "s"}.` });
    if (value === null) problems.push({ field: "prizeValue", text: `Value of the prizes: "${fields.prizeValue.trim() || "(empty)"}" is not an amount in dollars (0.00 when no prize was won).` });
    else if (prizes === 0 && value > 0) problems.push({ field: "prizeValue", text: `Value of the prizes: ${value.toFixed(2)} with no prize won; enter the prizes won, or 0.00.` });
    else if (prizes !== null && prizes > 0 && value === 0) problems.push({ field: "prizeValue", text: `Value of the prizes: 0.00 for ${prizes} prize${prizes === 1 ? "" : "s"} won; enter what they were worth (the yearly cap counts it).` });
    if (draws !== null && draws >= 1 && prizes !== null && value !== null && problems.every((p) => p.field === "date" || p.field === "note")) input = { kind: "draws", draws, prizes, prizeValue: value };
  }
  if (problems.length > 0 || input === null || date === null) return { problems };
  return { input, date, note };
}
