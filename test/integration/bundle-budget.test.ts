// JS budget of the app page: the production build's initial JavaScript — the entry chunk of index.html (its
// <script> and modulepreload links: the SMART code exchange and the first reads, no React), the React root it
// imports at once (root.tsx, fetched during the token exchange), and every chunk those import statically — NOT the
// lazy chunks (the workspace with the engine, the plan editor) — must stay within 50 KiB gzipped (gzip level 9).
// The figure is printed. (The components run on Preact through preact/compat, react-alias.ts: with React DOM the
// same start-up was 100.5 KiB.)
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import type { Manifest, Plugin } from "vite";
import { afterAll, describe, expect, it } from "vitest";
import { productionBuild } from "../e2e/helpers/build.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const BUDGET_KIB = 50;
const LAZY = ["src/app/Workspace.tsx", "src/app/components/PlanEditor.tsx"];
/** The page's entry, and the root main.ts imports as soon as it runs (not lazy: every launch loads it at once). */
const START_UP = ["index.html", "src/app/root.tsx"];
const dirs: string[] = [];

/** The chunks that hold the UI runtime (Preact, through the react aliases), by the modules each chunk holds. */
function uiRuntimeChunks(found: Set<string>): Plugin {
  return {
    name: "ui-runtime-chunks",
    generateBundle(_options, bundle) {
      for (const out of Object.values(bundle)) {
        if (out.type === "chunk" && out.moduleIds.some((id) => /[\\/]node_modules[\\/]preact[\\/]/.test(id))) found.add(out.fileName);
      }
    },
  };
}

async function buildApp(plugins: Plugin[] = []): Promise<{ outDir: string; manifest: Manifest; uiRuntime: Set<string> }> {
  const outDir = mkdtempSync(join(tmpdir(), "stagewise-budget-"));
  dirs.push(outDir);
  const uiRuntime = new Set<string>();
  // productionBuild: vitest's NODE_ENV=test would otherwise give the UI runtime's development build.
  await productionBuild({ root: ROOT, logLevel: "silent", plugins: [...plugins, uiRuntimeChunks(uiRuntime)], build: { outDir, emptyOutDir: true, manifest: true, sourcemap: false } });
  return { outDir, manifest: JSON.parse(readFileSync(join(outDir, ".vite/manifest.json"), "utf8")) as Manifest, uiRuntime };
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

/** Test-only: screens.ts imports the workspace eagerly instead of lazily (what the budget exists to catch). */
const eagerWorkspace: Plugin = {
  name: "eager-workspace",
  enforce: "pre",
  transform(code, id) {
    if (!id.replaceAll("\\", "/").endsWith("/src/app/screens.ts")) return null;
    // Dynamic imports of the workspace (not `typeof import(…)` type queries).
    const lazyImport = /(?<!typeof\s+)import\(\s*["']\.\/Workspace\.tsx["']\s*\)/g;
    if (!lazyImport.test(code)) throw new Error('src/app/screens.ts no longer holds import("./Workspace.tsx"): update this test');
    return `import * as __eagerWorkspace from "./Workspace.tsx";\n${code.replace(lazyImport, "Promise.resolve(__eagerWorkspace)")}`;
  },
};

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("JavaScript budget of the app page", () => {
  it(`loads at most ${BUDGET_KIB} KiB of gzipped JavaScript before the first screen; the engine and the plan editor come later`, async () => {
    const { outDir, manifest, uiRuntime } = await buildApp();
    const initial = initialJs(outDir, manifest);
    console.log(
      `app page initial JS: ${kib(initial.gzipBytes).toFixed(1)} KiB gzipped (level 9), ${kib(initial.rawBytes).toFixed(1)} KiB raw, budget ${BUDGET_KIB} KiB: ${initial.files.join(", ")}`,
    );
    // What the page itself asks for (its script and modulepreload links): the entry's static graph, and the first
    // screen's code (the root and the workspace with the engine, fetched and compiled during the token exchange;
    // they run only when main.ts imports them). The plan editor is not among them.
    const firstScreen = initialJs(outDir, manifest, ["index.html", "src/app/root.tsx", "src/app/Workspace.tsx"]).files;
    expect(loadedByHtml(outDir)).toEqual(firstScreen);
    expect(firstScreen).not.toContain(manifest["src/app/components/PlanEditor.tsx"]!.file);
    const html = readFileSync(join(outDir, "index.html"), "utf8");
    expect(html.indexOf(`src="/${manifest["index.html"]!.file}"`), "the entry's script comes before the first screen's preloads").toBeLessThan(html.indexOf(`href="/${manifest["src/app/Workspace.tsx"]!.file}"`));
    // The UI runtime is not among them: the code exchange does not wait for it to load and compile.
    expect(manifest["src/app/root.tsx"]?.isDynamicEntry, "root.tsx is imported by main.ts, not by the page").toBe(true);
    expect(initial.files.some((f) => uiRuntime.has(f)), "the measure finds the UI runtime in the start-up chunks").toBe(true);
    expect(initialJs(outDir, manifest, ["index.html"]).files.filter((f) => uiRuntime.has(f))).toEqual([]);
    // Lazy: each is a chunk of its own, loaded by a dynamic import, and not part of the initial JS.
    for (const src of LAZY) {
      expect(manifest[src]?.isDynamicEntry, `${src} is loaded lazily`).toBe(true);
      expect(initial.files).not.toContain(manifest[src]!.file);
    }
    expect(kib(initial.gzipBytes)).toBeGreaterThan(20); // Preact and fhirclient at least: the measure reads real files
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
