// Search helpers for the sandbox store: checking a search request, choosing the patient compartments it is
// confined to, sort keys, _elements, paging links and bounded _include/_revinclude. No state of its own.
import { badRequest, evalFhirPath, formatSearchQuery, getSearchParameter, isResourceType, OperationOutcomeError, Operator } from "@medplum/core";
import type { Filter, SearchRequest, SortRule, WithId } from "@medplum/core";
import { getExtraEntries } from "@medplum/fhir-router";
import type { FhirRepository } from "@medplum/fhir-router";
import type { Bundle, BundleEntry, BundleLink, Resource } from "@medplum/fhirtypes";
import { isCompartmentType, patientIdOf } from "./compartment.ts";
import { compartmentParams } from "./definitions.ts";
import { tooCostly } from "./limits.ts";
import { fhirError } from "./outcomes.ts";

/** Page size when the client sends no _count, and the largest page we serve. */
export const DEFAULT_COUNT = 50;
export const MAX_COUNT = 1000;

const RESULT_PARAMS = new Set(["_count", "_offset", "_sort", "_include", "_revinclude", "_summary", "_total", "_elements"]);

/** Rejects what the sandbox cannot answer truthfully, instead of silently returning nothing. */
export function checkSearchRequest(req: SearchRequest): void {
  if (!isResourceType(req.resourceType)) throw fhirError(404, `Unknown resource type "${req.resourceType}"`);
  if (req.types && req.types.length > 0) {
    throw new OperationOutcomeError(badRequest("Searching several resource types at once (_type) is not supported by the sandbox", "_type"));
  }
  for (const f of req.filters ?? []) {
    if (f.code.startsWith("_has") || f.code.includes(".")) {
      throw new OperationOutcomeError(badRequest(`Chained search (${f.code}) is not supported by the sandbox`, f.code));
    }
    if (RESULT_PARAMS.has(f.code)) continue;
    if (!getSearchParameter(req.resourceType, f.code)) {
      throw new OperationOutcomeError(badRequest(`Unknown search parameter "${f.code}" for ${req.resourceType}`, f.code));
    }
  }
  if (req.cursor !== undefined) {
    throw new OperationOutcomeError(badRequest("_cursor is not supported by the sandbox; page with _offset", "_cursor"));
  }
}

/** Splits "a,b\,c" on unescaped commas. */
function splitValues(value: string): string[] {
  return value.split(/(?<!\\),/).map((v) => v.replace(/\\,/g, ","));
}

/** The patient ids an equality filter on a compartment parameter names, or undefined when it names no patient. */
function patientsNamedBy(resourceType: string, f: Filter): string[] | undefined {
  if (f.operator !== Operator.EQUALS) return undefined;
  const params = compartmentParams(resourceType);
  const isPatientParam = f.code === "patient" || (params?.includes(f.code) ?? false);
  if (resourceType === "Patient" && f.code === "_id") return splitValues(f.value);
  if (!isPatientParam || !isCompartmentType(resourceType)) return undefined;
  const ids: string[] = [];
  for (const v of splitValues(f.value)) {
    const id = v.includes("/") ? patientIdOf(v) : f.code === "patient" ? v : undefined;
    if (id === undefined) return undefined; // names something other than a patient: no pruning
    ids.push(id);
  }
  return ids;
}

/**
 * Patient ids the result must come from (the union of the patients named by one filter; the tightest filter wins),
 * or undefined when the request is not confined to patients named in it. Only a pruning hint: every candidate is
 * still matched against the full request.
 */
export function namedPatients(req: SearchRequest): string[] | undefined {
  let best: string[] | undefined;
  for (const f of req.filters ?? []) {
    const ids = patientsNamedBy(req.resourceType, f);
    if (ids && (!best || ids.length < best.length)) best = ids;
  }
  return best;
}

function keyOf(value: unknown): string | number | undefined {
  if (typeof value === "string" || typeof value === "number") return value;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value !== "object" || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.start === "string" || typeof v.end === "string") return (v.start ?? v.end) as string;
  if (typeof v.reference === "string") return v.reference;
  if (typeof v.value === "number" || typeof v.value === "string") return v.value as string | number;
  if (Array.isArray(v.coding)) return keyOf(v.coding[0]) ?? (typeof v.text === "string" ? v.text : undefined);
  if (typeof v.code === "string") return v.code;
  if (typeof v.family === "string") return `${v.family} ${Array.isArray(v.given) ? v.given.join(" ") : ""}`.toLowerCase();
  if (typeof v.text === "string") return v.text;
  return undefined;
}

/** The sort key of a resource for one rule: lowest value ascending, highest descending; undefined sorts last. */
export function sortKey(resource: Resource, rule: SortRule): string | number | undefined {
  let values: unknown[];
  if (rule.code === "_id") values = [resource.id];
  else if (rule.code === "_lastUpdated") values = [resource.meta?.lastUpdated];
  else {
    const sp = getSearchParameter(resource.resourceType, rule.code);
    if (!sp?.expression) throw new OperationOutcomeError(badRequest(`Unknown sort parameter "${rule.code}" for ${resource.resourceType}`, "_sort"));
    values = evalFhirPath(sp.expression, resource);
  }
  let best: string | number | undefined;
  for (const raw of values) {
    const k = keyOf(raw);
    if (k === undefined) continue;
    if (best === undefined || (rule.descending ? compareKeys(k, best) > 0 : compareKeys(k, best) < 0)) best = k;
  }
  return best;
}

