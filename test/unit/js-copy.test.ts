// The command line's JavaScript copy (src/cli/js-copy.mjs), on a small source tree of its own: the copy runs as the
// TypeScript does, an edited source gets a new copy (never a stale one), an unchanged one is reused, and a cache
// that cannot be written falls back.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { javascriptCopy } from "../../src/cli/js-copy.mjs";

const root = mkdtempSync(join(tmpdir(), "js-copy-"));
const src = join(root, "src");
const cache = join(root, "cache");
const entry = pathToFileURL(join(src, "cli", "main.ts"));

function tree(version: number): void {
  rmSync(src, { recursive: true, force: true });
  mkdirSync(join(src, "cli", "part"), { recursive: true });
  mkdirSync(join(src, "data"), { recursive: true });
  writeFileSync(
    join(src, "cli", "main.ts"),
    [
      `import type { Shape } from "./types.ts";`,
      `import { twice } from "./part/twice.ts";`,
      `import table from "../data/table.json" with { type: "json" };`,
      `// A specifier in a comment, from "./missing.ts", names no file and is passed by.`,
      `export const shape: Shape = { n: twice(table.n) };`,
      `export const later = async (): Promise<number> => (await import("./part/late.ts")).late;`,
      `export const worker: URL = new URL("./part/worker.ts", import.meta.url);`,
    ].join("\n"),
  );
  writeFileSync(join(src, "cli", "types.ts"), `export interface Shape { n: number }\n`);
  writeFileSync(join(src, "cli", "part", "twice.ts"), `export function twice(x: number): number { return x * 2 * ${version}; }\n`);
  writeFileSync(join(src, "cli", "part", "late.ts"), `export const late: number = 7;\n`);
  writeFileSync(join(src, "cli", "part", "worker.ts"), `export const worker: string = "w";\n`);
  writeFileSync(join(src, "data", "table.json"), `{"n": 21}\n`);
}

type Main = { shape: { n: number }; later(): Promise<number>; worker: URL };

beforeEach(() => {
  rmSync(cache, { recursive: true, force: true });
  tree(1);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("javascriptCopy", () => {
  it("copies the entry and everything it reaches as JavaScript that runs as the TypeScript does", async () => {
    const url = javascriptCopy(entry, { src, cache });
    expect(url.pathname.endsWith("/cli/main.js")).toBe(true);
    const copy = (await import(url.href)) as Main;
    expect(copy.shape.n).toBe(42);
    expect(await copy.later()).toBe(7); // import() of a .ts module, rewritten
    expect(copy.worker.pathname.endsWith("/cli/part/worker.js")).toBe(true); // new URL(…, import.meta.url), rewritten
    const files = (readdirSync(cache, { recursive: true }) as string[]).map((f) => f.split(/[\\/]/).slice(1).join("/")).filter(Boolean);
    expect(files).toEqual(expect.arrayContaining(["cli/main.js", "cli/types.js", "cli/part/twice.js", "cli/part/late.js", "cli/part/worker.js", "data/table.json"]));
    expect(files.filter((f) => f.endsWith(".ts"))).toEqual([]);
    // Stripping blanks the types out: a stack trace's line numbers are the source's.
    expect(readFileSync(url, "utf8").split("\n")).toHaveLength(readFileSync(entry, "utf8").split("\n").length);
  });

  it("reuses the copy while the sources are the same, and makes a new one when any of them changes", async () => {
    const first = javascriptCopy(entry, { src, cache });
    const made = statSync(first).mtimeMs;
    expect(javascriptCopy(entry, { src, cache }).href).toBe(first.href);
    expect(statSync(first).mtimeMs).toBe(made); // not rewritten
    tree(2); // a module two imports deep changes
    const second = javascriptCopy(entry, { src, cache });
    expect(second.href).not.toBe(first.href);
    expect(((await import(second.href)) as Main).shape.n).toBe(84);
    expect(((await import(first.href)) as Main).shape.n).toBe(42); // a run already going keeps its own copy
  });

  it("where the cache cannot be written, copies into the fallback folder, or gives the TypeScript entry back", async () => {
    writeFileSync(cache, "a file where the cache folder should be"); // unwritable for any user, root included
    expect(javascriptCopy(entry, { src, cache }).href).toBe(entry.href);
    const fallback = join(root, "fallback");
    const url = javascriptCopy(entry, { src, cache, fallback });
    expect(url.href).toBe(pathToFileURL(join(fallback, "cli", "main.js")).href);
    expect(((await import(url.href)) as Main).shape.n).toBe(42);
  });

  it("refuses a module outside the source folder", () => {
    writeFileSync(join(src, "cli", "main.ts"), `export { x } from "../../outside.ts";\n`);
    writeFileSync(join(root, "outside.ts"), `export const x = 1;\n`);
    expect(() => javascriptCopy(entry, { src, cache })).toThrow(/is outside/);
  });
});
