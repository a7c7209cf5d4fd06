// The sandbox's FHIR data: an in-memory FhirRepository for @medplum/fhir-router with
// - an index by Patient compartment, so a patient-scoped search looks only at that patient's resources
//   (MemoryRepository scans every resource of the type: ~0.8 ms per resource per search);
// - versions 1, 2, 3… (meta.versionId, ETag), history and vread, tombstones (410 after delete);
// - validation on every write (400 naming the element) and reference checks (422 naming the element);
// - transactions that roll back completely: every write runs inside one, and a failure restores the data;
// - searches that spend the request's budget (limits.ts) as they go: they let other requests run between steps,
//   count the bytes they return, and stop when the budget is spent.
// Access control is not here: see guard.ts, which wraps this store for each request.
import { randomUUID } from "node:crypto";
import { applyPatch, deepClone, matchesSearchRequest } from "@medplum/core";
import type { Operation, SearchRequest, WithId } from "@medplum/core";
import { FhirRepository } from "@medplum/fhir-router";
import type {
  CreateResourceOptions,
  DeleteResourceOptions,
  ReadHistoryOptions,
  SearchOptions,
  UpdateResourceOptions,
} from "@medplum/fhir-router";
import type { Bundle, BundleEntry, Parameters, Reference, Resource } from "@medplum/fhirtypes";
import { directPatients, isCompartmentType, localKey, referencesIn } from "./compartment.ts";
import { addIncluded, checkSearchRequest, namedPatients, pageOf, pagingLinks, searchEachReference, sortResources, subset } from "./fhir-search.ts";
import { tooCostly } from "./limits.ts";
import type { RequestBudget } from "./limits.ts";
import { fhirError } from "./outcomes.ts";
import { cannotMatch } from "./search-prefilter.ts";
import { assertValid } from "./validate.ts";

interface Entry {
  /** Every version, oldest first; the last one is current. */
  versions: WithId<Resource>[];
  deleted: boolean;
  /** Patient ids whose compartment holds the current version. */
  patients: string[];
  /** JSON length of the current version (computed when first needed). */
  bytes?: number;
}

interface Snapshot {
  key: string;
  before: Entry | undefined;
}

/** Extra conditions a caller (the access guard) puts on a search. */
export interface SearchScope {
  /** Only resources in this patient's compartment (for patient-data types). */
  compartment?: string;
  /** Only resources for which this returns true. */
  allow?: (resource: Resource) => boolean;
  /** The repository that resolves _include/_revinclude (so included resources pass the same guard). */
  includeRepo?: FhirRepository;
  /** The request's time and size budget: the search yields to other requests as it goes, and stops when spent. */
  budget?: RequestBudget;
}

/** Candidates matched between two yields to other requests. */
const SEARCH_STEP = 128;

function keyOf(resourceType: string, id: string): string {
  return `${resourceType}/${id}`;
}

export class FhirStore extends FhirRepository {
  /** The FHIR base URL, for fullUrl and paging links ("http://127.0.0.1:PORT/fhir"). */
  baseUrl = "";
  private readonly entries = new Map<string, Entry>();
  private readonly byType = new Map<string, Set<string>>();
  /** patient id → resource type → ids. */
  private readonly byPatient = new Map<string, Map<string, Set<string>>>();
  private journal: Map<string, Snapshot> | undefined;

  setMode(): void {
    // one in-memory store: no reader/writer split
  }

  generateId(): string {
    return randomUUID();
  }

  /** Removes everything. */
  clear(): void {
    this.entries.clear();
    this.byType.clear();
    this.byPatient.clear();
  }

  /** Number of current (not deleted) resources of a type. */
  count(resourceType: string): number {
    return this.byType.get(resourceType)?.size ?? 0;
  }

  /** Current resources of a type (not copies: do not change them). */
  *all(resourceType: string): Iterable<WithId<Resource>> {
    for (const id of this.byType.get(resourceType) ?? []) {
      const e = this.entries.get(keyOf(resourceType, id));
      const current = e?.versions.at(-1);
      if (current && e && !e.deleted) yield current;
    }
  }

