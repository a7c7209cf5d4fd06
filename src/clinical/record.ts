// One patient's record as the engine reads it: the resources of a Bundle (any type), an NDJSON file or a
// server search, sorted by type, with references resolvable and malformed or foreign resources skipped with
// a warning. Pure: no I/O.
import type {
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
import { idTable } from "./id-table.ts";
import { flatBundleEntries, flatLooseEntries, fullUrlOf, whereAt, type FlatEntries, type RecordEntry } from "./record-entries.ts";
import { FHIR_ID, isFhirId, resourceProblem, usablePatient } from "./record-shape.ts";
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

export type { RecordEntry };

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

/** What a record's index is built from, kept on the record under a key no reader sees. */
const INDEX_SOURCE = Symbol("index source");

interface IndexSource {
  resources: Record<string, unknown>[];
  fullUrls: (string | undefined)[];
  /** 1 for the resources in the index (kept, with an id or a fullUrl). */
  indexed: Uint8Array;
  built: Map<string, FhirResource> | undefined;
  /** References resolved before the index was built (see lookup). */
  lookups: number;
}

/** The getter of every record's `index`: one function for all records (see lazyIndex). */
function builtIndex(this: PatientRecord): Map<string, FhirResource> {
  const source = (this as unknown as { [INDEX_SOURCE]: IndexSource })[INDEX_SOURCE];
  if (source.built) return source.built;
  const built = new Map<string, FhirResource>();
  const { resources, fullUrls, indexed } = source;
  for (let i = 0; i < resources.length; i++) {
    if (indexed[i] === 0) continue;
    const r = resources[i]!;
    if (typeof r.id === "string") built.set(`${r.resourceType as string}/${r.id}`, r as unknown as FhirResource);
    const url = fullUrls[i];
    if (url) built.set(url, r as unknown as FhirResource);
  }
  source.built = built;
  return built;
}

/**
 * The index by "Type/id" and by fullUrl, built on first use: most records never resolve a reference (no hasMember
 * panel, no medicationReference), and a Map of every resource costs about as much as reading them. The same Map as
 * one built while reading: the same keys, set in the same order.
 *
 * The getter is one shared function and its inputs sit on the record (not in a closure made per record): V8 keeps
 * an accessor's functions in the object's hidden class, which lives in the old generation, so a closure per record
 * pinned each record's resources through every young-generation collection until the next full one (in a population
 * run, half of what the engine allocated was copied and promoted for that alone).
 */
function lazyIndex(record: PatientRecord, resources: Record<string, unknown>[], fullUrls: (string | undefined)[], indexed: Uint8Array): void {
  const source: IndexSource = { resources, fullUrls, indexed, built: undefined, lookups: 0 };
  Object.defineProperty(record, INDEX_SOURCE, { value: source });
  Object.defineProperty(record, "index", { enumerable: true, configurable: true, get: builtIndex });
}

/** Builds a record from loose entries (NDJSON lines, search results). Throws RecordError without one Patient. */
export function recordFromEntries(input: RecordEntry[], options: RecordOptions = {}): PatientRecord {
  const warnings: EngineWarning[] = [];
  return buildRecord(flatLooseEntries(input, warnings), warnings, options);
}

/** "Observation/o1", or where the resource was when its type or id is unusable ("Observation (entry 4)"). */
function labelOf(resource: Record<string, unknown>, flat: FlatEntries, i: number): string {
  const type = resource.resourceType;
  if (typeof type !== "string" || type === "") return whereAt(flat, i);
  if (typeof resource.id === "string" && isFhirId(resource.id)) return `${type}/${resource.id}`;
  return `${type.slice(0, 64)} (${whereAt(flat, i).replace(/^E/, "e")})`;
}

function buildRecord(flat: FlatEntries, warnings: EngineWarning[], options: RecordOptions): PatientRecord {
  // Valid resources and their fullUrls, side by side (no object per entry), in arrays made at their largest size
  // and cut to length: filling arrays by push copies each one several times as it grows.
  const { entries } = flat;
  const valid = new Array<Record<string, unknown>>(entries.length);
  const validUrls = new Array<string | undefined>(entries.length);
  let count = 0;
  let observationCount = 0;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i];
    if (!isObject(e)) continue; // reported when the entries were read
    const r = e.resource;
    if (r === undefined) continue; // e.g. a transaction-response entry with no resource
    if (!isObject(r)) {
      warnings.push({ code: "malformed-resource", message: `${whereAt(flat, i)} is not a FHIR resource; skipped.` });
      continue;
    }
    const problem = resourceProblem(r);
    if (problem) {
      const label = labelOf(r, flat, i);
      warnings.push({ code: "malformed-resource", message: `${label} skipped: ${problem}.`, refs: [label] });
      continue;
    }
    let resource = r;
    if (resource.resourceType === "Patient") {
      const usable = usablePatient(resource);
      for (const p of usable.problems) {
        const label = labelOf(resource, flat, i);
        warnings.push({ code: "malformed-resource", message: `${label}: ${p}; left out, the rest of the Patient is used.`, refs: [label] });
      }
      resource = usable.patient;
    } else if (resource.resourceType === "Observation") observationCount++;
    const fullUrl = fullUrlOf(flat, e);
    valid[count] = resource;
    validUrls[count] = fullUrl ? (fullUrl as string) : undefined;
    count++;
  }
  valid.length = count;
  validUrls.length = count;

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

  const observations = new Array<Observation>(observationCount);
  let kept = 0;
  const record = {
    patient,
    patientRef: `Patient/${patientId}`,
    observations,
    medicationRequests: [],
    conditions: [],
    carePlans: [],
    goals: [],
    warnings,
  } as unknown as PatientRecord;

  const indexed = new Uint8Array(count);
  const firstOfTypeAndId = idTable(valid, count);
  const matcher = patientMatcher(patientId, patientFullUrl);
  for (let i = 0; i < count; i++) {
    const resource = valid[i]!;
    const type = resource.resourceType as string;
    if (!KEPT_TYPES.has(type) || type === "Patient") continue;
    const ref = patientReferenceOf(resource);
    if (ref !== undefined && type !== "Medication" && !matcher(ref)) {
      warnings.push({
        code: "other-patient",
        // The other patient is not named: nothing of theirs belongs on this patient's screen.
        message: `${refOf(resource as { resourceType: string })} belongs to another patient and was skipped.`,
        refs: [refOf(resource as { resourceType: string })],
      });
      continue;
    }
    // The same resource twice (e.g. a search page overlap): keep the first.
    if (typeof resource.id === "string" && !firstOfTypeAndId(i)) continue;
    if (typeof resource.id === "string" || validUrls[i]) indexed[i] = 1;
    switch (type) {
      case "Observation":
        observations[kept++] = resource as unknown as Observation;
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
  observations.length = kept;
  lazyIndex(record, valid, validUrls, indexed);
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
  const warnings: EngineWarning[] = [];
  return buildRecord(flatBundleEntries((bundle.entry ?? []) as unknown[], warnings), warnings, options);
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
 * The last "Type/id" of a reference, relative or absolute, before any "/_history/version"; null when it has none.
 * Found by splitting rather than by a regular expression, which backtracks for minutes over a 200,000-character
 * reference.
 */
export function typeAndId(reference: string): { type: string; id: string } | null {
  const parts = reference.split("/");
  const end = parts.length >= 4 && parts[parts.length - 2] === "_history" ? parts.length - 3 : parts.length - 1;
  const type = parts[end - 1];
  const id = parts[end];
  return type && id && /^[A-Za-z]+$/.test(type) && FHIR_ID.test(id) ? { type, id } : null;
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
  const direct = lookup(record, reference);
  if (direct) return direct as T;
  const target = typeAndId(reference);
  return target ? (lookup(record, `${target.type}/${target.id}`) as T | undefined) : undefined;
}

/** Lookups a record answers by reading its resources, before it builds its index. */
const LOOKUPS_BEFORE_INDEX = 4;

/**
 * record.index.get(key): the same resource, and for a record whose index is not built yet (most records resolve a
 * reference or two, for their medications, and a Map of every resource costs more), found by reading the resources
 * from the last: the Map holds the last resource set under a key. After a few lookups the index is built.
 */
function lookup(record: Pick<PatientRecord, "index">, key: string): FhirResource | undefined {
  const source = (record as { [INDEX_SOURCE]?: IndexSource })[INDEX_SOURCE];
  if (!source || source.built || ++source.lookups > LOOKUPS_BEFORE_INDEX) return record.index.get(key);
  const { resources, fullUrls, indexed } = source;
  for (let i = resources.length - 1; i >= 0; i--) {
    if (indexed[i] === 0) continue;
    const r = resources[i]!;
    if (fullUrls[i] === key) return r as unknown as FhirResource;
    const type = r.resourceType as string;
    const id = r.id;
    // key === `${type}/${id}`, without making the string
    if (typeof id === "string" && key.length === type.length + 1 + id.length && key.charCodeAt(type.length) === 47 && key.startsWith(type) && key.endsWith(id))
      return r as unknown as FhirResource;
  }
  return undefined;
}
