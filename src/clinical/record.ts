// One patient's record as the engine reads it: the resources of a Bundle (any type), an NDJSON file or a
// server search, sorted by type, with references resolvable and malformed or foreign resources skipped with
// a warning. Pure: no I/O.
import type {
  Bundle,
  CarePlan,
  Condition,
  FhirResource,
  Goal,
  Medication,
  MedicationRequest,
  Observation,
  Patient,
  Reference,
} from "fhir/r4.js";
import type { EngineWarning } from "./types.ts";

export interface PatientRecord {
  patient: Patient;
  /** "Patient/ID". */
  patientRef: string;
  observations: Observation[];
  medicationRequests: MedicationRequest[];
  conditions: Condition[];
  carePlans: CarePlan[];
  goals: Goal[];
  /** Every kept resource by "Type/id" and by fullUrl (for references such as hasMember or medicationReference). */
  index: Map<string, FhirResource>;
  warnings: EngineWarning[];
}

/** Input that cannot be read as one patient's record (no Patient, several, not FHIR). */
export class RecordError extends Error {
  override name = "RecordError";
}

export interface RecordEntry {
  resource: unknown;
  fullUrl?: string;
}

export interface RecordOptions {
  /** Pick this patient when the input holds several. */
  patientId?: string;
}

/** "Observation/123" for a resource with an id. */
export function refOf(resource: { resourceType: string; id?: string }): string {
  return `${resource.resourceType}/${resource.id ?? "?"}`;
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/** Minimal structural checks per type: what the engine cannot do without. Returns a problem or null. */
function problemWith(r: Record<string, unknown>): string | null {
  const type = r.resourceType;
  if (typeof type !== "string" || type.length === 0) return "no resourceType";
  if (r.id !== undefined && typeof r.id !== "string") return "id is not a string";
  switch (type) {
    case "Observation":
      if (typeof r.status !== "string") return "Observation.status is missing";
      if (!isObject(r.code)) return "Observation.code is missing";
      return null;
    case "MedicationRequest":
      if (typeof r.status !== "string") return "MedicationRequest.status is missing";
      if (!isObject(r.medicationCodeableConcept) && !isObject(r.medicationReference))
        return "MedicationRequest.medication[x] is missing";
      return null;
    case "Medication":
      if (r.code !== undefined && !isObject(r.code)) return "Medication.code is not a CodeableConcept";
      return null;
    case "Condition":
      if (!isObject(r.code)) return "Condition.code is missing";
      return null;
    case "CarePlan":
      if (typeof r.status !== "string") return "CarePlan.status is missing";
      return null;
    case "Goal":
      if (typeof r.lifecycleStatus !== "string") return "Goal.lifecycleStatus is missing";
      return null;
    default:
      return null;
  }
}

/** The patient a resource belongs to, as written (subject or patient reference), or undefined. */
function patientReferenceOf(r: Record<string, unknown>): string | undefined {
  const subject = (r.subject ?? r.patient) as Reference | undefined;
  return isObject(subject) && typeof subject.reference === "string" ? subject.reference : undefined;
}

/** Does a reference point at the patient (relative, absolute URL, or the Patient entry's fullUrl)? */
function patientMatcher(patientId: string, patientFullUrl: string | undefined): (reference: string) => boolean {
  const relative = `Patient/${patientId}`;
  const suffix = `/Patient/${patientId}`;
  return (reference) => reference === relative || (!!patientFullUrl && reference === patientFullUrl) || reference.endsWith(suffix);
}

const KEPT_TYPES = new Set([
  "Patient",
  "Observation",
  "MedicationRequest",
  "Medication",
  "Condition",
  "CarePlan",
  "Goal",
]);

/** Flattens Bundle entries and nested Bundles into entries (a Bundle's entries are RecordEntry-shaped already). */
function flatten(entries: readonly RecordEntry[], out: RecordEntry[]): void {
  for (const e of entries) {
    const r = e.resource;
    if (isObject(r) && r.resourceType === "Bundle") {
      if (Array.isArray(r.entry)) flatten(r.entry as RecordEntry[], out);
      continue;
    }
    out.push(e);
  }
}

/**
 * The index by "Type/id" and by fullUrl, built on first use: most records never resolve a reference (no hasMember
 * panel, no medicationReference), and a Map of every resource costs about as much as reading them. The same Map as
 * one built while reading: the same keys, set in the same order.
 */
function lazyIndex(record: PatientRecord, resources: Record<string, unknown>[], fullUrls: (string | undefined)[]): void {
  let built: Map<string, FhirResource> | undefined;
  Object.defineProperty(record, "index", {
    enumerable: true,
    configurable: true,
    get(): Map<string, FhirResource> {
      if (built) return built;
      built = new Map();
      for (let i = 0; i < resources.length; i++) {
        const r = resources[i]!;
        if (typeof r.id === "string") built.set(`${r.resourceType as string}/${r.id}`, r as unknown as FhirResource);
        const url = fullUrls[i];
        if (url) built.set(url, r as unknown as FhirResource);
      }
      return built;
    },
  });
}

/** Builds a record from loose entries (NDJSON lines, search results). Throws RecordError without one Patient. */
export function recordFromEntries(input: RecordEntry[], options: RecordOptions = {}): PatientRecord {
  const warnings: EngineWarning[] = [];
  let entries: RecordEntry[] = input;
  if (input.some((e) => isObject(e.resource) && e.resource.resourceType === "Bundle")) flatten(input, (entries = []));

  // Valid resources and their fullUrls, side by side (no object per entry).
  const valid: Record<string, unknown>[] = [];
  const validUrls: (string | undefined)[] = [];
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    if (e.resource === undefined) continue; // e.g. a transaction-response entry with no resource
    if (!isObject(e.resource)) {
      warnings.push({ code: "malformed-resource", message: `Entry ${i + 1} is not a FHIR resource: skipped.` });
      continue;
    }
    const problem = problemWith(e.resource);
    if (problem) {
      const label = typeof e.resource.resourceType === "string" ? refOf(e.resource as { resourceType: string }) : `Entry ${i + 1}`;
      warnings.push({ code: "malformed-resource", message: `${label}: ${problem}; skipped.`, refs: [label] });
      continue;
    }
    valid.push(e.resource);
    validUrls.push(e.fullUrl ? e.fullUrl : undefined);
  }

  const patients: number[] = [];
  for (let i = 0; i < valid.length; i++) if (valid[i]!.resourceType === "Patient") patients.push(i);
  let chosen: number | undefined;
  if (options.patientId !== undefined) {
    chosen = patients.find((i) => valid[i]!.id === options.patientId);
    if (chosen === undefined) throw new RecordError(`no Patient with id "${options.patientId}" in the input`);
  } else {
    const distinct = new Map(patients.map((i) => [String(valid[i]!.id), i]));
    if (distinct.size === 0) throw new RecordError("the input holds no Patient resource");
    if (distinct.size > 1)
      throw new RecordError(
        `the input holds ${distinct.size} patients (${[...distinct.keys()].map((id) => `Patient/${id}`).join(", ")}); pick one with --patient`,
      );
    chosen = [...distinct.values()][0];
  }
  const patient = valid[chosen!] as unknown as Patient;
  if (typeof patient.id !== "string") throw new RecordError("the Patient resource has no id");
  const patientId = patient.id;
  const patientFullUrl = validUrls[chosen!];

  const record = {
    patient,
    patientRef: `Patient/${patientId}`,
    observations: [],
    medicationRequests: [],
    conditions: [],
    carePlans: [],
    goals: [],
    warnings,
  } as unknown as PatientRecord;

  const indexed: Record<string, unknown>[] = [];
  const indexedUrls: (string | undefined)[] = [];
  const seen = new Map<string, Set<string>>(); // type → ids kept
  const matcher = patientMatcher(patientId, patientFullUrl);
  for (let i = 0; i < valid.length; i++) {
    const resource = valid[i]!;
    const type = resource.resourceType as string;
    if (!KEPT_TYPES.has(type) || type === "Patient") continue;
    const ref = patientReferenceOf(resource);
    if (ref !== undefined && type !== "Medication" && !matcher(ref)) {
      warnings.push({
        code: "other-patient",
        message: `${refOf(resource as { resourceType: string })} belongs to another patient (${ref}); skipped.`,
        refs: [refOf(resource as { resourceType: string })],
      });
      continue;
    }
    if (typeof resource.id === "string") {
      let ids = seen.get(type);
      if (!ids) seen.set(type, (ids = new Set()));
      if (ids.has(resource.id)) continue; // the same resource twice (e.g. a search page overlap): keep the first
      ids.add(resource.id);
    }
    const fullUrl = validUrls[i];
    if (typeof resource.id === "string" || fullUrl) {
      indexed.push(resource);
      indexedUrls.push(fullUrl);
    }
    switch (type) {
      case "Observation":
        record.observations.push(resource as unknown as Observation);
        break;
      case "MedicationRequest":
        record.medicationRequests.push(resource as unknown as MedicationRequest);
        break;
      case "Condition":
        record.conditions.push(resource as unknown as Condition);
        break;
      case "CarePlan":
        record.carePlans.push(resource as unknown as CarePlan);
        break;
      case "Goal":
        record.goals.push(resource as unknown as Goal);
        break;
      default:
        break; // Medication: reachable through the index only
    }
  }
  lazyIndex(record, indexed, indexedUrls);
  return record;
}

