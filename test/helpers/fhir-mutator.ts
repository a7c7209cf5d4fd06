// A mutator over the synthetic patients (fhir-resources/patients/*.json) for property-based tests of the engine:
// fast-check picks a patient, a slice of its record and a few mutations (any field replaced with null, an object,
// an array, a number, a string, a huge string, a date in the future or in another zone; fields dropped; arrays
// turned into objects and back; duplicate ids; another patient's subject; null and empty Bundle entries; nested
// Bundles). Mutations are plain data with numeric indices, so fast-check can shrink a failure to the smallest one,
// and they are applied to a copy of the patient.
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fc from "fast-check";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const PATIENTS_DIR = fileURLToPath(new URL("../../fhir-resources/patients/", import.meta.url));

export interface BasePatient {
  id: string;
  bundle: { resourceType: "Bundle"; type: string; entry: { resource: JsonObject; fullUrl?: string }[] };
}

/** Every synthetic patient Bundle, as JSON. */
export function loadPatients(): BasePatient[] {
  return readdirSync(PATIENTS_DIR)
    .filter((f) => f.startsWith("pw-") && f.endsWith(".json"))
    .sort()
    .map((f) => ({ id: f.replace(/\.json$/, ""), bundle: JSON.parse(readFileSync(`${PATIENTS_DIR}${f}`, "utf8")) as BasePatient["bundle"] }));
}

const HUGE = "x".repeat(200_000);
/** Huge strings shaped to make a backtracking regular expression take forever. */
const HUGE_STRINGS = [
  HUGE,
  `${" ".repeat(50_000)}x`,
  `${"Patient/".repeat(6_000)}!`,
  `${"a/".repeat(25_000)}/`,
  `${"9".repeat(50_000)}-`,
  `${"not ".repeat(12_000)}detect`,
  `${"stage of change ".repeat(3_000)}?`,
  `2026-11-23T${"0".repeat(50_000)}`,
];
const DATE_STRINGS = [
  "2099-12-31",
  "9999-12-31T23:59:59+14:00",
  "2026-11-23T23:30:00-12:00",
  "2026-11-24T00:30:00+14:00",
  "2026-11-23T12:00:00.123456789Z",
  "2026-02-30",
  "2026-13-01",
  "2026",
  "2026-11",
  "0000-01-01",
  "1900-01-01T00:00:00Z",
  "not a date",
  "",
  "2026-11-23T25:61:00Z",
];

/** A replacement value: every JSON type, odd strings, dates, references and codes. */
export const arbValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(null, {}, [], [null], [[]], [{}], true, false, 0, -1, 1.5, 1e308, -1e308, "", " "),
  fc.constantFrom<Json>(...HUGE_STRINGS),
  fc.integer().map((n): Json => n),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n): Json => n),
  fc.string({ unit: "grapheme", maxLength: 20 }).map((s): Json => s),
  fc.constantFrom<Json>(...DATE_STRINGS),
  fc.constantFrom<Json>(
    "Patient/other",
    "#missing",
    "Observation/does-not-exist",
    "urn:uuid:00000000-0000-0000-0000-000000000000",
    { reference: 123 },
    { reference: null },
    { coding: { system: "http://loinc.org", code: "19295-5" } },
    { coding: [null] },
    { coding: [{ system: 7, code: {} }] },
    { system: "http://unknown.example", code: "no-such-code", display: "Unknown" },
    { text: HUGE },
    { start: "2099-01-01", end: "1999-01-01" },
    { value: "12", unit: 5 },
  ),
  fc.jsonValue({ maxDepth: 3 }).map((v) => v as Json),
);

export type Mutation =
  /** Replace the node at the n-th path of an entry's resource. */
  | { op: "replace"; entry: number; path: number; value: Json }
  /** Delete the key (or array element) at a path. */
  | { op: "drop"; entry: number; path: number }
  /** An array becomes its first element (coding as an object), anything else becomes [it] or [null]. */
  | { op: "reshape"; entry: number; path: number; wrapNull: boolean }
  /** A date-like string becomes another date (future, another zone, impossible). */
  | { op: "date"; entry: number; path: number; date: number }
  /** The resource takes another entry's id (duplicate ids), or is duplicated as a second entry. */
  | { op: "duplicate"; entry: number; other: number; copy: boolean }
  /** The resource belongs to another patient. */
  | { op: "foreign"; entry: number }
  /** Every text of one resource becomes a huge string (all of them, or all but the codes, statuses and ids). */
  | { op: "flood"; entry: number; huge: number; all: boolean }
  /** A strange entry is inserted: null, {}, { resource: null }, a non-object resource, a nested Bundle… */
  | { op: "entry"; at: number; kind: number; value: Json };

