// The sandbox EHR for the launch benches, in a process of its own. Started inside the bench's process, the EHR's
// token and FHIR responses would share one event loop with the Playwright driver, which takes a DevTools message
// for every request, response and frame event the browser reports: a page that fetches more files (the app's
// chunks) would slow its own EHR's answers, a cost no real launch has (the EHR is another server). So the EHR runs
// here, as the static host (static-host.ts) does for the pages.
//
//   node bench/sandbox-host.ts '<SandboxOptions as JSON>'   (prints {"origin", "fhirBase"} on its first line;
//                                                             stops when stdin closes)
import { fileURLToPath } from "node:url";
import { startSandbox, type SandboxOptions } from "../launch/server.ts";
import { startChildServer } from "./child-server.ts";

/** What the benches use of a sandbox in another process: where it is, and how to stop it. */
export interface SandboxHost {
  origin: string;
  fhirBase: string;
  close(): Promise<void>;
}

/** Starts the sandbox in a child process (options as startSandbox takes them) and resolves once it listens. */
export function startSandboxHost(options: SandboxOptions): Promise<SandboxHost> {
  return startChildServer<{ origin: string; fhirBase: string }>(import.meta.url, [JSON.stringify(options)], "sandbox");
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const sandbox = await startSandbox(JSON.parse(process.argv[2] ?? "{}") as SandboxOptions);
  console.log(JSON.stringify({ origin: sandbox.origin, fhirBase: sandbox.fhirBase }));
  process.stdin.resume();
  process.stdin.once("end", () => void sandbox.close().then(() => process.exit(0)));
}
