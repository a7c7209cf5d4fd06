// Which patients a resource (or a transaction Bundle) about to be written refers to. Small on purpose: the app's
// FHIR door (src/app/fhir-api.ts) uses it on every write, and it is in the first JavaScript the app page loads.
import { typeAndId } from "./record.ts";

/** "Patient/ID" out of a reference: relative, absolute or versioned ("…/Patient/ID/_history/2"); null otherwise. */
export function patientOf(reference: string): string | null {
  const target = typeAndId(reference);
  return target?.type === "Patient" ? `Patient/${target.id}` : null;
}

/**
 * Every reference to another patient than `patient` ("Patient/ID") anywhere in what is about to be written (a
 * resource or a transaction Bundle: subject, patient, performer, author, agent…), as "where → whom" lines, e.g.
 * "CarePlan.subject → Patient/other". Empty when everything written is about `patient` (or about no patient).
 */
export function otherPatientReferences(body: unknown, patient: string): string[] {
  const found: string[] = [];
  const stack: { value: unknown; path: string }[] = [{ value: body, path: "" }];
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], path: `${path}[${i}]` });
      continue;
    }
    if (typeof value !== "object" || value === null) continue;
    const record = value as Record<string, unknown>;
    // Paths start again at each resource: "Goal.subject", not "entry[1].resource.subject".
    const here = typeof record.resourceType === "string" ? record.resourceType : path;
    if (typeof record.reference === "string") {
      const whom = patientOf(record.reference);
      if (whom !== null && whom !== patient) found.push(`${here} → ${whom}`);
    }
    const keys = Object.keys(record);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i]!;
      if (key !== "reference") stack.push({ value: record[key], path: key === "resource" ? "" : here ? `${here}.${key}` : key });
    }
  }
  return found;
}
