import type { Observation } from "fhir/r4.js";
import { describe, expect, it } from "vitest";
import { STAGE_SYSTEM } from "../../src/clinical/codes.ts";
import { READINESS_RULER_STAGES, parseStageText, readStage, stageForRulerScore } from "../../src/clinical/stage.ts";

const NOW = "2025-06-30";
let n = 0;
function obs(partial: Partial<Observation>): Observation {
  n += 1;
  return {
    resourceType: "Observation",
    id: `s${n}`,
    status: "final",
    code: { text: "x" },
    effectiveDateTime: "2025-06-01",
    ...partial,
  } as Observation;
}
const coded = (stage: string, extra: Partial<Observation> = {}) =>
  obs({
    code: { coding: [{ system: STAGE_SYSTEM, code: "stage-of-change" }] },
    valueCodeableConcept: { coding: [{ system: STAGE_SYSTEM, code: stage }] },
    ...extra,
  });
const ruler = (score: unknown, extra: Partial<Observation> = {}) =>
  obs({ code: { coding: [{ system: STAGE_SYSTEM, code: "readiness-ruler" }] }, valueInteger: score as number, ...extra });
const read = (...observations: Observation[]) => readStage({ observations }, NOW);

describe("stage forms", () => {
  it.each([
    ["our code, our stage code", coded("action"), "action", "coded"],
    [
      "our code, value as text",
      obs({ code: { coding: [{ system: STAGE_SYSTEM, code: "stage-of-change" }] }, valueCodeableConcept: { text: "Maintenance" } }),
      "maintenance",
      "text",
    ],
    ["code.text, valueString", obs({ code: { text: "Stage of change" }, valueString: "Contemplation" }), "contemplation", "text"],
    ["code.text any case, valueString any case", obs({ code: { text: "STAGE OF CHANGE" }, valueString: "CONTEMPLATION stage" }), "contemplation", "text"],
    ["Pre-contemplation is not contemplation", obs({ code: { text: "Stage of change" }, valueString: "Pre-contemplation" }), "precontemplation", "text"],
    ["precontemplation is not contemplation", obs({ code: { text: "stage of change" }, valueString: "precontemplation" }), "precontemplation", "text"],
    ["pre contemplation (space)", obs({ code: { text: "stage of change" }, valueString: "Pre contemplation" }), "precontemplation", "text"],
    [
      "coding display says readiness to change; value in valueCodeableConcept.text",
      obs({ code: { coding: [{ system: "urn:ehr", code: "123", display: "Readiness to Change" }] }, valueCodeableConcept: { text: "Preparation" } }),
      "preparation",
      "text",
    ],
    [
      "value in a coding display",
      obs({ code: { text: "Transtheoretical stage of change" }, valueCodeableConcept: { coding: [{ system: "urn:ehr", code: "A", display: "Action stage" }] } }),
      "action",
      "text",
    ],
    ["Readiness ruler by code.text, any case", obs({ code: { text: "readiness RULER" }, valueInteger: 8 }), "preparation", "readiness-ruler"],
    ["ruler as valueQuantity", ruler(undefined, { valueQuantity: { value: 2 } }), "precontemplation", "readiness-ruler"],
  ] as [string, Observation, string, string][])("%s → %s (%s)", (_l, o, value, method) => {
    const { stage, warnings } = read(o);
    expect(stage.value).toBe(value);
    expect(stage.method).toBe(method);
    expect(stage.source).toBe(`Observation/${o.id}`);
    expect(warnings).toEqual([]);
  });

  it.each([
    ["Relapse", "relapse"],
    ["Contemplation/preparation (two stages)", "contemplation/preparation"],
  ])("unreadable stage text %s → skipped with a warning naming it", (_l, text) => {
    const o = obs({ code: { text: "Stage of change" }, valueString: text });
    const { stage, warnings } = read(o);
    expect(stage.value).toBe("unknown");
    expect(warnings).toEqual([{ code: "malformed-resource", message: expect.stringContaining(text), refs: [`Observation/${o.id}`] }]);
  });

  it("unrelated Observations are ignored without warnings", () => {
    const { stage, warnings } = read(obs({ code: { text: "Blood pressure" }, valueString: "action" }));
    expect(stage.value).toBe("unknown");
    expect(warnings).toEqual([]);
  });

  it.each([
    ["preliminary", "preliminary"],
    ["entered-in-error", "entered-in-error"],
    ["registered", "registered"],
  ])("status %s is ignored", (_l, status) => {
    expect(read(coded("action", { status: status as Observation["status"] })).stage.value).toBe("unknown");
  });

  it.each(["amended", "corrected"])("status %s counts", (status) => {
    expect(read(coded("action", { status: status as Observation["status"] })).stage.value).toBe("action");
  });
});

