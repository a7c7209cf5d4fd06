// Seed data: every Bundle (collection, transaction, batch or searchset) or single resource in a folder of JSON
// files, each entry stored with its own id. urn:uuid and absolute fullUrls are rewritten to Type/id references.
// Dates are moved so that the synthetic patients stay current (scripts/patient-dates.ts), unless shift is false.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import type { Bundle, Resource } from "@medplum/fhirtypes";

export interface SeedResult {
  resources: Resource[];
  files: string[];
  /** Days the dates were moved by (0 when not shifted). */
  shiftedDays: number;
  warnings: string[];
}

interface DateShifter {
  shiftBundleDates(bundle: unknown, days: number): unknown;
  daysSinceAnchor(today: string): number;
}

/** Today as YYYY-MM-DD in the machine's time zone. */
export function localToday(now = new Date()): string {
  const p = (n: number): string => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}`;
}

async function loadShifter(): Promise<DateShifter | undefined> {
  // Written by the patient-generator work; optional so the sandbox runs without it.
  const specifier = new URL("../scripts/patient-dates.ts", import.meta.url).href;
  try {
    const mod = (await import(specifier)) as Partial<DateShifter>;
    return typeof mod.shiftBundleDates === "function" && typeof mod.daysSinceAnchor === "function" ? (mod as DateShifter) : undefined;
  } catch {
    return undefined;
  }
}

export function jsonFilesIn(dir: string): string[] {
  try {
    if (!statSync(dir).isDirectory()) return [];
  } catch {
    return [];
  }
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => join(dir, f));
}

/** Stores each entry with its own id; references to another entry's fullUrl become Type/id. */
export function resourcesOfBundle(bundle: Bundle, warnings: string[], label: string): Resource[] {
  const idByFullUrl = new Map<string, string>();
  const resources: Resource[] = [];
  for (const [i, entry] of (bundle.entry ?? []).entries()) {
    const r = entry.resource as Resource | undefined;
    if (!r || typeof r.resourceType !== "string") {
      warnings.push(`${label}: entry ${i} has no resource; skipped`);
      continue;
    }
    const fromUrn = entry.fullUrl?.startsWith("urn:uuid:") ? entry.fullUrl.slice(9) : undefined;
    const id = r.id ?? fromUrn ?? randomUUID();
    if (entry.fullUrl) idByFullUrl.set(entry.fullUrl, `${r.resourceType}/${id}`);
    resources.push({ ...r, id });
  }
  if (idByFullUrl.size === 0) return resources;
  const rewrite = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rewrite);
    if (typeof value !== "object" || value === null) return value;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = k === "reference" && typeof v === "string" && idByFullUrl.has(v) ? idByFullUrl.get(v) : rewrite(v);
    }
    return out;
  };
  return resources.map((r) => rewrite(r) as Resource);
}

export async function loadSeed(dirs: readonly string[], options: { shift: boolean; today?: string }): Promise<SeedResult> {
  const files = dirs.flatMap(jsonFilesIn);
  const warnings: string[] = [];
  const shifter = options.shift ? await loadShifter() : undefined;
  let days = 0;
  if (shifter) days = shifter.daysSinceAnchor(options.today ?? localToday());
  else if (options.shift) warnings.push("scripts/patient-dates.ts not found: seed dates are not shifted");
  const resources: Resource[] = [];
  for (const file of files) {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(file, "utf8"));
    } catch (err) {
      warnings.push(`${file}: not JSON (${(err as Error).message}); skipped`);
      continue;
    }
    const r = json as Resource;
    if (r?.resourceType === "Bundle") {
      const bundle = (shifter && days !== 0 ? shifter.shiftBundleDates(r, days) : r) as Bundle;
      resources.push(...resourcesOfBundle(bundle, warnings, file));
    } else if (typeof r?.resourceType === "string" && r.id) {
      const one = shifter && days !== 0 ? (shifter.shiftBundleDates({ resourceType: "Bundle", type: "collection", entry: [{ resource: r }] }, days) as Bundle) : undefined;
      resources.push((one?.entry?.[0]?.resource as Resource | undefined) ?? r);
    } else {
      warnings.push(`${file}: neither a Bundle nor a resource with an id; skipped`);
    }
  }
  return { resources, files, shiftedDays: shifter ? days : 0, warnings };
}
