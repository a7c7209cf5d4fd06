// The README's CDS Hooks curl examples, run as written (bash, curl, npm run token) against a sandbox on a free port:
// each curl answers the status its comment promises, with a body of the CDS Hooks shape.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox } from "../../launch/server.ts";
import type { Sandbox } from "../../launch/server.ts";
import { checkDiscovery, checkResponse } from "../helpers/cds-hooks-shapes.ts";

const exec = promisify(execFile);
const ROOT = join(import.meta.dirname, "../..");
const README = readFileSync(join(ROOT, "README.md"), "utf8");
const PLACEHOLDER = "http://127.0.0.1:8090";

/** The ```sh blocks of the README's CDS Hooks section. */
function examples(): string[] {
  const start = README.indexOf("### CDS Hooks (`patient-view`)");
  const end = README.indexOf("\n## ", start);
  const section = README.slice(start, end);
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

let s: Sandbox;
beforeAll(async () => {
  s = await startSandbox({ port: 0, quiet: true });
});
afterAll(() => s?.close());

describe("README CDS Hooks examples", () => {
  const blocks = examples();

  it("are there: discovery, a call, the refusals, feedback", () => {
    expect(blocks).toHaveLength(4);
    for (const b of blocks) expect(b).toContain(PLACEHOLDER);
  });

  it.each(blocks.map((b) => [b.split("\n")[0]!, b]))("%s", async (_title, block) => {
    const script = block.replaceAll(PLACEHOLDER, s.origin);
    const { stdout, stderr } = await exec("bash", ["-e", "-o", "pipefail", "-c", script], { cwd: ROOT, timeout: 60_000, maxBuffer: 8 * 1024 * 1024 });
    const expected = [...block.matchAll(/→ (\d{3})/g)].map((m) => Number(m[1]));
    const parts = stdout.split(/\nHTTP (\d{3})\n/);
    const statuses = parts.filter((_, i) => i % 2 === 1).map(Number);
    expect(statuses, stderr).toEqual(expected);
    const bodies = parts.filter((_, i) => i % 2 === 0).slice(0, statuses.length).map((b) => JSON.parse(b) as Record<string, unknown>);
    bodies.forEach((body, i) => {
      if (statuses[i] !== 200) expect(body.resourceType).toBe("OperationOutcome");
      else if ("services" in body) expect(checkDiscovery(body)).toEqual([]);
      else if ("cards" in body) {
        expect(checkResponse(body)).toEqual([]);
        expect(body.cards).toHaveLength(1);
      } else expect(body).toEqual({}); // feedback
    });
    if (block.includes("--patient")) expect(stderr).toMatch(/granted scopes: launch patient\/\*\.rs\npatient: pw-andre-cm-escalating\nexpires: \d{4}-/);
  }, 90_000);
});
