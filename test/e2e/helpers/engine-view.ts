// What the engine says about a patient as the sandbox holds it now (dates moved to today), read over HTTP with a
// token, independently of the app's own reads: what the browser tests compare the screen with.
import type { Patient } from "fhir/r4.js";
import type { Sandbox } from "../../../launch/server.ts";
import { evaluate, type EvaluateOptions } from "../../../src/clinical/evaluate.ts";
import { recordFromEntries, type RecordEntry } from "../../../src/clinical/record.ts";
import type { Evaluation } from "../../../src/clinical/types.ts";
import { allPages, fhir } from "../../integration/helpers/sandbox.ts";

/** Today in this machine's zone, YYYY-MM-DD (the app's "now", and the day the sandbox moved its dates to). */
export function today(): string {
  const d = new Date();
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

export async function engineView(
  sandbox: Sandbox,
  token: string,
  patient: string,
  options: Omit<EvaluateOptions, "now"> = {},
): Promise<Evaluation & { patientResource: Patient }> {
  const patientResource = (await fhir<Patient>(sandbox, token, `Patient/${patient}`)).body;
  const entries: RecordEntry[] = [{ resource: patientResource }];
  const p = encodeURIComponent(patient);
  for (const q of [
    `Observation?patient=${p}&_count=1000`,
    `MedicationRequest?patient=${p}&_include=MedicationRequest:medication&_count=1000`,
    `Condition?patient=${p}`,
    `CarePlan?patient=${p}`,
    `Goal?patient=${p}`,
  ])
    for (const page of await allPages(sandbox, token, q))
      for (const e of page.entry ?? []) entries.push(e.fullUrl ? { resource: e.resource, fullUrl: e.fullUrl } : { resource: e.resource });
  return { ...evaluate(recordFromEntries(entries, { patientId: patient }), { now: today(), ...options }), patientResource };
}
