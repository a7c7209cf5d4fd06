// The stage Observation module: what it writes, that it reads it back, and other systems' forms.
import type { Observation } from "fhir/r4.js";
import { describe, expect, it } from "vitest";
import { OBSERVATION_ID_SYSTEM, SECURITY_LABELS, STAGE_SYSTEM } from "../../src/clinical/codes.ts";
import { readStageObservation, writeStageObservation, type StageInput } from "../../src/clinical/stage-observation.ts";
import { readStage } from "../../src/clinical/stage.ts";
import { stageObservation } from "../../src/app/record-stage.ts";

const CTX = { patient: "Patient/p1", author: "Practitioner/dr-1", now: "2026-11-20T10:00:00-05:00", identifier: "entry-1" };

describe("stage-observation", () => {
  it.each<[StageInput, string]>([
    [{ kind: "stage", stage: "precontemplation" }, "coded"],
    [{ kind: "stage", stage: "maintenance" }, "coded"],
    [{ kind: "ruler", score: 0 }, "readiness-ruler"],
    [{ kind: "ruler", score: 10 }, "readiness-ruler"],
  ])("%o reads back identically (%s) and the engine reads it", (input, method) => {
    const obs = writeStageObservation(input, CTX);
    expect(readStageObservation(obs)).toEqual({ input, method });
    const { stage } = readStage({ observations: [{ ...obs, id: "o1" }] }, "2026-11-23");
    expect(stage.source).toBe("Observation/o1");
  });

  it("writes our codes, the identifier, the labels and the performer; the app's stageObservation is the same writer", () => {
    const obs = writeStageObservation({ kind: "stage", stage: "action" }, CTX);
    expect(obs.identifier).toEqual([{ system: OBSERVATION_ID_SYSTEM, value: "entry-1" }]);
    expect(obs.meta?.security).toEqual(SECURITY_LABELS.map((s) => ({ ...s })));
    expect(obs.valueCodeableConcept?.coding?.[0]).toEqual({ system: STAGE_SYSTEM, code: "action", display: "Action" });
    expect(obs.performer).toEqual([{ reference: "Practitioner/dr-1" }]);
    expect(stageObservation({ kind: "stage", stage: "action" }, CTX)).toEqual(obs);
  });

  const base = { resourceType: "Observation", status: "final", subject: { reference: "Patient/p1" }, effectiveDateTime: "2026-11-01" } as const;
  it.each<[string, Observation, ReturnType<typeof readStageObservation>]>([
    ["US Core-style survey text", { ...base, code: { text: "Stages of change" }, valueString: "Pre-contemplation" }, { input: { kind: "stage", stage: "precontemplation" }, method: "text" }],
    ["a flowsheet display", { ...base, code: { coding: [{ system: "urn:oid:1.2.3", code: "99", display: "Readiness to change" }] }, valueCodeableConcept: { text: "Preparation" } }, { input: { kind: "stage", stage: "preparation" }, method: "text" }],
    ["a ruler by text with a quantity", { ...base, code: { text: "Readiness ruler" }, valueQuantity: { value: 5 } }, { input: { kind: "ruler", score: 5 }, method: "readiness-ruler" }],
    ["an unknown stage", { ...base, code: { text: "Stage of change" }, valueString: "thinking" }, { problem: 'the stage "thinking" is not one of precontemplation, contemplation, preparation, action, maintenance (or names several)' }],
    ["not a stage Observation", { ...base, code: { text: "Heart rate" }, valueQuantity: { value: 60 } }, null],
  ])("reads %s", (_, obs, expected) => {
    expect(readStageObservation(obs)).toEqual(expected);
  });
});