/** Builds a record from a Bundle of any type (searchset, collection, transaction, batch, document). */
export function recordFromBundle(bundle: unknown, options: RecordOptions = {}): PatientRecord {
  if (!isObject(bundle) || bundle.resourceType !== "Bundle") {
    if (isObject(bundle) && typeof bundle.resourceType === "string") {
      return recordFromEntries([{ resource: bundle }], options);
    }
    throw new RecordError("not a FHIR resource (no resourceType)");
  }
  if (bundle.entry !== undefined && !Array.isArray(bundle.entry)) throw new RecordError("Bundle.entry is not an array");
  return recordFromEntries((bundle.entry ?? []) as RecordEntry[], options);
}

/** Parses NDJSON text (one resource per line). Unparseable lines become malformed-resource warnings. */
export function entriesFromNdjson(text: string): { entries: RecordEntry[]; warnings: EngineWarning[] } {
  const entries: RecordEntry[] = [];
  const warnings: EngineWarning[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === "") return;
    try {
      entries.push({ resource: JSON.parse(line) });
    } catch {
      warnings.push({ code: "malformed-resource", message: `NDJSON line ${i + 1} is not valid JSON; skipped.` });
    }
  });
  return { entries, warnings };
}

/**
 * Resolves a reference inside the record: "#id" against the container's contained[], "Type/id", an absolute URL
 * ending in Type/id, or a fullUrl (urn:uuid:…). Returns undefined when the target is not in the record.
 */
export function resolveReference<T extends FhirResource>(
  record: Pick<PatientRecord, "index">,
  reference: string | undefined,
  container?: { contained?: FhirResource[] },
): T | undefined {
  if (!reference) return undefined;
  if (reference.startsWith("#")) {
    const id = reference.slice(1);
    return container?.contained?.find((c) => c.id === id) as T | undefined;
  }
  const direct = record.index.get(reference);
  if (direct) return direct as T;
  const m = /([A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/.exec(reference);
  if (m) return record.index.get(`${m[1]}/${m[2]}`) as T | undefined;
  return undefined;
}
