// Which patients a resource belongs to (the Patient compartment), and the references a resource holds.
import { evalFhirPath, getSearchParameter } from "@medplum/core";
import type { Resource } from "@medplum/fhirtypes";
import { compartmentParams } from "./definitions.ts";

/** "Patient/123", "http://host/fhir/Patient/123" or "Patient/123/_history/2" → "123"; anything else → undefined. */
export function patientIdOf(reference: string): string | undefined {
  const m = /(?:^|\/)Patient\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/.exec(reference);
  return m?.[1];
}

/** True when resources of this type are patient data (listed with parameters in the Patient compartment). */
export function isCompartmentType(resourceType: string): boolean {
  return resourceType === "Patient" || compartmentParams(resourceType) !== undefined;
}

/**
 * The ids of the patients whose compartment holds this resource, from its own fields: a Patient is in its own
 * compartment (links to other patients are deliberately not followed); other types through the compartment's
 * search parameters (Observation.subject/performer, MedicationRequest.subject, CarePlan.subject/performer, …)
 * and the type's `patient` parameter, so that a search by `patient=` never reaches outside the index.
 */
export function directPatients(resource: Resource): string[] {
  if (resource.resourceType === "Patient") return resource.id ? [resource.id] : [];
  const params = compartmentParams(resource.resourceType);
  if (!params) return [];
  const ids = new Set<string>();
  for (const code of params.includes("patient") ? params : [...params, "patient"]) {
    const sp = getSearchParameter(resource.resourceType, code);
    if (!sp?.expression) continue;
    for (const value of evalFhirPath(sp.expression, resource)) {
      const ref = (value as { reference?: unknown } | undefined)?.reference;
      if (typeof ref === "string") {
        const id = patientIdOf(ref);
        if (id) ids.add(id);
      }
    }
  }
  return [...ids];
}

export interface HeldReference {
  /** Where it sits, e.g. "CarePlan.goal[0].reference". */
  path: string;
  /** The reference as written. */
  reference: string;
}

/** Every literal reference in the resource (contained "#id" and empty ones excluded), with its path. */
export function referencesIn(resource: Resource): HeldReference[] {
  const out: HeldReference[] = [];
  const walk = (value: unknown, path: string): void => {
    if (Array.isArray(value)) {
      value.forEach((v, i) => walk(v, `${path}[${i}]`));
      return;
    }
    if (typeof value !== "object" || value === null) return;
    for (const [key, v] of Object.entries(value)) {
      if (key === "contained") continue;
      if (key === "reference" && typeof v === "string") {
        if (v.length > 0 && !v.startsWith("#")) out.push({ path: `${path}.reference`, reference: v });
      } else {
        walk(v, `${path}.${key}`);
      }
    }
  };
  walk(resource, resource.resourceType);
  return out;
}

/** "Observation/1", "Observation/1/_history/2" or "<base>/Observation/1" → "Observation/1"; else undefined. */
export function localKey(reference: string, base?: string): string | undefined {
  let ref = reference;
  if (base && ref.startsWith(`${base}/`)) ref = ref.slice(base.length + 1);
  const m = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/.exec(ref);
  return m ? `${m[1]}/${m[2]}` : undefined;
}
