// Reading a care coordinator's caseload in a few requests, whatever its size (never one request per patient per
// resource type), over any transport (the app's fhirclient adapter, the CLI's fhir-kit-client, plain fetch):
//
// 1. Who is on the caseload: the active CareTeams the user takes part in, with their patients in the same answer
//    (`CareTeam?participant=Practitioner/x&status=active&_include=CareTeam:patient`), or a Group's members
//    (`Group/x`, then the Patients by `_id`). US Core models a patient's care team as a CareTeam whose subject is the
//    patient; the app uses CareTeams, and a Group (an EHR's panel or registry list) when given one.
// 2. The records, for chunks of patients at once (`patient=a,b,c`, CHUNK ids each): stage assessments and the CM
//    reward logs (survey and therapy Observations), MedicationRequests with their Medications, Conditions and CarePlans; then laboratory
//    Observations from the day the rows need them (the last 90 days, or back to the earliest CM start in the
//    chunk, so every CM week is judged). Each round is ONE `batch` Bundle (POST to the base) holding every chunk's
//    searches; the pages after the first (a search's `next` link) go together in the next batch. A server that
//    refuses batches gets the same searches one by one, all at once (mode "search").
//
// The result: each patient's entries, ready for recordFromEntries, the searches that failed (by name and chunk,
// with what the server said), and how many requests were sent.
import type { Bundle, BundleEntry, CarePlan, Patient } from "fhir/r4.js";
import { cmEnrolmentFromCarePlans } from "../clinical/cm.ts";
import { addDays } from "../clinical/dates.ts";
import type { RecordEntry } from "../clinical/record.ts";
import { FhirError } from "./errors.ts";
import { DATE_MARGIN_DAYS, PAGE_SIZE, queryUrl, type PatientQuery } from "./patient-queries.ts";
import { asFhirError, type SearchFailure } from "./read.ts";
import { pageEntries, searchAllPages } from "./search.ts";
import { resolveOnServer, trimBase, type FhirTransport } from "./transport.ts";

/** Patients per search (`patient=` with this many ids). */
export const CHUNK = 50;
/** Laboratory results the rows need: the last 90 days (last test, CM weeks, ongoing use), or from a CM start. */
export const CASELOAD_LAB_DAYS = 90;
/** At most this many entries per batch Bundle (servers cap it; the sandbox at 100). */
export const BATCH_ENTRIES = 100;

/** Whose caseload: the CareTeams a practitioner takes part in, a Group's members, or given patients (one row again). */
export type CaseloadSource = { careTeamOf: string } | { group: string } | { patients: string[] };

export interface CaseloadReadOptions {
  /** Today, YYYY-MM-DD. */
  now: string;
  /** "batch" (default): one batch Bundle per round; "search": every search as its own request, in parallel. */
  mode?: "batch" | "search";
  chunk?: number;
  /** A round of reads has finished: its name and the requests sent so far. */
  onProgress?(step: string, requests: number): void;
}

export interface CaseloadRead {
  /** The caseload's patients, in the order the server gave them. */
  patients: Patient[];
  /** Each patient's entries (Patient included), by id. */
  records: Map<string, RecordEntry[]>;
  /** Laboratory results from this day (YYYY-MM-DD) on are in the records, per patient. */
  labsFrom: Map<string, string>;
  failures: SearchFailure[];
  /** Requests sent (each batch counts once). */
  requests: number;
}

const COUNT = String(PAGE_SIZE);

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const PATIENT_REF = /(?:^|\/)Patient\/([A-Za-z0-9\-.]{1,64})$/;

export function patientIdOfRef(reference: string | undefined): string | null {
  return reference ? (PATIENT_REF.exec(reference)?.[1] ?? null) : null;
}

/** The patient a resource belongs to (subject or patient), or null. */
function ownerOf(resource: Record<string, unknown>): string | null {
  const ref = (x: unknown) => (typeof x === "object" && x !== null ? (x as { reference?: unknown }).reference : undefined);
  const r = ref(resource.subject) ?? ref(resource.patient);
  return typeof r === "string" ? patientIdOfRef(r) : null;
}

/** The searches of round 1 (everything but laboratory results) for one chunk of patient ids. */
export function caseloadQueries(ids: readonly string[], withPatients: boolean): PatientQuery[] {
  const patient = ids.join(",");
  const n = `${ids.length} patients`;
  return [
    ...(withPatients ? [{ resourceType: "Patient", label: `Patients (${n})`, params: { _id: patient, _count: COUNT } }] : []),
    // survey: stage assessments; therapy: the CM reward log (src/clinical/reward-log.ts). Both few.
    { resourceType: "Observation", label: `Stage assessments and reward logs (${n})`, params: { patient, category: "survey,therapy", _count: COUNT } },
    {
      resourceType: "MedicationRequest",
      label: `Medication requests (${n})`,
      params: { patient, _include: "MedicationRequest:medication", _count: COUNT },
    },
    { resourceType: "Condition", label: `Conditions (${n})`, params: { patient, _count: COUNT } },
    { resourceType: "CarePlan", label: `Care plans (${n})`, params: { patient, _count: COUNT } },
  ];
}

