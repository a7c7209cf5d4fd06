// `cli population` on generated Bulk Data exports, as a child process: one line per patient, each identical to
// `cli evaluate --bundle` on that patient's resources; a patient whose data is bad gets an error line and the run
// goes on; shards partition the population exactly; a re-run writes the same bytes; the worker count changes
// nothing; bad arguments are refused with one clear line.
import { execFile, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run as cliRun } from "../../src/cli/run.ts";
import { generateBulkExport } from "../../scripts/generate-bulk-export.ts";
import { syntheticRecord } from "../../scripts/synthetic/record.ts";

const exec = promisify(execFile);
const ROOT = resolve(import.meta.dirname, "../..");
const MAIN = join(ROOT, "src/cli/main.ts");
const NOW = "2026-11-23";
const PATIENTS = 60;
const BAD_EVERY = 20;

let dir: string;
let exportDir: string;

async function population(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return exec(process.execPath, [MAIN, "population", ...args], { cwd: ROOT, maxBuffer: 256 * 1024 * 1024 }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}

function byPatient(ndjson: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of ndjson.split("\n").filter(Boolean)) out.set((JSON.parse(line) as { patient: string }).patient, line);
  return out;
}

type Line = { text: string; r: { resourceType?: string; id?: string; subject?: { reference?: string }; medicationReference?: { reference?: string } } };
let exportLines: Line[] | undefined;

/** Every parsable line of the export, in export order (files by name, lines in order). */
function linesOfExport(): Line[] {
  if (exportLines) return exportLines;
  exportLines = [];
  for (const f of readdirSync(exportDir).filter((n) => n.endsWith(".ndjson")).sort()) {
    for (const text of readFileSync(join(exportDir, f), "utf8").split("\n")) {
      try {
        exportLines.push({ text, r: JSON.parse(text) });
      } catch {
        // not JSON: no patient's file holds it
      }
    }
  }
  return exportLines;
}

/**
 * One patient's resources as a reader of the export would collect them by hand: every line that is the Patient or
 * names it as subject, and the Medications its requests reference (the first of each id), in export order.
 */
function patientFile(id: string): string {
  const all = linesOfExport();
  const mine = (l: Line) => (l.r.resourceType === "Patient" ? l.r.id === id : l.r.subject?.reference === `Patient/${id}`);
  const meds = new Set(all.filter(mine).map((l) => l.r.medicationReference?.reference).filter(Boolean));
  const medSeen = new Set<string>();
  const picked = all.filter((l) => {
    if (l.r.resourceType === "Medication") {
      if (!meds.has(`Medication/${l.r.id}`) || medSeen.has(l.r.id!)) return false;
      medSeen.add(l.r.id!);
      return true;
    }
    return mine(l) && l.r.resourceType !== "Encounter";
  });
  const file = join(dir, `${id}.ndjson`);
  writeFileSync(file, `${picked.map((l) => l.text).join("\n")}\n`);
  return file;
}

