// `npm run --silent cli -- evaluate …`: the engine on a Bundle, an NDJSON file or a FHIR server (clinical-spec §6).
import { run } from "./run.ts";

process.exitCode = await run(
  process.argv.slice(2),
  (s) => process.stdout.write(s),
  (s) => process.stderr.write(s),
);