  /**
   * Loads resources as they are (ids kept, version 1, no validation): the seed data. Resources with no direct
   * patient reference (a Provenance whose targets are a patient's resources) join their targets' compartments.
   */
  seed(resources: Resource[]): void {
    const now = new Date().toISOString();
    const loaded: string[] = [];
    for (const r of resources) {
      if (!r.id) continue;
      const stored = { ...r, meta: { ...r.meta, versionId: "1", lastUpdated: r.meta?.lastUpdated ?? now } } as WithId<Resource>;
      const key = keyOf(r.resourceType, r.id);
      this.unindex(key);
      this.entries.set(key, { versions: [stored], deleted: false, patients: [] });
      loaded.push(key);
    }
    for (const key of loaded) this.reindex(key, directPatients(this.entries.get(key)?.versions.at(-1) as Resource));
    for (const key of loaded) this.reindexDerived(key);
  }

  // ---- index -------------------------------------------------------------------------------------------------

  private unindex(key: string): void {
    const e = this.entries.get(key);
    if (!e) return;
    const [type, id] = key.split("/") as [string, string];
    this.byType.get(type)?.delete(id);
    for (const p of e.patients) this.byPatient.get(p)?.get(type)?.delete(id);
  }

  private reindex(key: string, patients: string[]): void {
    const e = this.entries.get(key);
    if (!e) return;
    this.unindex(key);
    const [type, id] = key.split("/") as [string, string];
    e.patients = e.deleted ? [] : patients;
    if (e.deleted) return;
    let ids = this.byType.get(type);
    if (!ids) this.byType.set(type, (ids = new Set()));
    ids.add(id);
    for (const p of e.patients) {
      let types = this.byPatient.get(p);
      if (!types) this.byPatient.set(p, (types = new Map()));
      let pids = types.get(type);
      if (!pids) types.set(type, (pids = new Set()));
      pids.add(id);
    }
  }

  /** Patient data with no patient reference of its own belongs to the patients of the resources it points at. */
  private reindexDerived(key: string): void {
    const e = this.entries.get(key);
    const current = e?.versions.at(-1);
    if (!e || !current || e.deleted || e.patients.length > 0) return;
    if (!isCompartmentType(current.resourceType) || current.resourceType === "Patient") return;
    const patients = new Set<string>();
    for (const ref of referencesIn(current)) {
      const target = localKey(ref.reference, this.baseUrl);
      for (const p of (target && this.entries.get(target)?.patients) || []) patients.add(p);
    }
    if (patients.size > 0) this.reindex(key, [...patients]);
  }

  /** The patient ids whose compartment holds this resource ([] for shared resources such as Medication). */
  patientsOf(resourceType: string, id: string): string[] {
    return this.entries.get(keyOf(resourceType, id))?.patients ?? [];
  }

  /** What a resource would belong to if written now (derived from its targets when it has no patient field). */
  patientsFor(resource: Resource): string[] {
    const direct = directPatients(resource);
    if (direct.length > 0 || !isCompartmentType(resource.resourceType) || resource.resourceType === "Patient") return direct;
    const patients = new Set<string>();
    for (const ref of referencesIn(resource)) {
      const target = localKey(ref.reference, this.baseUrl);
      for (const p of (target && this.entries.get(target)?.patients) || []) patients.add(p);
    }
    return [...patients];
  }

  // ---- transactions ------------------------------------------------------------------------------------------

  /** Runs `callback` so that either all its writes stay or none does. Nested calls join the outer transaction. */
  async withTransaction<TResult>(callback: (repo: this) => Promise<TResult>): Promise<TResult> {
    if (this.journal) return callback(this);
    this.journal = new Map();
    try {
      const result = await callback(this);
      this.commitChecks();
      return result;
    } catch (err) {
      this.rollback();
      throw err;
    } finally {
      this.journal = undefined;
    }
  }

  /** "Type/id" of every resource written so far in the running transaction. */
  writtenInTransaction(): string[] {
    return [...(this.journal?.keys() ?? [])];
  }

  /** The JSON length of a resource's current version (what serving it costs). */
  sizeOf(resourceType: string, id: string): number {
    const e = this.entries.get(keyOf(resourceType, id));
    const current = e?.versions.at(-1);
    if (!e || !current) return 0;
    return (e.bytes ??= JSON.stringify(current).length);
  }

