// `npm run --silent cli -- evaluate …`: the engine on a Bundle, an NDJSON file or a FHIR server (clinical-spec §6).
import { run } from "./run.ts";

// A reader that stops early (`| head`) is not an error.
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") process.exit(0);
  throw e;
});

process.exitCode = await run(
  process.argv.slice(2),
  (s) => process.stdout.write(s),
  (s) => process.stderr.write(s),
);
