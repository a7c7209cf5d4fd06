// One patient's line in a population run's output: its spilled lines put back together in export order (its own
// resources, then the Medications its requests reference, by their place in the export), evaluated by the same
// engine and written as the same §6 object as `cli evaluate --bundle` on those resources; or the error, for a
// patient whose data cannot be evaluated.
import { evaluate } from "../../clinical/evaluate.ts";
import { recordFromEntries, type RecordEntry } from "../../clinical/record.ts";
import { toCliJson } from "../output.ts";
import type { SpillRecord } from "./lines.ts";
import { medicationIdOfReference } from "./partition.ts";

/**
 * A patient whose resources hold more text than this gets an error line instead of an evaluation (a 20-year weekly
 * history is about 7 MB): a worker's memory stays bounded whatever one record holds. Evaluate such a record alone
 * with evaluate --bundle.
 */
export const MAX_PATIENT_BYTES = 8 * 1024 * 1024;

function parse(r: SpillRecord): unknown {
  return JSON.parse(r.buf.toString("utf8", r.from, r.to));
}

/** The Medications a bucket's requests may reference, by id (a Map, or records read from disk when asked for). */
export interface Medications {
  get(id: string): SpillRecord | undefined;
}

/** Marks a line that is not JSON in parseLines' answer. */
const UNREADABLE = Symbol("unreadable");

/**
 * Text per JSON.parse call: a patient's lines are parsed in arrays of about this much text. Not one string per
 * patient: a string over 128 KB is a large object to V8, allocated and freed with pages of its own, and on this
 * machine that cost more than the parse (a tenth of the patients have more than 128 KB of resources).
 */
const PARSE_BYTES = 64 * 1024;

/** Where lines are joined into one JSON array (grown for a line longer than PARSE_BYTES). */
let joined = Buffer.allocUnsafe(PARSE_BYTES + 2);

/**
 * Each line's JSON value (UNREADABLE for a line that is not JSON): one JSON.parse per PARSE_BYTES of lines, joined as
 * an array, and one per line in an array that does not parse (it holds a line that is not JSON). The same values
 * either way: every spilled line is one JSON object's text with nothing but whitespace around it, or was parsed
 * whole (phase 1's scan refuses anything else), so when the array parses, its items are the lines' texts one for one
 * (counted too).
 */
function parseLines(lines: SpillRecord[]): unknown[] {
  const values: unknown[] = [];
  let first = 0;
  while (first < lines.length) {
    let end = first;
    let bytes = 2;
    while (end < lines.length && (end === first || bytes + lines[end]!.to - lines[end]!.from + 1 <= PARSE_BYTES)) {
      bytes += lines[end]!.to - lines[end]!.from + 1;
      end++;
    }
    if (joined.length < bytes) joined = Buffer.allocUnsafe(bytes);
    let at = 0;
    for (let i = first; i < end; i++) {
      joined[at] = i === first ? 0x5b : 0x2c; // "[", then "," between lines
      at = 1 + at + lines[i]!.buf.copy(joined, at + 1, lines[i]!.from, lines[i]!.to);
    }
    joined[at++] = 0x5d; // "]"
    let group: unknown[] | undefined;
    try {
      group = JSON.parse(joined.toString("utf8", 0, at)) as unknown[];
    } catch {
      // a line that is not JSON: each is parsed alone
    }
    if (group && group.length === end - first) for (const v of group) values.push(v);
    else
      for (let i = first; i < end; i++) {
        try {
          values.push(parse(lines[i]!));
        } catch {
          values.push(UNREADABLE);
        }
      }
    first = end;
  }
  return values;
}

/** `{"key":` (the first member) or `,"key":`, kept: the §6 object has the same few keys on every line. */
const heads = new Map<string, readonly [string, string]>();
function memberHead(key: string, first: boolean): string {
  let head = heads.get(key);
  if (!head) {
    const name = JSON.stringify(key);
    head = [`{${name}:`, `,${name}:`];
    if (heads.size >= 256) heads.clear();
    heads.set(key, head);
  }
  return head[first ? 0 : 1];
}

