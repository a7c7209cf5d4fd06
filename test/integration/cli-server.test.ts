// Issue 4: the CLI's --server mode, against the real sandbox over HTTP with a SMART token, gives the same
// evaluation as --bundle on the same patient's file, for every synthetic patient.
import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import type { Bundle } from "fhir/r4.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "../../launch/server.ts";
import { startSandbox } from "../../launch/server.ts";
import { launchToken } from "./helpers/sandbox.ts";

const exec = promisify(execFile);
const ROOT = resolve(import.meta.dirname, "../..");
const MAIN = join(ROOT, "src/cli/main.ts");
const PATIENTS = join(ROOT, "fhir-resources/patients");
const NOW = "2026-11-23"; // the patients' anchor day; the sandbox is started without the date shift

const files = readdirSync(PATIENTS).filter((f) => /^pw-.*\.json$/.test(f));
const readme = readFileSync(join(PATIENTS, "README.md"), "utf8");

/** The clinician flags the patients' README gives for a patient (the chart does not hold them). */
function flagsFor(id: string): string[] {
  const line = readme.split("\n").find((l) => l.startsWith(`| \`${id}\``)) ?? "";
  return [...line.matchAll(/`(--[a-z-]+)`/g)].map((m) => m[1]!);
}

async function cli(args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await exec(process.execPath, [MAIN, ...args], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(stdout) as Record<string, unknown>;
}

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, quiet: true, shiftDates: false });
});
afterAll(async () => {
  await sandbox?.close();
});

describe("cli evaluate --server equals --bundle", () => {
  it("covers every synthetic patient", () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
  });

  it.each(files)("%s", async (file) => {
    const bundle = JSON.parse(readFileSync(join(PATIENTS, file), "utf8")) as Bundle;
    const id = bundle.entry!.find((e) => e.resource?.resourceType === "Patient")!.resource!.id!;
    const flags = flagsFor(id);
    const token = await launchToken(sandbox, id, "patient/*.rs");
    const [fromFile, fromServer] = await Promise.all([
      cli(["evaluate", "--bundle", join(PATIENTS, file), "--now", NOW, ...flags]),
      cli(["evaluate", "--server", sandbox.fhirBase, "--patient", id, "--token", token.access_token, "--now", NOW, ...flags]),
    ]);
    expect(fromServer.patient).toBe(`Patient/${id}`);
    expect((fromServer.uds as { tests: unknown[] }).tests.length).toBe((fromFile.uds as { tests: unknown[] }).tests.length);
    expect(fromServer).toEqual(fromFile);
  }, 60_000);

  it("keeps the token out of every log, even with DEBUG=* (no global setting in the CLI)", async () => {
    const id = "pw-andre-cm-escalating";
    const token = (await launchToken(sandbox, id, "patient/*.rs")).access_token;
    const { stdout, stderr } = await exec(
      process.execPath,
      [MAIN, "evaluate", "--server", sandbox.fhirBase, "--patient", id, "--token", token, "--now", NOW],
      { cwd: ROOT, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, DEBUG: "*" } },
    );
    expect(JSON.parse(stdout)).toMatchObject({ patient: `Patient/${id}` });
    expect(stderr).toContain("fhir-kit-client:info"); // the library did log: its requests, without the token
    expect(stderr).not.toContain(token);
  });

  it("refuses without a token, with the server's words and exit 2", async () => {
    const r = await exec(process.execPath, [MAIN, "evaluate", "--server", sandbox.fhirBase, "--patient", "pw-andre-cm-escalating", "--now", NOW], { cwd: ROOT }).catch((e: { code: number; stdout: string; stderr: string }) => e);
    expect(r).toMatchObject({ code: 2, stdout: "" });
    expect((r as { stderr: string }).stderr).toMatch(/^error: HTTP 401 on .*Patient\/pw-andre-cm-escalating/);
  });
});