  private remember(key: string): void {
    if (!this.journal || this.journal.has(key)) return;
    const e = this.entries.get(key);
    this.journal.set(key, { key, before: e ? { versions: [...e.versions], deleted: e.deleted, patients: [...e.patients] } : undefined });
  }

  private rollback(): void {
    const snapshots = [...(this.journal?.values() ?? [])].reverse();
    for (const s of snapshots) {
      this.unindex(s.key);
      if (s.before) {
        this.entries.set(s.key, { ...s.before, patients: [] });
        this.reindex(s.key, s.before.patients);
      } else {
        this.entries.delete(s.key);
      }
    }
  }

  /** At commit: compartments of resources that point at others, and every reference must resolve (422). */
  private commitChecks(): void {
    const keys = [...(this.journal?.keys() ?? [])];
    for (const key of keys) this.reindexDerived(key);
    for (const key of keys) {
      const e = this.entries.get(key);
      const current = e?.versions.at(-1);
      if (!e || !current || e.deleted) continue;
      this.checkReferences(current);
    }
  }

  private checkReferences(resource: Resource): void {
    for (const { path, reference } of referencesIn(resource)) {
      if (reference.startsWith("urn:uuid:") || reference.startsWith("urn:oid:")) {
        throw fhirError(422, `${path} is "${reference}", which no entry of the transaction defines`, path);
      }
      const isAbsolute = /^https?:\/\//.test(reference);
      if (isAbsolute && !(this.baseUrl && reference.startsWith(`${this.baseUrl}/`))) continue; // another server
      const key = localKey(reference, this.baseUrl);
      if (!key) throw fhirError(422, `${path} is "${reference}", not a reference of the form Type/id`, path);
      const target = this.entries.get(key);
      if (!target || target.deleted) throw fhirError(422, `${path} points to ${key}, which does not exist on this server`, path);
    }
  }

  private write<T>(op: () => T): Promise<T> {
    return this.withTransaction(async () => op());
  }

  private store(resource: Resource, id: string, previous: Entry | undefined): WithId<Resource> {
    const versionId = String((previous?.versions.length ?? 0) + 1);
    const stored = { ...deepClone(resource), id, meta: { ...resource.meta, versionId, lastUpdated: new Date().toISOString() } } as WithId<Resource>;
    const key = keyOf(resource.resourceType, id);
    this.remember(key);
    this.unindex(key);
    const entry: Entry = { versions: [...(previous?.versions ?? []), stored], deleted: false, patients: [] };
    this.entries.set(key, entry);
    this.reindex(key, this.patientsFor(stored));
    return deepClone(stored);
  }

  // ---- CRUD --------------------------------------------------------------------------------------------------

  createResource<T extends Resource>(resource: T, options?: CreateResourceOptions): Promise<WithId<T>> {
    return this.write(() => {
      assertValid(resource);
      const id = options?.assignedId && resource.id ? resource.id : this.generateId();
      const existing = this.entries.get(keyOf(resource.resourceType, id));
      if (existing) throw fhirError(409, `${resource.resourceType}/${id} already exists`, `${resource.resourceType}.id`);
      return this.store(resource, id, undefined) as WithId<T>;
    });
  }

  updateResource<T extends Resource>(resource: T, options?: UpdateResourceOptions): Promise<WithId<T>> {
    return this.write(() => {
      assertValid(resource);
      if (!resource.id) throw fhirError(400, "An update needs the resource id", `${resource.resourceType}.id`);
      const existing = this.entries.get(keyOf(resource.resourceType, resource.id));
      const current = existing?.versions.at(-1);
      if (options?.ifMatch !== undefined) {
        if (!current) throw fhirError(412, `If-Match: ${resource.resourceType}/${resource.id} does not exist`);
        if (current.meta?.versionId !== options.ifMatch) {
          throw fhirError(
            412,
            `If-Match: version ${options.ifMatch} is not the current version of ${resource.resourceType}/${resource.id} (current: ${current.meta?.versionId}${existing?.deleted ? ", deleted" : ""})`,
          );
        }
      }
      return this.store(resource, resource.id, existing) as WithId<T>;
    });
  }

