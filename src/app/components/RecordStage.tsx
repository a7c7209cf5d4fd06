// Record a new stage of change: a stage picker or a readiness ruler (0–10). Writes a QuestionnaireResponse and the
// stage Observation derived from it in one transaction (record-stage.ts) and hands the stored Observation to the
// workspace, so everything re-evaluates at once. A failed write keeps the choice and can be
// retried (the same identifier is sent again: no duplicate).
import { useState, type FormEvent } from "react";
import { rulerReadingText } from "../../clinical/stage-questionnaire.ts";
import { stageForRulerScore } from "../../clinical/stage.ts";
import type { Stage } from "../../clinical/types.ts";
import { useEvaluationContext } from "../EvaluationContext.tsx";
import { recordStage, STAGE_DISPLAY, stageBundle } from "../record-stage.ts";
import { localInstant } from "../session.ts";
import { ErrorMessage } from "./ErrorMessage.tsx";

const STAGES = Object.keys(STAGE_DISPLAY) as Stage[];
/** The ruler's bands in words, as the published Questionnaire states them (from READINESS_RULER_STAGES). */
const RULER_READING = rulerReadingText();

export function RecordStage({ id }: { id: string }) {
  const { session, record, onWritten } = useEvaluationContext();
  const { api, fhirUser: author } = session;
  const patient = record.patientRef;
  const [method, setMethod] = useState<"stage" | "ruler">("stage");
  const [stage, setStage] = useState<Stage | "">("");
  const [score, setScore] = useState("");
  const [identifier, setIdentifier] = useState(() => crypto.randomUUID());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);

  const scoreNumber = score.trim() === "" ? NaN : Number(score);
  const scoreOk = Number.isInteger(scoreNumber) && scoreNumber >= 0 && scoreNumber <= 10;
  const ready = method === "stage" ? stage !== "" : scoreOk;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!ready || busy) return;
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const input = method === "stage" ? { kind: "stage" as const, stage: stage as Stage } : { kind: "ruler" as const, score: scoreNumber };
      const { observation } = await recordStage(api, stageBundle(input, { patient, author, now: localInstant(), identifier }));
      onWritten(observation);
      setDone(
        method === "stage"
          ? `Recorded: ${STAGE_DISPLAY[stage as Stage]}.`
          : `Recorded: readiness ${scoreNumber} of 10 (read as ${stageForRulerScore(scoreNumber)}).`,
      );
      setIdentifier(crypto.randomUUID());
      setStage("");
      setScore("");
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form id={id} className="record-stage" onSubmit={submit} aria-labelledby="record-stage-title">
      <h4 id="record-stage-title">Record a new assessment</h4>
      <fieldset>
        <legend>How</legend>
        <label>
          <input type="radio" name="stage-method" checked={method === "stage"} onChange={() => setMethod("stage")} /> Stage of change
        </label>
        <label>
          <input type="radio" name="stage-method" checked={method === "ruler"} onChange={() => setMethod("ruler")} /> Readiness ruler (0–10)
        </label>
      </fieldset>
      {method === "stage" ? (
        <div className="field">
          <label htmlFor="new-stage">Stage</label>
          <select id="new-stage" value={stage} onChange={(e) => setStage(e.target.value as Stage | "")}>
            <option value="">Choose a stage…</option>
            {STAGES.map((s) => (
              <option key={s} value={s}>
                {STAGE_DISPLAY[s]}
              </option>
            ))}
          </select>
        </div>
      ) : (
        <div className="field">
          <label htmlFor="ruler-score">Readiness score (0–10)</label>
          <input
            id="ruler-score"
            type="number"
            min={0}
            max={10}
            step={1}
            inputMode="numeric"
            value={score}
            onChange={(e) => setScore(e.target.value)}
            aria-describedby="ruler-help"
          />
          <p id="ruler-help" className="help">
            {RULER_READING}
            {scoreOk && ` This score reads as ${stageForRulerScore(scoreNumber)}.`}
          </p>
        </div>
      )}
      <button type="submit" disabled={!ready || busy} aria-busy={busy}>
        {busy ? "Recording…" : "Record"}
      </button>
      {done && (
        <p role="status" className="ok">
          {done}
        </p>
      )}
      {error !== null && (
        <ErrorMessage title="The assessment was not recorded" error={error} hint="Your choice is kept: press Record to try again." />
      )}
    </form>
  );
}
