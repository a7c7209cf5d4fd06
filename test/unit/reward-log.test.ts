// The reward log module: what it writes, that it reads it back, the correction, other systems' forms, and the
// transactions of a save (conditional create + Provenance; PUT with If-Match + Provenance).
import type { Observation } from "fhir/r4.js";
import { describe, expect, it } from "vitest";
import { CM_REWARD_SYSTEM, OBSERVATION_ID_SYSTEM, SECURITY_LABELS } from "../../src/clinical/codes.ts";
import {
  markRewardEnteredInError,
  readRewardLog,
  readRewardObservation,
  rewardCorrectionBundle,
  rewardCreateBundle,
  writeRewardObservation,
  type RewardEntry,
  type RewardInput,
} from "../../src/clinical/reward-log.ts";

const CTX = { patient: "Patient/p1", carePlan: "CarePlan/cm-1", author: "Practitioner/cc-1", date: "2026-11-20", now: "2026-11-20T10:00:00-05:00", identifier: "reward-1" };
const APP = { author: "Practitioner/cc-1", now: "2026-11-20T10:00:00-05:00", app: { name: "Stagewise", version: "0.1.0" } };
const stored = (o: Observation, id = "r1", versionId = "1"): Observation => ({ ...o, id, meta: { ...o.meta, versionId } });

describe("writing and reading back", () => {
  it.each<[string, RewardInput, Partial<RewardEntry>]>([
    ["a voucher", { kind: "voucher", amount: 14.5 }, { kind: "voucher", amount: 14.5, draws: null, prizes: null, prizeValue: null }],
    ["a voucher in cents that float badly", { kind: "voucher", amount: 0.1 + 0.2 }, { kind: "voucher", amount: 0.3 }],
    ["prize draws with prizes won", { kind: "draws", draws: 3, prizes: 2, prizeValue: 21 }, { kind: "draws", amount: null, draws: 3, prizes: 2, prizeValue: 21 }],
    ["draws that won nothing", { kind: "draws", draws: 1, prizes: 0, prizeValue: 0 }, { kind: "draws", draws: 1, prizes: 0, prizeValue: 0 }],
  ])("%s reads back as written", (_, input, expected) => {
    const entry = readRewardObservation(stored(writeRewardObservation(input, { ...CTX, note: " Gift card, grocery store " })));
    expect(entry).toEqual({
      ref: "Observation/r1",
      versionId: "1",
      date: "2026-11-20",
      status: "given",
      givenBy: "Practitioner/cc-1",
      givenByDisplay: null,
      carePlan: "CarePlan/cm-1",
      notes: ["Gift card, grocery store"],
      errorReason: null,
      ours: true,
      amount: null,
      draws: null,
      prizes: null,
      prizeValue: null,
      ...expected,
    });
  });

  it("writes the code, labels, identifier, basedOn, category, performer and a USD quantity", () => {
    const obs = writeRewardObservation({ kind: "voucher", amount: 10 }, CTX);
    expect(obs.meta?.security).toEqual(SECURITY_LABELS.map((s) => ({ ...s })));
    expect(obs.identifier).toEqual([{ system: OBSERVATION_ID_SYSTEM, value: "reward-1" }]);
    expect(obs.code.coding).toEqual([{ system: CM_REWARD_SYSTEM, code: "reward-given", display: "Contingency management reward given" }]);
    expect(obs.basedOn).toEqual([{ reference: "CarePlan/cm-1" }]);
    expect(obs.category?.[0]?.coding?.[0]?.code).toBe("therapy");
    expect(obs).toMatchObject({ status: "final", effectiveDateTime: "2026-11-20", performer: [{ reference: "Practitioner/cc-1" }] });
    expect(obs.valueQuantity).toEqual({ value: 10, unit: "USD", system: "urn:iso:std:iso:4217", code: "USD" });
    expect(obs.note).toBeUndefined();
  });

  it("entered-in-error keeps everything, adds the reason as a note and is read as struck out", () => {
    const given = stored(writeRewardObservation({ kind: "voucher", amount: 10 }, { ...CTX, note: "Voucher" }));
    const wrong = markRewardEnteredInError(given, { reason: "  Recorded for the wrong patient ", author: "Practitioner/dr-1", now: "2026-11-21T09:00:00Z" });
    expect(wrong).toMatchObject({ id: "r1", status: "entered-in-error", valueQuantity: given.valueQuantity, meta: given.meta });
    expect(wrong.note?.[1]).toEqual({ text: "Entered in error: Recorded for the wrong patient", time: "2026-11-21T09:00:00Z", authorReference: { reference: "Practitioner/dr-1" } });
    expect(readRewardObservation(wrong)).toMatchObject({ status: "entered-in-error", notes: ["Voucher"], errorReason: "Recorded for the wrong patient" });
  });
});

