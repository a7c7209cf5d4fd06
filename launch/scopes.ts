// SMART App Launch scopes (v1 and v2) and the access rules the sandbox enforces with them.
//
// v1: patient/Observation.read, user/*.write, patient/*.*          (read = r+s, write = c+u+d, * = all)
// v2: patient/Observation.rs, user/*.cruds, patient/Observation.rs?category=http://…|laboratory
//
// Rules (guard.ts applies them to every FHIR request, transaction entries and _include/_revinclude included):
// 1. The interaction (c r u d s) must be granted for the resource type by some scope, else 403.
// 2. user/ and system/ scopes reach every resource of the type, except for a user whose access is limited to their
//    care teams (users.json "access": "care-team", e.g. the care coordinator): their user/ scopes reach only the
//    compartments of the patients on an active CareTeam they take part in (AccessContext.userPatients).
// 3. patient/ scopes reach only the launch patient's compartment. Resource types outside the Patient compartment
//    (Medication, Practitioner, Organization, Location, …) can be read and searched but not written. Without a
//    patient in the launch context, patient/ scopes reach nothing.
// 4. A v2 scope with a query (…rs?category=laboratory) reaches only resources that match the query.
import { isResourceType, matchesSearchRequest, parseSearchRequest } from "@medplum/core";
import type { SearchRequest } from "@medplum/core";
import type { Resource } from "@medplum/fhirtypes";
import { isCompartmentType } from "./compartment.ts";

export type Interaction = "c" | "r" | "u" | "d" | "s";
export type ScopeContext = "patient" | "user" | "system";

export interface ResourceScope {
  raw: string;
  context: ScopeContext;
  /** A resource type or "*". */
  resourceType: string;
  interactions: ReadonlySet<Interaction>;
  /** v2 granular scope: the resource must match this search. */
  query?: SearchRequest;
  version: 1 | 2;
}

export interface ParsedScopes {
  resources: ResourceScope[];
  openid: boolean;
  fhirUser: boolean;
  profile: boolean;
  /** "launch" (EHR launch context). */
  launch: boolean;
  /** "launch/patient" (standalone: pick a patient). */
  launchPatient: boolean;
  offlineAccess: boolean;
  onlineAccess: boolean;
  /** Scopes the sandbox does not know; they are not granted. */
  unknown: string[];
}

const V1 = /^(patient|user|system)\/(\*|[A-Z][A-Za-z]+)\.(read|write|\*)$/;
const V2 = /^(patient|user|system)\/(\*|[A-Z][A-Za-z]+)\.(c?r?u?d?s?)(\?.+)?$/;
const V1_OPS: Record<string, Interaction[]> = { read: ["r", "s"], write: ["c", "u", "d"], "*": ["c", "r", "u", "d", "s"] };
const SIMPLE = new Set(["openid", "fhirUser", "profile", "launch", "launch/patient", "launch/encounter", "offline_access", "online_access"]);

export function parseScope(raw: string): ResourceScope | undefined {
  const v1 = V1.exec(raw);
  if (v1) {
    const [, context, resourceType, ops] = v1 as unknown as [string, ScopeContext, string, string];
    if (resourceType !== "*" && !isResourceType(resourceType)) return undefined;
    return { raw, context, resourceType, interactions: new Set(V1_OPS[ops]), version: 1 };
  }
  const v2 = V2.exec(raw);
  if (!v2 || !v2[3]) return undefined;
  const [, context, resourceType, ops, query] = v2 as unknown as [string, ScopeContext, string, string, string | undefined];
  if (resourceType !== "*" && !isResourceType(resourceType)) return undefined;
  let parsedQuery: SearchRequest | undefined;
  if (query) {
    if (resourceType === "*") return undefined;
    try {
      parsedQuery = parseSearchRequest(resourceType as Resource["resourceType"], Object.fromEntries(new URLSearchParams(query.slice(1))));
    } catch {
      return undefined;
    }
  }
  return {
    raw,
    context,
    resourceType,
    interactions: new Set(ops.split("") as Interaction[]),
    ...(parsedQuery ? { query: parsedQuery } : {}),
    version: 2,
  };
}

export function parseScopes(scope: string | undefined): ParsedScopes {
  const words = (scope ?? "").split(/\s+/).filter(Boolean);
  const out: ParsedScopes = {
    resources: [],
    openid: false,
    fhirUser: false,
    profile: false,
    launch: false,
    launchPatient: false,
    offlineAccess: false,
    onlineAccess: false,
    unknown: [],
  };
  for (const w of words) {
    if (SIMPLE.has(w)) {
      if (w === "openid") out.openid = true;
      else if (w === "fhirUser") out.fhirUser = true;
      else if (w === "profile") out.profile = true;
      else if (w === "launch") out.launch = true;
      else if (w === "launch/patient") out.launchPatient = true;
      else if (w === "offline_access") out.offlineAccess = true;
      else if (w === "online_access") out.onlineAccess = true;
      continue;
    }
    const rs = parseScope(w);
    if (rs && rs.context !== "system") out.resources.push(rs);
    else out.unknown.push(w);
  }
  return out;
}

/** The granted scope string: the known scopes, in the order asked. */
export function grantedScope(scope: string | undefined): string {
  const parsed = parseScopes(scope);
  const unknown = new Set(parsed.unknown);
  return (scope ?? "").split(/\s+/).filter((w) => w && !unknown.has(w) && w !== "launch/encounter").join(" ");
}

export interface AccessContext {
  scopes: readonly ResourceScope[];
  /** The launch patient's id, when there is one. */
  patient?: string;
  /**
   * For a user whose access is limited to their care teams: whether a patient is on one of them. user/ scopes then
   * reach only those patients' compartments (resources outside the Patient compartment stay readable).
   */
  userPatients?: (patientId: string) => boolean;
}

/** Scopes granting this interaction on this type. */
export function scopesFor(ctx: AccessContext, interaction: Interaction, resourceType: string): ResourceScope[] {
  return ctx.scopes.filter((s) => (s.resourceType === "*" || s.resourceType === resourceType) && s.interactions.has(interaction));
}

/**
 * Whether one scope reaches one resource, given the patients whose compartment holds it (for a write: the
 * patients it would belong to). Writes under a patient scope must stay wholly inside the launch patient.
 */
export function scopeCovers(scope: ResourceScope, ctx: AccessContext, resource: Resource, patients: readonly string[], write: boolean): boolean {
  if (scope.query && !matchesSearchRequest(resource, scope.query)) return false;
  if (scope.context === "user" && ctx.userPatients && isCompartmentType(resource.resourceType)) {
    const allowed = ctx.userPatients;
    return write ? patients.length > 0 && patients.every(allowed) : patients.some(allowed);
  }
  if (scope.context !== "patient") return true;
  if (!isCompartmentType(resource.resourceType)) return !write;
  if (ctx.patient === undefined) return false;
  return write ? patients.length > 0 && patients.every((p) => p === ctx.patient) : patients.includes(ctx.patient);
}

export function describeScopes(ctx: AccessContext): string {
  return ctx.scopes.map((s) => s.raw).join(" ") || "(no resource scopes)";
}
