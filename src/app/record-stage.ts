// Recording a new stage of change (or a readiness-ruler score): one transaction with the QuestionnaireResponse
// (src/clinical/stage-questionnaire.ts), the stage Observation derivedFrom it (src/clinical/stage-observation.ts,
// which the engine reads back) and a Provenance, built by src/clinical/stage-questionnaire-bundle.ts. Every entry is
// a conditional create on a key made once per entry, so a retried request never duplicates anything.
import type { Bundle, Observation } from "fhir/r4.js";
import { buildStageBundle, stageBundleParts } from "../clinical/stage-questionnaire-bundle.ts";
import type { FhirApi } from "./fhir-api.ts";

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

/** The id in a transaction-response entry's location ("Observation/123/_history/1"), else the resource's id. */
function storedId(entry: NonNullable<Bundle["entry"]>[number] | undefined, type: string): string | null {
  const m = new RegExp(`${type}/([A-Za-z0-9.-]{1,64})`).exec(entry?.response?.location ?? "");
  const resource = entry?.resource as { resourceType?: string; id?: string } | undefined;
  return m?.[1] ?? (resource?.resourceType === type && resource.id ? resource.id : null);
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
  const qrId = storedId(entries[at("QuestionnaireResponse")], "QuestionnaireResponse");
  const response = qrId ? `QuestionnaireResponse/${qrId}` : null;
  const stored = obsEntry?.resource as Observation | undefined;
  if (stored?.resourceType === "Observation" && stored.id) return { observation: stored, response };
  const observation: Observation = {
    ...sent.observation,
    id: storedId(obsEntry, "Observation") ?? `new-${sent.observation.identifier?.[0]?.value ?? "stage"}`,
    ...(response ? { derivedFrom: [{ reference: response }] } : {}),
  };
  return { observation, response };
}
