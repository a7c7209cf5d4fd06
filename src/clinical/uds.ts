// Urine drug screens (clinical-spec §1–§2): every UDS result in the record, read into analyte readings and grouped
// into tests, one test per day (the date part of effective[x] as written, never converted to another zone).
//
// What counts as a UDS result: an Observation (or an Observation.component) whose LOINC code is a UDS result code
// (vocabulary.ts udsCode). Panels: an Observation with component[] per analyte, or with hasMember references.
// A member that is also listed on its own is read once. "… cutoff …" LOINC results (udsCutoffCode) are not results:
// they give the cutoff for quantities of that analyte on the same day.
// Status: final/amended/corrected count; preliminary is kept but not counted; entered-in-error is dropped (and a
// panel entered in error drops its members); any other status is skipped with a warning.
// Linear in the number of Observations: one pass to find panel members, one to read, one Map by day.
import type { CodeableConcept, FhirResource, Observation, ObservationComponent } from "fhir/r4.js";
import { LOINC } from "./codes.ts";
import { datePart } from "./dates.ts";
import { prescribedOn } from "./medications.ts";
import { refOf, resolveReference, type PatientRecord } from "./record.ts";
import { readResult, type Cutoff, type ResultCarrier } from "./uds-result.ts";
import { ILLICIT_OPIOID_ANALYTES } from "./types.ts";
import type { Analyte, AnalyteReading, EngineWarning, MedicationFact, UdsTest } from "./types.ts";
import { isUdsPanelCode, udsCode, udsCutoffCode, type UdsCodeInfo } from "./vocabulary.ts";

type ReadStatus = AnalyteReading["status"];

const COUNTED = new Set<string>(["final", "amended", "corrected"]);
const ILLICIT = new Set<Analyte>(ILLICIT_OPIOID_ANALYTES);

// The code readers below look at a CodeableConcept's LOINC codings in order without building arrays: they run for
// every Observation and component (see "Engine speed" in the README).

function loincCodes(cc: CodeableConcept | undefined): string[] {
  if (!cc || !Array.isArray(cc.coding)) return [];
  const out: string[] = [];
  for (const c of cc.coding) if (c && c.system === LOINC && typeof c.code === "string") out.push(c.code.trim());
  return out;
}

// A code as written → its result code and analyte; the vocabulary's codes only, so the memo stays small.
const RESULT_CODES = new Map<string, { code: string; info: UdsCodeInfo }>();

function resultCode(cc: CodeableConcept | undefined): { code: string; info: UdsCodeInfo } | undefined {
  if (!cc || !Array.isArray(cc.coding)) return undefined;
  for (const c of cc.coding) {
    if (!c || c.system !== LOINC || typeof c.code !== "string") continue;
    const known = RESULT_CODES.get(c.code);
    if (known) return known;
    const code = c.code.trim();
    const info = udsCode(code);
    if (info) {
      const found = { code, info };
      RESULT_CODES.set(c.code, found);
      return found;
    }
  }
  return undefined;
}

function cutoffAnalyte(cc: CodeableConcept | undefined): Analyte | undefined {
  if (!cc || !Array.isArray(cc.coding)) return undefined;
  for (const c of cc.coding) {
    if (!c || c.system !== LOINC || typeof c.code !== "string") continue;
    const a = udsCutoffCode(c.code.trim());
    if (a) return a;
  }
  return undefined;
}

function isPanel(obs: Observation): boolean {
  return loincCodes(obs.code).some(isUdsPanelCode);
}

/** The effective date-time as written (effectiveDateTime, effectivePeriod.start, effectiveInstant). */
function effectiveOf(obs: Observation): string | undefined {
  const v = obs.effectiveDateTime ?? obs.effectivePeriod?.start ?? obs.effectiveInstant;
  return typeof v === "string" ? v : undefined;
}

/**
 * The readings of a record as they are found, grouped by day. A result is read where it is found, unless it is a
 * quantity whose cutoff may come from a "… cutoff …" result found later: that one is read once all are known.
 * Either way it takes its place in its day as found, and the warnings come in the order of the results.
 */
interface Readings {
  medications: MedicationFact[];
  byDate: Map<string, AnalyteReading[]>;
  /** "date|analyte" → cutoff from a "… cutoff …" result. */
  cutoffs: Map<string, Cutoff>;
  /** Results found so far (a result's number orders its warning). */
  found: number;
  /** Quantities to read once every cutoff is known, with what reading them needs. */
  later: { reading: AnalyteReading; carrier: ResultCarrier; date: string; number: number }[];
  /** Warnings about values, by the number of their result. */
  valueWarnings: { number: number; warning: EngineWarning }[];
}

/** A reading (its result and form are set when its value is read). */
function newReading(analyte: Analyte, source: string, code: string, status: ReadStatus): AnalyteReading {
  return {
    analyte,
    result: "indeterminate",
    prescribed: false,
    source,
    code,
    status,
    counted: status !== "preliminary",
    preliminary: status === "preliminary",
    form: "codeable-concept",
  };
}

