// The sandbox EHR for the launch benches, in a process of its own. Started inside the bench's process, the EHR's
// token and FHIR responses would share one event loop with the Playwright driver, which takes a DevTools message
// for every request, response and frame event the browser reports: a page that fetches more files (the app's
// chunks) would slow its own EHR's answers, a cost no real launch has (the EHR is another server). So the EHR runs
// here, as the static host (static-host.ts) does for the pages.
//
//   node bench/sandbox-host.ts '<SandboxOptions as JSON>'   (prints {"origin", "fhirBase"} on its first line;
//                                                             stops when stdin closes)
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { startSandbox, type SandboxOptions } from "../launch/server.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** What the benches use of a sandbox in another process: where it is, and how to stop it. */
export interface SandboxHost {
  origin: string;
  fhirBase: string;
  close(): Promise<void>;
}

/** Starts the sandbox in a child process (options as startSandbox takes them) and resolves once it listens. */
export function startSandboxHost(options: SandboxOptions): Promise<SandboxHost> {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), JSON.stringify(options)], { cwd: ROOT, stdio: ["pipe", "pipe", "inherit"] });
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  return new Promise((ok, fail) => {
    child.once("error", fail);
    child.once("exit", (code) => fail(new Error(`the sandbox stopped (exit code ${code}) before it listened`)));
    createInterface({ input: child.stdout! }).once("line", (line) => {
      const { origin, fhirBase } = JSON.parse(line) as { origin: string; fhirBase: string };
      ok({
        origin,
        fhirBase,
        close: async () => {
          child.stdin!.end();
          await exited;
        },
      });
    });
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const sandbox = await startSandbox(JSON.parse(process.argv[2] ?? "{}") as SandboxOptions);
  console.log(JSON.stringify({ origin: sandbox.origin, fhirBase: sandbox.fhirBase }));
  process.stdin.resume();
  process.stdin.once("end", () => void sandbox.close().then(() => process.exit(0)));
}