/** The paths of every node under a resource (parent, key), in document order. */
function paths(root: Json): { parent: JsonObject | Json[]; key: string | number }[] {
  const out: { parent: JsonObject | Json[]; key: string | number }[] = [];
  const stack: Json[] = [root];
  while (stack.length) {
    const node = stack.pop()!;
    if (Array.isArray(node)) {
      node.forEach((child, i) => {
        out.push({ parent: node, key: i });
        stack.push(child);
      });
    } else if (node !== null && typeof node === "object") {
      for (const [k, child] of Object.entries(node)) {
        out.push({ parent: node, key: k });
        stack.push(child);
      }
    }
  }
  return out;
}

function get(p: { parent: JsonObject | Json[]; key: string | number }): Json {
  return (p.parent as Record<string | number, Json>)[p.key]!;
}
function set(p: { parent: JsonObject | Json[]; key: string | number }, v: Json): void {
  (p.parent as Record<string | number, Json>)[p.key] = v;
}

export const arbMutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant("replace" as const), entry: fc.nat(), path: fc.nat(), value: arbValue }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("drop" as const), entry: fc.nat(), path: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant("reshape" as const), entry: fc.nat(), path: fc.nat(), wrapNull: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("date" as const), entry: fc.nat(), path: fc.nat(), date: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("duplicate" as const), entry: fc.nat(), other: fc.nat(), copy: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("foreign" as const), entry: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("flood" as const), entry: fc.nat(), huge: fc.nat(), all: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("entry" as const), at: fc.nat(), kind: fc.nat(), value: arbValue }) },
);

export interface FuzzCase {
  patient: number;
  /** First entry of the slice of the record kept (besides the Patient and every non-Observation). */
  sliceStart: number;
  sliceLength: number;
  mutations: Mutation[];
  now: string;
}

export const arbCase: fc.Arbitrary<FuzzCase> = fc.record({
  patient: fc.nat(),
  sliceStart: fc.nat(),
  sliceLength: fc.integer({ min: 0, max: 60 }),
  mutations: fc.array(arbMutation, { minLength: 1, maxLength: 5 }),
  now: fc.constantFrom("2026-11-23", "2026-11-23T23:59:59-12:00", "2026-11-24T00:00:00+14:00", "2040-01-01", "2000-01-01"),
});

export interface Mutated {
  bundle: JsonObject;
  /** A mutation touched the Patient, a resourceType or an entry's type: "no Patient"/"several patients" may follow. */
  patientTouched: boolean;
}

/** Each patient's entries as JSON text, parsed afresh for every case (faster than structuredClone). */
const entryTexts = new WeakMap<BasePatient, { observation: boolean; text: string }[]>();

/** The entries of the case: the Patient, every non-Observation, and a slice of the Observations, as fresh copies. */
function baseEntries(base: BasePatient, c: FuzzCase): JsonObject[] {
  let texts = entryTexts.get(base);
  if (!texts) {
    texts = base.bundle.entry.map((e) => ({ observation: e.resource.resourceType === "Observation", text: JSON.stringify(e) }));
    entryTexts.set(base, texts);
  }
  const observations = texts.filter((e) => e.observation);
  const start = observations.length ? c.sliceStart % observations.length : 0;
  const kept = new Set(observations.slice(start, start + c.sliceLength));
  return texts.filter((e) => !e.observation || kept.has(e)).map((e) => JSON.parse(e.text) as JsonObject);
}

