// Medication facts from MedicationRequests: which medication (by RxNorm code only), MOUD class, buprenorphine for
// pain, naloxone rescue kits, and which urine-test analytes a prescription explains. Pure.
import type { CodeableConcept, Coding, FhirResource, Medication, MedicationRequest } from "fhir/r4.js";
import { RXNORM } from "./codes.ts";
import { addDays, addMonths, datePart } from "./dates.ts";
import { refOf, resolveReference, type PatientRecord } from "./record.ts";
import type { Analyte, EngineWarning, MedicationFact, MoudFact, MoudFlag, MoudMedication } from "./types.ts";
import { canonicalSystem, isBuprenorphineForPain, isNaloxoneKit, moudClass } from "./vocabulary.ts";

/** A completed or stopped request with no validity end is taken to cover this many days after it starts (§7.1). */
export const COMPLETED_DEFAULT_DAYS = 90;

/**
 * Opioid analgesics have no value set here, so the analytes they explain come from the RxNorm coding's display
 * (the RxNorm term, never the resource's id or name), by ingredient word. Morphine, codeine, hydrocodone and
 * hydromorphone also show on an opiates class screen; oxycodone/oxymorphone and fentanyl do not.
 */
const ANALGESIC_WORDS: [RegExp, Analyte[]][] = [
  [/\b(oxycodone|oxymorphone)\b/i, ["oxycodone"]],
  [/\bfentanyl\b/i, ["fentanyl"]],
  [/\bmorphine\b/i, ["morphine", "opiates"]],
  [/\bcodeine\b/i, ["codeine", "opiates"]],
  [/\bhydrocodone\b/i, ["hydrocodone", "opiates"]],
  [/\bhydromorphone\b/i, ["hydromorphone", "opiates"]],
];

/** Words that suggest an OUD-relevant medication charted without an RxNorm code (warning only, never classified). */
const UNCODED_MOUD_WORDS = /buprenorphine|suboxone|subutex|zubsolv|sublocade|brixadi|methadone|naltrexone|vivitrol|naloxone|narcan/i;

function readConcept(
  record: PatientRecord,
  request: MedicationRequest,
  warnings: EngineWarning[],
): { concept: CodeableConcept | undefined; fallbackDisplay: string | null } {
  const ref = refOf(request);
  if (request.medicationCodeableConcept) return { concept: request.medicationCodeableConcept, fallbackDisplay: null };
  const reference = request.medicationReference;
  const target = typeof reference?.reference === "string" ? reference.reference : undefined;
  const fallbackDisplay = typeof reference?.display === "string" ? reference.display : null;
  const resolved = resolveReference<Medication>(record, target, request as { contained?: FhirResource[] });
  if (!resolved) {
    warnings.push({
      code: "unresolved-medication",
      message: target
        ? `${ref} points at ${target}, which is not in the record; its medication could not be identified (not classified as MOUD or naloxone).`
        : `${ref} has a medicationReference without a reference; its medication could not be identified.`,
      refs: target ? [ref, target] : [ref],
    });
    return { concept: undefined, fallbackDisplay };
  }
  if (resolved.resourceType !== "Medication") {
    warnings.push({
      code: "unresolved-medication",
      message: `${ref} points at ${target}, which is a ${resolved.resourceType}, not a Medication; its medication could not be identified.`,
      refs: [ref],
    });
    return { concept: undefined, fallbackDisplay };
  }
  return { concept: resolved.code, fallbackDisplay };
}

function rxnormCodings(concept: CodeableConcept | undefined): Coding[] {
  return (concept?.coding ?? []).filter((c) => canonicalSystem(c.system) === RXNORM && typeof c.code === "string" && c.code.trim() !== "");
}

/** The RxNorm coding that classifies the medication: the first that is MOUD, pain buprenorphine or a kit, else the first. */
function pickRxnorm(codings: Coding[]): Coding | undefined {
  return codings.find((c) => moudClass(c.code!) !== null || isBuprenorphineForPain(c.code!) || isNaloxoneKit(c.code!)) ?? codings[0];
}

function explainsFor(moud: MoudMedication | null, forPain: boolean, rxDisplay: string | undefined): Analyte[] {
  const out = new Set<Analyte>();
  if (moud === "buprenorphine" || forPain) out.add("buprenorphine");
  if (moud === "methadone") out.add("methadone");
  if (rxDisplay) for (const [re, analytes] of ANALGESIC_WORDS) if (re.test(rxDisplay)) analytes.forEach((a) => out.add(a));
  return [...out];
}

