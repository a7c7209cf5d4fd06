// `npm run --silent token -- --patient ID [--fhir URL] [--scope "…"]`: an EHR-launch access token from a running
// sandbox, printed on stdout, for trying the CLI's --server mode or curl against the sandbox (development only).
import { parseArgs } from "node:util";
import { createLaunch, getToken } from "./dev-client.ts";
import { DEFAULT_PORT, HOST } from "./server.ts";

try {
  const { values } = parseArgs({
    options: {
      patient: { type: "string" },
      fhir: { type: "string", default: `http://${HOST}:${DEFAULT_PORT}/fhir` },
      scope: { type: "string", default: "patient/*.rs" },
      user: { type: "string", default: "clinician" },
    },
    strict: true,
  });
  if (!values.patient) throw new Error("give --patient ID");
  const fhirBase = values.fhir.replace(/\/+$/, "");
  const origin = new URL(fhirBase).origin;
  const { launch } = await createLaunch(origin, values.patient, values.user);
  const token = await getToken({ fhirBase, scope: `launch ${values.scope}`, launch });
  process.stdout.write(`${token.access_token}\n`);
} catch (e) {
  process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 2;
}