export function compareKeys(a: string | number | undefined, b: string | number | undefined): number {
  if (a === undefined) return b === undefined ? 0 : 1;
  if (b === undefined) return -1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/**
 * A sorted copy by the request's _sort rules (stable; missing values last whatever the direction). The sort keys
 * (a FHIRPath evaluation each) are computed in chunks, calling `step` between them so a long sort can let other
 * requests run.
 */
export async function sortResources<T extends Resource>(resources: T[], rules: readonly SortRule[], step?: () => Promise<void>): Promise<T[]> {
  if (rules.length === 0) return resources;
  const keyed: { r: T; keys: (string | number | undefined)[] }[] = [];
  for (const r of resources) {
    if (step && keyed.length % 128 === 127) await step();
    keyed.push({ r, keys: rules.map((rule) => sortKey(r, rule)) });
  }
  keyed.sort((x, y) => {
    for (let i = 0; i < rules.length; i++) {
      const a = x.keys[i];
      const b = y.keys[i];
      if (a === undefined || b === undefined) {
        const c = compareKeys(a, b);
        if (c !== 0) return c;
        continue;
      }
      const c = compareKeys(a, b) * (rules[i]?.descending ? -1 : 1);
      if (c !== 0) return c;
    }
    return 0;
  });
  return keyed.map((k) => k.r);
}

/** A copy holding only the elements asked for with _elements (plus id and meta), tagged SUBSETTED. */
export function subset<T extends Resource>(resource: T, fields: readonly string[] | undefined): T {
  if (!fields || fields.length === 0) return resource;
  const keep = new Set(["resourceType", "id", "meta", ...fields]);
  const out = Object.fromEntries(Object.entries(resource).filter(([k]) => keep.has(k))) as T;
  out.meta = {
    ...resource.meta,
    tag: [...(resource.meta?.tag ?? []), { system: "http://terminology.hl7.org/CodeSystem/v3-ObservationValue", code: "SUBSETTED" }],
  };
  return out;
}

export interface Page {
  offset: number;
  count: number;
}

/** _offset and _count as served: _count defaults to DEFAULT_COUNT and is capped at MAX_COUNT. */
export function pageOf(req: SearchRequest): Page {
  const offset = Math.max(0, Number.isFinite(req.offset) ? (req.offset as number) : 0);
  const asked = Number.isFinite(req.count) ? (req.count as number) : DEFAULT_COUNT;
  return { offset, count: Math.min(MAX_COUNT, Math.max(0, asked)) };
}

/** self, first, previous and next links for a page of `total` matches. */
export function pagingLinks(base: string, req: SearchRequest, page: Page, total: number): BundleLink[] {
  const url = (offset: number): string =>
    `${base}/${req.resourceType}${formatSearchQuery({ ...req, offset, count: page.count })}`;
  const links: BundleLink[] = [{ relation: "self", url: url(page.offset) }];
  if (page.count === 0) return links;
  links.push({ relation: "first", url: url(0) });
  if (page.offset > 0) links.push({ relation: "previous", url: url(Math.max(0, page.offset - page.count)) });
  if (page.offset + page.count < total) links.push({ relation: "next", url: url(page.offset + page.count) });
  return links;
}

/** One search per reference (FhirRepository.searchByReference), through whichever repository is given. */
export async function searchEachReference<T extends Resource>(
  repo: { search<R extends Resource>(req: SearchRequest<R>): Promise<Bundle<WithId<R>>> },
  searchRequest: SearchRequest<T>,
  referenceField: string,
  references: string[],
): Promise<Record<string, WithId<T>[]>> {
  const out: Record<string, WithId<T>[]> = {};
  for (const reference of references) {
    const filters = [...(searchRequest.filters ?? []), { code: referenceField, operator: "eq" as const, value: reference }];
    const bundle = await repo.search({ ...searchRequest, filters } as SearchRequest<T>);
    out[reference] = (bundle.entry ?? []).map((e) => e.resource as WithId<T>);
  }
  return out;
}

/**
 * Adds a page's _include/_revinclude resources to `entries`, read through `repo` (the guard, so included resources
 * pass the same checks). At most `max` resources are added; a search that would bring in more is refused with 400
 * too-costly, never silently cut.
 */
export async function addIncluded(repo: FhirRepository, req: SearchRequest, entries: BundleEntry[], baseUrl: string, max: number): Promise<void> {
  const matched = entries.length;
  const refuse = (): never => {
    throw tooCostly(`_include/_revinclude would add more than ${max} resources to this page: ask for a smaller _count or narrow the search`, req.revInclude?.length ? "_revinclude" : "_include");
  };
  try {
    await getExtraEntries(repo, req, entries.map((e) => e.resource as Resource), entries, {
      fullUrl: (type, id) => `${baseUrl}/${type}/${id}`,
      maxResults: matched + max,
      executeSearch: async (sub) => {
        const bundle = await repo.search({ ...sub, count: max, offset: 0 });
        if ((bundle.total ?? 0) > max) refuse();
        return (bundle.entry ?? []).map((e) => e.resource as WithId<Resource>);
      },
    });
  } catch (err) {
    if (err instanceof Error && err.message.includes("reached query scope limit")) refuse();
    throw err;
  }
  if (entries.length - matched > max) refuse();
}
