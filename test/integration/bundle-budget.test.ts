// JS budget of the app page: the production build's initial JavaScript — the entry chunk of index.html (its
// <script> and modulepreload links: the SMART code exchange and the first reads, no React), the React root it
// imports at once (root.tsx, fetched during the token exchange), and every chunk those import statically — NOT the
// lazy chunks (the workspace with the engine, the plan editor) — must stay within 110 KiB gzipped (gzip level 9).
// The figure is printed.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import type { Manifest, Plugin } from "vite";
import { afterAll, describe, expect, it } from "vitest";
import { productionBuild } from "../e2e/helpers/build.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const BUDGET_KIB = 110;
const LAZY = ["src/app/Workspace.tsx", "src/app/components/PlanEditor.tsx"];
/** The page's entry, and the root main.ts imports as soon as it runs (not lazy: every launch loads it at once). */
const START_UP = ["index.html", "src/app/root.tsx"];
const dirs: string[] = [];

async function buildApp(plugins: Plugin[] = []): Promise<{ outDir: string; manifest: Manifest }> {
  const outDir = mkdtempSync(join(tmpdir(), "stagewise-budget-"));
  dirs.push(outDir);
  // productionBuild: vitest's NODE_ENV=test would otherwise give React's development build.
  await productionBuild({ root: ROOT, logLevel: "silent", plugins, build: { outDir, emptyOutDir: true, manifest: true, sourcemap: false } });
  return { outDir, manifest: JSON.parse(readFileSync(join(outDir, ".vite/manifest.json"), "utf8")) as Manifest };
}

interface InitialJs {
  files: string[];
  gzipBytes: number;
  rawBytes: number;
}

/** The chunks of `entries` and their static imports, transitively (dynamic imports are not followed). */
function initialJs(outDir: string, manifest: Manifest, entries = START_UP): InitialJs {
  const files = new Set<string>();
  const visit = (key: string) => {
    const chunk = manifest[key];
    if (!chunk) throw new Error(`${key} is not in the build manifest`);
    if (files.has(chunk.file)) return;
    files.add(chunk.file);
    for (const imported of chunk.imports ?? []) visit(imported);
  };
  for (const entry of entries) visit(entry);
  let gzipBytes = 0;
  let rawBytes = 0;
  for (const f of files) {
    const data = readFileSync(join(outDir, f));
    rawBytes += data.length;
    gzipBytes += gzipSync(data, { level: 9 }).length;
  }
  return { files: [...files].sort(), gzipBytes, rawBytes };
}

/** What the built page itself loads up front: its module script and modulepreload links. */
function loadedByHtml(outDir: string, page = "index.html"): string[] {
  const html = readFileSync(join(outDir, page), "utf8");
  const urls = [
    ...[...html.matchAll(/<script[^>]*type="module"[^>]*src="([^"]+)"/g)].map((m) => m[1]!),
    ...[...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g)].map((m) => m[1]!),
  ];
  return urls.map((u) => u.replace(/^\//, "")).sort();
}

const kib = (bytes: number) => bytes / 1024;

/** Test-only: App.tsx imports the workspace eagerly instead of lazily (what the budget exists to catch). */
const eagerWorkspace: Plugin = {
  name: "eager-workspace",
  enforce: "pre",
  transform(code, id) {
    if (!id.replaceAll("\\", "/").endsWith("/src/app/App.tsx")) return null;
    // Dynamic imports of the workspace (not `typeof import(…)` type queries).
    const lazyImport = /(?<!typeof\s+)import\(\s*["']\.\/Workspace\.tsx["']\s*\)/g;
    if (!lazyImport.test(code)) throw new Error('src/app/App.tsx no longer holds import("./Workspace.tsx"): update this test');
    return `import * as __eagerWorkspace from "./Workspace.tsx";\n${code.replace(lazyImport, "Promise.resolve(__eagerWorkspace)")}`;
  },
};

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("JavaScript budget of the app page", () => {
  it(`loads at most ${BUDGET_KIB} KiB of gzipped JavaScript before the first screen; the engine and the plan editor come later`, async () => {
    const { outDir, manifest } = await buildApp();
    const initial = initialJs(outDir, manifest);
    console.log(
      `app page initial JS: ${kib(initial.gzipBytes).toFixed(1)} KiB gzipped (level 9), ${kib(initial.rawBytes).toFixed(1)} KiB raw, budget ${BUDGET_KIB} KiB: ${initial.files.join(", ")}`,
    );
    // The manifest's static graph of the entry is what the page itself loads: its script and modulepreload links.
    expect(loadedByHtml(outDir)).toEqual(initialJs(outDir, manifest, ["index.html"]).files);
    // React is not among them: the code exchange does not wait for React to load and compile.
    expect(manifest["src/app/root.tsx"]?.isDynamicEntry, "root.tsx is imported by main.ts, not by the page").toBe(true);
    const holdsReactDom = (f: string) => readFileSync(join(outDir, f), "utf8").includes("__REACT_DEVTOOLS_GLOBAL_HOOK__");
    expect(initial.files.some(holdsReactDom), "the measure finds React DOM in the start-up chunks").toBe(true);
    expect(initialJs(outDir, manifest, ["index.html"]).files.filter(holdsReactDom)).toEqual([]);
    // Lazy: each is a chunk of its own, loaded by a dynamic import, and not part of the initial JS.
    for (const src of LAZY) {
      expect(manifest[src]?.isDynamicEntry, `${src} is loaded lazily`).toBe(true);
      expect(initial.files).not.toContain(manifest[src]!.file);
    }
    expect(kib(initial.gzipBytes)).toBeGreaterThan(30); // React and fhirclient at least: the measure reads real files
    expect(kib(initial.gzipBytes)).toBeLessThanOrEqual(BUDGET_KIB);
  }, 60_000);

  it("would fail if the workspace (engine and screens) were imported eagerly", async () => {
    const { outDir, manifest } = await buildApp([eagerWorkspace]);
    const initial = initialJs(outDir, manifest);
    console.log(`same build with the workspace imported eagerly: ${kib(initial.gzipBytes).toFixed(1)} KiB gzipped`);
    expect(manifest["src/app/Workspace.tsx"]?.isDynamicEntry ?? false).toBe(false);
    expect(kib(initial.gzipBytes)).toBeGreaterThan(BUDGET_KIB);
  }, 60_000);
});