  async patchResource<T extends Resource>(
    resourceType: T["resourceType"],
    id: string,
    patch: Operation[] | Parameters,
    options?: UpdateResourceOptions,
  ): Promise<WithId<T>> {
    if (!Array.isArray(patch)) throw fhirError(400, "Only JSON Patch (application/json-patch+json) is supported");
    const resource = await this.readResource<T>(resourceType, id);
    const errors = applyPatch(resource, patch).filter(Boolean);
    if (errors.length > 0) throw fhirError(400, `Patch failed: ${errors.map((e) => (e as Error).message).join("; ")}`);
    return this.updateResource(resource, { ifMatch: options?.ifMatch ?? (resource.meta?.versionId as string) });
  }

  deleteResource(resourceType: string, id: string, options?: DeleteResourceOptions): Promise<void> {
    return this.write(() => {
      const key = keyOf(resourceType, id);
      const e = this.entries.get(key);
      const current = e?.versions.at(-1);
      if (!e || !current || e.deleted) throw fhirError(404, `${key} does not exist`);
      if (options?.ifMatch !== undefined && current.meta?.versionId !== options.ifMatch) {
        throw fhirError(412, `If-Match: version ${options.ifMatch} is not the current version of ${key}`);
      }
      this.remember(key);
      this.unindex(key);
      this.entries.set(key, { versions: [...e.versions], deleted: true, patients: [] });
    });
  }

  async readResource<T extends Resource>(resourceType: string, id: string): Promise<WithId<T>> {
    const key = keyOf(resourceType, id);
    const e = this.entries.get(key);
    const current = e?.versions.at(-1);
    if (!e || !current) throw fhirError(404, `${key} does not exist`);
    if (e.deleted) throw fhirError(410, `${key} was deleted`);
    return deepClone(current) as WithId<T>;
  }

  /** The current version without copying or checks (for the guard's decisions), or undefined. */
  peek(resourceType: string, id: string): WithId<Resource> | undefined {
    const e = this.entries.get(keyOf(resourceType, id));
    return e && !e.deleted ? e.versions.at(-1) : undefined;
  }

  readReference<T extends Resource>(reference: Reference<T>): Promise<WithId<T>> {
    return readLocalReference(this, reference, this.baseUrl);
  }

  readReferences<T extends Resource>(references: readonly Reference<T>[]): Promise<(T | Error)[]> {
    return readEachReference(this, references);
  }

  readHistory<T extends Resource>(resourceType: string, id: string, options?: ReadHistoryOptions): Promise<Bundle<WithId<T>>> {
    return this.readHistoryScoped(resourceType, id, options, {});
  }

  /**
   * The history Bundle (newest first) of the versions `scope.allow` lets through, each seen as it was written:
   * `total` and the page count only those, and so give nothing away about the others.
   */
  async readHistoryScoped<T extends Resource>(resourceType: string, id: string, options: ReadHistoryOptions | undefined, scope: SearchScope): Promise<Bundle<WithId<T>>> {
    const key = keyOf(resourceType, id);
    const e = this.entries.get(key);
    if (!e) throw fhirError(404, `${key} does not exist`);
    const visible = [...e.versions].reverse().filter((v) => !scope.allow || scope.allow(v));
    const offset = Math.max(0, options?.offset ?? 0);
    const page = visible.slice(offset, offset + Math.min(1000, Math.max(0, options?.limit ?? 100)));
    return {
      resourceType: "Bundle",
      type: "history",
      total: visible.length,
      entry: page.map((v) => {
        scope.budget?.charge(JSON.stringify(v).length);
        return { fullUrl: `${this.baseUrl}/${key}`, resource: deepClone(v) as WithId<T> };
      }),
    };
  }

  async readVersion<T extends Resource>(resourceType: string, id: string, vid: string): Promise<WithId<T>> {
    const key = keyOf(resourceType, id);
    const version = this.entries.get(key)?.versions.find((v) => v.meta?.versionId === vid);
    if (!version) throw fhirError(404, `${key} has no version ${vid}`);
    return deepClone(version) as WithId<T>;
  }

  // ---- search ------------------------------------------------------------------------------------------------

  search<T extends Resource>(searchRequest: SearchRequest<T>, _options?: SearchOptions): Promise<Bundle<WithId<T>>> {
    return this.searchScoped(searchRequest, {});
  }