/** Who is on a practitioner's caseload: their active CareTeams, with the Patients. */
export function careTeamQuery(practitioner: string): PatientQuery {
  return {
    resourceType: "CareTeam",
    label: "Care teams",
    params: { participant: practitioner, status: "active", _include: "CareTeam:patient", _count: COUNT },
  };
}

/** Round 2: laboratory Observations of one chunk from `from` (with the time-zone margin). */
export function caseloadLabQuery(ids: readonly string[], from: string): PatientQuery {
  return {
    resourceType: "Observation",
    label: `Urine drug screens since ${from} (${ids.length} patients)`,
    params: { patient: ids.join(","), category: "laboratory", date: `ge${addDays(from, -DATE_MARGIN_DAYS)}`, _count: COUNT },
  };
}

interface Counter {
  requests: number;
}

function asBundle(body: unknown, label: string): Bundle {
  if (typeof body === "object" && body !== null && (body as { resourceType?: unknown }).resourceType === "Bundle") return body as Bundle;
  throw new FhirError(0, label, undefined, "the server did not answer with a Bundle");
}

/** A server URL as a batch entry's relative URL; null when it is not on this server. */
function relativeToBase(transport: FhirTransport, url: string): string | null {
  const absolute = resolveOnServer(transport.serverUrl, url);
  if (!absolute) return null;
  return absolute.slice(trimBase(transport.serverUrl).length + 1);
}

/** Runs searches as batch Bundles, following `next` links in further batches; each query's entries in order. */
async function runBatched(transport: FhirTransport, queries: PatientQuery[], counter: Counter): Promise<(RecordEntry[] | SearchFailure)[]> {
  const results: (RecordEntry[] | SearchFailure)[] = queries.map(() => []);
  let pending: { index: number; url: string }[] = queries.map((q, index) => ({ index, url: queryUrl(q) }));
  const seen = new Set<string>();
  for (let round = 0; pending.length > 0; round++) {
    if (round > 100) throw new FhirError(0, "batch", undefined, "the server's next-page links do not end; the reads were stopped");
    const next: { index: number; url: string }[] = [];
    for (const part of chunks(pending, BATCH_ENTRIES)) {
      const batch: Bundle = {
        resourceType: "Bundle",
        type: "batch",
        entry: part.map((p): BundleEntry => ({ request: { method: "GET", url: p.url } })),
      };
      counter.requests++;
      const res = await transport.request("", { method: "POST", body: batch });
      const answer = asBundle(res.body, "batch");
      part.forEach((p, i) => {
        const q = queries[p.index]!;
        const fail = (error: FhirError) => (results[p.index] = { resourceType: q.resourceType, label: q.label, error });
        if (!Array.isArray(results[p.index])) return; // already failed
        const entry = answer.entry?.[i];
        const status = parseInt(entry?.response?.status ?? "", 10);
        if (!entry || !(status >= 200 && status < 300)) {
          fail(FhirError.fromResponse(Number.isFinite(status) ? status : 0, q.resourceType, entry?.response?.outcome ?? entry?.resource, "no answer in the batch"));
          return;
        }
        try {
          const page = asBundle(entry.resource, q.resourceType);
          (results[p.index] as RecordEntry[]).push(...pageEntries(page, q.resourceType, status));
          const link = page.link?.find((l) => l?.relation === "next")?.url;
          if (!link) return;
          const rel = relativeToBase(transport, link);
          if (rel === null || seen.has(link)) {
            fail(new FhirError(0, q.resourceType, undefined, rel === null ? "the next page is not on this FHIR server; not followed" : "the next-page links loop"));
            return;
          }
          seen.add(link);
          next.push({ index: p.index, url: rel });
        } catch (e) {
          fail(asFhirError(e, q.resourceType));
        }
      });
    }
    pending = next;
  }
  return results;
}

/** The transport, counting each request sent. */
function counting(transport: FhirTransport, counter: Counter): FhirTransport {
  return {
    serverUrl: transport.serverUrl,
    request: (url, o) => {
      counter.requests++;
      return transport.request(url, o);
    },
  };
}

/** The same searches one request each (every page followed), all at once. */
async function runSearches(transport: FhirTransport, queries: PatientQuery[], counter: Counter): Promise<(RecordEntry[] | SearchFailure)[]> {
  const t = counting(transport, counter);
  return Promise.all(
    queries.map(async (q) => {
      try {
        return await searchAllPages(t, queryUrl(q));
      } catch (e) {
        return { resourceType: q.resourceType, label: q.label, error: asFhirError(e, q.resourceType) };
      }
    }),
  );
}

