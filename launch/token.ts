// `npm run --silent token -- …`: credentials from a running sandbox for trying things from the command line
// (development only): an EHR-launch access token (the CLI's --server mode, curl against the FHIR base), or the sandbox
// EHR's signed JWT for a CDS Hooks call. Only the credential goes to stdout; what was granted, and until when, goes
// to stderr.
import { parseArgs } from "node:util";
import { createLaunch, getToken } from "./dev-client.ts";
import { DEFAULT_PORT, HOST } from "./server.ts";

const DEFAULT_FHIR = `http://${HOST}:${DEFAULT_PORT}/fhir`;

export const USAGE = `Usage:
  npm run --silent token -- --patient ID [--scope "SCOPES"] [--user clinician|care-coordinator] [--fhir URL]
  npm run --silent token -- --ehr-jwt --aud URL [--fhir URL]
  npm run --silent token -- --help

Asks a running sandbox EHR (npm start or npm run sandbox) for a credential and prints it alone on stdout, so that
TOKEN=$(npm run --silent token -- …) works. The granted scopes and the expiry are printed on stderr.

  --patient ID     an access token from an EHR launch for this patient
  --scope SCOPES   the scopes to ask for besides "launch" (default "patient/*.rs")
  --user ID        the signed-in user (default clinician)
  --ehr-jwt        instead, the sandbox EHR's signed JWT for one CDS Hooks call (Authorization: Bearer …)
  --aud URL        the CDS Hooks URL the JWT is for, e.g. http://127.0.0.1:8090/cds-services/stagewise-patient-view
  --fhir URL       the sandbox's FHIR base (default ${DEFAULT_FHIR})
  --help           this text

Exit status: 0 success; 2 bad options or the sandbox refused (one line "error: …" on stderr).`;

function expiry(seconds: number): string {
  return `${new Date(Date.now() + seconds * 1000).toISOString()} (in ${seconds} s)`;
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      patient: { type: "string" },
      fhir: { type: "string", default: DEFAULT_FHIR },
      scope: { type: "string", default: "patient/*.rs" },
      user: { type: "string", default: "clinician" },
      "ehr-jwt": { type: "boolean" },
      aud: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const fhirBase = values.fhir.replace(/\/+$/, "");
  let origin: string;
  try {
    origin = new URL(fhirBase).origin;
  } catch {
    throw new Error(`--fhir is not a URL: ${fhirBase}`);
  }
  if (values["ehr-jwt"]) {
    if (values.patient !== undefined) throw new Error("--ehr-jwt and --patient ask for different things: give one");
    if (!values.aud) throw new Error("--ehr-jwt needs --aud URL (the CDS Hooks endpoint the JWT is for)");
    const res = await fetch(`${origin}/ehr/api/cds-jwt`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ aud: values.aud }),
    });
    const body = (await res.json()) as { jwt?: string; expires_in?: number; error?: string };
    if (!res.ok || !body.jwt) throw new Error(`the sandbox refused: ${body.error ?? `HTTP ${res.status}`}`);
    process.stdout.write(`${body.jwt}\n`);
    process.stderr.write(`EHR JWT for aud ${values.aud}\nexpires: ${expiry(body.expires_in ?? 0)}; one call only (jti)\n`);
    return;
  }
  if (!values.patient) throw new Error("give --patient ID (or --ehr-jwt --aud URL); see --help");
  const { launch } = await createLaunch(origin, values.patient, values.user);
  const token = await getToken({ fhirBase, scope: `launch ${values.scope}`, launch });
  process.stdout.write(`${token.access_token}\n`);
  process.stderr.write(`granted scopes: ${token.scope}\npatient: ${token.patient ?? "(none)"}\nexpires: ${expiry(token.expires_in)}\n`);
}

main(process.argv.slice(2)).catch((e: unknown) => {
  const message = e instanceof Error ? e.message : String(e);
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  const unreachable = e instanceof TypeError && message === "fetch failed";
  const badOption = String((e as { code?: unknown }).code ?? "").startsWith("ERR_PARSE_ARGS");
  process.stderr.write(
    unreachable
      ? `error: could not reach the sandbox (${cause?.code ?? cause?.message ?? message}): start it with npm start or npm run sandbox\n`
      : `error: ${message}${badOption ? " (see npm run token -- --help)" : ""}\n`,
  );
  process.exitCode = 2;
});
