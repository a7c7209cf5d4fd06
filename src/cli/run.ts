// The CLI as a function (argv → exit code), so it can also be driven in-process.
// stdout gets exactly one JSON object, or nothing; errors are one line "error: …" on stderr.
import { evaluate, EvaluateError } from "../clinical/evaluate.ts";
import { RecordError } from "../clinical/record.ts";
import type { PatientRecord } from "../clinical/record.ts";
import { recordFromEntries } from "../clinical/record.ts";
import { FhirError } from "../fhir/errors.ts";
import { parseCli, USAGE, UsageError } from "./args.ts";
import type { EvaluateArgs } from "./args.ts";
import { recordFromFile } from "./load.ts";
import { toCliJson } from "./output.ts";
import { entriesFromServer } from "./server-source.ts";

/** Today's date in this machine's zone: what a user means by "today". */
export function localToday(): string {
  const t = new Date();
  return `${t.getFullYear()}-${String(t.getMonth() + 1).padStart(2, "0")}-${String(t.getDate()).padStart(2, "0")}`;
}

async function loadRecord(args: EvaluateArgs): Promise<PatientRecord> {
  const src = args.source;
  if (src.kind === "bundle") return recordFromFile(src.file, src.patient);
  const entries = await entriesFromServer(src.url, src.patient, src.token);
  return recordFromEntries(entries, { patientId: src.patient });
}

export async function run(argv: string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
  if (argv[0] === "population") return (await import("./population/command.ts")).run(argv, out, err);
  try {
    const args = parseCli(argv);
    if (args.command === "help") {
      out(`${USAGE}\n`);
      return 0;
    }
    const record = await loadRecord(args);
    const evaluation = evaluate(record, {
      now: args.now ?? localToday(),
      ...(args.schedule ? { schedule: args.schedule } : {}),
      ...(args.cmStart ? { cmStart: args.cmStart } : {}),
      ...(args.cmTarget ? { cmTarget: args.cmTarget } : {}),
      context: {
        familyInvolved: args.family,
        prefersNoMedication: args.prefersNoMedication,
        canDeliverCm: !args.noCm,
        otp: args.otp,
      },
    });
    out(`${JSON.stringify(toCliJson(evaluation), null, 2)}\n`);
    return 0;
  } catch (e) {
    if (e instanceof UsageError || e instanceof RecordError || e instanceof EvaluateError) {
      err(`error: ${e.message}\n`);
      return 2;
    }
    if (e instanceof FhirError) {
      err(`error: ${e.message}\n`);
      // The server said the request was wrong (unknown patient, bad token…): bad input. Otherwise it failed.
      return e.status >= 400 && e.status < 500 ? 2 : 1;
    }
    err(`error: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}