function addResult(
  state: Readings,
  carrier: ResultCarrier,
  found: { code: string; info: UdsCodeInfo },
  source: string,
  status: ReadStatus,
  date: string,
): void {
  const number = state.found++;
  const reading = newReading(found.info.analyte, source, found.code, status);
  const day = state.byDate.get(date);
  if (day) day.push(reading);
  else state.byDate.set(date, [reading]);
  // A cutoff matters for a quantity only, and the code's own cutoff comes first.
  if (carrier.valueQuantity !== undefined && found.info.cutoff === undefined) state.later.push({ reading, carrier, date, number });
  else readValue(state, reading, carrier, found.info.cutoff, date, number);
}

/** Reads a result's value into its reading; a value that cannot be read at all takes the reading out of its day. */
function readValue(state: Readings, reading: AnalyteReading, carrier: ResultCarrier, cutoff: Cutoff | undefined, date: string, number: number): void {
  const r = readResult(carrier, cutoff);
  if ("result" in r) {
    settle(state, reading, r.result, r.form, date);
    return;
  }
  const about = `${reading.source}: the ${reading.analyte} result (LOINC ${reading.code})`;
  if (r.form) {
    const warning = { code: "uds-result-indeterminate", message: `${about} ${r.problem}; it is shown as indeterminate.`, refs: [reading.source] };
    state.valueWarnings.push({ number, warning });
    settle(state, reading, "indeterminate", r.form, date);
    return;
  }
  const warning = { code: "malformed-resource", message: `${about} has ${r.problem}; skipped.`, refs: [reading.source] };
  state.valueWarnings.push({ number, warning });
  const day = state.byDate.get(date)!;
  day.splice(day.indexOf(reading), 1);
}

function settle(state: Readings, reading: AnalyteReading, result: AnalyteReading["result"], form: AnalyteReading["form"], date: string): void {
  reading.result = result;
  reading.form = form;
  reading.prescribed = result === "positive" && prescribedOn(state.medications, reading.analyte, date) !== undefined;
}

/**
 * Reads every UDS result in the record. `medications` tells which positives a prescription explains
 * (MedicationFact.explains via prescribedOn): those are `prescribed`, not illicit use.
 */
export function readUds(
  record: Pick<PatientRecord, "observations" | "index">,
  medications: MedicationFact[],
): { tests: UdsTest[]; warnings: EngineWarning[] } {
  const warnings: EngineWarning[] = [];

  // Pass 1: panels with hasMember. Members get the panel's date when they have none; members of a panel entered
  // in error are dropped.
  const panelDate = new Map<Observation, string | undefined>();
  const dropped = new Set<Observation>();
  const observations = record.observations;
  // Indexed loops over the Observations: for…of makes an iterator result per Observation until the loop is optimized.
  for (let i = 0; i < observations.length; i++) {
    const panel = observations[i]!;
    if (!Array.isArray(panel.hasMember) || panel.hasMember.length === 0) continue;
    const resolved: Observation[] = [];
    const unresolved: string[] = [];
    for (const m of panel.hasMember) {
      const reference = typeof m?.reference === "string" ? m.reference : undefined;
      const target = resolveReference<Observation>(record, reference, {
        contained: Array.isArray(panel.contained) ? (panel.contained as FhirResource[]) : [],
      });
      if (target && target.resourceType === "Observation" && typeof target === "object") resolved.push(target);
      else unresolved.push(reference ?? "(a member with no reference)");
    }
    const uds = isPanel(panel) || resolved.some((o) => resultCode(o.code) !== undefined || cutoffAnalyte(o.code) !== undefined);
    if (!uds) continue;
    if (panel.status === "entered-in-error") {
      for (const o of resolved) dropped.add(o);
      continue;
    }
    const ref = refOf(panel);
    for (const u of unresolved) {
      warnings.push({
        code: "unresolved-member",
        message: `${ref}: the drug screen result ${u} is not in the record; that result could not be read.`,
        refs: [ref],
      });
    }
    for (const o of resolved) if (!panelDate.has(o)) panelDate.set(o, effectiveOf(panel));
  }

  // Pass 2: every Observation once (listed ones, then members only reachable through a panel, e.g. contained).
  // A record lists each resource once (recordFromEntries keeps the first of a repeated Type/id), so the set of
  // those visited is needed only when panels have members, which may also be listed.
  const state: Readings = { medications, byDate: new Map(), cutoffs: new Map(), found: 0, later: [], valueWarnings: [] };
  if (panelDate.size === 0 && dropped.size === 0) {
    for (let i = 0; i < observations.length; i++) collect(observations[i]!, undefined, state, warnings);
  } else {
    const visited = new Set<Observation>();
    const visit = (obs: Observation): void => {
      if (visited.has(obs) || dropped.has(obs)) return;
      visited.add(obs);
      collect(obs, panelDate.get(obs), state, warnings);
    };
    for (const obs of observations) visit(obs);
    for (const member of panelDate.keys()) visit(member);
  }

  // Pass 3: the quantities whose cutoff may have come later, then the value warnings in the order of the results.
  const { cutoffs } = state;
  for (const { reading, carrier, date, number } of state.later) {
    readValue(state, reading, carrier, cutoffs.size > 0 ? cutoffs.get(`${date}|${reading.analyte}`) : undefined, date, number);
  }
  if (state.later.length > 0) state.valueWarnings.sort((a, b) => a.number - b.number);
  for (const { warning } of state.valueWarnings) warnings.push(warning);

  const tests: UdsTest[] = [];
  for (const [date, analytes] of state.byDate) if (analytes.length > 0) tests.push(summarize(date, analytes));
  tests.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  return { tests, warnings };
}