/**
 * JSON.stringify(o) of a plain object in parts, each member's name and value (`{"patient":`, `"Patient/…"`,
 * `,"now":`, …, `}`): their text joined is JSON.stringify's, byte for byte. The §6 object's recommendations hold a character outside Latin-1 (the
 * dash in reference ranges, "[44–49]"); stringified whole, the whole line becomes a two-byte string, which took about
 * 1.5× as long to build and longer to encode than the members one by one, where only that member is two-byte.
 */
export function jsonParts(o: Record<string, unknown>): string[] {
  if (typeof o.toJSON === "function") return [JSON.stringify(o)];
  const parts: string[] = [];
  for (const key of Object.keys(o)) {
    const value = JSON.stringify(o[key]);
    if (value === undefined) continue; // undefined, a function or a symbol: left out, as JSON.stringify does
    parts.push(memberHead(key, parts.length === 0), value);
  }
  parts.push(parts.length === 0 ? "{}" : "}");
  return parts;
}

/** The line of a patient whose resources are more than a run reads for one (MAX_PATIENT_BYTES of text). */
export function tooLarge(patientId: string, bytes: number): { parts: string[]; error: boolean; unreadable: number } {
  const error = `the record holds ${(bytes / 1048576).toFixed(1)} MB of resources, more than a population run reads for one patient (${MAX_PATIENT_BYTES / 1048576} MB); evaluate it alone with evaluate --bundle`;
  return { parts: [JSON.stringify({ patient: `Patient/${patientId}`, error })], error: true, unreadable: 0 };
}

/**
 * The line a patient gets in the output: the §6 object, or its error. `lines` are the patient's spilled lines in
 * export order; `meds` the Medications its requests may reference.
 */
export function patientLine(
  patientId: string,
  lines: SpillRecord[],
  meds: Medications,
  now: string,
): { parts: string[]; error: boolean; unreadable: number } {
  let unreadable = 0;
  let bytes = 0;
  for (const l of lines) bytes += l.to - l.from;
  if (bytes > MAX_PATIENT_BYTES) return tooLarge(patientId, bytes);
  try {
    const values = parseLines(lines);
    const entries: RecordEntry[] = [];
    // The Medications the requests reference, each once, by their place in the export.
    let medications: { key: number; resource: unknown }[] | undefined;
    for (let i = 0; i < lines.length; i++) {
      const resource = values[i];
      if (resource === UNREADABLE) {
        unreadable++;
        continue;
      }
      entries.push({ resource });
      if (resource && (resource as Record<string, unknown>).resourceType === "MedicationRequest") {
        const id = medicationIdOfReference(((resource as Record<string, unknown>).medicationReference as { reference?: unknown } | undefined)?.reference);
        const med = id ? meds.get(id) : undefined;
        if (id && med && !medications?.some((m) => m.key === med.key)) {
          // The Medications count in what the run reads for the patient (a Medication may be large, too).
          bytes += med.to - med.from;
          if (bytes > MAX_PATIENT_BYTES) return tooLarge(patientId, bytes);
          (medications ??= []).push({ key: med.key, resource: parse(med) });
        }
      }
    }
    if (medications) placeInExportOrder(entries, lines, values, medications);
    const evaluation = evaluate(recordFromEntries(entries, { patientId }), { now });
    return { parts: jsonParts(toCliJson(evaluation)), error: false, unreadable };
  } catch (e) {
    return { parts: [JSON.stringify({ patient: `Patient/${patientId}`, error: e instanceof Error ? e.message : String(e) })], error: true, unreadable };
  }
}

/** Puts the Medications among the patient's entries (which are in export order) at their own places in the export. */
function placeInExportOrder(entries: RecordEntry[], lines: SpillRecord[], values: unknown[], medications: { key: number; resource: unknown }[]): void {
  const all: { key: number; resource: unknown }[] = [...medications];
  for (let i = 0; i < lines.length; i++) if (values[i] !== UNREADABLE) all.push({ key: lines[i]!.key, resource: values[i] });
  all.sort((a, b) => a.key - b.key);
  entries.length = 0;
  for (const x of all) entries.push({ resource: x.resource });
}