describe("readiness ruler mapping (0–3 precontemplation, 4–6 contemplation, 7–10 preparation; never action)", () => {
  it.each([
    [0, "precontemplation"],
    [3, "precontemplation"],
    [4, "contemplation"],
    [6, "contemplation"],
    [7, "preparation"],
    [10, "preparation"],
  ])("score %i → %s", (score, expected) => {
    const { stage } = read(ruler(score));
    expect(stage).toMatchObject({ value: expected, method: "readiness-ruler", rulerScore: score });
    expect(stageForRulerScore(score)).toBe(expected);
  });

  it("the documented mapping covers 0–10 with no action or maintenance", () => {
    const stages = new Set(READINESS_RULER_STAGES.map((r) => r.stage));
    expect(stages.has("action") || stages.has("maintenance")).toBe(false);
    for (let s = 0; s <= 10; s++) expect(stageForRulerScore(s)).toBeDefined();
  });

  it.each([
    ["11", 11, "outside 0–10"],
    ["-1", -1, "outside 0–10"],
    ["7.5", 7.5, "whole number"],
    ["a string", "8", "whole number"],
    ["missing", undefined, "no valueInteger"],
  ])("ruler %s → skipped with a warning", (_l, score, words) => {
    const o = ruler(score);
    const { stage, warnings } = read(o);
    expect(stage.value).toBe("unknown");
    expect(warnings).toEqual([{ code: "malformed-resource", message: expect.stringContaining(words), refs: [`Observation/${o.id}`] }]);
  });
});

describe("latest wins", () => {
  it("by date", () => {
    const older = coded("action", { effectiveDateTime: "2025-05-01" });
    const newer = coded("contemplation", { effectiveDateTime: "2025-06-01" });
    expect(read(newer, older).stage.value).toBe("contemplation");
    expect(read(older, newer).stage.value).toBe("contemplation");
  });

  it("compares full instants when both have times (offsets matter)", () => {
    // 09:00-08:00 is 17:00Z, later than 12:00+00:00 on the same day.
    const a = coded("action", { effectiveDateTime: "2025-06-01T09:00:00-08:00" });
    const b = coded("maintenance", { effectiveDateTime: "2025-06-01T12:00:00+00:00" });
    expect(read(a, b).stage.value).toBe("action");
    expect(read(b, a).stage.value).toBe("action");
  });

  it("effectivePeriod.start and effectiveInstant are read", () => {
    const a = coded("action", { effectiveDateTime: undefined, effectivePeriod: { start: "2025-06-10" } });
    const b = coded("maintenance", { effectiveDateTime: undefined, effectiveInstant: "2025-06-05T10:00:00Z" });
    const { stage } = read(b, a);
    expect(stage.value).toBe("action");
    expect(stage.observedAt).toBe("2025-06-10");
  });

  it("same date: a written stage beats a ruler", () => {
    const r = ruler(9, { effectiveDateTime: "2025-06-01" });
    const s = coded("action", { effectiveDateTime: "2025-06-01" });
    expect(read(r, s).stage.value).toBe("action");
    expect(read(s, r).stage.value).toBe("action");
  });

  it("same date, same kind: the later issued wins, then id", () => {
    const a = coded("action", { issued: "2025-06-02T10:00:00Z" });
    const b = coded("maintenance", { issued: "2025-06-03T10:00:00Z" });
    expect(read(b, a).stage.value).toBe("maintenance");
    expect(read(a, b).stage.value).toBe("maintenance");
    const x = coded("action", { id: "a" });
    const y = coded("maintenance", { id: "b" });
    expect(read(y, x).stage.value).toBe("maintenance");
    expect(read(x, y).stage.value).toBe("maintenance");
  });

  it("no effective date → skipped with a warning", () => {
    const o = coded("action", { effectiveDateTime: undefined });
    const { stage, warnings } = read(o);
    expect(stage.value).toBe("unknown");
    expect(warnings[0]).toMatchObject({ code: "malformed-resource", refs: [`Observation/${o.id}`] });
  });
});

describe("stale and unknown", () => {
  it.each([
    ["90 days before now", "2025-04-01", false],
    ["91 days before now", "2025-03-31", true],
    ["today", NOW, false],
  ])("%s → stale %s", (_l, date, stale) => {
    // 2025-04-01 → 2025-06-30: 29 (Apr) + 31 (May) + 30 (Jun) = 90 days.
    const { stage } = read(coded("maintenance", { effectiveDateTime: date }));
    expect(stage.stale).toBe(stale);
    expect(stage.value).toBe("maintenance");
  });

  it("none → unknown", () => {
    expect(read().stage).toEqual({ value: "unknown", observedAt: null, stale: false, source: null, method: null });
  });

  it("observedAt is the effective date-time as written", () => {
    expect(read(coded("action", { effectiveDateTime: "2025-06-01T23:30:00-08:00" })).stage.observedAt).toBe("2025-06-01T23:30:00-08:00");
  });
});

describe("parseStageText", () => {
  it.each([
    ["Pre-Contemplation", "precontemplation"],
    ["contemplative", "contemplation"],
    ["Determination", "preparation"],
    ["MAINTENANCE", "maintenance"],
    ["in action stage", "action"],
    ["not sure", undefined],
    ["precontemplation → contemplation", undefined],
  ])("%j → %s", (text, expected) => {
    expect(parseStageText(text)).toBe(expected);
  });
});
