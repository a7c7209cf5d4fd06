// Checks a resource against the differential of a profile (no snapshot needed): cardinality (min/max, per parent
// instance), fixed[x] and pattern[x] values, type choices on [x], slices by pattern or extension URL, required
// bindings to ValueSets we hold, and constraints (FHIRPath, with @medplum/core). Returns the problems, [] when it
// conforms. Enough for the profiles this project publishes, not a general validator.
import { evalFhirPath } from "@medplum/core";
import type { CodeSystem, ElementDefinition, StructureDefinition, ValueSet } from "fhir/r4.js";

type Node = unknown;

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);

/** `pattern` is contained in `value`: every property of the pattern is in the value; arrays: each pattern item matches some value item. */
export function matchesPattern(value: unknown, pattern: unknown): boolean {
  if (Array.isArray(pattern)) return Array.isArray(value) && pattern.every((p) => value.some((v) => matchesPattern(v, p)));
  if (isObject(pattern)) return isObject(value) && Object.entries(pattern).every(([k, p]) => matchesPattern(value[k], p));
  return value === pattern;
}

function prefixed(e: ElementDefinition, prefix: "fixed" | "pattern"): [string, unknown] | undefined {
  const key = Object.keys(e).find((k) => k.startsWith(prefix) && k.length > prefix.length);
  return key ? [key, (e as unknown as Record<string, unknown>)[key]] : undefined;
}

function children(node: Node, name: string): { value: unknown; type?: string }[] {
  if (!isObject(node)) return [];
  const out: { value: unknown; type?: string }[] = [];
  const push = (v: unknown, type?: string) => {
    for (const x of Array.isArray(v) ? v : [v]) out.push(type ? { value: x, type } : { value: x });
  };
  if (name.endsWith("[x]")) {
    const base = name.slice(0, -3);
    for (const [k, v] of Object.entries(node)) if (k.startsWith(base) && /^[A-Z]/.test(k.slice(base.length))) push(v, k.slice(base.length));
  } else if (node[name] !== undefined) push(node[name]);
  return out;
}

export interface ProfileContext {
  /** ValueSets by URL, for required bindings (codes listed in compose.include[].concept, or a whole CodeSystem). */
  valueSets: Map<string, ValueSet>;
  /** CodeSystems by URL, for a ValueSet that includes a whole system. */
  codeSystems: Map<string, CodeSystem>;
}

function inValueSet(vs: ValueSet, system: string | undefined, code: unknown, ctx: ProfileContext): boolean {
  return (vs.compose?.include ?? []).some((inc) => {
    if (system !== undefined && inc.system !== system) return false;
    const concepts = inc.concept ?? (inc.system ? ctx.codeSystems.get(inc.system)?.concept : undefined) ?? [];
    return concepts.some((c) => c.code === code);
  });
}

export function checkProfile(resource: Record<string, unknown>, sd: StructureDefinition, ctx: ProfileContext): string[] {
  const elements = sd.differential?.element ?? [];
  const byId = new Map(elements.map((e) => [e.id ?? e.path, e]));
  const problems: string[] = [];

  /** The instances an element id points at (slices filtered by their pattern or extension profile). */
  const resolve = (id: string): { value: unknown; type?: string }[] => {
    const segments = id.split(".");
    let nodes: { value: unknown; type?: string }[] = [{ value: resource }];
    for (let i = 1; i < segments.length; i++) nodes = nodes.flatMap((n) => step(n.value, segments.slice(0, i + 1).join(".")));
    return nodes;
  };
  const step = (parent: unknown, id: string): { value: unknown; type?: string }[] => {
    const last = id.split(".").at(-1)!;
    const [name, slice] = last.split(":") as [string, string | undefined];
    const all = children(parent, name);
    if (!slice) return all;
    const e = byId.get(id);
    const pattern = e ? prefixed(e, "pattern") ?? prefixed(e, "fixed") : undefined;
    const profileUrl = e?.type?.[0]?.profile?.[0];
    return all.filter((c) => (pattern ? matchesPattern(c.value, pattern[1]) : profileUrl ? isObject(c.value) && c.value.url === profileUrl : true));
  };

  for (const e of elements) {
    const id = e.id ?? e.path;
    const segments = id.split(".");
    if (segments.length === 1) {
      for (const c of e.constraint ?? []) {
        if (!c.expression) continue;
        const result = evalFhirPath(c.expression, resource);
        if (!(result.length === 1 && result[0] === true)) problems.push(`${c.key}: ${c.human}`);
      }
      continue;
    }
    const parents = resolve(segments.slice(0, -1).join("."));
    for (const p of parents) {
      const found = step(p.value, id);
      if (e.min !== undefined && found.length < e.min) problems.push(`${id}: ${found.length} found, min ${e.min}`);
      if (e.max !== undefined && e.max !== "*" && found.length > Number(e.max)) problems.push(`${id}: ${found.length} found, max ${e.max}`);
      for (const f of found) {
        const fixed = prefixed(e, "fixed");
        if (fixed && JSON.stringify(f.value) !== JSON.stringify(fixed[1])) problems.push(`${id}: ${JSON.stringify(f.value)} is not the fixed ${JSON.stringify(fixed[1])}`);
        const pattern = prefixed(e, "pattern");
        if (pattern && !matchesPattern(f.value, pattern[1])) problems.push(`${id}: ${JSON.stringify(f.value)} does not match ${JSON.stringify(pattern[1])}`);
        if (f.type && e.type && !e.type.some((t) => t.code.toLowerCase() === f.type!.toLowerCase())) problems.push(`${id}: type ${f.type} not allowed (${e.type.map((t) => t.code).join(", ")})`);
        if (e.binding?.strength === "required" && e.binding.valueSet) {
          const vs = ctx.valueSets.get(e.binding.valueSet);
          if (!vs) problems.push(`${id}: ValueSet ${e.binding.valueSet} not available`);
          else if (isObject(f.value) && Array.isArray(f.value.coding)) {
            if (!f.value.coding.some((c: { system?: string; code?: string }) => inValueSet(vs, c.system, c.code, ctx))) problems.push(`${id}: no coding from ${e.binding.valueSet}`);
          } else if (typeof f.value === "string" && !inValueSet(vs, undefined, f.value, ctx)) problems.push(`${id}: ${f.value} is not in ${e.binding.valueSet}`);
        }
      }
    }
  }
  return problems;
}