describe("other systems' forms", () => {
  const base: Observation = {
    resourceType: "Observation",
    id: "x1",
    status: "final",
    code: { coding: [{ system: CM_REWARD_SYSTEM, code: "reward-given" }] },
    subject: { reference: "Patient/p1" },
  };
  it.each<[string, Observation, Partial<RewardEntry> | { problem: string } | null]>([
    ["dollars as unit \"$\", date from effectivePeriod, performer by display", { ...base, effectivePeriod: { start: "2026-11-02T15:00:00-06:00" }, valueQuantity: { value: 12, unit: "$" }, performer: [{ display: "Luis Herrera" }] }, { date: "2026-11-02", amount: 12, givenBy: null, givenByDisplay: "Luis Herrera", carePlan: null, ours: false }],
    ["\"dollars\" in any case, date from issued", { ...base, issued: "2026-11-03T08:00:00Z", valueQuantity: { value: 5, unit: "Dollars" } }, { date: "2026-11-03", amount: 5 }],
    ["components named by text, counts as quantities", { ...base, effectiveDateTime: "2026-11-04", component: [{ code: { text: "Number of draws" }, valueQuantity: { value: 4 } }, { code: { text: "Prizes won" }, valueInteger: 1 }, { code: { text: "Prize value" }, valueQuantity: { value: 20, unit: "USD" } }] }, { kind: "draws", draws: 4, prizes: 1, prizeValue: 20 }],
    ["draws without a recorded prize value", { ...base, effectiveDateTime: "2026-11-04", component: [{ code: { coding: [{ system: CM_REWARD_SYSTEM, code: "draws" }] }, valueInteger: 2 }] }, { kind: "draws", draws: 2, prizes: null, prizeValue: null }],
    ["amended counts as given", { ...base, status: "amended", effectiveDateTime: "2026-11-05", valueQuantity: { value: 10, code: "USD", system: "urn:iso:std:iso:4217" } }, { status: "given", amount: 10 }],
    ["cancelled is struck out", { ...base, status: "cancelled", effectiveDateTime: "2026-11-05", valueQuantity: { value: 10, unit: "USD" } }, { status: "cancelled", errorReason: null }],
    ["euros", { ...base, effectiveDateTime: "2026-11-05", valueQuantity: { value: 10, code: "EUR", system: "urn:iso:std:iso:4217" } }, { problem: 'valueQuantity is not in US dollars (unit "EUR")' }],
    ["a negative amount", { ...base, effectiveDateTime: "2026-11-05", valueQuantity: { value: -3, unit: "USD" } }, { problem: "valueQuantity has no usable value" }],
    ["no amount and no draws", { ...base, effectiveDateTime: "2026-11-05", valueString: "gift card" }, { problem: 'neither an amount (valueQuantity in US dollars) nor a number of draws (component "draws")' }],
    ["no date", { ...base, valueQuantity: { value: 10, unit: "USD" } }, { problem: "no date (effectiveDateTime, effectivePeriod.start or issued)" }],
    ["preliminary", { ...base, status: "preliminary", effectiveDateTime: "2026-11-05", valueQuantity: { value: 10, unit: "USD" } }, { problem: 'status "preliminary" is not a reward handed out (final, amended, corrected) or struck out (entered-in-error)' }],
    ["another code (a urine test)", { ...base, code: { coding: [{ system: "http://loinc.org", code: "3397-7" }] }, valueString: "Positive" }, null],
  ])("reads %s", (_, obs, expected) => {
    const r = readRewardObservation(obs);
    if (expected === null || "problem" in expected) expect(r).toEqual(expected);
    else expect(r).toMatchObject(expected);
  });

  it.each([
    ["note, basedOn, identifier and performer as objects", { note: { text: "x" }, basedOn: { reference: "CarePlan/1" }, identifier: {}, performer: {} }],
    ["components not an array, a coding not an array", { valueQuantity: undefined, component: { code: { coding: {} } } }],
    ["null items", { note: [null], basedOn: [null], performer: [null], component: [null] }],
  ])("never throws on malformed shapes: %s", (_what, patch) => {
    const obs = { ...base, effectiveDateTime: "2026-11-05", valueQuantity: { value: 10, unit: "USD" }, ...patch } as unknown as Observation;
    expect(() => readRewardObservation(obs)).not.toThrow();
  });

  it("the log skips unreadable entries with a warning naming the resource and the problem, newest first", () => {
    const a = stored(writeRewardObservation({ kind: "voucher", amount: 10 }, { ...CTX, date: "2026-11-01" }), "a");
    const b = stored(writeRewardObservation({ kind: "voucher", amount: 11.5 }, { ...CTX, date: "2026-11-08" }), "b");
    const bad = { ...a, id: "bad", valueQuantity: undefined } as Observation;
    const log = readRewardLog([a, bad, b, { ...a, id: "lab", code: { text: "Fentanyl" } }]);
    expect(log.entries.map((e) => e.ref)).toEqual(["Observation/b", "Observation/a"]);
    expect(log.warnings).toEqual([
      { code: "malformed-reward", message: 'Observation/bad: a reward log entry that cannot be read (neither an amount (valueQuantity in US dollars) nor a number of draws (component "draws")); not counted.', refs: ["Observation/bad"] },
    ]);
  });
});

