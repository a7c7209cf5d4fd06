// The access guard: a FhirRepository that applies one token's scopes (scopes.ts) to every operation before it
// reaches the store. The FHIR router runs each request — and each entry of a transaction, each _include and
// _revinclude, each GraphQL resolver — through it, so there is no path around it. It also spends the request's
// budget (limits.ts): every operation first yields to other requests and checks the time, and what it returns is
// counted against the size budget.
//
// Patient-scoped tokens (only patient/ scopes grant the interaction) additionally:
// - never write a reference to another patient's data, whatever the element (CarePlan.addresses,
//   Observation.hasMember, Provenance.target, an extension…): every Reference of a written resource is checked,
//   and once more at the end of a transaction, when urn:uuid references have become Type/id;
// - never create a Patient (their compartment is the launch patient's);
// - see a resource's history and versions only as far as each version was in the launch patient's compartment
//   (a result moved from another patient keeps that patient's version to itself).
import type { Operation, SearchRequest, WithId } from "@medplum/core";
import { FhirRepository } from "@medplum/fhir-router";
import type { CreateResourceOptions, DeleteResourceOptions, ReadHistoryOptions, SearchOptions, UpdateResourceOptions } from "@medplum/fhir-router";
import type { Bundle, Parameters, Reference, Resource } from "@medplum/fhirtypes";
import { isCompartmentType, localKey, referencesIn } from "./compartment.ts";
import { readEachReference, readLocalReference } from "./fhir-store.ts";
import type { FhirStore } from "./fhir-store.ts";
import { searchEachReference } from "./fhir-search.ts";
import type { RequestBudget } from "./limits.ts";
import { fhirError } from "./outcomes.ts";
import { describeScopes, scopeCovers, scopesFor } from "./scopes.ts";
import type { AccessContext, Interaction, ResourceScope } from "./scopes.ts";

const VERB: Record<Interaction, string> = { c: "create", r: "read", u: "update", d: "delete", s: "search" };

export class GuardedRepository extends FhirRepository {
  private readonly store: FhirStore;
  private readonly ctx: AccessContext;
  private readonly budget: RequestBudget | undefined;

  constructor(store: FhirStore, ctx: AccessContext, budget?: RequestBudget) {
    super();
    this.store = store;
    this.ctx = ctx;
    this.budget = budget;
  }

  /** Before each operation: let other requests run (not inside a transaction), and stop when the time is spent. */
  private async step(): Promise<void> {
    await this.budget?.step();
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
    const where = this.ctx.patient
      ? `the patient in context (Patient/${this.ctx.patient})`
      : this.ctx.userPatients
        ? "the patients on the user's care teams"
        : "the launch context (no patient selected)";
    throw fhirError(403, `${VERB[interaction]} ${resource.resourceType}/${resource.id ?? "(new)"} is outside what the token's scopes allow for ${where}`);
  }

  private checkExisting(interaction: Interaction, resource: WithId<Resource>, write: boolean): void {
    const scopes = this.need(interaction, resource.resourceType);
    const patients = this.store.patientsOf(resource.resourceType, resource.id);
    if (!this.covered(scopes, resource, patients, write)) this.refuse(interaction, resource);
  }

  private checkNew(interaction: Interaction, resource: Resource): void {
    const scopes = this.need(interaction, resource.resourceType);
    if (interaction === "c" && resource.resourceType === "Patient" && onlyPatientScopes(scopes)) {
      throw fhirError(403, "A patient-scoped token cannot create a Patient: its compartment is the patient in context");
    }
    if (!this.covered(scopes, resource, this.store.patientsFor(resource), true)) this.refuse(interaction, resource);
    this.checkLinks(resource);
  }

  /**
   * Under patient/ write scopes only: no Reference in `resource` may point at a resource in another patient's
   * compartment. urn:uuid references are skipped here; withTransaction checks again once they are resolved.
   */
  private checkLinks(resource: Resource): void {
    const writeScopes = [...scopesFor(this.ctx, "c", resource.resourceType), ...scopesFor(this.ctx, "u", resource.resourceType)];
    if (!onlyPatientScopes(writeScopes) || this.ctx.patient === undefined) return;
    for (const { path, reference } of referencesIn(resource)) {
      const key = localKey(reference, this.store.baseUrl);
      if (!key) continue; // urn:uuid (resolved later), another server, or malformed (the store answers 422)
      const [type, id] = key.split("/") as [string, string];
      const others = this.store.patientsOf(type, id).filter((p) => p !== this.ctx.patient);
      if (others.length > 0) {
        throw fhirError(
          403,
          `${path} points to ${key}, which is in another patient's compartment (Patient/${others[0]}): a token for Patient/${this.ctx.patient} cannot link to it`,
          path,
        );
      }
    }
  }

  // ---- reads -------------------------------------------------------------------------------------------------

