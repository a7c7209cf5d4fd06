// `npm run cds-hooks [-- options]`: the Stagewise CDS Hooks service alone, on 127.0.0.1 (the sandbox also serves it at
// its own origin). Tests start it in-process with startCdsServer().
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { ehrJwtVerifier, parseEhrClients } from "./ehr-auth.ts";
import { createCdsHandler } from "./http.ts";
import type { CdsHandler, CdsHandlerOptions } from "./http.ts";
import { SERVICE_ID } from "./service.ts";

export const DEFAULT_CDS_PORT = 8091;
export const DEFAULT_SANDBOX = "http://127.0.0.1:8090";
export const DEFAULT_APP_LAUNCH_URL = "http://127.0.0.1:5173/launch.html";
export const EHR_CLIENTS_FILE = fileURLToPath(new URL("./ehr-clients.json", import.meta.url));
const HOST = "127.0.0.1";

export const USAGE = `Usage: npm run cds-hooks [-- options]

The Stagewise CDS Hooks 2.0 patient-view service, alone on ${HOST}.

Options:
  --port N                 port (default ${DEFAULT_CDS_PORT}; 0 picks a free one)
  --app-launch-url URL     the app's SMART launch URL for the card's link (default ${DEFAULT_APP_LAUNCH_URL})
  --ehr-clients FILE       EHRs whose signed JWTs are accepted (default src/cds/ehr-clients.json: the sandbox EHR)
  --sandbox URL            the origin that fills "{sandbox}" in that file (default ${DEFAULT_SANDBOX})
  --no-jwt                 accept calls without checking the EHR's JWT (development only)
  --help                   this text`;

export interface CdsServerOptions {
  port?: number;
  appLaunchUrl?: string;
  /** Registered EHR clients file; ignored with noJwt. */
  ehrClientsFile?: string;
  sandbox?: string;
  noJwt?: boolean;
  readRecord?: CdsHandlerOptions["readRecord"];
  today?: CdsHandlerOptions["today"];
}

export interface CdsServer {
  origin: string;
  discoveryUrl: string;
  serviceUrl: string;
  handler: CdsHandler;
  close(): Promise<void>;
}

export async function startCdsServer(options: CdsServerOptions = {}): Promise<CdsServer> {
  const authenticate = options.noJwt
    ? null
    : ehrJwtVerifier(
        parseEhrClients(JSON.parse(readFileSync(options.ehrClientsFile ?? EHR_CLIENTS_FILE, "utf8")), {
          sandbox: (options.sandbox ?? DEFAULT_SANDBOX).replace(/\/+$/, ""),
        }),
      );
  const server = createServer();
  await new Promise<void>((ok, fail) => {
    server.once("error", fail);
    server.listen(options.port ?? DEFAULT_CDS_PORT, HOST, () => ok());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : (options.port ?? DEFAULT_CDS_PORT);
  const origin = `http://${HOST}:${port}`;
  const handler = createCdsHandler({
    baseUrl: origin,
    appLaunchUrl: options.appLaunchUrl ?? DEFAULT_APP_LAUNCH_URL,
    authenticate,
    ...(options.readRecord ? { readRecord: options.readRecord } : {}),
    ...(options.today ? { today: options.today } : {}),
  });
  server.on("request", (req, res) => {
    const url = new URL(req.url ?? "/", origin);
    handler
      .handle(req, res, url)
      .then((handled) => {
        if (handled) return;
        res.writeHead(404, { "Content-Type": "application/json; charset=utf-8" });
        res.end(JSON.stringify({ error: `Nothing at ${url.pathname}. Discovery: /cds-services` }));
      })
      .catch((err: unknown) => {
        if (res.headersSent) return void res.destroy();
        res.writeHead(500, { "Content-Type": "application/json; charset=utf-8" });
        res.end(JSON.stringify({ error: err instanceof Error ? err.message : String(err) }));
      });
  });
  return {
    origin,
    discoveryUrl: `${origin}/cds-services`,
    serviceUrl: `${origin}/cds-services/${SERVICE_ID}`,
    handler,
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      }),
  };
}

/** The command line's options; throws with a message naming the bad option. */
export function parseCdsArgs(argv: string[]): CdsServerOptions | "help" {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      port: { type: "string" },
      "app-launch-url": { type: "string" },
      "ehr-clients": { type: "string" },
      sandbox: { type: "string" },
      "no-jwt": { type: "boolean" },
      help: { type: "boolean" },
    },
  });
  if (values.help) return "help";
  const opts: CdsServerOptions = {};
  if (values.port !== undefined) {
    const n = Number(values.port);
    if (!/^\d+$/.test(values.port) || n > 65535) throw new Error("--port must be a whole number 0–65535");
    opts.port = n;
  }
  for (const [name, value] of [["--app-launch-url", values["app-launch-url"]], ["--sandbox", values.sandbox]] as const) {
    if (value === undefined) continue;
    if (!/^https?:\/\/[^/]/.test(value)) throw new Error(`${name} must be an http(s) URL`);
  }
  if (values["app-launch-url"] !== undefined) opts.appLaunchUrl = values["app-launch-url"];
  if (values.sandbox !== undefined) opts.sandbox = values.sandbox;
  if (values["ehr-clients"] !== undefined) opts.ehrClientsFile = resolve(values["ehr-clients"]);
  if (values["no-jwt"]) {
    if (values["ehr-clients"] !== undefined) throw new Error("--no-jwt and --ehr-clients contradict each other");
    opts.noJwt = true;
  }
  return opts;
}

async function main(): Promise<void> {
  let parsed: CdsServerOptions | "help";
  try {
    parsed = parseCdsArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  }
  if (parsed === "help") {
    console.log(USAGE);
    return;
  }
  const s = await startCdsServer(parsed);
  console.log(
    [
      "Stagewise CDS Hooks service",
      `  discovery: ${s.discoveryUrl}`,
      `  service:   ${s.serviceUrl}`,
      `  feedback:  ${s.serviceUrl}/feedback`,
      parsed.noJwt
        ? "  EHR JWT:   NOT CHECKED (--no-jwt: development only)"
        : `  EHR JWT:   required, issuers from ${parsed.ehrClientsFile ?? "src/cds/ehr-clients.json"}`,
    ].join("\n"),
  );
  const stop = (): void => void s.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
