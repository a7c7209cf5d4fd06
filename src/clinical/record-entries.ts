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
 * The entries side by side, one array per field: no object per entry (a 20-year record has 10,000 of them, and an
 * object each was a tenth of what the engine allocated).
 */
export interface FlatEntries {
  resources: unknown[];
  /** As written (a Bundle entry's fullUrl when it is text). */
  fullUrls: unknown[];
  /** The top-level entry each came from (1-based). */
  tops: number[];
  /** The place of each entry that came from a nested Bundle, by its position in these arrays; none when none did. */
  nested: Map<number, Place> | undefined;
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/** "Entry 3", "Entry 2 of the Bundle in entry 5", "Entry 1 of a Bundle nested 40 deep in entry 5". */
function where(e: Place): string {
  if (e.depth === 0) return `Entry ${e.index}`;
  return `Entry ${e.index} of ${e.depth === 1 ? "the Bundle" : `a Bundle nested ${e.depth} deep`} in entry ${e.top}`;
}

/** Where the entry at position i of `flat` came from, as where() words it. */
export function whereAt(flat: FlatEntries, i: number): string {
  return where(flat.nested?.get(i) ?? { index: flat.tops[i]!, depth: 0, top: flat.tops[i]! });
}

function isBundle(resource: unknown): resource is Record<string, unknown> {
  return isObject(resource) && resource.resourceType === "Bundle";
}

/** A Bundle's entries. Entries that are not objects are reported and left out; a fullUrl that is not text is ignored. */
export function flatBundleEntries(entries: unknown[], warnings: EngineWarning[]): FlatEntries {
  const flat: FlatEntries = { resources: [], fullUrls: [], tops: [], nested: undefined };
  let bundles = false;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i];
    if (!isObject(e)) {
      warnings.push(notAnEntry(e, { index: i + 1, depth: 0, top: i + 1 }));
      continue;
    }
    flat.resources.push(e.resource);
    flat.fullUrls.push(typeof e.fullUrl === "string" ? e.fullUrl : undefined);
    flat.tops.push(i + 1);
    if (!bundles && isBundle(e.resource)) bundles = true;
  }
  return bundles ? flattenNested(flat, warnings) : flat;
}

/** Loose entries, each a top-level entry (one that holds a Bundle is flattened like a Bundle's entry). */
export function flatLooseEntries(entries: readonly RecordEntry[], warnings: EngineWarning[]): FlatEntries {
  const flat: FlatEntries = { resources: [], fullUrls: [], tops: [], nested: undefined };
  let bundles = false;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i] as RecordEntry | null | undefined;
    flat.resources.push(e?.resource);
    flat.fullUrls.push(e?.fullUrl);
    flat.tops.push(i + 1);
    if (!bundles && isBundle(e?.resource)) bundles = true;
  }
  return bundles ? flattenNested(flat, warnings) : flat;
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
 */
function flattenNested(top: FlatEntries, warnings: EngineWarning[]): FlatEntries {
  const out: FlatEntries = { resources: [], fullUrls: [], tops: [], nested: new Map() };
  const stack: Located[] = [];
  for (let i = top.resources.length - 1; i >= 0; i--)
    stack.push({ resource: top.resources[i], fullUrl: top.fullUrls[i], index: top.tops[i]!, depth: 0, top: top.tops[i]! });
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
        const n: unknown = inner[i];
        const at = { index: i + 1, depth: e.depth + 1, top: e.top };
        if (!isObject(n)) warnings.push(notAnEntry(n, at));
        else nested.push({ resource: n.resource, fullUrl: typeof n.fullUrl === "string" ? n.fullUrl : undefined, ...at });
      }
      for (let i = nested.length - 1; i >= 0; i--) stack.push(nested[i]!);
      continue;
    }
    if (e.depth > 0) out.nested!.set(out.resources.length, { index: e.index, depth: e.depth, top: e.top });
    out.resources.push(e.resource);
    out.fullUrls.push(e.fullUrl);
    out.tops.push(e.top);
  }
  return out;
}
