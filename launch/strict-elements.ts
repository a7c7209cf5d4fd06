// The element names of a resource, checked against the R4 structure definitions: the check @medplum/core's
// validator misses.
//
// Why it misses them: its "Invalid additional property" test is `name in elements`, which walks the prototype
// chain, so valueOf, isPrototypeOf, constructor, toString, hasOwnProperty, __proto__… pass as if FHIR defined them
// (and "valueOf" even reads as a choice of value[x]); and two choices of one element (valueString and valueBoolean)
// are only a warning there. Here every own property of every object must be an element of its type, looked up
// with Object.hasOwn, and a choice element ([x]) may appear once, in one type.
import { tryGetDataType } from "@medplum/core";
import type { InternalSchemaElement, InternalTypeSchema } from "@medplum/core";
import type { OperationOutcomeIssue, Resource } from "@medplum/fhirtypes";

interface Resolved {
  element: InternalSchemaElement;
  /** The element's key in the schema ("value[x]" for valueString). */
  key: string;
  /** The type of this value (for a choice, the chosen one). */
  type: string | undefined;
  choice: boolean;
}

function issue(path: string, text: string): OperationOutcomeIssue {
  return { severity: "error", code: "structure", details: { text }, expression: [path] };
}

const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** The element a property name stands for: its own name, or a choice element's prefix + a type it allows. */
function resolve(schema: InternalTypeSchema, name: string): Resolved | undefined {
  const elements = schema.elements;
  if (Object.hasOwn(elements, name)) {
    const element = elements[name] as InternalSchemaElement;
    return { element, key: name, type: element.type.length === 1 ? element.type[0]?.code : undefined, choice: false };
  }
  for (const key of Object.keys(elements)) {
    if (!key.endsWith("[x]")) continue;
    const prefix = key.slice(0, -3);
    if (!name.startsWith(prefix)) continue;
    const element = elements[key] as InternalSchemaElement;
    const chosen = element.type.find((t) => capitalize(t.code) === name.slice(prefix.length));
    if (chosen) return { element, key, type: chosen.code, choice: true };
  }
  return undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

class ElementChecker {
  readonly issues: OperationOutcomeIssue[] = [];
  /** The schemas of the resources being walked, innermost last (backbone types are their inner types). */
  private readonly resources: InternalTypeSchema[] = [];

  private schemaOf(type: string): InternalTypeSchema | undefined {
    for (let i = this.resources.length - 1; i >= 0; i--) {
      const inner = this.resources[i]?.innerTypes.find((t) => t.name === type);
      if (inner) return inner;
    }
    return tryGetDataType(type);
  }

  resource(value: Record<string, unknown>, path: string): void {
    const type = value.resourceType;
    const schema = typeof type === "string" ? tryGetDataType(type) : undefined;
    if (!schema || schema.kind !== "resource") return; // an unknown resourceType is the validator's to report
    this.resources.push(schema);
    try {
      this.object(value, schema, path);
    } finally {
      this.resources.pop();
    }
  }

  private object(value: Record<string, unknown>, schema: InternalTypeSchema, path: string): void {
    const choices = new Map<string, string>();
    for (const name of Object.keys(value)) {
      if (name === "resourceType" && schema.kind === "resource") continue;
      const extension = name.startsWith("_"); // _valueString: the id and extensions of a primitive
      const base = extension ? name.slice(1) : name;
      const where = `${path}.${name}`;
      const resolved = resolve(schema, base);
      if (!resolved) {
        this.issues.push(issue(where, `Unknown element "${name}": ${schema.name} has no such element`));
        continue;
      }
      if (resolved.choice && !extension) {
        const earlier = choices.get(resolved.key);
        if (earlier) {
          this.issues.push(issue(where, `${schema.name}.${resolved.key} appears twice ("${earlier}" and "${name}"); a choice element takes one type`));
          continue;
        }
        choices.set(resolved.key, name);
      }
      this.value(value[name], extension ? "Element" : resolved.type, where);
    }
  }

  private value(value: unknown, type: string | undefined, path: string): void {
    if (Array.isArray(value)) {
      value.forEach((v, i) => this.value(v, type, `${path}[${i}]`));
      return;
    }
    if (!isObject(value) || !type) return; // primitives (and nulls in primitive-extension arrays) are the validator's
    if (type === "Resource" || type === "DomainResource") {
      this.resource(value, path);
      return;
    }
    const schema = this.schemaOf(type);
    if (!schema || schema.kind === "primitive-type") return;
    this.object(value, schema, path);
  }
}

/** Every property that is not an element of its type, and every choice element given twice. */
export function elementProblems(resource: Resource): OperationOutcomeIssue[] {
  const checker = new ElementChecker();
  checker.resource(resource as unknown as Record<string, unknown>, resource.resourceType);
  return checker.issues;
}
