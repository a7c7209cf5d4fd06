// The contingency-management (CM) reward log: one Observation per reward handed out. One module writes it (the app's
// reward form, the patient generator) and reads it (the engine's given/owed and the CM panel's log), in our form and
// in the forms other systems write. Pure; never throws.
//
// Written form (NORMATIVE; profile StructureDefinition/stagewise-cm-reward, README "Reward log"):
//   meta.security = the 42 CFR Part 2 labels; identifier {OBSERVATION_ID_SYSTEM, one per reward, kept across
//   retries}; basedOn = the CM CarePlan; status final; category therapy (observation-category: results of a
//   treatment protocol); code {CM_REWARD_SYSTEM, "reward-given"}; subject; effectiveDateTime = the day it was handed
//   out (YYYY-MM-DD); issued = when it was recorded; performer = who gave it (fhirUser);
//   vouchers (escalating, fixed): valueQuantity {value, unit "USD", system urn:iso:std:iso:4217, code "USD"};
//   prize draws: no value, components {CM_REWARD_SYSTEM "draws"} valueInteger, {"prizes-won"} valueInteger and
//   {"prize-value"} valueQuantity USD (the prizes' total value, counted against the yearly cap);
//   note[] = the giver's note.
// Correction: the same Observation, status entered-in-error, with a note "Entered in error: <reason>" (time, author),
// sent as a PUT with If-Match. Never deleted.
//
// Read forms: the above, and what other systems write with our code: a value in dollars written as unit "$", "USD",
// "dollars" (any case) without a system; counts as valueQuantity.value; components named by text ("draws",
// "prizes won", "prize value"); the date from effectivePeriod.start or issued; a performer with a display only; no
// basedOn. Statuses: final/amended/corrected = given; entered-in-error and cancelled = struck out, never counted.
import type { Bundle, BundleEntry, CodeableConcept, Observation, ObservationComponent, Quantity } from "fhir/r4.js";
import { appObservation } from "./app-observation.ts";
import { CM_REWARD_SYSTEM, OBSERVATION_ID_SYSTEM } from "./codes.ts";
import { datePart } from "./dates.ts";
import { deterministicUuid } from "./plan-ids.ts";
import { provenanceConditionalKey, writeProvenance } from "./provenance-resource.ts";
import type { EngineWarning } from "./types.ts";

export { CM_REWARD_SYSTEM } from "./codes.ts";

export const REWARD_CODES = {
  given: ["reward-given", "Contingency management reward given"],
  draws: ["draws", "Prize draws"],
  prizes: ["prizes-won", "Prizes won"],
  prizeValue: ["prize-value", "Value of the prizes won"],
} as const;

const CURRENCY_SYSTEM = "urn:iso:std:iso:4217";
const ENTERED_IN_ERROR_PREFIX = "Entered in error: ";

/** What was handed out: a voucher (money) or prize draws with the prizes they won. */
export type RewardInput = { kind: "voucher"; amount: number } | { kind: "draws"; draws: number; prizes: number; prizeValue: number };

export interface RewardWriteContext {
  /** "Patient/ID". */
  patient: string;
  /** "CarePlan/ID": the CM plan the reward belongs to. */
  carePlan: string;
  /** Who gave it ("Practitioner/ID"), or null. */
  author: string | null;
  /** The day it was handed out, YYYY-MM-DD. */
  date: string;
  /** FHIR instant of the recording. */
  now: string;
  /** Unique per reward, kept across retries. */
  identifier: string;
  note?: string;
}

const concept = ([code, display]: readonly [string, string]): CodeableConcept => ({ coding: [{ system: CM_REWARD_SYSTEM, code, display }], text: display });
const usd = (value: number): Quantity => ({ value: Math.round(value * 100) / 100, unit: "USD", system: CURRENCY_SYSTEM, code: "USD" });