  /** The candidates: all of the type, or only the named patients' / the scope's compartment. */
  private candidates(req: SearchRequest, scope: SearchScope): Iterable<string> {
    const type = req.resourceType;
    const all = this.byType.get(type) ?? new Set<string>();
    let patients = namedPatients(req);
    if (scope.compartment !== undefined && isCompartmentType(type)) {
      patients = patients ? patients.filter((p) => p === scope.compartment) : [scope.compartment];
    }
    if (!patients) return all;
    const ids = new Set<string>();
    for (const p of patients) for (const id of this.byPatient.get(p)?.get(type) ?? []) ids.add(id);
    return ids;
  }

  async searchScoped<T extends Resource>(req: SearchRequest<T>, scope: SearchScope): Promise<Bundle<WithId<T>>> {
    checkSearchRequest(req);
    const budget = scope.budget;
    const includes = (req.include?.length ?? 0) + (req.revInclude?.length ?? 0);
    if (budget && includes > budget.limits.maxIncludeParams) {
      throw tooCostly(`The search has ${includes} _include/_revinclude parameters; the sandbox takes at most ${budget.limits.maxIncludeParams}`, "_include");
    }
    const filterOnly: SearchRequest = { resourceType: req.resourceType, filters: req.filters ?? [] };
    const matches: WithId<Resource>[] = [];
    let n = 0;
    for (const id of [...this.candidates(req, scope)]) {
      if (budget && ++n % SEARCH_STEP === 0) await budget.step();
      const r = this.entries.get(keyOf(req.resourceType, id))?.versions.at(-1);
      if (r && !cannotMatch(r, filterOnly.filters!) && matchesSearchRequest(r, filterOnly) && (!scope.allow || scope.allow(r))) matches.push(r);
    }
    const sorted = await sortResources(matches, req.sortRules ?? [], budget && (() => budget.step()));
    const page = pageOf(req);
    const entries: BundleEntry[] = [];
    for (const r of sorted.slice(page.offset, page.offset + page.count)) {
      if (budget && entries.length % SEARCH_STEP === SEARCH_STEP - 1) await budget.step();
      budget?.charge(this.sizeOf(r.resourceType, r.id));
      entries.push({ fullUrl: `${this.baseUrl}/${r.resourceType}/${r.id}`, resource: subset(deepClone(r), req.fields), search: { mode: "match" } });
    }
    if (includes > 0 && entries.length > 0) {
      await addIncluded(scope.includeRepo ?? this, req, entries, this.baseUrl, scope.budget?.limits.maxIncluded ?? 1000);
    }
    return {
      resourceType: "Bundle",
      type: "searchset",
      total: matches.length,
      link: pagingLinks(this.baseUrl, req, page, matches.length),
      ...(entries.length > 0 ? { entry: entries as BundleEntry<WithId<T>>[] } : {}),
    };
  }

  async searchByReference<T extends Resource>(
    searchRequest: SearchRequest<T>,
    referenceField: string,
    references: string[],
  ): Promise<Record<string, WithId<T>[]>> {
    return searchEachReference(this, searchRequest, referenceField, references);
  }
}


/** Reads "Type/id" (relative, or absolute on this server) through whichever repository is given. */
export function readLocalReference<T extends Resource>(
  repo: { readResource<R extends Resource>(type: string, id: string): Promise<WithId<R>> },
  reference: Reference<T>,
  baseUrl: string,
): Promise<WithId<T>> {
  const key = localKey(reference.reference ?? "", baseUrl);
  if (!key) return Promise.reject(fhirError(400, `Not a local reference: ${reference.reference ?? "(empty)"}`));
  const [type, id] = key.split("/") as [string, string];
  return repo.readResource<T>(type, id);
}

/** FhirRepository.readReferences: each reference read, a failure in place of its resource. */
export function readEachReference<T extends Resource>(
  repo: { readReference<R extends Resource>(reference: Reference<R>): Promise<WithId<R>> },
  references: readonly Reference<T>[],
): Promise<(T | Error)[]> {
  return Promise.all(references.map((r) => repo.readReference(r).catch((err: unknown) => err as Error)));
}
