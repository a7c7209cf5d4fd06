// The worker threads' code as JavaScript, stripped of its types once by the main thread. A thread that loads
// TypeScript first loads Node's type stripper (a WebAssembly module): about 0.2 s of CPU per worker, as much as the
// engine spends on 200 patients, for a few dozen files the main thread strips in 0.06 s (its stripper is loaded
// already, for the command itself). The copy lives in the run's temporary folder, so a worker's stack trace names
// files there (with the same lines: stripping only blanks the types out).
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { stripTypeScriptTypes } from "node:module";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** The source folder: every module a worker loads lies under it. */
const SRC = fileURLToPath(new URL("../../", import.meta.url));

/** A relative module specifier in an import or export (`from "./x.ts"`); type-only imports are blanked by then. */
const SPECIFIER = /(\bfrom\s*)"(\.{1,2}\/[^"\n]+)"/g;

/** Node's stripper, without the warning it prints on first use (it is experimental in Node 22; the output is not). */
function strip(code: string): string {
  const emitWarning = process.emitWarning;
  process.emitWarning = (() => {}) as typeof process.emitWarning;
  try {
    return stripTypeScriptTypes(code);
  } finally {
    process.emitWarning = emitWarning;
  }
}

/**
 * Writes `entry` (a TypeScript module under src/) and every module it imports into `out` as JavaScript (`.ts` becomes
 * `.js`, in imports too; JSON files are copied), and returns the URL of the entry's copy.
 */
export function javascriptCopy(entry: URL, out: string): URL {
  const first = fileURLToPath(entry);
  const todo = [first];
  const done = new Set<string>();
  const target = (file: string): string => {
    const rel = relative(SRC, file);
    if (rel.startsWith(`..${sep}`)) throw new Error(`${file} is outside ${SRC}`);
    return join(out, rel.replace(/\.ts$/, ".js"));
  };
  while (todo.length > 0) {
    const file = todo.pop()!;
    if (done.has(file)) continue;
    done.add(file);
    const to = target(file);
    mkdirSync(dirname(to), { recursive: true });
    if (!file.endsWith(".ts")) {
      copyFileSync(file, to);
      continue;
    }
    const js = strip(readFileSync(file, "utf8")).replace(SPECIFIER, (_m, head: string, specifier: string) => {
      todo.push(resolve(dirname(file), specifier));
      return `${head}"${specifier.replace(/\.ts$/, ".js")}"`;
    });
    writeFileSync(to, js);
  }
  writeFileSync(join(out, "package.json"), `{"type":"module"}\n`);
  return pathToFileURL(target(first));
}