/** Step 1: the patient ids of the caseload, and the Patients when the answer held them. */
async function caseloadMembers(transport: FhirTransport, source: CaseloadSource, counter: Counter): Promise<{ ids: string[]; patients: Patient[] }> {
  if ("patients" in source) return { ids: [...new Set(source.patients)], patients: [] };
  if ("careTeamOf" in source) {
    const entries = await searchAllPages(counting(transport, counter), queryUrl(careTeamQuery(source.careTeamOf)));
    const ids: string[] = [];
    const patients: Patient[] = [];
    for (const { resource } of entries) {
      const r = resource as { resourceType?: string; subject?: { reference?: string } };
      if (r.resourceType === "CareTeam") {
        const id = patientIdOfRef(r.subject?.reference);
        if (id && !ids.includes(id)) ids.push(id);
      } else if (r.resourceType === "Patient") patients.push(resource as Patient);
    }
    return { ids, patients };
  }
  counter.requests++;
  const res = await transport.request(source.group.replace(/^\/+/, ""));
  const group = res.body as { resourceType?: string; member?: { entity?: { reference?: string }; inactive?: boolean }[] };
  if (group?.resourceType !== "Group") throw new FhirError(res.status, source.group, undefined, "the server did not answer with a Group");
  const ids = (group.member ?? []).filter((m) => m && !m.inactive).map((m) => patientIdOfRef(m.entity?.reference)).filter((x): x is string => x !== null);
  return { ids: [...new Set(ids)], patients: [] };
}

/** Reads the caseload (see the header). Throws a FhirError only when the caseload itself cannot be read. */
export async function readCaseload(transport: FhirTransport, source: CaseloadSource, options: CaseloadReadOptions): Promise<CaseloadRead> {
  const counter: Counter = { requests: 0 };
  const size = options.chunk ?? CHUNK;
  const run = options.mode === "search" ? runSearches : runBatched;
  const members = await caseloadMembers(transport, source, counter);
  options.onProgress?.("caseload", counter.requests);
  const ids = members.ids;
  const records = new Map<string, RecordEntry[]>(ids.map((id) => [id, []]));
  const patients = new Map<string, Patient>();
  const failures: SearchFailure[] = [];
  const medications = new Map<string, RecordEntry>();

  const file = (entries: RecordEntry[]): void => {
    for (const e of entries) {
      const r = e.resource as Record<string, unknown> & { resourceType?: string; id?: string };
      if (r.resourceType === "Patient" && typeof r.id === "string") {
        if (records.has(r.id) && !patients.has(r.id)) {
          patients.set(r.id, r as unknown as Patient);
          records.get(r.id)!.push(e);
        }
        continue;
      }
      if (r.resourceType === "Medication" && typeof r.id === "string") {
        medications.set(`Medication/${r.id}`, e);
        continue;
      }
      const owner = ownerOf(r);
      if (owner) records.get(owner)?.push(e);
    }
  };
  const collect = (queries: PatientQuery[], results: (RecordEntry[] | SearchFailure)[]): void => {
    results.forEach((r, i) => (Array.isArray(r) ? file(r) : failures.push({ ...r, label: queries[i]!.label })));
  };

  file(members.patients.map((p) => ({ resource: p })));
  const idChunks = chunks(ids, size);
  const first = idChunks.flatMap((c) => caseloadQueries(c, c.some((id) => !patients.has(id))));
  collect(first, first.length ? await run(transport, first, counter) : []);
  options.onProgress?.("records", counter.requests);

  // Laboratory results: from 90 days ago, or the earliest CM start of the chunk's patients.
  const labsFrom = new Map<string, string>();
  const defaultFrom = addDays(options.now, -CASELOAD_LAB_DAYS);
  const labQueries = idChunks.map((c) => {
    let from = defaultFrom;
    for (const id of c) {
      const plans = (records.get(id) ?? []).map((e) => e.resource as CarePlan).filter((r) => r.resourceType === "CarePlan");
      const start = cmEnrolmentFromCarePlans(plans)?.startDate;
      if (start && start < from) from = start;
    }
    for (const id of c) labsFrom.set(id, from);
    return caseloadLabQuery(c, from);
  });
  collect(labQueries, labQueries.length ? await run(transport, labQueries, counter) : []);
  options.onProgress?.("urine tests", counter.requests);

  // Each patient's record gets the Medications its requests reference.
  for (const entries of records.values()) {
    const refs = new Set<string>();
    for (const e of entries) {
      const r = e.resource as { resourceType?: string; medicationReference?: { reference?: string } };
      if (r.resourceType === "MedicationRequest" && r.medicationReference?.reference) refs.add(r.medicationReference.reference);
    }
    for (const ref of refs) {
      const m = medications.get(ref.replace(/^.*\/(Medication\/[^/]+)$/, "$1"));
      if (m) entries.push(m);
    }
  }
  return {
    patients: ids.map((id) => patients.get(id)).filter((p): p is Patient => p !== undefined),
    records,
    labsFrom,
    failures,
    requests: counter.requests,
  };
}
