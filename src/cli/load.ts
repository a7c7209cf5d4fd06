// Reading the CLI's input into a PatientRecord: a Bundle or NDJSON file, or a FHIR server.
import { readFile } from "node:fs/promises";
import { entriesFromNdjson, recordFromBundle, recordFromEntries, RecordError } from "../clinical/record.ts";
import type { PatientRecord } from "../clinical/record.ts";
import { UsageError } from "./args.ts";

function isResourceObject(x: unknown): boolean {
  return typeof x === "object" && x !== null && !Array.isArray(x) && typeof (x as { resourceType?: unknown }).resourceType === "string";
}

/** Parses file text as one FHIR JSON resource/Bundle, or as NDJSON (one resource per line). */
export function recordFromText(text: string, file: string, patientId?: string): PatientRecord {
  const options = patientId ? { patientId } : {};
  const trimmed = text.trim();
  if (trimmed === "") throw new UsageError(`${file} is empty`);
  let whole: unknown;
  let parseError: string | undefined;
  try {
    whole = JSON.parse(trimmed);
  } catch (e) {
    parseError = e instanceof Error ? e.message : String(e);
  }
  if (parseError === undefined) {
    if (!isResourceObject(whole)) throw new UsageError(`${file} is JSON but not FHIR (no resourceType)`);
    return recordFromBundle(whole, options);
  }
  // NDJSON: only when the first line is itself a resource, so a broken JSON file is reported as broken JSON.
  const firstLine = trimmed.split(/\r?\n/, 1)[0]!;
  let firstIsResource = false;
  try {
    firstIsResource = isResourceObject(JSON.parse(firstLine));
  } catch {
    firstIsResource = false;
  }
  if (!firstIsResource) {
    throw new UsageError(`${file} is not valid JSON (${parseError})`);
  }
  const { entries, warnings } = entriesFromNdjson(trimmed);
  const record = recordFromEntries(entries, options);
  record.warnings.unshift(...warnings);
  return record;
}

export async function recordFromFile(file: string, patientId?: string): Promise<PatientRecord> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : code === "EACCES" ? "permission denied" : String(code ?? e);
    throw new UsageError(`cannot read ${file}: ${why}`);
  }
  try {
    return recordFromText(text, file, patientId);
  } catch (e) {
    if (e instanceof RecordError) throw new UsageError(`${file}: ${e.message}`);
    throw e;
  }
}