/** The Observation for one reward handed out. */
export function writeRewardObservation(input: RewardInput, ctx: RewardWriteContext): Observation {
  const obs = appObservation({
    identifier: ctx.identifier, category: ["therapy", "Therapy"], code: concept(REWARD_CODES.given), patient: ctx.patient, effective: ctx.date, issued: ctx.now, author: ctx.author,
  });
  obs.basedOn = [{ reference: ctx.carePlan }];
  if (input.kind === "voucher") obs.valueQuantity = usd(input.amount);
  else
    obs.component = [
      { code: concept(REWARD_CODES.draws), valueInteger: input.draws },
      { code: concept(REWARD_CODES.prizes), valueInteger: input.prizes },
      { code: concept(REWARD_CODES.prizeValue), valueQuantity: usd(input.prizeValue) },
    ];
  const note = ctx.note?.trim();
  if (note) obs.note = [{ text: note, time: ctx.now, ...(ctx.author ? { authorReference: { reference: ctx.author } } : {}) }];
  return obs;
}

/** The stored Observation marked entered-in-error, with the reason as a dated note; everything else kept. */
export function markRewardEnteredInError(stored: Observation, o: { reason: string; author: string | null; now: string }): Observation {
  const note = { text: `${ENTERED_IN_ERROR_PREFIX}${o.reason.trim()}`, time: o.now, ...(o.author ? { authorReference: { reference: o.author } } : {}) };
  return { ...stored, status: "entered-in-error", note: [...(stored.note ?? []), note] };
}

// ---------------------------------------------------------------- reading

export interface RewardEntry {
  /** "Observation/ID". */
  ref: string;
  /** meta.versionId as read (for If-Match), or null. */
  versionId: string | null;
  /** The day it was handed out, YYYY-MM-DD. */
  date: string;
  status: "given" | "entered-in-error" | "cancelled";
  kind: "voucher" | "draws";
  /** Dollars (vouchers). */
  amount: number | null;
  draws: number | null;
  prizes: number | null;
  /** Dollars: the prizes' total value (null when not recorded: the cap counts the draws at the bowl's expected value). */
  prizeValue: number | null;
  /** Who gave it: a reference, or null. */
  givenBy: string | null;
  /** Who gave it as written (display), or null. */
  givenByDisplay: string | null;
  /** "CarePlan/ID" (basedOn), or null. */
  carePlan: string | null;
  /** The notes, without the entered-in-error reason. */
  notes: string[];
  /** Why it was marked entered-in-error, or null. */
  errorReason: string | null;
  /** Written by this app (our identifier system). */
  ours: boolean;
}

// Asked of every Observation (most are urine test results): a loop, with no callback made per call.
function hasRewardCode(cc: CodeableConcept | undefined): boolean {
  if (!cc || !Array.isArray(cc.coding)) return false;
  for (let i = 0; i < cc.coding.length; i++) {
    const c = cc.coding[i];
    if (c && c.system === CM_REWARD_SYSTEM && c.code === REWARD_CODES.given[0]) return true;
  }
  return false;
}

/** Is this Observation a reward log entry (our code)? */
export function isRewardObservation(obs: Observation): boolean {
  return !!obs && hasRewardCode(obs.code);
}

const DOLLAR_UNITS = new Set(["usd", "$", "dollar", "dollars", "us$"]);

/** Dollars from a Quantity, or a problem. */
function dollars(q: Quantity | undefined, what: string): number | { problem: string } | null {
  if (!q) return null;
  if (typeof q.value !== "number" || !Number.isFinite(q.value) || q.value < 0) return { problem: `${what} has no usable value` };
  const code = typeof q.code === "string" ? q.code.toLowerCase() : undefined;
  const unit = typeof q.unit === "string" ? q.unit.trim().toLowerCase() : undefined;
  const isUsd = (q.system === CURRENCY_SYSTEM && code === "usd") || (q.system === undefined && ((code && DOLLAR_UNITS.has(code)) || (unit && DOLLAR_UNITS.has(unit))));
  if (!isUsd) return { problem: `${what} is not in US dollars (unit ${JSON.stringify(q.code ?? q.unit ?? null)})` };
  return Math.round(q.value * 100) / 100;
}

