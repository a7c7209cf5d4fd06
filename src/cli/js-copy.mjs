// The command line's TypeScript as JavaScript, stripped of its types once per version of the sources and kept.
//
// A process (or worker thread) that loads TypeScript first loads Node's type stripper, a WebAssembly module: about
// 0.2 s of CPU, as much as a population run spends on 200 patients, and most of the start-up of `evaluate`. So
// `npm run cli` starts from start.mjs, which runs main.ts's JavaScript copy, and a population run's workers load
// theirs. A copy holds the entry and every module it reaches (imports, exports, import() and new URL(…,
// import.meta.url) with a relative path; JSON files are copied), in node_modules/.cache/stagewise-cli/<key>/, where
// the key is a hash of Node's version and of every one of those files' path and text: an edited source makes a new
// copy, never a stale run. Stripping only blanks the types out, so a stack trace's lines are the source's lines.
// Plain JavaScript on purpose: it must run before anything loads the stripper.
import { createHash, randomBytes } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { stripTypeScriptTypes } from "node:module";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** The source folder (src/): every module a copy holds lies under it. */
export const SRC = fileURLToPath(new URL("../", import.meta.url));
/** Where copies are kept. */
export const CACHE = fileURLToPath(new URL("../../node_modules/.cache/stagewise-cli/", import.meta.url));
/** Copies not used for this long are removed when a new one is made. */
const KEEP_MS = 7 * 24 * 3600 * 1000;

/** A relative specifier in an import, an export, an import() or a new URL(); type-only imports are blanked by then. */
const SPECIFIER = /(\bfrom\s*|\bimport\s*\(\s*|\bnew URL\(\s*)"(\.{1,2}\/[^"\n]+)"/g;

/** The entry and every module it reaches, with its text (a specifier naming no file, as in a comment, is passed by). */
function graph(entry, src) {
  const files = new Map();
  const todo = [entry];
  while (todo.length > 0) {
    const file = todo.pop();
    if (files.has(file)) continue;
    let text;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      continue;
    }
    const rel = relative(src, file);
    if (rel.startsWith(`..${sep}`)) throw new Error(`${file} is outside ${src}`);
    files.set(file, text);
    if (file.endsWith(".ts")) for (const m of text.matchAll(SPECIFIER)) todo.push(resolve(dirname(file), m[2]));
  }
  return files;
}

/** Node's stripper, without the warning it prints on first use (it is experimental in Node 22; its output is not). */
function strip(code) {
  const emitWarning = process.emitWarning;
  process.emitWarning = () => {};
  try {
    return stripTypeScriptTypes(code);
  } finally {
    process.emitWarning = emitWarning;
  }
}

const toJs = (path) => path.replace(/\.ts$/, ".js");

function write(files, src, dir) {
  for (const [file, text] of files) {
    const to = join(dir, toJs(relative(src, file)));
    mkdirSync(dirname(to), { recursive: true });
    if (!file.endsWith(".ts")) {
      copyFileSync(file, to);
      continue;
    }
    writeFileSync(to, strip(text).replace(SPECIFIER, (_m, head, specifier) => `${head}"${toJs(specifier)}"`));
  }
  writeFileSync(join(dir, "package.json"), `{"type":"module"}\n`);
}

function prune(cache, keep) {
  for (const name of readdirSync(cache)) {
    const path = join(cache, name);
    if (name === keep) continue;
    try {
      if (Date.now() - statSync(path).mtimeMs > KEEP_MS || name.includes(".tmp-")) rmSync(path, { recursive: true, force: true });
    } catch {
      // another process removed it
    }
  }
}

/**
 * The URL of `entry`'s JavaScript copy (made if there is none for these sources). Where the cache cannot be written,
 * the copy is made in `fallback` (a folder of the caller's, e.g. a run's temporary folder) or, without one, the
 * TypeScript entry itself is returned (Node then strips it as it loads).
 * @param {URL} entry a TypeScript module under `options.src`
 * @param {{ src?: string; cache?: string; fallback?: string }} [options]
 * @returns {URL}
 */
export function javascriptCopy(entry, options = {}) {
  const src = options.src ?? SRC;
  const cache = options.cache ?? CACHE;
  const first = fileURLToPath(entry);
  const files = graph(first, src);
  const hash = createHash("sha256").update(process.version);
  for (const file of [...files.keys()].sort()) hash.update("\0").update(relative(src, file)).update("\0").update(files.get(file));
  const key = hash.digest("hex").slice(0, 20);
  const dir = join(cache, key);
  const url = (root) => pathToFileURL(join(root, toJs(relative(src, first))));
  if (existsSync(join(dir, "package.json"))) {
    try {
      const now = new Date();
      utimesSync(dir, now, now); // in use: not pruned
    } catch {
      // read-only: still usable
    }
    return url(dir);
  }
  try {
    // Written aside and renamed into place, so a copy is whole or absent, and two processes may race.
    mkdirSync(cache, { recursive: true });
    const tmp = join(cache, `${key}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`);
    write(files, src, tmp);
    try {
      renameSync(tmp, dir);
    } catch {
      rmSync(tmp, { recursive: true, force: true });
      if (!existsSync(join(dir, "package.json"))) throw new Error(`could not keep ${dir}`);
    }
    prune(cache, key);
    return url(dir);
  } catch {
    if (options.fallback === undefined) return entry;
    write(files, src, options.fallback);
    return url(options.fallback);
  }
}
