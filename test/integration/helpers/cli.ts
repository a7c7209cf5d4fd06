// The CLI as a child process (clinical-spec §6), for the integration tests: run it, write input files, evaluate a
// Bundle and read the JSON it prints.
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import type { Bundle } from "fhir/r4.js";
import { expect } from "vitest";

export const exec = promisify(execFile);
export const ROOT = resolve(import.meta.dirname, "../../..");
const MAIN = join(ROOT, "src/cli/main.ts");
/** "Today" for the hand-written cases. */
export const NOW = "2026-11-23";
export const dir = mkdtempSync(join(tmpdir(), "stagewise-cli-"));

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

export async function cli(...args: string[]): Promise<Result> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [MAIN, ...args], { cwd: ROOT });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}

let fileCount = 0;
/** Writes a file in the test's temporary folder and returns its path. */
export function write(content: unknown, ext = "json"): string {
  const file = join(dir, `case-${process.pid}-${++fileCount}.${ext}`);
  writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content));
  return file;
}

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Runs `evaluate --bundle` on the Bundle with --now NOW and the flags; expects success and returns the JSON. */
export async function evaluateBundle(bundle: Bundle, ...flags: string[]): Promise<Json> {
  const r = await cli("evaluate", "--bundle", write(bundle), "--now", NOW, ...flags);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as Json;
}

export const tier = (out: Json, id: string): string | undefined => (out.recommendations as Json[]).find((r) => r.id === id)?.tier;
export const warningCodes = (out: Json): string[] => (out.warnings as Json[]).map((w) => w.code);
