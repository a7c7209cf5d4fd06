// The access guard: a FhirRepository that applies one token's scopes (scopes.ts) to every operation before it
// reaches the store. The FHIR router runs each request — and each entry of a transaction, each _include and
// _revinclude — through it, so there is no path around it.
import type { Operation, SearchRequest, WithId } from "@medplum/core";
import { FhirRepository } from "@medplum/fhir-router";
import type { CreateResourceOptions, DeleteResourceOptions, ReadHistoryOptions, SearchOptions, UpdateResourceOptions } from "@medplum/fhir-router";
import type { Bundle, Parameters, Reference, Resource } from "@medplum/fhirtypes";
import { isCompartmentType } from "./compartment.ts";
import { readEachReference, readLocalReference } from "./fhir-store.ts";
import type { FhirStore } from "./fhir-store.ts";
import { searchEachReference } from "./fhir-search.ts";
import { fhirError } from "./outcomes.ts";
import { describeScopes, scopeCovers, scopesFor } from "./scopes.ts";
import type { AccessContext, Interaction, ResourceScope } from "./scopes.ts";

const VERB: Record<Interaction, string> = { c: "create", r: "read", u: "update", d: "delete", s: "search" };

export class GuardedRepository extends FhirRepository {
  private readonly store: FhirStore;
  private readonly ctx: AccessContext;

  constructor(store: FhirStore, ctx: AccessContext) {
    super();
    this.store = store;
    this.ctx = ctx;
  }

  setMode(): void {}

  generateId(): string {
    return this.store.generateId();
  }

  /** The scopes granting `interaction` on the type; 403 when there are none. */
  private need(interaction: Interaction, resourceType: string): ResourceScope[] {
    const scopes = scopesFor(this.ctx, interaction, resourceType);
    if (scopes.length === 0) {
      throw fhirError(403, `The access token's scopes do not allow ${VERB[interaction]} on ${resourceType} (granted: ${describeScopes(this.ctx)})`);
    }
    return scopes;
  }

  private covered(scopes: ResourceScope[], resource: Resource, patients: readonly string[], write: boolean): boolean {
    return scopes.some((s) => scopeCovers(s, this.ctx, resource, patients, write));
  }

  private refuse(interaction: Interaction, resource: Resource): never {
    const where = this.ctx.patient ? `the patient in context (Patient/${this.ctx.patient})` : "the launch context (no patient selected)";
    throw fhirError(403, `${VERB[interaction]} ${resource.resourceType}/${resource.id ?? "(new)"} is outside what the token's scopes allow for ${where}`);
  }

  private checkExisting(interaction: Interaction, resource: WithId<Resource>, write: boolean): void {
    const scopes = this.need(interaction, resource.resourceType);
    const patients = this.store.patientsOf(resource.resourceType, resource.id);
    if (!this.covered(scopes, resource, patients, write)) this.refuse(interaction, resource);
  }

  private checkNew(interaction: Interaction, resource: Resource): void {
    const scopes = this.need(interaction, resource.resourceType);
    if (!this.covered(scopes, resource, this.store.patientsFor(resource), true)) this.refuse(interaction, resource);
  }

  // ---- reads -------------------------------------------------------------------------------------------------

  async readResource<T extends Resource>(resourceType: string, id: string): Promise<WithId<T>> {
    this.need("r", resourceType);
    const resource = await this.store.readResource<T>(resourceType, id);
    this.checkExisting("r", resource, false);
    return resource;
  }

  readReference<T extends Resource>(reference: Reference<T>): Promise<WithId<T>> {
    return readLocalReference(this, reference, this.store.baseUrl);
  }

  readReferences<T extends Resource>(references: readonly Reference<T>[]): Promise<(T | Error)[]> {
    return readEachReference(this, references);
  }

  async readHistory<T extends Resource>(resourceType: string, id: string, options?: ReadHistoryOptions): Promise<Bundle<WithId<T>>> {
    const scopes = this.need("r", resourceType);
    const bundle = await this.store.readHistory<T>(resourceType, id, options);
    const patients = this.store.patientsOf(resourceType, id);
    const entry = (bundle.entry ?? []).filter((e) => e.resource && this.covered(scopes, e.resource, patients, false));
    if (entry.length === 0 && (bundle.entry ?? []).length > 0) this.refuse("r", { resourceType, id } as Resource);
    return { ...bundle, entry };
  }

  async readVersion<T extends Resource>(resourceType: string, id: string, vid: string): Promise<WithId<T>> {
    const scopes = this.need("r", resourceType);
    const version = await this.store.readVersion<T>(resourceType, id, vid);
    const current = this.store.peek(resourceType, id);
    const patients = current ? this.store.patientsOf(resourceType, id) : this.store.patientsFor(version);
    if (!this.covered(scopes, version, patients, false)) this.refuse("r", version);
    return version;
  }

  search<T extends Resource>(searchRequest: SearchRequest<T>, _options?: SearchOptions): Promise<Bundle<WithId<T>>> {
    const type = searchRequest.resourceType;
    const scopes = this.need("s", type);
    const patientOnly = scopes.every((s) => s.context === "patient");
    if (patientOnly && isCompartmentType(type) && this.ctx.patient === undefined) {
      throw fhirError(403, `patient/ scopes need a patient in the launch context to search ${type}`);
    }
    return this.store.searchScoped(searchRequest, {
      ...(patientOnly && isCompartmentType(type) && this.ctx.patient !== undefined ? { compartment: this.ctx.patient } : {}),
      allow: (r) => this.covered(scopes, r, this.store.patientsOf(r.resourceType, r.id as string), false),
      includeRepo: this,
    });
  }

  async searchByReference<T extends Resource>(
    searchRequest: SearchRequest<T>,
    referenceField: string,
    references: string[],
  ): Promise<Record<string, WithId<T>[]>> {
    return searchEachReference(this, searchRequest, referenceField, references);
  }

  // ---- writes ------------------------------------------------------------------------------------------------

  createResource<T extends Resource>(resource: T, options?: CreateResourceOptions): Promise<WithId<T>> {
    this.checkNew("c", resource);
    return this.store.createResource(resource, options);
  }

  async updateResource<T extends Resource>(resource: T, options?: UpdateResourceOptions): Promise<WithId<T>> {
    this.need("u", resource.resourceType);
    const existing = resource.id ? this.store.peek(resource.resourceType, resource.id) : undefined;
    if (existing) this.checkExisting("u", existing, true);
    this.checkNew(existing ? "u" : "c", resource);
    return this.store.updateResource(resource, options);
  }

  patchResource<T extends Resource>(
    resourceType: T["resourceType"],
    id: string,
    patch: Operation[] | Parameters,
    options?: UpdateResourceOptions,
  ): Promise<WithId<T>> {
    this.need("u", resourceType);
    const existing = this.store.peek(resourceType, id);
    if (existing) this.checkExisting("u", existing, true);
    return this.store.withTransaction(async () => {
      const patched = await this.store.patchResource<T>(resourceType, id, patch, options);
      this.checkExisting("u", patched, true);
      return patched;
    });
  }

  async deleteResource(resourceType: string, id: string, options?: DeleteResourceOptions): Promise<void> {
    this.need("d", resourceType);
    const existing = this.store.peek(resourceType, id);
    if (existing) this.checkExisting("d", existing, true);
    await this.store.deleteResource(resourceType, id, options);
  }

  withTransaction<TResult>(callback: (repo: this) => Promise<TResult>): Promise<TResult> {
    return this.store.withTransaction(() => callback(this));
  }
}
