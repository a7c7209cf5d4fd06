// The reward log on the contingency-management tab: earned / given / owed, every reward handed out (date, amount or
// draws and prizes, who gave it, notes), struck out when entered in error (with the reason), "Mark entered in error"
// with a reason (a PUT with If-Match and its Provenance; never deleted), and the form to record a reward.
import { useState, type FormEvent } from "react";
import type { Observation } from "fhir/r4.js";
import { markRewardEnteredInError, readRewardLog, type RewardEntry } from "../../clinical/reward-log.ts";
import type { CmStatus } from "../../clinical/types.ts";
import { useEvaluationContext } from "../EvaluationContext.tsx";
import { formatDate, money } from "../format.ts";
import { saveRewardCorrection } from "../record-reward.ts";
import { rewardText } from "../reward-text.ts";
import { localInstant } from "../session.ts";
import { reward } from "./CmStatus.tsx";
import { ErrorMessage } from "./ErrorMessage.tsx";
import { RecordReward } from "./RecordReward.tsx";

function givenBy(e: RewardEntry, me: string | null): string {
  if (e.givenByDisplay) return e.givenByDisplay;
  if (e.givenBy && e.givenBy === me) return "You";
  return e.givenBy ? "Staff member (name not recorded)" : "Not recorded";
}

function Summary({ cm }: { cm: CmStatus }) {
  return (
    <dl className="facts reward-summary">
      <dt>Earned</dt>
      <dd>{reward(cm, cm.earnedTotal)}</dd>
      <dt>Given</dt>
      <dd>
        {reward(cm, cm.givenTotal)}
        {cm.schedule === "prize" && ` (prizes worth ${money(cm.givenValue)})`}
      </dd>
      <dt>Owed</dt>
      <dd className={cm.owed > 0 ? "owed" : undefined}>{reward(cm, cm.owed)}</dd>
      {cm.givenBeyondEarned > 0 && (
        <>
          <dt>Given beyond what was earned</dt>
          <dd>{reward(cm, cm.givenBeyondEarned)} (e.g. rewards for plan aims such as attendance; counted against the yearly cap)</dd>
        </>
      )}
    </dl>
  );
}

function MarkEnteredInError({ entry, stored, onClose }: { entry: RewardEntry; stored: Observation; onClose(): void }) {
  const { session, onWritten } = useEvaluationContext();
  const [reason, setReason] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const id = `eie-${entry.ref.replace(/\W/g, "-")}`;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    if (reason.trim() === "") {
      setProblem("Reason: say why this entry is wrong (for example: a duplicate, the wrong amount, the wrong patient).");
      document.getElementById(`${id}-reason`)?.focus();
      return;
    }
    setProblem(null);
    setError(null);
    setBusy(true);
    try {
      const corrected = markRewardEnteredInError(stored, { reason, author: session.fhirUser, now: localInstant() });
      onWritten(await saveRewardCorrection(session.api, corrected, session.fhirUser, localInstant()));
      onClose();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="mark-eie" onSubmit={submit} aria-label={`Mark the reward of ${formatDate(entry.date)} entered in error`} noValidate>
      <div className="field">
        <label htmlFor={`${id}-reason`}>Reason</label>
        <input id={`${id}-reason`} type="text" value={reason} onChange={(e) => setReason(e.target.value)} aria-invalid={problem ? true : undefined} {...(problem ? { "aria-describedby": `${id}-problem` } : {})} />
        {problem && (
          <p id={`${id}-problem`} className="field-error" role="alert">
            {problem}
          </p>
        )}
      </div>
      <button type="submit" disabled={busy} aria-busy={busy}>
        {busy ? "Saving…" : "Mark entered in error"}
      </button>{" "}
      <button type="button" className="link-button" onClick={onClose}>
        Cancel
      </button>
      {error !== null && <ErrorMessage title="The entry was not changed" error={error} hint="The reason is kept. If someone else changed this entry, reload the record first." />}
    </form>
  );
}

function LogTable({ entries }: { entries: RewardEntry[] }) {
  const { session, record } = useEvaluationContext();
  const [open, setOpen] = useState<string | null>(null);
  const storedOf = (ref: string) => record.observations.find((o) => `Observation/${o.id}` === ref);
  return (
    <div className="table-wrap">
      <table className="reward-log">
        <caption>Rewards handed out ({entries.filter((e) => e.status === "given").length})</caption>
        <thead>
          <tr>
            <th scope="col">Date</th>
            <th scope="col">Reward</th>
            <th scope="col">Given by</th>
            <th scope="col">Notes</th>
            <th scope="col">
              <span className="visually-hidden">Correction</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => {
            const struck = e.status !== "given";
            const stored = storedOf(e.ref);
            const cell = (text: string) => (struck ? <s>{text}</s> : text);
            return (
              <tr key={e.ref} className={struck ? "reward-struck" : undefined} data-ref={e.ref}>
                <td>{cell(formatDate(e.date))}</td>
                <td>{cell(rewardText(e))}</td>
                <td>{cell(givenBy(e, session.fhirUser))}</td>
                <td>
                  {struck && <strong>{e.status === "cancelled" ? "Cancelled" : `Entered in error${e.errorReason ? `: ${e.errorReason}` : ""}`}. </strong>}
                  {e.notes.join("; ")}
                </td>
                <td>
                  {!struck && stored && open !== e.ref && (
                    <button type="button" className="link-button" onClick={() => setOpen(e.ref)} aria-label={`Mark entered in error: ${rewardText(e)} on ${formatDate(e.date)}`}>
                      Mark entered in error
                    </button>
                  )}
                  {!struck && stored && open === e.ref && <MarkEnteredInError entry={e} stored={stored} onClose={() => setOpen(null)} />}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

export function RewardLogSection({ cm }: { cm: CmStatus }) {
  const { record } = useEvaluationContext();
  const { entries } = readRewardLog(record.observations);
  const carePlan = cm.source?.startsWith("CarePlan/") ? cm.source : null;
  return (
    <section className="reward-log-section" aria-labelledby="reward-log-title">
      <h3 id="reward-log-title">Rewards: earned, given and owed</h3>
      <Summary cm={cm} />
      {entries.length > 0 ? <LogTable entries={entries} /> : <p>No reward has been recorded yet.</p>}
      {carePlan ? (
        <RecordReward cm={cm} carePlan={carePlan} />
      ) : (
        <p className="help">Rewards are recorded on the saved plan: save a plan with contingency management first (Plan tab).</p>
      )}
    </section>
  );
}
