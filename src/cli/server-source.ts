// Reading one patient's whole record from a FHIR server for the CLI: the shared transport policy (src/fhir/) over
// the Node adapter (fhir-kit-client). The CLI's output must come from the whole record, so a failed search is an
// error here (the app, instead, shows what it could read).
import type { RecordEntry } from "../clinical/record.ts";
import { nodeTransport } from "../fhir/node-transport.ts";
import { readWholeRecord } from "../fhir/read.ts";

export async function entriesFromServer(base: string, patientId: string, token?: string): Promise<RecordEntry[]> {
  const transport = await nodeTransport(base, token);
  const { entries, failures } = await readWholeRecord(transport, patientId);
  if (failures.length > 0) throw failures[0]!.error;
  return entries;
}
