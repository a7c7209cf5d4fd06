// Recording a contingency-management reward, and marking one entered-in-error: one transaction each (the
// Observation and its Provenance, src/clinical/reward-log.ts), sent through the app's FhirApi. Returns the
// Observation as stored (id and version from the transaction response), for the record to re-evaluate.
// A recording is a conditional create with a Provenance on its own save tag, so it is sent once more when the
// answer is lost (idempotent); a correction is a PUT with If-Match, never retried (a lost answer then reads 412).
import type { Bundle, Observation } from "fhir/r4.js";
import { APP_INFO } from "../clinical/app-info.ts";
import { rewardCorrectionBundle, rewardCreateBundle, type RewardSaveContext } from "../clinical/reward-log.ts";
import { FhirError } from "../fhir/errors.ts";
import type { FhirApi } from "./fhir-api.ts";
import { savedItem } from "./save-plan.ts";

async function send(api: FhirApi, bundle: Bundle, sent: Observation, idempotent: boolean): Promise<Observation> {
  const res = await api.request("", { method: "POST", body: bundle, idempotent });
  const body = res.body as Bundle | undefined;
  if (!body || body.resourceType !== "Bundle" || !Array.isArray(body.entry))
    throw new FhirError(res.status, "the transaction", undefined, "the server's answer is not a transaction-response Bundle; the reward may or may not be recorded: reload the record before trying again");
  const item = savedItem(body.entry[0], "Observation");
  return { ...sent, id: item.id ?? sent.id ?? "", meta: { ...sent.meta, ...(item.versionId ? { versionId: item.versionId } : {}) } };
}

const context = (author: string | null, now: string): RewardSaveContext => ({ author, now, app: APP_INFO });

/** Records a reward handed out (writeRewardObservation's Observation). */
export function recordReward(api: FhirApi, obs: Observation, author: string | null, now: string): Promise<Observation> {
  return send(api, rewardCreateBundle(obs, context(author, now)), obs, true);
}

/** Saves a stored reward marked entered-in-error (markRewardEnteredInError's Observation, with the version read). */
export function saveRewardCorrection(api: FhirApi, corrected: Observation, author: string | null, now: string): Promise<Observation> {
  return send(api, rewardCorrectionBundle(corrected, context(author, now)), corrected, false);
}
