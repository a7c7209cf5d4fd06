// The feedback endpoint's body (CDS Hooks 2.0 "Feedback"): { feedback: [{ card, outcome, acceptedSuggestions?,
// overrideReason?, outcomeTimestamp }] }. Pure. What is kept leaves out the user's free-text comment.
import { CdsError } from "./types.ts";

export interface FeedbackRecord {
  card: string;
  outcome: "accepted" | "overridden";
  outcomeTimestamp: string;
  /** The card was issued by this service since it started. */
  knownCard: boolean;
  overrideReason?: string;
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

export function parseFeedback(body: unknown, isKnownCard: (uuid: string) => boolean): FeedbackRecord[] {
  const list = isObject(body) ? body.feedback : undefined;
  if (!Array.isArray(list) || list.length === 0) throw new CdsError(400, "The body must be { \"feedback\": [ … ] } with at least one entry");
  return list.map((f: unknown, i): FeedbackRecord => {
    const at = `feedback[${i}]`;
    if (!isObject(f)) throw new CdsError(400, `${at} must be an object`);
    if (typeof f.card !== "string" || f.card === "") throw new CdsError(400, `${at}.card must be the card's uuid`);
    if (f.outcome !== "accepted" && f.outcome !== "overridden") throw new CdsError(400, `${at}.outcome must be "accepted" or "overridden"`);
    if (typeof f.outcomeTimestamp !== "string" || !ISO_INSTANT.test(f.outcomeTimestamp) || Number.isNaN(Date.parse(f.outcomeTimestamp)))
      throw new CdsError(400, `${at}.outcomeTimestamp must be an ISO date-time with a zone`);
    if (f.outcome === "accepted") {
      const accepted = f.acceptedSuggestions;
      if (!Array.isArray(accepted) || accepted.length === 0 || !accepted.every((s) => isObject(s) && typeof s.id === "string"))
        throw new CdsError(400, `${at}.acceptedSuggestions must list the accepted suggestions' ids`);
    }
    const record: FeedbackRecord = { card: f.card, outcome: f.outcome, outcomeTimestamp: f.outcomeTimestamp, knownCard: isKnownCard(f.card) };
    if (f.overrideReason !== undefined) {
      if (!isObject(f.overrideReason)) throw new CdsError(400, `${at}.overrideReason must be an object`);
      const reason = f.overrideReason.reason;
      if (reason !== undefined) {
        if (!isObject(reason) || typeof reason.code !== "string") throw new CdsError(400, `${at}.overrideReason.reason must be a Coding`);
        record.overrideReason = `${typeof reason.system === "string" ? `${reason.system}|` : ""}${reason.code}`;
      }
    }
    return record;
  });
}
