// Recording a new stage of change (or a readiness-ruler score): one transaction with the QuestionnaireResponse
// (src/clinical/stage-questionnaire.ts), the stage Observation derivedFrom it (src/clinical/stage-observation.ts,
// which the engine reads back) and a Provenance, built by src/clinical/stage-questionnaire-bundle.ts. Every entry is
// a conditional create on a key made once per entry, so a retried request never duplicates anything.
import type { Bundle, Observation } from "fhir/r4.js";
import { buildStageBundle, stageBundleParts } from "../clinical/stage-questionnaire-bundle.ts";
import type { FhirApi } from "./fhir-api.ts";
import { savedItem } from "./save-plan.ts";

export { OBSERVATION_ID_SYSTEM, STAGE_DISPLAY, type StageInput, type StageWriteContext } from "../clinical/stage-observation.ts";
export { writeStageObservation as stageObservation } from "../clinical/stage-observation.ts";
export { QUESTIONNAIRE_RESPONSE_ID_SYSTEM } from "../clinical/stage-questionnaire.ts";

/** The transaction for a stage or ruler entry (buildStageBundle). */
export const stageBundle = buildStageBundle;

export interface RecordedStage {
  /** The Observation as stored (with its id), for the record to re-evaluate. */
  observation: Observation;
  /** The QuestionnaireResponse's reference as stored ("QuestionnaireResponse/ID"), when the server said. */
  response: string | null;
}

/** Sends the transaction; returns the Observation as stored and where the QuestionnaireResponse went. */
export async function recordStage(api: FhirApi, bundle: Bundle): Promise<RecordedStage> {
  const sent = stageBundleParts(bundle);
  const res = await api.request("", {
    method: "POST",
    body: bundle,
    // Conditional creates only, with ids fixed by the entry: safe to send again when the answer is lost.
    idempotent: true,
    headers: { prefer: "return=representation" },
  });
  const entries = (res.body as Bundle | undefined)?.entry ?? [];
  const at = (type: string) => (bundle.entry ?? []).findIndex((e) => e.resource?.resourceType === type);
  const obsEntry = entries[at("Observation")];
  const qr = savedItem(entries[at("QuestionnaireResponse")], "QuestionnaireResponse");
  const response = qr.id ? `QuestionnaireResponse/${qr.id}` : null;
  const stored = obsEntry?.resource as Observation | undefined;
  if (stored?.resourceType === "Observation" && stored.id) return { observation: stored, response };
  const obs = savedItem(obsEntry, "Observation");
  const observation: Observation = {
    ...sent.observation,
    id: obs.id ?? `new-${sent.observation.identifier?.[0]?.value ?? "stage"}`,
    ...(response ? { derivedFrom: [{ reference: response }] } : {}),
  };
  return { observation, response };
}
