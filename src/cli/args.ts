// The command line of clinical-spec §6, parsed and checked before anything is read.
import { parseArgs } from "node:util";
import { parseCmTarget } from "../clinical/cm-target.ts";
import { isValidDateOrDateTime } from "../clinical/dates.ts";
import type { CmScheduleKind, CmTargetAnalyte } from "../clinical/types.ts";

export class UsageError extends Error {
  override name = "UsageError";
}

export interface EvaluateArgs {
  command: "evaluate";
  source: { kind: "bundle"; file: string; patient?: string } | { kind: "server"; url: string; patient: string; token?: string };
  now?: string;
  schedule?: CmScheduleKind;
  cmStart?: string;
  cmTarget?: CmTargetAnalyte[];
  family: boolean;
  prefersNoMedication: boolean;
  noCm: boolean;
  otp: boolean;
}

export type CliArgs = EvaluateArgs | { command: "help" };

export const USAGE = `Usage:
  npm run --silent cli -- evaluate --bundle FILE [options]
  npm run --silent cli -- evaluate --server URL --patient ID [--token TOKEN] [options]
  npm run --silent cli -- population --bulk DIR [--shard I/N] [--now DATE] [--out FILE]   (population --help)

Reads one patient's FHIR record (a Bundle of any type or an NDJSON file, or a FHIR server) and prints the
engine's evaluation as one JSON object on stdout.

Options:
  --bundle FILE             FHIR Bundle (searchset, collection, transaction, …) or NDJSON file
  --server URL              FHIR R4 base URL (every page of every search is followed)
  --patient ID              the patient (required with --server; picks one when a bundle holds several)
  --token TOKEN             bearer token for --server
  --now DATE                "today" (YYYY-MM-DD or ISO date-time); default: the real date
  --schedule KIND           contingency-management reward schedule: escalating (default), prize, fixed
  --cm-start DATE           contingency-management start date (enrols the patient from that date)
  --cm-target TARGET        what CM weeks are scored on: opioids, or opioids,stimulants (default: the target
                            recorded in the plan, else stimulants included when a stimulant-positive test lies
                            in the 30 days up to the CM start date)
  --family                  family or partner involved and willing
  --prefers-no-medication   the patient prefers treatment without medication
  --no-cm                   the setting cannot deliver contingency management
  --otp                     the setting is an opioid treatment program
  --help                    this text

Exit status: 0 success; 2 bad input (one line "error: …" on stderr, nothing on stdout); 1 the server failed.`;

const SCHEDULES: readonly CmScheduleKind[] = ["escalating", "prize", "fixed"];

export function parseCli(argv: string[]): CliArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        bundle: { type: "string" },
        server: { type: "string" },
        patient: { type: "string" },
        token: { type: "string" },
        now: { type: "string" },
        schedule: { type: "string" },
        "cm-start": { type: "string" },
        "cm-target": { type: "string" },
        family: { type: "boolean", default: false },
        "prefers-no-medication": { type: "boolean", default: false },
        "no-cm": { type: "boolean", default: false },
        otp: { type: "boolean", default: false },
        help: { type: "boolean", default: false },
      },
    });
  } catch (e) {
    // node:util says e.g. "Unknown option '--fmaily'. To specify a positional argument starting with a '-', …"
    const message = e instanceof Error ? e.message.split(". To specify")[0]! : String(e);
    throw new UsageError(message.replace(/\.$/, ""));
  }
  const { values: v, positionals } = parsed;
  if (v.help) return { command: "help" };
  if (positionals.length === 0) throw new UsageError('missing command: "evaluate"');
  if (positionals[0] !== "evaluate") throw new UsageError(`unknown command "${positionals[0]}" (expected "evaluate" or "population")`);
  if (positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1]}"`);

  if (v.bundle !== undefined && v.server !== undefined) throw new UsageError("give either --bundle or --server, not both");
  if (v.bundle === undefined && v.server === undefined) throw new UsageError("give --bundle FILE or --server URL");
  if (v.bundle === "") throw new UsageError("--bundle needs a file name");
  if (v.token !== undefined && v.server === undefined) throw new UsageError("--token goes with --server");
  if (v.schedule !== undefined && !SCHEDULES.includes(v.schedule as CmScheduleKind))
    throw new UsageError(`unknown schedule "${v.schedule}" (expected ${SCHEDULES.join(", ")})`);
  const cmTarget = v["cm-target"] === undefined ? undefined : parseCmTarget(v["cm-target"]);
  if (cmTarget === null) throw new UsageError(`unknown CM target "${v["cm-target"]}" (expected opioids or opioids,stimulants)`);
  for (const [name, value] of [["--now", v.now], ["--cm-start", v["cm-start"]]] as const) {
    if (value !== undefined && !isValidDateOrDateTime(value))
      throw new UsageError(`${name} "${value}" is not a valid date (expected YYYY-MM-DD or an ISO date-time)`);
  }

  let source: EvaluateArgs["source"];
  if (v.server !== undefined) {
    let url: URL;
    try {
      url = new URL(v.server);
    } catch {
      throw new UsageError(`--server "${v.server}" is not a URL`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new UsageError(`--server "${v.server}" is not an http(s) URL`);
    if (v.patient === undefined || v.patient === "") throw new UsageError("--server needs --patient ID");
    if (!/^[A-Za-z0-9\-.]{1,64}$/.test(v.patient)) throw new UsageError(`--patient "${v.patient}" is not a FHIR id`);
    source = { kind: "server", url: v.server.replace(/\/+$/, ""), patient: v.patient, ...(v.token ? { token: v.token } : {}) };
  } else {
    source = { kind: "bundle", file: v.bundle!, ...(v.patient ? { patient: v.patient } : {}) };
  }

  return {
    command: "evaluate",
    source,
    ...(v.now !== undefined ? { now: v.now } : {}),
    ...(v.schedule !== undefined ? { schedule: v.schedule as CmScheduleKind } : {}),
    ...(v["cm-start"] !== undefined ? { cmStart: v["cm-start"] } : {}),
    ...(cmTarget ? { cmTarget } : {}),
    family: v.family === true,
    prefersNoMedication: v["prefers-no-medication"] === true,
    noCm: v["no-cm"] === true,
    otp: v.otp === true,
  };
}