let full: { code: number; stdout: string; stderr: string };
let fullOut: string;
let summary: ReturnType<typeof generateBulkExport>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "cli-population-"));
  exportDir = join(dir, "export");
  summary = generateBulkExport({ patients: PATIENTS, out: exportDir, now: NOW, badEvery: BAD_EVERY, prefix: "pt" });
  // As servers write them: Observations split over two files, and a type the engine does not read.
  const obs = readFileSync(join(exportDir, "Observation.ndjson"), "utf8").split("\n").filter(Boolean);
  rmSync(join(exportDir, "Observation.ndjson"));
  writeFileSync(join(exportDir, "Observation.1.ndjson"), `${obs.slice(0, obs.length >> 1).join("\n")}\n`);
  writeFileSync(join(exportDir, "Observation.2.ndjson"), `${obs.slice(obs.length >> 1).join("\n")}\n`);
  writeFileSync(join(exportDir, "Encounter.ndjson"), `${JSON.stringify({ resourceType: "Encounter", id: "e1", status: "finished", subject: { reference: "Patient/pt-00" } })}\n`);
  mkdirSync(join(dir, "out"));
  fullOut = join(dir, "out", "all.ndjson");
  full = await population("--bulk", exportDir, "--now", NOW, "--out", fullOut, "--workers", "2");
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("cli population", () => {
  it("writes one line per patient and a summary, exit 0", () => {
    expect(full.code).toBe(0);
    expect(full.stdout).toBe("");
    const lines = readFileSync(fullOut, "utf8").split("\n").filter(Boolean);
    expect(lines).toHaveLength(PATIENTS);
    expect(new Set(lines.map((l) => (JSON.parse(l) as { patient: string }).patient)).size).toBe(PATIENTS);
    expect(full.stderr).toMatch(/^population: 60 patients \(3 with an error\)/);
    expect(full.stderr).toMatch(/3 line\(s\) are not FHIR JSON and were passed by/);
    expect(readdirSync(join(dir, "out"))).toEqual(["all.ndjson"]); // no partial file left
  });

  it("gives each patient exactly what evaluate --bundle gives on that patient's resources", async () => {
    const lines = byPatient(readFileSync(fullOut, "utf8"));
    const good = [...lines.keys()].filter((p) => !summary.bad.includes(p.slice("Patient/".length)));
    expect(good.length).toBe(PATIENTS - summary.bad.length);
    for (const patient of good) {
      const id = patient.slice("Patient/".length);
      let out = "";
      let err = "";
      const code = await cliRun(["evaluate", "--bundle", patientFile(id), "--patient", id, "--now", NOW], (s) => (out += s), (s) => (err += s));
      expect({ patient, code, err }).toEqual({ patient, code: 0, err: "" });
      expect(JSON.parse(lines.get(patient)!)).toEqual(JSON.parse(out));
    }
  }, 120_000);

  it("the same through the command line itself, for two patients", async () => {
    const lines = byPatient(readFileSync(fullOut, "utf8"));
    for (const id of ["pt-00", "pt-33"]) {
      const { stdout } = await exec(process.execPath, [MAIN, "evaluate", "--bundle", patientFile(id), "--patient", id, "--now", NOW], { cwd: ROOT });
      expect(JSON.parse(lines.get(`Patient/${id}`)!)).toEqual(JSON.parse(stdout));
    }
  }, 60_000);

  it("a patient whose data is bad gets a line with the error, and every other patient is evaluated", () => {
    const lines = byPatient(readFileSync(fullOut, "utf8"));
    expect(summary.bad).toEqual(["pt-19", "pt-39", "pt-59"]);
    for (const id of summary.bad) {
      expect(JSON.parse(lines.get(`Patient/${id}`)!)).toEqual({ patient: `Patient/${id}`, error: `no Patient with id "${id}" in the input` });
    }
    const evaluated = [...lines.values()].filter((l) => !l.includes('"error"'));
    expect(evaluated).toHaveLength(PATIENTS - 3);
    for (const l of evaluated) expect(JSON.parse(l)).toHaveProperty("recommendations");
  });

  it("shards partition the population exactly, with the same line for each patient", async () => {
    const all = byPatient(readFileSync(fullOut, "utf8"));
    const seen = new Map<string, string>();
    for (let i = 0; i < 3; i++) {
      const out = join(dir, "out", `shard-${i}.ndjson`);
      const r = await population("--bulk", exportDir, "--now", NOW, "--shard", `${i}/3`, "--out", out, "--workers", "1");
      expect(r.code).toBe(0);
      const shard = byPatient(readFileSync(out, "utf8"));
      expect(shard.size).toBeGreaterThan(5);
      for (const [p, line] of shard) {
        expect(seen.has(p)).toBe(false);
        seen.set(p, line);
        expect(line).toBe(all.get(p));
      }
    }
    expect(seen.size).toBe(PATIENTS);
  }, 120_000);

  it("a re-run of a shard writes the same bytes, and the worker count changes nothing", async () => {
    const out = join(dir, "out", "rerun.ndjson");
    await population("--bulk", exportDir, "--now", NOW, "--shard", "1/3", "--out", out, "--workers", "2");
    const first = readFileSync(out);
    await population("--bulk", exportDir, "--now", NOW, "--shard", "1/3", "--out", out, "--workers", "1");
    expect(readFileSync(out).equals(first)).toBe(true);
    expect(first.equals(readFileSync(join(dir, "out", "shard-1.ndjson")))).toBe(true);
  }, 120_000);

  it("writes to stdout without --out", async () => {
    const r = await population("--bulk", exportDir, "--now", NOW, "--shard", "2/3", "--workers", "1");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(readFileSync(join(dir, "out", "shard-2.ndjson"), "utf8"));
  }, 60_000);

  it("a patient whose line is longer than an output chunk (20 years of tests every 5 days, over 1 MB) is written whole, to a file and to stdout", async () => {
    const big = join(dir, "big");
    mkdirSync(big);
    const byType = new Map<string, string[]>();
    for (const [id, years, every] of [["long-20y", 20, 5], ["short-1y", 1, 14]] as const) {
      const r = syntheticRecord(id, { now: NOW, years, testEveryDays: every, extraAnalytes: 3 });
      for (const res of [...r.resources, ...r.medications]) byType.set(res.resourceType, [...(byType.get(res.resourceType) ?? []), JSON.stringify(res)]);
      writeFileSync(join(dir, `${id}.ndjson`), `${[...r.resources, ...r.medications].map((x) => JSON.stringify(x)).join("\n")}\n`);
    }
    for (const [type, lines] of byType) writeFileSync(join(big, `${type}.ndjson`), `${lines.join("\n")}\n`);
    const out = join(dir, "out", "big.ndjson");
    const toFile = await population("--bulk", big, "--now", NOW, "--out", out, "--workers", "2");
    const toStdout = await population("--bulk", big, "--now", NOW, "--workers", "1");
    expect([toFile.code, toStdout.code]).toEqual([0, 0]);
    const text = readFileSync(out, "utf8");
    expect(toStdout.stdout).toBe(text);
    const lines = byPatient(text);
    expect(lines.get("Patient/long-20y")!.length).toBeGreaterThan(1024 * 1024);
    for (const id of ["long-20y", "short-1y"]) {
      let want = "";
      await cliRun(["evaluate", "--bundle", join(dir, `${id}.ndjson`), "--now", NOW], (s) => (want += s), () => {});
      expect(JSON.parse(lines.get(`Patient/${id}`)!)).toEqual(JSON.parse(want));
    }
  }, 120_000);

  it("passes by a line longer than a run reads (16 MB), says where, and evaluates everyone else", async () => {
    const exportOf = join(dir, "long-line");
    mkdirSync(exportOf);
    const patients = ["a", "b"].map((id) => JSON.stringify({ resourceType: "Patient", id }));
    writeFileSync(join(exportOf, "Patient.ndjson"), `${patients.join("\n")}\n`);
    const note = "x".repeat(17 * 1024 * 1024);
    const long = JSON.stringify({ resourceType: "Condition", id: "c1", subject: { reference: "Patient/a" }, note: [{ text: note }] });
    const short = JSON.stringify({ resourceType: "Condition", id: "c2", subject: { reference: "Patient/b" } });
    writeFileSync(join(exportOf, "Condition.ndjson"), `${short}\n${long}\n`);
    const out = join(dir, "long-line.ndjson");
    const r = await population("--bulk", exportOf, "--now", NOW, "--out", out, "--workers", "1");
    expect(r.code).toBe(0);
    const mb = (Buffer.byteLength(long) / 1048576).toFixed(1);
    expect(r.stderr).toContain(
      `population: 1 line(s) are longer than a population run reads (16 MB) and were passed by unread (Condition.ndjson at byte ${short.length + 1}, ${mb} MB)`,
    );
    expect([...byPatient(readFileSync(out, "utf8")).keys()].sort()).toEqual(["Patient/a", "Patient/b"]);
  }, 60_000);

  it("a resource of millions of nested arrays (6 MB) does not stop the run: passed by, its patient evaluated", async () => {
    const exportOf = join(dir, "deep-line");
    mkdirSync(exportOf);
    writeFileSync(join(exportOf, "Patient.ndjson"), `${["a", "b"].map((id) => JSON.stringify({ resourceType: "Patient", id })).join("\n")}\n`);
    const depth = 3_000_000;
    writeFileSync(
      join(exportOf, "Observation.ndjson"),
      `{"resourceType":"Observation","id":"o1","subject":{"reference":"Patient/a"},"x":${"[".repeat(depth)}${"]".repeat(depth)}}\n`,
    );
    const out = join(dir, "deep-line.ndjson");
    const r = await population("--bulk", exportOf, "--now", NOW, "--out", out, "--workers", "1");
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("population: 1 line(s) are not FHIR JSON and were passed by (Observation.ndjson at byte 0)");
    const lines = byPatient(readFileSync(out, "utf8"));
    expect([...lines.keys()].sort()).toEqual(["Patient/a", "Patient/b"]);
    expect(JSON.parse(lines.get("Patient/a")!)).not.toHaveProperty("error");
  }, 60_000);

  it.each([
    ["SIGTERM", 143],
    ["SIGINT", 130],
  ] as const)("stopped by %s while it spills the export, it removes its temporary folder and leaves no output (exit %i)", async (signal, status) => {
    const exportOf = join(dir, `stop-${signal}`);
    generateBulkExport({ patients: 600, out: exportOf, now: NOW, prefix: "stop" });
    const tmp = join(dir, `tmp-${signal}`);
    mkdirSync(tmp);
    const out = join(dir, `stopped-${signal}.ndjson`);
    const child = spawn(process.execPath, [MAIN, "population", "--bulk", exportOf, "--now", NOW, "--out", out, "--workers", "1", "--tmp", tmp], { cwd: ROOT, stdio: "ignore" });
    const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
    // The run's folder under --tmp, once it holds spilled lines.
    for (;;) {
      const [run] = readdirSync(tmp);
      if (run && readdirSync(join(tmp, run)).length > 0) break;
      await sleep(10);
    }
    child.kill(signal);
    expect(await exited).toBe(status);
    expect(readdirSync(tmp)).toEqual([]);
    expect(readdirSync(dir).filter((n) => n.startsWith(`stopped-${signal}`))).toEqual([]);
  }, 60_000);

  it.each([
    ["no --bulk", [], /population needs --bulk DIR/],
    ["a folder that does not exist", ["--bulk", "/nonexistent/export"], /cannot read --bulk \/nonexistent\/export: no such folder/],
    ["a shard out of range", ["--bulk", ".", "--shard", "3/3"], /--shard "3\/3" is not I\/N with 0 ≤ I < N/],
    ["a shard that is not I/N", ["--bulk", ".", "--shard", "half"], /--shard "half" is not I\/N/],
    ["a date that is not one", ["--bulk", ".", "--now", "2026-02-30"], /--now "2026-02-30" is not a valid date/],
    ["no worker", ["--bulk", ".", "--workers", "0"], /--workers "0" is not a number from 1 to 256/],
    ["an unknown option", ["--bulk", ".", "--fast"], /Unknown option '--fast'/],
    ["a folder without NDJSON files", ["--bulk", "src"], /holds no NDJSON file of the types the engine reads/],
    ["an output folder that does not exist", ["--bulk", ".", "--out", "/nonexistent/out.ndjson"], /--out \/nonexistent\/out.ndjson: its folder does not exist/],
  ])("refuses %s: exit 2, one line on stderr, nothing on stdout", async (_name, args, message) => {
    const r = await population(...(args as string[]));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(message as RegExp);
  });
});
