// The one place the CDS service reads a record from a FHIR server (when prefetch is missing): the same reads as the
// CLI and the app (src/fhir/patient-queries.ts, every page). Point this at another transport in one line.
import type { RecordEntry } from "../clinical/record.ts";
import { entriesFromServer } from "../cli/server-source.ts";

export type ReadRecord = (fhirServer: string, patientId: string, accessToken: string) => Promise<RecordEntry[]>;

export const readRecordFromServer: ReadRecord = (fhirServer, patientId, accessToken) =>
  entriesFromServer(fhirServer, patientId, accessToken);
