// The entries of a record's input in document order: a Bundle's entries (of any type) or loose entries (NDJSON lines,
// search results), with nested Bundles flattened at any depth, and where each one came from (for warnings). Pure.
import type { EngineWarning } from "./types.ts";

export interface RecordEntry {
  resource: unknown;
  fullUrl?: string;
}

/** Where an entry came from: its place in its Bundle, how deep that Bundle is nested, and the top-level entry. */
interface Place {
  index: number;
  depth: number;
  top: number;
}

/**
 * The entries in document order, without a copy when no Bundle is nested (the usual case): a 20-year record has
 * 10,000 of them, and an object or an array slot each was a fifth of what the engine allocated.
 */
export interface FlatEntries {
  /** Entry objects ({ resource, fullUrl }); anything else in it is skipped (and was reported if it is a Bundle's). */
  entries: readonly unknown[];
  /** A loose entry's fullUrl is taken as given; a Bundle entry's only when it is text. */
  loose: boolean;
  /** Where each entry came from, when a Bundle was nested; else entry i is "Entry i + 1". */
  places: Place[] | undefined;
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/** "Entry 3", "Entry 2 of the Bundle in entry 5", "Entry 1 of a Bundle nested 40 deep in entry 5". */
function where(e: Place): string {
  if (e.depth === 0) return `Entry ${e.index}`;
  return `Entry ${e.index} of ${e.depth === 1 ? "the Bundle" : `a Bundle nested ${e.depth} deep`} in entry ${e.top}`;
}

/** Where entry i of `flat` came from, as where() words it. */
export function whereAt(flat: FlatEntries, i: number): string {
  return flat.places ? where(flat.places[i]!) : `Entry ${i + 1}`;
}

/** The fullUrl of an entry object of `flat`. */
export function fullUrlOf(flat: FlatEntries, entry: Record<string, unknown>): unknown {
  return flat.loose || typeof entry.fullUrl === "string" ? entry.fullUrl : undefined;
}

function isBundle(resource: unknown): resource is Record<string, unknown> {
  return isObject(resource) && resource.resourceType === "Bundle";
}

/** A Bundle's entries. Entries that are not objects are reported (and skipped by the reader). */
export function flatBundleEntries(entries: unknown[], warnings: EngineWarning[]): FlatEntries {
  let bundles = false;
  for (let i = 0; i < entries.length; i++) {
    if (!(i in entries)) continue; // a hole in an array built in code (not JSON): nothing there, as forEach sees it
    const e = entries[i];
    if (!isObject(e)) warnings.push(notAnEntry(e, { index: i + 1, depth: 0, top: i + 1 }));
    else if (!bundles && isBundle(e.resource)) bundles = true;
  }
  const flat: FlatEntries = { entries, loose: false, places: undefined };
  return bundles ? flattenNested(flat, warnings) : flat;
}

/** Loose entries, each a top-level entry (one that holds a Bundle is flattened like a Bundle's entry). */
export function flatLooseEntries(entries: readonly RecordEntry[], warnings: EngineWarning[]): FlatEntries {
  const flat: FlatEntries = { entries, loose: true, places: undefined };
  for (const e of entries) if (isObject(e) && isBundle(e.resource)) return flattenNested(flat, warnings);
  return flat;
}

function notAnEntry(e: unknown, at: Place): EngineWarning {
  const what = e === null ? "null" : Array.isArray(e) ? "an array" : typeof e;
  return { code: "malformed-resource", message: `${where(at)} of the Bundle is not an entry object (it is ${what}); skipped.` };
}

/** A place and what is there, on the stack of flattenNested. */
interface Located extends Place {
  resource: unknown;
  fullUrl: unknown;
}

/**
 * Replaces every entry holding a Bundle by that Bundle's entries, at any depth, in document order (the rare case:
 * objects per entry are fine here). Iterative, so a Bundle nested 10,000 deep is read without running out of stack.
 * The entries it gives are loose: their fullUrls are already what the reader takes.
 */
function flattenNested(top: FlatEntries, warnings: EngineWarning[]): FlatEntries {
  const entries: { resource: unknown; fullUrl: unknown }[] = [];
  const places: Place[] = [];
  const stack: Located[] = [];
  for (let i = top.entries.length - 1; i >= 0; i--) {
    const e = top.entries[i];
    if (isObject(e)) stack.push({ resource: e.resource, fullUrl: fullUrlOf(top, e), index: i + 1, depth: 0, top: i + 1 });
  }
  while (stack.length > 0) {
    const e = stack.pop()!;
    if (isBundle(e.resource)) {
      const inner = e.resource.entry;
      if (inner === undefined) continue;
      if (!Array.isArray(inner)) {
        warnings.push({ code: "malformed-resource", message: `${where(e)}: a Bundle whose entry is not an array; skipped.` });
        continue;
      }
      const nested: Located[] = [];
      for (let i = 0; i < inner.length; i++) {
        if (!(i in inner)) continue;
        const n: unknown = inner[i];
        const at = { index: i + 1, depth: e.depth + 1, top: e.top };
        if (!isObject(n)) warnings.push(notAnEntry(n, at));
        else nested.push({ resource: n.resource, fullUrl: typeof n.fullUrl === "string" ? n.fullUrl : undefined, ...at });
      }
      for (let i = nested.length - 1; i >= 0; i--) stack.push(nested[i]!);
      continue;
    }
    entries.push({ resource: e.resource, fullUrl: e.fullUrl });
    places.push({ index: e.index, depth: e.depth, top: e.top });
  }
  return { entries, loose: true, places };
}