describe("the save", () => {
  it("records a reward in one transaction: a conditional create and its Provenance, the same Bundle on a retry", () => {
    const obs = writeRewardObservation({ kind: "voucher", amount: 10 }, CTX);
    const bundle = rewardCreateBundle(obs, APP);
    expect(bundle.type).toBe("transaction");
    const [o, p] = bundle.entry!;
    expect(o!.request).toEqual({ method: "POST", url: "Observation", ifNoneExist: `identifier=${OBSERVATION_ID_SYSTEM}|reward-1` });
    expect(p!.request).toEqual({ method: "POST", url: "Provenance", ifNoneExist: "_tag=https://stagewise.example/fhir/save|reward/reward-1" });
    expect(p!.resource).toMatchObject({ resourceType: "Provenance", target: [{ reference: o!.fullUrl }], meta: { security: SECURITY_LABELS.map((s) => ({ ...s })) } });
    expect(p!.resource).toMatchObject({ agent: [{ who: { reference: "Practitioner/cc-1" } }, { who: { type: "Device" } }] });
    expect(rewardCreateBundle(writeRewardObservation({ kind: "voucher", amount: 10 }, CTX), APP)).toEqual(bundle);
  });

  it("marks entered-in-error with a PUT and If-Match on the version read, and an UPDATE Provenance", () => {
    const wrong = markRewardEnteredInError(stored(writeRewardObservation({ kind: "voucher", amount: 10 }, CTX), "r9", "3"), { reason: "duplicate", author: "Practitioner/cc-1", now: APP.now });
    const [o, p] = rewardCorrectionBundle(wrong, APP).entry!;
    expect(o!.request).toEqual({ method: "PUT", url: "Observation/r9", ifMatch: 'W/"3"' });
    expect(o!.resource).toMatchObject({ status: "entered-in-error" });
    expect(p!.resource).toMatchObject({ target: [{ reference: "Observation/r9" }], activity: { coding: [{ code: "UPDATE" }] } });
    expect(p!.request?.ifNoneExist).toBe("_tag=https://stagewise.example/fhir/save|reward/r9/entered-in-error/3");
  });
});
