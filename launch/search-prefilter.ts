// A cheap first look at a search candidate: the sandbox's full match (medplum's matchesSearchRequest, FHIRPath per
// parameter) costs tens of microseconds per resource, so a patient with 10,000 Observations took half a second
// per search even when the search asks for the last year only — a cost no real EHR has (they index). For the
// filters the app's first screen uses, Observation `category` (a code) and `date` (ge/gt/le/lt a day), this
// rejects the resources that cannot match, from the fields as written, with a margin of two days for time zones;
// whatever it keeps still goes through the full match. It never rejects a resource the full match would keep
// (test/integration/sandbox-prefilter.test.ts checks that on generated resources and filters).
import type { Filter } from "@medplum/core";
import type { Resource } from "@medplum/fhirtypes";

const MARGIN_DAYS = 2;
const DAY_MS = 86_400_000;

function dayNumber(date: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}/.test(date)) return null;
  const t = Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));
  return Number.isFinite(t) ? Math.floor(t / DAY_MS) : null;
}

/** True when the Observation cannot match this category filter (it has no coding with one of the codes). */
function rejectsCategory(obs: Record<string, unknown>, f: Filter): boolean {
  if (f.value.includes("|") || f.value.includes("\\")) return false;
  const wanted = f.value.split(",").map((v) => v.toLowerCase());
  const categories = obs.category;
  if (categories === undefined) return true;
  if (!Array.isArray(categories)) return false;
  for (const c of categories) {
    const codings = (c as { coding?: unknown } | null)?.coding;
    if (!Array.isArray(codings)) return false; // an unusual shape: leave it to the full match
    for (const coding of codings) {
      const code = (coding as { code?: unknown } | null)?.code;
      if (typeof code !== "string" || wanted.includes(code.toLowerCase())) return false;
    }
  }
  return true;
}

/** True when the Observation's effective[x] lies well outside this date filter's bound. */
function rejectsDate(obs: Record<string, unknown>, f: Filter): boolean {
  const bound = dayNumber(f.value);
  if (bound === null || f.value.length !== 10) return false;
  if (obs.effectivePeriod !== undefined || obs.effectiveTiming !== undefined) return false;
  const effective = obs.effectiveDateTime ?? obs.effectiveInstant;
  if (effective === undefined) return true; // no effective[x] at all: no date to match
  if (typeof effective !== "string" || effective.length < 10) return false;
  const day = dayNumber(effective);
  if (day === null) return false;
  switch (f.operator) {
    case "ge":
    case "gt":
    case "sa":
      return day < bound - MARGIN_DAYS;
    case "le":
    case "lt":
    case "eb":
      return day > bound + MARGIN_DAYS;
    default:
      return false;
  }
}

/** True when the resource cannot match the filters (a cheap test; false means "ask the full match"). */
export function cannotMatch(resource: Resource, filters: readonly Filter[]): boolean {
  if (resource.resourceType !== "Observation") return false;
  const obs = resource as unknown as Record<string, unknown>;
  for (const f of filters) {
    if (f.code === "category" && f.operator === "eq" && rejectsCategory(obs, f)) return true;
    if (f.code === "date" && rejectsDate(obs, f)) return true;
  }
  return false;
}
