// The form to record a reward handed out: the day, the voucher's amount (escalating, fixed) or the draws, prizes won
// and their value (prize), and a note. Problems are listed by field, each field marked; nothing typed is lost, on a
// problem or a failed save (the same identifier is sent again: no duplicate). Writes one transaction with its
// Provenance (record-reward.ts) and hands the stored Observation to the workspace, which re-evaluates.
import { useState, type FormEvent } from "react";
import { writeRewardObservation } from "../../clinical/reward-log.ts";
import type { CmStatus } from "../../clinical/types.ts";
import { useEvaluationContext } from "../EvaluationContext.tsx";
import { formatDate, money } from "../format.ts";
import { recordReward } from "../record-reward.ts";
import { emptyRewardFields, readRewardFields, type RewardFieldName, type RewardFields, type RewardProblem } from "../reward-form.ts";
import { localInstant } from "../session.ts";
import { ErrorMessage } from "./ErrorMessage.tsx";

interface FieldProps {
  name: RewardFieldName;
  label: string;
  fields: RewardFields;
  problems: RewardProblem[];
  set(name: RewardFieldName, value: string): void;
  help?: string;
  inputMode?: "decimal" | "numeric" | "text";
}

function Field({ name, label, fields, problems, set, help, inputMode = "text" }: FieldProps) {
  const id = `reward-${name}`;
  const problem = problems.find((p) => p.field === name);
  const described = [help ? `${id}-help` : "", problem ? `${id}-problem` : ""].filter(Boolean).join(" ");
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} type="text" inputMode={inputMode} autoComplete="off" size={14} value={fields[name]} onChange={(e) => set(name, e.target.value)} aria-invalid={problem ? true : undefined} {...(described ? { "aria-describedby": described } : {})} />
      {help && (
        <p id={`${id}-help`} className="help">
          {help}
        </p>
      )}
      {problem && (
        <p id={`${id}-problem`} className="field-error">
          {problem.text}
        </p>
      )}
    </div>
  );
}

export function RecordReward({ cm, carePlan }: { cm: CmStatus; carePlan: string }) {
  const { session, record, now, onWritten } = useEvaluationContext();
  const prize = cm.schedule === "prize";
  const [fields, setFields] = useState<RewardFields>(() => emptyRewardFields(now));
  const [problems, setProblems] = useState<RewardProblem[]>([]);
  const [identifier, setIdentifier] = useState(() => crypto.randomUUID());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const set = (name: RewardFieldName, value: string) => setFields((f) => ({ ...f, [name]: value }));

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    setDone(null);
    setError(null);
    const read = readRewardFields(fields, { prize, today: now, start: cm.startDate });
    if ("problems" in read) {
      setProblems(read.problems);
      document.getElementById(`reward-${read.problems[0]!.field}`)?.focus();
      return;
    }
    setProblems([]);
    setBusy(true);
    try {
      const obs = writeRewardObservation(read.input, {
        patient: record.patientRef, carePlan, author: session.fhirUser, date: read.date, now: localInstant(), identifier, note: read.note,
      });
      const stored = await recordReward(session.api, obs, session.fhirUser, localInstant());
      onWritten(stored);
      const what = read.input.kind === "voucher" ? `a ${money(read.input.amount)} voucher` : `${read.input.draws} draw${read.input.draws === 1 ? "" : "s"}, ${read.input.prizes} prize${read.input.prizes === 1 ? "" : "s"} won (${money(read.input.prizeValue)})`;
      setDone(`Recorded: ${what} on ${formatDate(read.date)}.`);
      setIdentifier(crypto.randomUUID());
      setFields(emptyRewardFields(now));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="record-reward" onSubmit={submit} aria-labelledby="record-reward-title" noValidate>
      <h4 id="record-reward-title">Record a reward handed out</h4>
      {problems.length > 0 && (
        <div className="problems" role="alert">
          <p>The reward was not recorded. Please correct:</p>
          <ul>
            {problems.map((p) => (
              <li key={p.field}>{p.text}</li>
            ))}
          </ul>
        </div>
      )}
      <div className="reward-fields">
        <Field name="date" label="Date handed out" fields={fields} problems={problems} set={set} help={`For example ${formatDate(now)}`} />
        {prize ? (
          <>
            <Field name="draws" label="Draws" fields={fields} problems={problems} set={set} inputMode="numeric" help={`Owed: ${cm.owed} draw${cm.owed === 1 ? "" : "s"}`} />
            <Field name="prizes" label="Prizes won" fields={fields} problems={problems} set={set} inputMode="numeric" />
            <Field name="prizeValue" label="Value of the prizes ($)" fields={fields} problems={problems} set={set} inputMode="decimal" />
          </>
        ) : (
          <Field name="amount" label="Amount ($)" fields={fields} problems={problems} set={set} inputMode="decimal" help={`Owed: ${money(cm.owed)}`} />
        )}
      </div>
      <div className="field">
        <label htmlFor="reward-note">Note (optional)</label>
        <textarea id="reward-note" rows={2} value={fields.note} onChange={(e) => set("note", e.target.value)} aria-invalid={problems.some((p) => p.field === "note") || undefined} />
      </div>
      <button type="submit" disabled={busy} aria-busy={busy}>
        {busy ? "Recording…" : "Record reward"}
      </button>
      {done && (
        <p role="status" className="ok">
          {done}
        </p>
      )}
      {error !== null && <ErrorMessage title="The reward was not recorded" error={error} hint="What you entered is kept: press Record reward to try again (it will not be recorded twice)." />}
    </form>
  );
}
