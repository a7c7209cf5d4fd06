// `npm run --silent cli -- evaluate …`: the engine on a Bundle, an NDJSON file or a FHIR server (clinical-spec §6).
// `… population …`: a whole Bulk Data export; its main thread only coordinates, so the engine is not loaded there.
const argv = process.argv.slice(2);
const { run } = argv[0] === "population" ? await import("./population/command.ts") : await import("./run.ts");

// A reader that stops early (`| head`) is not an error.
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") process.exit(0);
  throw e;
});

process.exitCode = await run(
  argv,
  (s) => process.stdout.write(s),
  (s) => process.stderr.write(s),
);