type Part = "draws" | "prizes" | "prizeValue";
const PART_TEXT: [RegExp, Part][] = [
  [/\bprizes?\s+value\b|\bvalue\b/, "prizeValue"],
  [/\bprizes?\b/, "prizes"],
  [/\bdraws?\b/, "draws"],
];

const list = <T>(x: T[] | undefined): T[] => (Array.isArray(x) ? x : []);

function partOf(c: ObservationComponent): Part | undefined {
  for (const coding of list(c.code?.coding)) {
    if (coding?.system !== CM_REWARD_SYSTEM) continue;
    if (coding.code === REWARD_CODES.draws[0]) return "draws";
    if (coding.code === REWARD_CODES.prizes[0]) return "prizes";
    if (coding.code === REWARD_CODES.prizeValue[0]) return "prizeValue";
  }
  const text = [c.code?.text, ...list(c.code?.coding).map((x) => x?.display)].filter((t): t is string => typeof t === "string").join(" ").toLowerCase();
  return PART_TEXT.find(([re]) => re.test(text))?.[1];
}

function count(c: ObservationComponent): number | null {
  const v = typeof c.valueInteger === "number" ? c.valueInteger : c.valueQuantity?.value;
  return typeof v === "number" && Number.isInteger(v) && v >= 0 ? v : null;
}

function dateOf(obs: Observation): string | null {
  return datePart(obs.effectiveDateTime) ?? datePart(obs.effectivePeriod?.start) ?? datePart(obs.issued);
}

/** One reward log entry; { problem } when it has our code but cannot be read; null when it is not a reward. */
export function readRewardObservation(obs: Observation): RewardEntry | { problem: string } | null {
  return isRewardObservation(obs) ? readReward(obs) : null;
}

// Apart from readRewardObservation, which every Observation goes through: the callbacks below capture this
// function's variables, so each call of it makes their context first.
function readReward(obs: Observation): RewardEntry | { problem: string } {
  const status = obs.status === "entered-in-error" ? "entered-in-error" : obs.status === "cancelled" ? "cancelled" : ["final", "amended", "corrected"].includes(obs.status) ? "given" : null;
  if (status === null) return { problem: `status ${JSON.stringify(obs.status)} is not a reward handed out (final, amended, corrected) or struck out (entered-in-error)` };
  const date = dateOf(obs);
  if (date === null) return { problem: "no date (effectiveDateTime, effectivePeriod.start or issued)" };

  let kind: RewardEntry["kind"] = "voucher";
  let amount: number | null = null;
  const parts: Record<Part, number | null> = { draws: null, prizes: null, prizeValue: null };
  const amountRead = dollars(obs.valueQuantity, "valueQuantity");
  if (amountRead !== null && typeof amountRead === "object") return amountRead;
  if (typeof amountRead === "number") amount = amountRead;
  else {
    for (const c of list(obs.component)) {
      const part = c && partOf(c);
      if (!part) continue;
      if (part === "prizeValue") {
        const v = dollars(c.valueQuantity, "the prize value");
        if (v !== null && typeof v === "object") return v;
        parts.prizeValue = v;
      } else parts[part] = count(c);
    }
    if (parts.draws === null) return { problem: "neither an amount (valueQuantity in US dollars) nor a number of draws (component \"draws\")" };
    kind = "draws";
  }

  const noteTexts = list(obs.note).map((n) => n?.text).filter((t): t is string => typeof t === "string");
  const reasonNote = status === "given" ? undefined : [...noteTexts].reverse().find((t) => t.startsWith(ENTERED_IN_ERROR_PREFIX));
  const performer = list(obs.performer).find((p) => p && (typeof p.reference === "string" || typeof p.display === "string"));
  const basedOn = list(obs.basedOn).map((b) => b?.reference).find((r): r is string => typeof r === "string" && /(^|\/)CarePlan\//.test(r));
  return {
    ref: `Observation/${obs.id ?? "?"}`,
    versionId: typeof obs.meta?.versionId === "string" ? obs.meta.versionId : null,
    date,
    status,
    kind,
    amount,
    draws: parts.draws,
    prizes: parts.prizes,
    prizeValue: parts.prizeValue,
    givenBy: typeof performer?.reference === "string" ? performer.reference : null,
    givenByDisplay: typeof performer?.display === "string" ? performer.display : null,
    carePlan: basedOn ?? null,
    notes: noteTexts.filter((t) => t !== reasonNote),
    errorReason: reasonNote ? reasonNote.slice(ENTERED_IN_ERROR_PREFIX.length) : null,
    ours: list(obs.identifier).some((i) => i?.system === OBSERVATION_ID_SYSTEM),
  };
}

/** Every reward log entry of a record, newest first; unreadable ones skipped with a warning naming the problem. */
export function readRewardLog(observations: Observation[]): { entries: RewardEntry[]; warnings: EngineWarning[] } {
  const entries: RewardEntry[] = [];
  const warnings: EngineWarning[] = [];
  // An indexed loop: for…of makes an iterator result per Observation until the loop is optimized.
  for (let i = 0; i < observations.length; i++) {
    const obs = observations[i]!;
    const r = readRewardObservation(obs);
    if (r === null) continue;
    if ("problem" in r) {
      const ref = `Observation/${obs.id ?? "?"}`;
      warnings.push({ code: "malformed-reward", message: `${ref}: a reward log entry that cannot be read (${r.problem}); not counted.`, refs: [ref] });
      continue;
    }
    entries.push(r);
  }
  entries.sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : a.ref.localeCompare(b.ref)));
  return { entries, warnings };
}

