// Recording a new stage of change (or a readiness-ruler score) as an Observation the engine reads back. The
// Observation's form lives in src/clinical/stage-observation.ts (shared with the engine's reader and the patient
// generator); this file keeps the app's API: stageObservation() and the write with a conditional create on an
// identifier made once per entry, so a retried write never duplicates it.
import type { Observation } from "fhir/r4.js";
import { writeStageObservation } from "../clinical/stage-observation.ts";
import type { FhirApi } from "./fhir-api.ts";

export { OBSERVATION_ID_SYSTEM, STAGE_DISPLAY, type StageInput, type StageWriteContext } from "../clinical/stage-observation.ts";

/** The Observation for a stage or ruler entry (writeStageObservation). */
export const stageObservation = writeStageObservation;

/** Writes the Observation; returns it as stored (with its id), for the record to re-evaluate. */
export async function recordStage(api: FhirApi, obs: Observation): Promise<Observation> {
  const id = obs.identifier?.[0];
  const res = await api.request("Observation", {
    method: "POST",
    body: obs,
    // A conditional create on an identifier made once per entry: safe to send again when the answer is lost.
    idempotent: true,
    headers: {
      prefer: "return=representation",
      ...(id ? { "if-none-exist": `identifier=${id.system}|${encodeURIComponent(id.value ?? "")}` } : {}),
    },
  });
  const stored = res.body as Observation | undefined;
  if (stored?.resourceType === "Observation" && stored.id) return stored;
  const m = res.location ? /Observation\/([A-Za-z0-9.-]{1,64})/.exec(res.location) : null;
  return { ...obs, id: m?.[1] ?? `new-${id?.value ?? "stage"}` };
}