/** One MedicationFact per MedicationRequest (entered-in-error requests are dropped, like entered-in-error results). */
export function readMedications(record: PatientRecord): { medications: MedicationFact[]; warnings: EngineWarning[] } {
  const medications: MedicationFact[] = [];
  const warnings: EngineWarning[] = [];
  for (const request of record.medicationRequests) {
    if (request.status === "entered-in-error") continue;
    const ref = refOf(request);
    const { concept, fallbackDisplay } = readConcept(record, request, warnings);
    const coding = pickRxnorm(rxnormCodings(concept));
    const rxnorm = coding?.code?.trim() ?? null;
    const display = coding?.display ?? concept?.text ?? concept?.coding?.find((c) => c.display)?.display ?? fallbackDisplay;
    const moud = rxnorm ? moudClass(rxnorm) : null;
    const forPain = rxnorm ? isBuprenorphineForPain(rxnorm) : false;
    if (!rxnorm && concept && display && UNCODED_MOUD_WORDS.test(display)) {
      warnings.push({
        code: "medication-not-coded",
        message: `${ref} ("${display}") has no RxNorm code, so it was not counted as MOUD or a naloxone kit; ask for it to be coded.`,
        refs: [ref],
      });
    }
    medications.push({
      request: ref,
      status: request.status,
      authoredOn: request.authoredOn ?? null,
      endDate: request.dispenseRequest?.validityPeriod?.end ?? null,
      validFrom: request.dispenseRequest?.validityPeriod?.start ?? null,
      rxnorm,
      display: display ?? null,
      moud,
      buprenorphineForPain: forPain,
      naloxoneKit: rxnorm ? isNaloxoneKit(rxnorm) : false,
      explains: explainsFor(moud, forPain, coding?.display),
    });
  }
  return { medications, warnings };
}

/** Active and on-hold MOUD; an on-hold request counts as not active and is flagged. */
export function moudFromMedications(meds: MedicationFact[]): MoudFact {
  const active: MoudFact["active"] = [];
  const onHold: MoudFact["onHold"] = [];
  const flags: MoudFlag[] = [];
  for (const m of meds) {
    if (!m.moud) continue;
    if (m.status === "active") active.push({ medication: m.moud, request: m.request });
    else if (m.status === "on-hold") {
      onHold.push({ medication: m.moud, request: m.request });
      flags.push({
        code: "on-hold",
        medication: m.moud,
        refs: [m.request],
        message: `The ${m.moud} prescription ${m.request} is on hold, so it counts as not active.`,
      });
    }
  }
  return { active, onHold, flags };
}

interface Window {
  med: MedicationFact;
  from: string | null; // inclusive, YYYY-MM-DD; null = open start
  to: string | null; // inclusive; null = open end
}

/** Statuses whose coverage is open-ended when no validity end is written. */
const OPEN_ENDED = new Set(["active", "on-hold"]);
/** Statuses that explain nothing: the prescription never took effect. (entered-in-error is dropped on reading.) */
const EXPLAINS_NOTHING = new Set(["entered-in-error", "cancelled", "draft"]);

/**
 * The days a prescription covers (clinical-spec §7.1), whatever its status now: from authoredOn (or, without it,
 * dispenseRequest.validityPeriod.start) to validityPeriod.end. Without an end, active and on-hold requests are
 * open-ended, and completed and stopped ones cover 90 days from their start. Entered-in-error, cancelled and draft
 * requests cover nothing. A bounded request with no start cannot be placed in time and covers nothing.
 * Where §7.1 is silent: "unknown" status is read like completed/stopped (a prescription was written, but whether it
 * is still taken is not known), so its positives are explained for a bounded time only.
 * Returns null when the request covers nothing.
 */
export function coverageOf(med: Pick<MedicationFact, "status" | "authoredOn" | "endDate" | "validFrom">): { from: string | null; to: string | null } | null {
  if (EXPLAINS_NOTHING.has(med.status)) return null;
  const from = datePart(med.authoredOn) ?? datePart(med.validFrom);
  const end = datePart(med.endDate);
  if (OPEN_ENDED.has(med.status)) return { from, to: end };
  if (!from) return null;
  return { from, to: end ?? addDays(from, COMPLETED_DEFAULT_DAYS) };
}

/** Coverage windows per analyte, built once per medication list. */
const windowCache = new WeakMap<MedicationFact[], Map<Analyte, Window[]>>();

function windowsOf(meds: MedicationFact[]): Map<Analyte, Window[]> {
  const cached = windowCache.get(meds);
  if (cached) return cached;
  const byAnalyte = new Map<Analyte, Window[]>();
  for (const med of meds) {
    if (med.explains.length === 0) continue;
    const coverage = coverageOf(med);
    if (!coverage) continue;
    const w: Window = { med, ...coverage };
    for (const a of med.explains) {
      const list = byAnalyte.get(a) ?? [];
      list.push(w);
      byAnalyte.set(a, list);
    }
  }
  windowCache.set(meds, byAnalyte);
  return byAnalyte;
}

/**
 * A request that explains `analyte` and whose coverage (coverageOf) holds `date`. Indexed once per `meds` array.
 */
export function prescribedOn(meds: MedicationFact[], analyte: Analyte, date: string): MedicationFact | undefined {
  const day = datePart(date);
  if (!day) return undefined;
  const list = windowsOf(meds).get(analyte);
  if (!list) return undefined;
  for (const w of list) {
    if ((w.from === null || w.from <= day) && (w.to === null || day <= w.to)) return w.med;
  }
  return undefined;
}

/** Ref of the latest naloxone-kit request (active or completed) authored within the 12 months up to `now`. */
export function recentNaloxoneKit(meds: MedicationFact[], now: string): string | null {
  const since = addMonths(now, -12);
  let best: { ref: string; date: string } | null = null;
  for (const m of meds) {
    if (!m.naloxoneKit || (m.status !== "active" && m.status !== "completed")) continue;
    const authored = datePart(m.authoredOn);
    if (!authored || authored < since || authored > now) continue;
    if (!best || authored > best.date) best = { ref: m.request, date: authored };
  }
  return best?.ref ?? null;
}
