// npm start: the sandbox EHR and the app's Vite dev server together, one URL to open (the EHR simulator).
// Ctrl-C stops both. Vite runs as the real node process (not through npx), so that stopping it works
// (toolchain-notes gotcha 11); the sandbox runs in this process.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describeSandbox, sandboxArgsOrExit, startSandbox } from "./server.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const VITE = fileURLToPath(new URL("../node_modules/vite/bin/vite.js", import.meta.url));
/** Vite's own banner: we print one URL instead. */
const VITE_BANNER = /(➜|Local:|Network:|press h|VITE v\d|ready in)/;

const sandbox = await startSandbox(sandboxArgsOrExit(process.argv.slice(2)));
const vite = spawn(process.execPath, [VITE, "--clearScreen", "false"], {
  cwd: ROOT,
  stdio: ["ignore", "pipe", "pipe"],
  env: { ...process.env, VITE_SANDBOX_FHIR_BASE: sandbox.fhirBase },
});

let stopping = false;
async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  if (vite.exitCode === null && vite.signalCode === null) vite.kill("SIGTERM");
  await sandbox.close();
  process.exit(code);
}

let ready = false;
const forward = (stream: NodeJS.WritableStream) => (chunk: Buffer) => {
  for (const line of chunk.toString().split("\n")) {
    if (!line.trim()) continue;
    if (VITE_BANNER.test(line)) {
      if (!ready && /Local:|ready in/.test(line)) {
        ready = true;
        console.log(`\n${describeSandbox(sandbox)}\n  App (Vite dev server): http://127.0.0.1:5173/ (launched from the simulator)\n`);
        console.log(`Open ${sandbox.ehrUrl}\n(Ctrl-C stops the sandbox and the app)`);
      }
      continue;
    }
    stream.write(`[app] ${line}\n`);
  }
};
vite.stdout.on("data", forward(process.stdout));
vite.stderr.on("data", forward(process.stderr));
vite.on("exit", (code, signal) => {
  if (stopping) return;
  console.error(`The app's dev server stopped (${signal ?? `exit ${code}`}); stopping the sandbox.`);
  void stop(code ?? 1);
});
process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));
