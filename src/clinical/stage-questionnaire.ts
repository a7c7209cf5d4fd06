// Stage of change as a FHIR Questionnaire, and the QuestionnaireResponse the app writes when the clinician records a
// stage (one module for both directions, like stage-observation.ts for the Observation).
//
// The Questionnaire (published as fhir-resources/Questionnaire-stage-of-change.json by `npm run conformance`) is built
// here from the data the app's stage picker and readiness ruler use: STAGE_DISPLAY, the stage CodeSystem's codes,
// READINESS_RULER_STAGES. Three items, as the app's form: "method" (stage of change or readiness ruler), then either
// "stage" (one of the five stages) or "readiness-ruler" (0–10), each enabled by the method. "stage" and
// "readiness-ruler" carry the Observation code and SDC's observationExtract, so an EHR's questionnaire tool can
// make the same stage Observation the app writes (SDC observation-based extraction).
//
// Written form of the QuestionnaireResponse (NORMATIVE: readStageQuestionnaireResponse reads it back):
// meta.security = the 42 CFR Part 2 labels; identifier {QUESTIONNAIRE_RESPONSE_ID_SYSTEM, once per entry};
// questionnaire = STAGE_QUESTIONNAIRE_URL|version; status completed; subject; authored; author (when known);
// item = [method (valueCoding), stage (valueCoding) | readiness-ruler (valueInteger)].
//
// Decision (documented in the README): the engine reads the stage from Observations only, never from a
// QuestionnaireResponse alone. The app writes both in one transaction, so the Observation is always there; an EHR
// that captures this questionnaire without extracting the Observation is not read. Reading both would count one
// assessment twice, and reading QuestionnaireResponses would need a read scope the app otherwise does not ask for.
// Pure; never throws.
import type { Coding, Questionnaire, QuestionnaireItem, QuestionnaireResponse, QuestionnaireResponseItem } from "fhir/r4.js";
import { APP_INFO } from "./app-info.ts";
import { READINESS_RULER_CODE, SECURITY_LABELS, STAGE_OF_CHANGE_CODE, STAGE_SYSTEM, STAGEWISE_BASE } from "./codes.ts";
import { READINESS_RULER_STAGES, STAGE_DISPLAY, stageCode, stageValue, type StageInput, type StageWriteContext } from "./stage-observation.ts";
import type { Stage } from "./types.ts";

export const STAGE_QUESTIONNAIRE_URL = `${STAGEWISE_BASE}/Questionnaire/stage-of-change`;
/** Identifier system of the QuestionnaireResponses the app writes (conditional create). */
export const QUESTIONNAIRE_RESPONSE_ID_SYSTEM = `${STAGEWISE_BASE}/identifier/questionnaire-response`;
const OBSERVATION_EXTRACT = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-observationExtract";
const MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue";
const MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue";

export const LINK = { method: "method", stage: "stage", ruler: "readiness-ruler" } as const;
const TEXT = {
  method: "How is readiness assessed?",
  stage: "Stage of change",
  ruler: "Readiness ruler: on a scale from 0 (not ready at all) to 10 (completely ready), how ready is the patient to change their opioid use?",
};

const STAGES = Object.keys(STAGE_DISPLAY) as Stage[];

/** The method answers: our assessment codes (the Observation codes of a stage and of a ruler). */
function methodCoding(kind: StageInput["kind"]): Coding {
  const c = stageCode(kind).coding![0]!;
  return { system: c.system!, code: c.code!, display: kind === "stage" ? "Stage of change" : "Readiness ruler (0–10)" };
}

/** "0–3 is read as precontemplation, 4–6 as contemplation, 7–10 as preparation." from READINESS_RULER_STAGES. */
export function rulerReadingText(): string {
  const parts = READINESS_RULER_STAGES.map((r, i) => `${r.min}–${r.max}${i === 0 ? " is read as " : " as "}${r.stage}`);
  return `${parts.slice(0, -1).join(", ")}, ${parts[parts.length - 1]}. A ruler measures readiness, not change already made, so it never gives action or maintenance.`;
}