// ---------------------------------------------------------------- the save: one transaction with its Provenance

export interface RewardSaveContext {
  author: string | null;
  now: string;
  app: { name: string; version: string };
}

function rewardProvenanceEntry(key: string, target: string, ctx: RewardSaveContext, update: boolean): BundleEntry {
  return {
    fullUrl: `urn:uuid:${deterministicUuid(`${key}|provenance`)}`,
    resource: writeProvenance({ planId: key, saveKey: key, targets: [target], now: ctx.now, author: ctx.author, app: ctx.app, update }),
    request: { method: "POST", url: "Provenance", ifNoneExist: provenanceConditionalKey(key) },
  };
}

const encodeToken = (v: string) => encodeURIComponent(v).replace(/%2F/gi, "/").replace(/%3A/gi, ":").replace(/%40/g, "@");

/**
 * Recording a reward: a transaction with the Observation (conditional create on its identifier) and its Provenance
 * (conditional create on the save tag "reward/<identifier>"), so a retried save never duplicates.
 */
export function rewardCreateBundle(obs: Observation, ctx: RewardSaveContext): Bundle {
  const id = obs.identifier?.find((i) => i.system === OBSERVATION_ID_SYSTEM)?.value ?? "";
  const fullUrl = `urn:uuid:${deterministicUuid(`reward|${id}`)}`;
  return {
    resourceType: "Bundle",
    type: "transaction",
    entry: [
      { fullUrl, resource: obs, request: { method: "POST", url: "Observation", ifNoneExist: `identifier=${OBSERVATION_ID_SYSTEM}|${encodeToken(id)}` } },
      rewardProvenanceEntry(`reward/${id}`, fullUrl, ctx, false),
    ],
  };
}

/** Marking a stored reward entered-in-error: a PUT with If-Match on the version read, and its Provenance. */
export function rewardCorrectionBundle(corrected: Observation, ctx: RewardSaveContext): Bundle {
  const ref = `Observation/${corrected.id ?? ""}`;
  return {
    resourceType: "Bundle",
    type: "transaction",
    entry: [
      { fullUrl: `urn:uuid:${deterministicUuid(`correction|${ref}|${corrected.meta?.versionId ?? ""}`)}`, resource: corrected, request: { method: "PUT", url: ref, ifMatch: `W/"${corrected.meta?.versionId ?? ""}"` } },
      rewardProvenanceEntry(`reward/${corrected.id ?? ""}/entered-in-error/${corrected.meta?.versionId ?? ""}`, ref, ctx, true),
    ],
  };
}