const ENTRY_KINDS = (value: Json): Json[] => [
  null,
  {},
  { resource: null },
  { resource: value },
  { resource: [] },
  { resource: { resourceType: "Bundle", type: "collection", entry: { resource: value } } },
  { resource: { resourceType: "Bundle", type: "collection", entry: [null, { resource: { resourceType: "Observation", id: "nested", status: "final", code: { coding: value } } }] } },
  { resource: { resourceType: "Observation", id: "o-x", status: "final", code: {}, contained: value } },
  { resource: { resourceType: "Unknown", id: "u1", anything: value } },
  { fullUrl: value, resource: { resourceType: "Condition", id: "c-x", code: { coding: value }, subject: { reference: "Patient/x" } } },
  "not an entry",
];

/** Applies a case to a fresh copy of its patient. */
export function mutate(bases: BasePatient[], c: FuzzCase): Mutated {
  const base = bases[c.patient % bases.length]!;
  const entries: Json[] = baseEntries(base, c);
  let patientTouched = false;
  const resourceAt = (n: number): { entry: JsonObject; resource: JsonObject } | undefined => {
    const objects = entries.filter(
      (e): e is JsonObject => e !== null && typeof e === "object" && !Array.isArray(e) && typeof e.resource === "object" && e.resource !== null && !Array.isArray(e.resource),
    );
    if (objects.length === 0) return undefined;
    const entry = objects[n % objects.length]!;
    return { entry, resource: entry.resource as JsonObject };
  };
  const pathAt = (r: JsonObject, n: number) => {
    const all = paths(r);
    return all.length ? all[n % all.length] : undefined;
  };
  const touches = (r: JsonObject, p?: { key: string | number }) => {
    if (r.resourceType === "Patient" || p?.key === "resourceType") patientTouched = true;
  };

  for (const m of c.mutations) {
    switch (m.op) {
      case "replace":
      case "drop":
      case "reshape":
      case "date": {
        const target = resourceAt(m.entry);
        if (!target) break;
        const p = pathAt(target.resource, m.path);
        if (!p) break;
        touches(target.resource, p);
        if (m.op === "replace") set(p, m.value);
        else if (m.op === "drop") {
          if (Array.isArray(p.parent)) p.parent.splice(p.key as number, 1);
          else delete p.parent[p.key as string];
        } else if (m.op === "reshape") {
          const v = get(p);
          set(p, Array.isArray(v) ? (v[0] ?? null) : m.wrapNull ? [null] : [v]);
        } else {
          // The nearest date-like string at or after the path, else the path itself.
          const all = paths(target.resource);
          const from = all.indexOf(p);
          const dated = [...all.slice(from), ...all.slice(0, from)].find((q) => typeof get(q) === "string" && /^\d{4}-\d{2}/.test(get(q) as string)) ?? p;
          set(dated, DATE_STRINGS[m.date % DATE_STRINGS.length]!);
        }
        break;
      }
      case "duplicate": {
        const a = resourceAt(m.entry);
        const b = resourceAt(m.other);
        if (!a || !b) break;
        touches(a.resource);
        if (m.copy) entries.push(structuredClone(a.entry));
        else a.resource.id = b.resource.id ?? null;
        break;
      }
      case "foreign": {
        const target = resourceAt(m.entry);
        if (!target) break;
        touches(target.resource);
        target.resource.subject = { reference: "Patient/someone-else" };
        break;
      }
      case "flood": {
        const target = resourceAt(m.entry);
        if (!target) break;
        touches(target.resource);
        const huge = HUGE_STRINGS[m.huge % HUGE_STRINGS.length]!;
        const kept = m.all ? ["resourceType", "id"] : ["resourceType", "id", "system", "code", "status", "lifecycleStatus"];
        for (const p of paths(target.resource)) if (typeof get(p) === "string" && !kept.includes(String(p.key))) set(p, huge);
        break;
      }
      case "entry": {
        const kinds = ENTRY_KINDS(m.value);
        const e = kinds[m.kind % kinds.length]!;
        // Any Bundle-level oddity may make the input unreadable as one patient's record (bad input, not a crash).
        if (typeof m.value === "object" && m.value !== null && "resourceType" in m.value) patientTouched = true;
        entries.splice(m.at % (entries.length + 1), 0, e);
        break;
      }
    }
  }
  return { bundle: { resourceType: "Bundle", type: base.bundle.type, entry: entries }, patientTouched };
}
