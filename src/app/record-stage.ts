// Recording a new stage of change (or a readiness-ruler score) as an Observation the engine reads back:
// our stage CodeSystem, category survey, the SUD security labels. A conditional create on an identifier made once
// per entry keeps a retried write from duplicating it.
import type { Observation } from "fhir/r4.js";
import {
  OBSERVATION_CATEGORY,
  READINESS_RULER_CODE,
  SECURITY_LABELS,
  STAGE_OF_CHANGE_CODE,
  STAGE_SYSTEM,
  STAGEWISE_BASE,
} from "../clinical/codes.ts";
import type { Stage } from "../clinical/types.ts";
import type { FhirApi } from "./fhir-api.ts";

/** Identifier system for the Observations the app writes (conditional create). */
export const OBSERVATION_ID_SYSTEM = `${STAGEWISE_BASE}/identifier/observation`;

export const STAGE_DISPLAY: Record<Stage, string> = {
  precontemplation: "Precontemplation",
  contemplation: "Contemplation",
  preparation: "Preparation",
  action: "Action",
  maintenance: "Maintenance",
};

export type StageInput = { kind: "stage"; stage: Stage } | { kind: "ruler"; score: number };

export interface StageWriteContext {
  /** "Patient/ID". */
  patient: string;
  /** "Practitioner/ID" etc., or null. */
  author: string | null;
  /** FHIR instant of the assessment. */
  now: string;
  /** Unique per entry, kept across retries. */
  identifier: string;
}

export function stageObservation(input: StageInput, ctx: StageWriteContext): Observation {
  const obs: Observation = {
    resourceType: "Observation",
    meta: { security: SECURITY_LABELS.map((s) => ({ ...s })) },
    identifier: [{ system: OBSERVATION_ID_SYSTEM, value: ctx.identifier }],
    status: "final",
    category: [{ coding: [{ system: OBSERVATION_CATEGORY, code: "survey", display: "Survey" }] }],
    code:
      input.kind === "stage"
        ? { coding: [{ system: STAGE_SYSTEM, code: STAGE_OF_CHANGE_CODE, display: "Stage of change" }], text: "Stage of change" }
        : { coding: [{ system: STAGE_SYSTEM, code: READINESS_RULER_CODE, display: "Readiness ruler, 0–10" }], text: "Readiness ruler" },
    subject: { reference: ctx.patient },
    effectiveDateTime: ctx.now,
    issued: ctx.now,
  };
  if (ctx.author) obs.performer = [{ reference: ctx.author }];
  if (input.kind === "stage")
    obs.valueCodeableConcept = {
      coding: [{ system: STAGE_SYSTEM, code: input.stage, display: STAGE_DISPLAY[input.stage] }],
      text: STAGE_DISPLAY[input.stage],
    };
  else obs.valueInteger = input.score;
  return obs;
}

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
