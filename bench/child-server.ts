// A bench's server in a child process of its own (the static host, the sandbox EHR): the child prints one JSON line
// saying where it listens, and stops when its stdin closes. A server in the bench's own process would share an
// event loop with the Playwright driver, which takes a DevTools message for every request the browser makes.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** Runs `script` (a file URL) with `args`; resolves with its first line, parsed, and a close() once it listens. */
export function startChildServer<T extends object>(script: string, args: string[], name: string): Promise<T & { close(): Promise<void> }> {
  const child = spawn(process.execPath, [fileURLToPath(script), ...args], { cwd: ROOT, stdio: ["pipe", "pipe", "inherit"] });
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  return new Promise((ok, fail) => {
    child.once("error", fail);
    child.once("exit", (code) => fail(new Error(`the ${name} stopped (exit code ${code}) before it listened`)));
    createInterface({ input: child.stdout! }).once("line", (line) => {
      ok({
        ...(JSON.parse(line) as T),
        close: async () => {
          child.stdin!.end();
          await exited;
        },
      });
    });
  });
}