  async readResource<T extends Resource>(resourceType: string, id: string): Promise<WithId<T>> {
    await this.step();
    this.need("r", resourceType);
    const resource = await this.store.readResource<T>(resourceType, id);
    this.checkExisting("r", resource, false);
    this.budget?.charge(this.store.sizeOf(resourceType, id));
    return resource;
  }

  readReference<T extends Resource>(reference: Reference<T>): Promise<WithId<T>> {
    return readLocalReference(this, reference, this.store.baseUrl);
  }

  readReferences<T extends Resource>(references: readonly Reference<T>[]): Promise<(T | Error)[]> {
    return readEachReference(this, references);
  }

  async readHistory<T extends Resource>(resourceType: string, id: string, options?: ReadHistoryOptions): Promise<Bundle<WithId<T>>> {
    await this.step();
    const scopes = this.need("r", resourceType);
    const all = await this.store.readHistoryScoped<T>(resourceType, id, { offset: 0, limit: 1 }, {});
    const bundle = await this.store.readHistoryScoped<T>(resourceType, id, options, {
      allow: (v) => this.covered(scopes, v, this.store.patientsFor(v), false),
      ...(this.budget ? { budget: this.budget } : {}),
    });
    if (bundle.total === 0 && (all.total ?? 0) > 0) this.refuse("r", { resourceType, id } as Resource);
    return bundle;
  }

  async readVersion<T extends Resource>(resourceType: string, id: string, vid: string): Promise<WithId<T>> {
    await this.step();
    const scopes = this.need("r", resourceType);
    const version = await this.store.readVersion<T>(resourceType, id, vid);
    // the version's own compartment, not the current version's: a resource moved between patients keeps its past
    if (!this.covered(scopes, version, this.store.patientsFor(version), false)) this.refuse("r", version);
    this.budget?.charge(JSON.stringify(version).length);
    return version;
  }

  async search<T extends Resource>(searchRequest: SearchRequest<T>, _options?: SearchOptions): Promise<Bundle<WithId<T>>> {
    await this.step();
    const type = searchRequest.resourceType;
    const scopes = this.need("s", type);
    const patientOnly = onlyPatientScopes(scopes);
    if (patientOnly && isCompartmentType(type) && this.ctx.patient === undefined) {
      throw fhirError(403, `patient/ scopes need a patient in the launch context to search ${type}`);
    }
    return this.store.searchScoped(searchRequest, {
      ...(patientOnly && isCompartmentType(type) && this.ctx.patient !== undefined ? { compartment: this.ctx.patient } : {}),
      allow: (r) => this.covered(scopes, r, this.store.patientsOf(r.resourceType, r.id as string), false),
      includeRepo: this,
      ...(this.budget ? { budget: this.budget } : {}),
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

  async createResource<T extends Resource>(resource: T, options?: CreateResourceOptions): Promise<WithId<T>> {
    await this.step();
    this.checkNew("c", resource);
    return this.store.createResource(resource, options);
  }

  async updateResource<T extends Resource>(resource: T, options?: UpdateResourceOptions): Promise<WithId<T>> {
    await this.step();
    this.need("u", resource.resourceType);
    const existing = resource.id ? this.store.peek(resource.resourceType, resource.id) : undefined;
    if (existing) this.checkExisting("u", existing, true);
    this.checkNew(existing ? "u" : "c", resource);
    return this.store.updateResource(resource, options);
  }

  async patchResource<T extends Resource>(
    resourceType: T["resourceType"],
    id: string,
    patch: Operation[] | Parameters,
    options?: UpdateResourceOptions,
  ): Promise<WithId<T>> {
    await this.step();
    this.need("u", resourceType);
    const existing = this.store.peek(resourceType, id);
    if (existing) this.checkExisting("u", existing, true);
    return this.store.withTransaction(async () => {
      const patched = await this.store.patchResource<T>(resourceType, id, patch, options);
      this.checkExisting("u", patched, true);
      this.checkLinks(patched);
      return patched;
    });
  }

  async deleteResource(resourceType: string, id: string, options?: DeleteResourceOptions): Promise<void> {
    await this.step();
    this.need("d", resourceType);
    const existing = this.store.peek(resourceType, id);
    if (existing) this.checkExisting("d", existing, true);
    await this.store.deleteResource(resourceType, id, options);
  }

  /** A transaction: at its end, every resource it wrote is checked again with its references resolved. */
  withTransaction<TResult>(callback: (repo: this) => Promise<TResult>): Promise<TResult> {
    const run = async (): Promise<TResult> => {
      const result = await callback(this);
      for (const key of this.store.writtenInTransaction()) {
        const [type, id] = key.split("/") as [string, string];
        const written = this.store.peek(type, id);
        if (written) this.checkLinks(written);
      }
      return result;
    };
    return this.store.withTransaction(() => (this.budget ? this.budget.transaction(run) : run()));
  }
}

/** True when patient/ scopes are all that grant it (a user/ scope reaches every patient and is not confined). */
function onlyPatientScopes(scopes: readonly ResourceScope[]): boolean {
  return scopes.length > 0 && scopes.every((s) => s.context === "patient");
}