/** The Questionnaire, from the app's own stage data. `date` is the day its content last changed. */
export function stageQuestionnaire(date: string): Questionnaire {
  const extract = { url: OBSERVATION_EXTRACT, valueBoolean: true };
  const enableWhen = (kind: StageInput["kind"]): QuestionnaireItem["enableWhen"] => [{ question: LINK.method, operator: "=", answerCoding: methodCoding(kind) }];
  return {
    resourceType: "Questionnaire",
    id: "stage-of-change",
    url: STAGE_QUESTIONNAIRE_URL,
    version: APP_INFO.version,
    name: "StageOfChange",
    title: "Stage of change (stage picker and readiness ruler)",
    status: "active",
    experimental: false,
    subjectType: ["Patient"],
    date,
    publisher: APP_INFO.name,
    description:
      "The clinician's assessment of a patient's readiness to change opioid use, as Stagewise records it: a stage of change (precontemplation, contemplation, preparation, action, maintenance) or a readiness-ruler score from 0 to 10. Each answer can be extracted as the stage-of-change Observation Stagewise writes (SDC observation-based extraction); Stagewise writes this response and that Observation together, the Observation derivedFrom the response.",
    code: [{ system: STAGE_SYSTEM, code: STAGE_OF_CHANGE_CODE, display: "Stage of change" }],
    item: [
      {
        linkId: LINK.method,
        text: TEXT.method,
        type: "choice",
        required: true,
        answerOption: [{ valueCoding: methodCoding("stage"), initialSelected: true }, { valueCoding: methodCoding("ruler") }],
      },
      {
        linkId: LINK.stage,
        text: TEXT.stage,
        type: "choice",
        required: true,
        code: stageCode("stage").coding,
        extension: [extract],
        enableWhen: enableWhen("stage"),
        answerOption: STAGES.map((s) => ({ valueCoding: stageValue(s).coding![0]! })),
      },
      {
        linkId: LINK.ruler,
        text: TEXT.ruler,
        type: "integer",
        required: true,
        code: stageCode("ruler").coding,
        extension: [{ url: MIN_VALUE, valueInteger: 0 }, { url: MAX_VALUE, valueInteger: 10 }, extract],
        enableWhen: enableWhen("ruler"),
        item: [{ linkId: `${LINK.ruler}-help`, type: "display", text: rulerReadingText() }],
      },
    ],
  };
}

/** The QuestionnaireResponse for a stage or ruler entry (the same input and context as the Observation). */
export function writeStageQuestionnaireResponse(input: StageInput, ctx: StageWriteContext): QuestionnaireResponse {
  const answer: QuestionnaireResponseItem =
    input.kind === "stage"
      ? { linkId: LINK.stage, text: TEXT.stage, answer: [{ valueCoding: stageValue(input.stage).coding![0]! }] }
      : { linkId: LINK.ruler, text: TEXT.ruler, answer: [{ valueInteger: input.score }] };
  return {
    resourceType: "QuestionnaireResponse",
    meta: { security: SECURITY_LABELS.map((s) => ({ ...s })) },
    identifier: { system: QUESTIONNAIRE_RESPONSE_ID_SYSTEM, value: ctx.identifier },
    questionnaire: `${STAGE_QUESTIONNAIRE_URL}|${APP_INFO.version}`,
    status: "completed",
    subject: { reference: ctx.patient },
    authored: ctx.now,
    ...(ctx.author ? { author: { reference: ctx.author } } : {}),
    item: [{ linkId: LINK.method, text: TEXT.method, answer: [{ valueCoding: methodCoding(input.kind) }] }, answer],
  };
}

/** Whether a QuestionnaireResponse answers this app's stage questionnaire (any version). */
export function isStageQuestionnaireResponse(qr: QuestionnaireResponse): boolean {
  const q = typeof qr.questionnaire === "string" ? qr.questionnaire.split("|")[0] : undefined;
  return q === STAGE_QUESTIONNAIRE_URL;
}

/**
 * What a response to the stage questionnaire says: the stage input, or why it cannot be read; null when it answers
 * another questionnaire. Read: status completed or amended; the stage by our code,
 * the ruler as a whole number 0–10; without a method answer, the one question answered decides.
 */
export function readStageQuestionnaireResponse(qr: QuestionnaireResponse): { input: StageInput } | { problem: string } | null {
  if (!isStageQuestionnaireResponse(qr)) return null;
  if (qr.status !== "completed" && qr.status !== "amended") return { problem: `the response is ${String(qr.status)}, not completed` };
  const items = Array.isArray(qr.item) ? qr.item.filter((i) => i && typeof i === "object") : [];
  const first = (linkId: string) => items.find((i) => i.linkId === linkId)?.answer?.find((a) => a && typeof a === "object");
  const method = first(LINK.method)?.valueCoding;
  const stageAnswer = first(LINK.stage);
  const rulerAnswer = first(LINK.ruler);
  const kind: StageInput["kind"] | undefined =
    method?.system === STAGE_SYSTEM && method.code === READINESS_RULER_CODE ? "ruler" : method?.system === STAGE_SYSTEM && method.code === STAGE_OF_CHANGE_CODE ? "stage" : rulerAnswer && !stageAnswer ? "ruler" : stageAnswer && !rulerAnswer ? "stage" : undefined;
  if (!kind) return { problem: "no stage and no readiness-ruler answer (or both without a method)" };
  if (kind === "ruler") {
    const score = rulerAnswer?.valueInteger;
    if (typeof score !== "number" || !Number.isInteger(score) || score < 0 || score > 10) return { problem: `readiness ruler answer ${JSON.stringify(score ?? null)} is not a whole number 0–10` };
    return { input: { kind: "ruler", score } };
  }
  const c = stageAnswer?.valueCoding;
  const stage = c?.system === STAGE_SYSTEM && (STAGES as (string | undefined)[]).includes(c.code) ? (c.code as Stage) : undefined;
  if (!stage) return { problem: `the stage answer ${JSON.stringify(c?.code ?? c?.display ?? null)} is not one of ${STAGES.join(", ")}` };
  return { input: { kind: "stage", stage } };
}
