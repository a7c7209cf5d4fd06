// `npm run token`: usage on --help, the credential alone on stdout, the granted scopes and the expiry on stderr, clear
// errors (exit 2) for bad options and when no sandbox answers.
import { execFile } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "../../launch/server.ts";
import { fhir, fixtureSandbox, ALEX } from "./helpers/sandbox.ts";

const execP = promisify(execFile);
const ROOT = join(import.meta.dirname, "../..");
const TOKEN = join(ROOT, "launch/token.ts");

async function token(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execP(process.execPath, [TOKEN, ...args], { cwd: ROOT, timeout: 30_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: err.code ?? -1, stdout: err.stdout ?? "", stderr: err.stderr ?? "" };
  }
}

let s: Sandbox;
beforeAll(async () => {
  s = await fixtureSandbox({ tokenTtlSeconds: 900 });
});
afterAll(() => s?.close());

describe("npm run token", () => {
  it("npm run --silent token -- --help prints the usage on stdout and exits 0", async () => {
    const { stdout, stderr } = await execP("npm", ["run", "--silent", "token", "--", "--help"], { cwd: ROOT, timeout: 60_000 });
    expect(stdout).toMatch(/^Usage:\n {2}npm run --silent token -- --patient ID/);
    for (const option of ["--patient", "--scope", "--user", "--ehr-jwt", "--aud", "--fhir", "--help"]) expect(stdout).toContain(option);
    expect(stdout).toMatch(/granted scopes and the expiry are printed on stderr/);
    expect(stderr.replace(/npm warn.*\n/g, "")).toBe("");
  }, 60_000);

  it("prints the access token alone on stdout, and the granted scopes, patient and expiry on stderr", async () => {
    const before = Date.now();
    const r = await token(["--fhir", s.fhirBase, "--patient", ALEX, "--scope", "patient/Patient.r patient/Observation.rs"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines[0]).toBe("granted scopes: launch patient/Patient.r patient/Observation.rs");
    expect(lines[1]).toBe(`patient: ${ALEX}`);
    const m = /^expires: (\S+) \(in (\d+) s\)$/.exec(lines[2] ?? "");
    expect(m?.[2]).toBe("900");
    const at = Date.parse(m?.[1] ?? "");
    expect(at).toBeGreaterThanOrEqual(before + 899_000);
    expect(at).toBeLessThanOrEqual(Date.now() + 901_000);
    expect(r.stderr).not.toContain(r.stdout.trim()); // the token is not repeated where logs go
    expect((await fhir(s, r.stdout.trim(), `Patient/${ALEX}`)).status).toBe(200);
  });

  it("--ehr-jwt --aud URL prints the sandbox EHR's JWT for that URL, with its expiry on stderr", async () => {
    const aud = `${s.origin}/cds-services/stagewise-patient-view`;
    const r = await token(["--fhir", s.fhirBase, "--ehr-jwt", "--aud", aud]);
    expect(r.code, r.stderr).toBe(0);
    const claims = decodeJwt(r.stdout.trim());
    expect(claims).toMatchObject({ iss: s.origin, aud });
    expect(r.stderr).toMatch(new RegExp(`^EHR JWT for aud ${aud.replace(/[.]/g, "\\.")}\nexpires: \\S+ \\(in 300 s\\); one call only`));
  });

  it.each([
    [["--bogus"], /^error: Unknown option '--bogus' \(see npm run token -- --help\)\n$/],
    [[], /^error: give --patient ID \(or --ehr-jwt --aud URL\); see --help\n$/],
    [["--ehr-jwt"], /--ehr-jwt needs --aud URL/],
    [["--ehr-jwt", "--aud", "http://x/cds-services", "--patient", "p"], /give one/],
    [["--fhir", "not a url", "--patient", "p"], /--fhir is not a URL/],
  ])("refuses %o with one error line and exit 2", async (args, message) => {
    const r = await token(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(message);
  });

  it("says the sandbox is not running when nothing answers, and that an unknown patient was refused", async () => {
    const free = createServer();
    await new Promise<void>((ok) => free.listen(0, "127.0.0.1", () => ok()));
    const port = (free.address() as AddressInfo).port;
    await new Promise<void>((ok) => free.close(() => ok()));
    const down = await token(["--fhir", `http://127.0.0.1:${port}/fhir`, "--patient", ALEX]);
    expect(down.code).toBe(2);
    expect(down.stderr).toBe("error: could not reach the sandbox (ECONNREFUSED): start it with npm start or npm run sandbox\n");
    const unknown = await token(["--fhir", s.fhirBase, "--patient", "nobody"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown patient/);
  });
});