const NO_COMPONENTS: never[] = [];

function isUdsComponent(comp: ObservationComponent | null | undefined): boolean {
  return !!comp && typeof comp === "object" && (resultCode(comp.code) !== undefined || cutoffAnalyte(comp.code) !== undefined);
}

/** Finds the results an Observation carries (its own value and its components) and the cutoffs it states. */
function collect(obs: Observation, fallbackEffective: string | undefined, state: Readings, warnings: EngineWarning[]): void {
  const own = resultCode(obs.code);
  const ownCutoff = own ? undefined : cutoffAnalyte(obs.code);
  const components: (ObservationComponent | null | undefined)[] = Array.isArray(obs.component) ? obs.component : NO_COMPONENTS;
  if (!own && !ownCutoff && !components.some(isUdsComponent)) {
    if (isPanel(obs) && !(Array.isArray(obs.hasMember) && obs.hasMember.length > 0)) {
      const ref = refOf(obs);
      warnings.push({ code: "malformed-resource", message: `${ref}: a drug screen panel with no components and no members; nothing to read.`, refs: [ref] });
    }
    return; // not a UDS result (or a hasMember panel, whose members are read on their own)
  }

  const ref = refOf(obs);
  const status = obs.status as string;
  if (status === "entered-in-error") return;
  if (!COUNTED.has(status) && status !== "preliminary") {
    warnings.push({
      code: "uds-status-skipped",
      message: `${ref}: a drug screen result with status "${status}" is not read (only final, amended, corrected and preliminary results are).`,
      refs: [ref],
    });
    return;
  }
  const effective = effectiveOf(obs) ?? fallbackEffective;
  const date = datePart(effective);
  if (!date) {
    warnings.push({
      code: "malformed-resource",
      message: effective
        ? `${ref}: a drug screen result whose effective date "${effective}" is not a valid date; skipped.`
        : `${ref}: a drug screen result with no effective date; skipped.`,
      refs: [ref],
    });
    return;
  }
  const readStatus = status as ReadStatus;
  if (own) addResult(state, obs, own, ref, readStatus, date);
  if (ownCutoff) addCutoff(state.cutoffs, date, ownCutoff, obs);
  for (let i = 0; i < components.length; i++) {
    const comp = components[i];
    if (!comp || typeof comp !== "object") continue;
    const rc = resultCode(comp.code);
    if (rc) addResult(state, comp, rc, ref, readStatus, date);
    else {
      const ca = cutoffAnalyte(comp.code);
      if (ca) addCutoff(state.cutoffs, date, ca, comp);
    }
  }
}

function addCutoff(cutoffs: Map<string, Cutoff>, date: string, analyte: Analyte, x: ResultCarrier): void {
  const q = x.valueQuantity;
  if (!q || typeof q.value !== "number" || !Number.isFinite(q.value)) return;
  const key = `${date}|${analyte}`;
  if (!cutoffs.has(key)) cutoffs.set(key, { value: q.value, unit: q.code ?? q.unit ?? "" });
}

/**
 * A day's summary for one class of analytes, over its counted readings: any positive not explained by a
 * prescription → "positive"; else any negative (a prescribed positive counts as negative for illicit use) →
 * "negative"; else only indeterminate ones → "indeterminate"; none → "none". Preliminary readings never change it.
 */
export function classSummary(analytes: readonly AnalyteReading[], cls: ReadonlySet<Analyte>): UdsTest["opioid"] {
  let positive = false;
  let negative = false;
  let indeterminate = false;
  for (const a of analytes) {
    if (!a.counted || !cls.has(a.analyte)) continue;
    if (a.result === "positive") {
      if (a.prescribed) negative = true;
      else positive = true;
    } else if (a.result === "negative") negative = true;
    else indeterminate = true;
  }
  return positive ? "positive" : negative ? "negative" : indeterminate ? "indeterminate" : "none";
}

/** One day's test: `opioid` is the illicit-opioid classSummary; fentanylTested over counted readings. */
function summarize(date: string, analytes: AnalyteReading[]): UdsTest {
  const fentanylTested = analytes.some((a) => a.counted && a.analyte === "fentanyl");
  return { date, opioid: classSummary(analytes, ILLICIT), fentanylTested, analytes };
}
