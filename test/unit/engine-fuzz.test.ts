// Property-based tests of the engine and the CLI over the synthetic patients, mutated (test/helpers/fhir-mutator.ts):
// any field replaced with null, an object, an array, a number, a string or a huge string; fields dropped; arrays
// turned into objects; duplicate ids; another patient's resources; future dates and other time zones; null, empty
// and nested Bundle entries. The engine never throws, never hangs, and its output always has the shape of
// clinical-spec §6; the CLI turns any malformed resource into a warning, never exit 1. The seed is fixed and printed
// (FUZZ_SEED and FUZZ_RUNS override it), so a failure reproduces.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { evaluate } from "../../src/clinical/evaluate.ts";
import { RecordError, recordFromBundle } from "../../src/clinical/record.ts";
import { toCliJson } from "../../src/cli/output.ts";
import { run } from "../../src/cli/run.ts";
import { cliShapeProblems } from "../helpers/cli-shape.ts";
import { arbCase, loadPatients, mutate, type FuzzCase } from "../helpers/fhir-mutator.ts";

const SEED = Number(process.env.FUZZ_SEED ?? 20261129);
const ENGINE_RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
const CLI_RUNS = Math.max(1, Math.round(ENGINE_RUNS / 10));
/** One case taking longer than this is a hang (the slowest seen on the 2-core machine is ~0.3 s). */
const CASE_BUDGET_MS = 5_000;

const bases = loadPatients();
const dir = mkdtempSync(join(tmpdir(), "stagewise-fuzz-"));
const ran = { engine: 0, cli: 0, badInput: 0, withWarnings: 0 };

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  console.log(
    `fuzz: seed ${SEED}; ${ran.engine.toLocaleString("en-US")} engine cases + ${ran.cli.toLocaleString("en-US")} CLI cases = ` +
      `${(ran.engine + ran.cli).toLocaleString("en-US")} mutated records (${ran.withWarnings.toLocaleString("en-US")} with malformed-resource warnings, ` +
      `${ran.badInput} refused as bad input: the Patient or the file itself broken)`,
  );
});

/** The engine on one case: the §6 problems of its output ([] when fine), or "bad input" when the Patient broke. */
function engineCase(c: FuzzCase): string[] | "bad input" {
  const m = mutate(bases, c);
  let record;
  try {
    record = recordFromBundle(m.bundle);
  } catch (e) {
    // "No Patient" or "several patients" is bad input (CLI exit 2), allowed only when a mutation touched the Patient.
    if (e instanceof RecordError && m.patientTouched) return "bad input";
    throw e;
  }
  const out = JSON.parse(JSON.stringify(toCliJson(evaluate(record, { now: c.now })))) as { warnings: { code: string }[] };
  if (out.warnings.some((w) => w.code === "malformed-resource")) ran.withWarnings++;
  return cliShapeProblems(out);
}

describe(`property: the engine never throws and its output has the clinical-spec §6 shape (seed ${SEED})`, () => {
  it(`${ENGINE_RUNS.toLocaleString("en-US")} mutated synthetic records`, () => {
    fc.assert(
      fc.property(arbCase, (c) => {
        const start = performance.now();
        const result = engineCase(c);
        const ms = performance.now() - start;
        ran.engine++;
        if (result === "bad input") ran.badInput++;
        else expect(result).toEqual([]);
        expect(ms).toBeLessThan(CASE_BUDGET_MS);
      }),
      { seed: SEED, numRuns: ENGINE_RUNS },
    );
  }, 600_000);
});

describe(`property: the CLI maps a malformed resource to a warning, never to exit 1 (seed ${SEED + 1})`, () => {
  it(`${CLI_RUNS.toLocaleString("en-US")} mutated synthetic records through \`cli evaluate --bundle\` (Bundle and NDJSON files)`, async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(arbCase, async (c) => {
        const m = mutate(bases, c);
        // Every other case as NDJSON (one resource per line), the CLI's other file format.
        const ndjson = ++n % 2 === 0;
        const file = join(dir, `case-${n}.${ndjson ? "ndjson" : "json"}`);
        const lines = (m.bundle.entry as unknown[]).map((e) => JSON.stringify(e !== null && typeof e === "object" && !Array.isArray(e) ? ((e as { resource?: unknown }).resource ?? null) : e));
        writeFileSync(file, ndjson ? lines.join("\n") : JSON.stringify(m.bundle));
        // NDJSON whose first line is not a resource is not NDJSON (README: bad input).
        const firstIsResource = /^\{"resourceType":"[^"]+"/.test(lines[0] ?? "");
        let stdout = "";
        let stderr = "";
        const code = await run(["evaluate", "--bundle", file, "--now", c.now], (s) => (stdout += s), (s) => (stderr += s));
        rmSync(file);
        ran.cli++;
        if (code === 2 && (m.patientTouched || (ndjson && !firstIsResource))) {
          // Bad input (the Patient itself is broken): one line on stderr, nothing on stdout.
          ran.badInput++;
          expect(stdout).toBe("");
          expect(stderr).toMatch(/^error: [^\n]+\n$/);
          return;
        }
        expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
        expect(cliShapeProblems(JSON.parse(stdout))).toEqual([]);
      }),
      { seed: SEED + 1, numRuns: CLI_RUNS, endOnFailure: true },
    );
  }, 600_000);
});
