// A synthetic FHIR Bulk Data export of any size, as $export writes it: one NDJSON file per resource type, the lines
// of all patients interleaved in no particular order. For population runs (npm run --silent cli -- population) and
// their tests and bench. Deterministic: the same options give the same files.
//
//   node scripts/generate-bulk-export.ts --patients 10000 --out DIR [--now 2026-11-23] [--bad-every K] [--prefix ID]
//
// Each patient is a generated record (scripts/synthetic/record.ts) of about 100 resources: one to two years of
// urine tests every two weeks or so, stage assessments, medications, conditions, sometimes a CM care plan.
// --bad-every K: every Kth patient's data is bad (its Patient resource is missing, so its resources cannot be
// evaluated), and an unreadable line is written for it. Lines are shuffled within a window of 20,000 per file,
// so memory stays small for any size.
import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { FhirResource, Medication } from "fhir/r4.js";
import { prng } from "./patients/builders.ts";
import { syntheticRecord } from "./synthetic/record.ts";

const SHUFFLE_WINDOW = 20_000;

/** Lines written in random order within a window, in large writes. */
class ShuffledFile {
  private readonly fd: number;
  private readonly window: string[] = [];
  private out: string[] = [];
  private size = 0;
  lines = 0;
  private readonly rand: () => number;
  constructor(path: string, rand: () => number) {
    this.fd = openSync(path, "w");
    this.rand = rand;
  }
  add(line: string): void {
    this.lines++;
    if (this.window.length < SHUFFLE_WINDOW) {
      this.window.push(line);
      return;
    }
    const i = Math.floor(this.rand() * SHUFFLE_WINDOW);
    this.emit(this.window[i]!);
    this.window[i] = line;
  }
  private emit(line: string): void {
    this.out.push(line, "\n");
    this.size += line.length + 1;
    if (this.size > 1 << 20) this.drain();
  }
  private drain(): void {
    writeSync(this.fd, this.out.join(""));
    this.out = [];
    this.size = 0;
  }
  close(): void {
    while (this.window.length) {
      const i = Math.floor(this.rand() * this.window.length);
      this.emit(this.window[i]!);
      this.window[i] = this.window[this.window.length - 1]!;
      this.window.pop();
    }
    this.drain();
    closeSync(this.fd);
  }
}

export interface ExportOptions {
  patients: number;
  out: string;
  now?: string;
  badEvery?: number;
  prefix?: string;
}

export interface ExportSummary {
  patients: number;
  bad: string[];
  resources: number;
  files: Record<string, number>;
}

export function generateBulkExport(o: ExportOptions): ExportSummary {
  const now = o.now ?? "2026-11-23";
  const prefix = o.prefix ?? "pop";
  mkdirSync(o.out, { recursive: true });
  const rand = prng(`bulk:${prefix}:${o.patients}`);
  const files = new Map<string, ShuffledFile>();
  const file = (type: string) => {
    let f = files.get(type);
    if (!f) files.set(type, (f = new ShuffledFile(join(o.out, `${type}.ndjson`), rand)));
    return f;
  };
  const medications = new Map<string, Medication>();
  const bad: string[] = [];
  let resources = 0;
  const width = String(o.patients).length;
  for (let i = 0; i < o.patients; i++) {
    const id = `${prefix}-${String(i).padStart(width, "0")}`;
    const r = rand();
    const record = syntheticRecord(id, { now, years: 1 + r, testEveryDays: 12 + Math.floor(rand() * 8), extraAnalytes: 1 + Math.floor(rand() * 3) });
    const isBad = o.badEvery !== undefined && o.badEvery > 0 && i % o.badEvery === o.badEvery - 1;
    if (isBad) {
      bad.push(id);
      file("Observation").add(`{"resourceType":"Observation","id":"${id}-cut-off`); // a line cut short
    }
    for (const res of record.resources as FhirResource[]) {
      if (isBad && res.resourceType === "Patient") continue;
      file(res.resourceType).add(JSON.stringify(res));
      resources++;
    }
    for (const m of record.medications) medications.set(m.id!, m);
  }
  for (const m of medications.values()) {
    file("Medication").add(JSON.stringify(m));
    resources++;
  }
  const counts: Record<string, number> = {};
  for (const [type, f] of files) {
    f.close();
    counts[type] = f.lines;
  }
  return { patients: o.patients, bad, resources, files: counts };
}

if (import.meta.main) {
  const { values: v } = parseArgs({
    options: {
      patients: { type: "string" },
      out: { type: "string" },
      now: { type: "string" },
      "bad-every": { type: "string" },
      prefix: { type: "string" },
    },
  });
  const patients = Number(v.patients);
  if (!Number.isInteger(patients) || patients < 1 || !v.out) {
    process.stderr.write("usage: node scripts/generate-bulk-export.ts --patients N --out DIR [--now DATE] [--bad-every K] [--prefix ID]\n");
    process.exit(2);
  }
  const s = generateBulkExport({
    patients,
    out: v.out,
    ...(v.now ? { now: v.now } : {}),
    ...(v["bad-every"] ? { badEvery: Number(v["bad-every"]) } : {}),
    ...(v.prefix ? { prefix: v.prefix } : {}),
  });
  process.stderr.write(
    `${s.patients} patients, ${s.resources} resources (${(s.resources / s.patients).toFixed(1)} per patient): ` +
      `${Object.entries(s.files).map(([t, n]) => `${t} ${n}`).join(", ")}${s.bad.length ? `; ${s.bad.length} bad patients` : ""}\n`,
  );
}
