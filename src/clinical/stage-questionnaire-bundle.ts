// Recording a stage: one transaction with the QuestionnaireResponse (stage-questionnaire.ts), the stage Observation
// derivedFrom it (stage-observation.ts) and the Provenance of the entry (provenance-resource.ts), every one with the
// 42 CFR Part 2 labels. All three are conditional creates on keys made once per entry (the identifiers, the save
// tag), with urn:uuid fullUrls derived from the entry's identifier, so a retried request is the same request and
// never duplicates. Pure; never throws.
import type { Bundle, BundleEntry, Observation, QuestionnaireResponse } from "fhir/r4.js";
import { APP_INFO } from "./app-info.ts";
import { OBSERVATION_ID_SYSTEM } from "./codes.ts";
import { deterministicUuid } from "./plan-ids.ts";
import { provenanceConditionalKey, writeProvenance } from "./provenance-resource.ts";
import { writeStageObservation, type StageInput, type StageWriteContext } from "./stage-observation.ts";
import { QUESTIONNAIRE_RESPONSE_ID_SYSTEM, writeStageQuestionnaireResponse } from "./stage-questionnaire.ts";

const ifNoneExist = (system: string, value: string) => `identifier=${system}|${encodeURIComponent(value)}`;

/** The save key of the entry's Provenance (its tag): "stage/<identifier>". */
export const stageSaveKey = (identifier: string): string => `stage/${identifier}`;

export function stageFullUrls(identifier: string) {
  return {
    response: `urn:uuid:${deterministicUuid(`${identifier}|questionnaire-response`)}`,
    observation: `urn:uuid:${deterministicUuid(`${identifier}|stage-observation`)}`,
    provenance: `urn:uuid:${deterministicUuid(`${identifier}|stage-provenance`)}`,
  };
}

/** The transaction of one stage entry: QuestionnaireResponse → Observation (derivedFrom) → Provenance. */
export function buildStageBundle(input: StageInput, ctx: StageWriteContext, app = APP_INFO): Bundle {
  const urls = stageFullUrls(ctx.identifier);
  const response = writeStageQuestionnaireResponse(input, ctx);
  const observation = writeStageObservation(input, { ...ctx, derivedFrom: urls.response });
  const key = stageSaveKey(ctx.identifier);
  const provenance = writeProvenance({ planId: key, saveKey: key, targets: [urls.response, urls.observation], now: ctx.now, author: ctx.author, app, update: false });
  const entry: BundleEntry[] = [
    { fullUrl: urls.response, resource: response, request: { method: "POST", url: "QuestionnaireResponse", ifNoneExist: ifNoneExist(QUESTIONNAIRE_RESPONSE_ID_SYSTEM, ctx.identifier) } },
    { fullUrl: urls.observation, resource: observation, request: { method: "POST", url: "Observation", ifNoneExist: ifNoneExist(OBSERVATION_ID_SYSTEM, ctx.identifier) } },
    { fullUrl: urls.provenance, resource: provenance, request: { method: "POST", url: "Provenance", ifNoneExist: provenanceConditionalKey(key) } },
  ];
  return { resourceType: "Bundle", type: "transaction", entry };
}

/** The Observation and QuestionnaireResponse of a stage bundle (as sent). */
export function stageBundleParts(bundle: Bundle): { observation: Observation; response: QuestionnaireResponse } {
  const find = <T>(type: string) => bundle.entry?.find((e) => e.resource?.resourceType === type)?.resource as T;
  return { observation: find<Observation>("Observation"), response: find<QuestionnaireResponse>("QuestionnaireResponse") };
}
