// `npm run cli` starts from src/cli/start.mjs, which runs the command line's JavaScript copy (src/cli/js-copy.mjs):
// the same answers as the TypeScript, byte for byte, and without loading Node's type stripper.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { generateBulkExport } from "../../scripts/generate-bulk-export.ts";

const exec = promisify(execFile);
const ROOT = resolve(import.meta.dirname, "../..");
const START = join(ROOT, "src/cli/start.mjs");
const MAIN = join(ROOT, "src/cli/main.ts");
const NOW = "2026-11-23";
const dir = mkdtempSync(join(tmpdir(), "cli-start-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const node = (script: string, args: string[], env: NodeJS.ProcessEnv = process.env) =>
  exec(process.execPath, [script, ...args], { cwd: ROOT, env, maxBuffer: 64 * 1024 * 1024 });

describe("the command line's start (start.mjs)", () => {
  it.each(["pw-andre-cm-escalating", "pw-helen-five-year-history"])("evaluate --bundle %s: the same output as main.ts", async (patient) => {
    const args = ["evaluate", "--bundle", join(ROOT, "fhir-resources/patients", `${patient}.json`), "--now", NOW];
    const [fromStart, fromMain] = await Promise.all([node(START, args), node(MAIN, args)]);
    expect(fromStart.stdout).toBe(fromMain.stdout);
    expect(fromStart.stdout).toContain(`"patient": "Patient/${patient}"`);
  }, 60_000);

  it("a population run: the same bytes as main.ts, and the same error for bad arguments", async () => {
    const exportDir = join(dir, "export");
    generateBulkExport({ patients: 30, out: exportDir, now: NOW, badEvery: 10, prefix: "st" });
    const out = (name: string) => join(dir, `${name}.ndjson`);
    await node(START, ["population", "--bulk", exportDir, "--now", NOW, "--out", out("start"), "--workers", "2"]);
    await node(MAIN, ["population", "--bulk", exportDir, "--now", NOW, "--out", out("main"), "--workers", "1"]);
    expect(readFileSync(out("start"), "utf8").split("\n").filter(Boolean)).toHaveLength(30);
    expect(readFileSync(out("start"))).toEqual(readFileSync(out("main")));
    const refused = await node(START, ["population", "--bulk", exportDir, "--shard", "2/2"]).catch((e: { code: number; stderr: string }) => e);
    expect(refused).toMatchObject({ code: 2, stderr: expect.stringMatching(/--shard "2\/2" is not I\/N/) });
  }, 120_000);

  it("never loads Node's type stripper once its copy exists", async () => {
    const args = ["evaluate", "--bundle", join(ROOT, "fhir-resources/patients/pw-andre-cm-escalating.json"), "--now", NOW];
    await node(START, args); // makes the copy if there is none
    // At exit, each process names the stripper (Node's amaro module) if it loaded it.
    const report = "process.on('exit',()=>process.stderr.write(process.moduleLoadList.filter((m)=>m.includes('amaro')).join(',')))";
    const env = { ...process.env, NODE_OPTIONS: `--import=data:text/javascript,${encodeURIComponent(report)}` };
    const [fromStart, fromMain] = await Promise.all([node(START, args, env), node(MAIN, args, env)]);
    expect(fromMain.stderr).toMatch(/amaro/);
    expect(fromStart.stderr).toBe("");
  }, 60_000);
});
