// The CapabilityStatement (kind requirements) of the app, derived from its code: the searches of
// src/fhir/patient-queries.ts, the scope table of src/app/launch-config.ts, and the requests buildPlanBundle and
// recordStage make (run here on a sample plan and stage), each type with why the app touches it.
import type { Bundle, CapabilityStatement, CapabilityStatementRestResource } from "fhir/r4.js";
import { DATA_SCOPES_V2 } from "../../src/app/launch-config.ts";
import { recordStage, stageBundle } from "../../src/app/record-stage.ts";
import { STAGEWISE_BASE } from "../../src/clinical/codes.ts";
import { buildPlanBundle } from "../../src/clinical/plan.ts";
import { markRewardEnteredInError, rewardCorrectionBundle, rewardCreateBundle, writeRewardObservation } from "../../src/clinical/reward-log.ts";
import type { PlanContext, PlanDraft } from "../../src/clinical/plan.ts";
import { firstScreenQueries, labHistoryQuery, labRangeQuery, observationsByIdQuery, recordQueries } from "../../src/fhir/patient-queries.ts";
import type { PatientQuery } from "../../src/fhir/patient-queries.ts";
import { MORE_PROFILE_IDS, narrative, PROFILE_IDS, PUBLISHER, sdUrl, VERSION } from "./common.ts";

/** CapabilityStatement.date is required: the day this content last changed (change it with the content). */
const CONTENT_DATE = "2026-11-30";

/** A sample plan save, as new and as an update, a stage recording, and a reward recorded and marked entered-in-error. */
export async function sampleWrites(): Promise<{
  planNew: Bundle;
  planUpdate: Bundle;
  stage: { url: string; method: string; body: Bundle };
  rewardNew: Bundle;
  rewardCorrection: Bundle;
}> {
  const draft: PlanDraft = {
    planId: "sample",
    status: "active",
    period: { start: "2026-01-05" },
    activities: [{ id: "contingency-management", title: "Contingency management", text: "Weekly" }],
    goals: [{ key: "g1", description: "Negative urine tests", startDate: "2026-01-05", dueDate: "2026-03-29", activityIds: ["contingency-management"] }],
    // target: what CM scores (§7.6); buildPlanBundle writes it as cm-target extensions where it supports it.
    cm: { schedule: "escalating", startDate: "2026-01-05", weeks: 12, description: ["Escalating vouchers"], target: ["opioids", "stimulants"] } as PlanDraft["cm"],
  };
  const ctx: PlanContext = { patient: "Patient/p", oudCondition: "Condition/c", author: "Practitioner/d", now: "2026-01-05T10:00:00Z", app: { name: "Stagewise", version: VERSION } };
  let stage: { url: string; method: string; body: Bundle } | undefined;
  const api = {
    serverUrl: "https://fhir.example/r4",
    async request(url: string, o: { method?: string; body?: unknown } = {}) {
      stage = { url, method: o.method ?? "GET", body: o.body as Bundle };
      return { status: 200, body: { resourceType: "Bundle", type: "transaction-response", entry: [] }, location: null, etag: null };
    },
  };
  await recordStage(api, stageBundle({ kind: "stage", stage: "contemplation" }, { patient: "Patient/p", author: "Practitioner/d", now: "2026-01-05T10:00:00Z", identifier: "i1" }));
  if (!stage) throw new Error("recordStage made no request");
  const reward = writeRewardObservation({ kind: "voucher", amount: 10 }, { patient: "Patient/p", carePlan: "CarePlan/cp", author: "Practitioner/d", date: "2026-01-12", now: "2026-01-12T10:00:00Z", identifier: "r1" });
  const saveCtx = { author: "Practitioner/d", now: "2026-01-12T10:00:00Z", app: { name: "Stagewise", version: VERSION } };
  return {
    planNew: buildPlanBundle(draft, ctx),
    planUpdate: buildPlanBundle(draft, { ...ctx, existing: { id: "cp", versionId: "2" } }),
    stage,
    rewardNew: rewardCreateBundle(reward, saveCtx),
    rewardCorrection: rewardCorrectionBundle(markRewardEnteredInError({ ...reward, id: "o1", meta: { ...reward.meta, versionId: "1" } }, { reason: "duplicate", author: "Practitioner/d", now: "2026-01-13T10:00:00Z" }), saveCtx),
  };
}

/** Every transaction the app sends (the plan saves, the stage recording, a reward recorded and corrected). */
const transactions = (w: Awaited<ReturnType<typeof sampleWrites>>): Bundle[] => [w.planNew, w.planUpdate, w.stage.body, w.rewardNew, w.rewardCorrection];

/** Every search the app makes (src/fhir/patient-queries.ts), for a patient id: list each query builder it uses here. */
export function appSearches(patient: string): PatientQuery[] {
  const day = "2026-01-01";
  return [
    ...firstScreenQueries(patient, day),
    labRangeQuery(patient, day, day),
    labHistoryQuery(patient),
    observationsByIdQuery(patient, ["o1"]),
    ...recordQueries(patient),
  ];
}

const valuesOf = (v: string | string[] | undefined): string[] => (v === undefined ? [] : ([] as string[]).concat(v));

type Interaction = CapabilityStatementRestResource["interaction"] extends (infer I)[] | undefined ? I : never;
type Code = Interaction["code"];

/** SMART v2 scope letters → FHIR interactions. */
const LETTER: Record<string, Code> = { c: "create", r: "read", u: "update", d: "delete", s: "search-type" };

/** Why the app touches each type (the README's scope table, in the app's words). */
const WHY: Record<string, string> = {
  Patient: "The patient in context: banner and the subject of everything read and written.",
  Observation:
    "Reads urine drug screens (category laboratory), stage-of-change assessments (category survey) and the contingency-management reward log (category therapy). Writes a stage of change or readiness-ruler score the clinician records, derivedFrom the QuestionnaireResponse written with it, and each reward handed out (conditional creates on their identifier, so a retry does not duplicate); marks a mistaken reward entered-in-error with If-Match on the version read (never deleted).",
  QuestionnaireResponse:
    "Writes the clinician's answers to the stage-of-change Questionnaire (stage picker or readiness ruler), in one transaction with the stage Observation derived from it (conditional create on its identifier; s because that is a search). Never read: the engine reads the Observation.",
  MedicationRequest: "Medications for OUD, naloxone rescue kits, and prescriptions that explain a positive urine test (classified by RxNorm code).",
  Medication: "The Medications referenced by MedicationRequests, returned with them by _include.",
  Condition: "The OUD diagnosis (CarePlan.addresses) and opioid overdoses (a recent one raises naloxone and safety rules).",
  CarePlan:
    "Reads existing plans (contingency-management enrolment written by this app). Writes the plan: conditional create on its business identifier in a transaction; later saves update it with If-Match on the version read (a 412 shows the stored version).",
  Goal: "Reads existing goals; writes the plan's new goals (conditional create on their identifier; stored goals are never changed).",
  Provenance: "Writes one Provenance per plan save and per recorded stage (the signed-in user and the app); s because its conditional create (If-None-Exist on the save tag) is a search.",
};

/** The search parameters each type is searched or conditionally created with, from the code's own queries. */
type SearchParam = { name: string; type: "reference" | "token" | "date"; documentation: string };

function searchParams(type: string, writes: Awaited<ReturnType<typeof sampleWrites>>): SearchParam[] {
  const out = new Map<string, SearchParam>();
  const TYPES: Record<string, "reference" | "token" | "date"> = { patient: "reference", date: "date" };
  for (const q of appSearches("ID").filter((x) => x.resourceType === type)) {
    const query = Object.entries(q.params).flatMap(([n, v]) => valuesOf(v).map((x) => `${n}=${x === "ID" ? "{id}" : x}`)).join("&");
    for (const name of Object.keys(q.params)) {
      if (name.startsWith("_") && name !== "_id") continue; // _count, _include: result parameters
      if (!out.has(name)) out.set(name, { name, type: TYPES[name] ?? "token", documentation: `Read: ${type}?${query}` });
    }
  }
  const conditional = transactions(writes)
    .flatMap((b) => (b.entry ?? []).filter((e) => e.resource?.resourceType === type).map((e) => e.request?.ifNoneExist))
    .filter((x): x is string => typeof x === "string");
  for (const q of conditional) {
    const name = q.split("=")[0]!;
    if (!out.has(name)) out.set(name, { name, type: "token", documentation: "If-None-Exist of the conditional create (a retried save finds what the first attempt wrote)." });
  }
  return [...out.values()];
}

function restResource(type: string, letters: string, writes: Awaited<ReturnType<typeof sampleWrites>>): CapabilityStatementRestResource {
  const why = WHY[type];
  if (!why) throw new Error(`No "why" for ${type}: add it to WHY in scripts/generate-conformance.ts`);
  const interaction: Interaction[] = [...letters].map((l) => {
    const code = LETTER[l];
    if (!code) throw new Error(`Unknown scope letter ${l} on ${type}`);
    return { code };
  });
  const entries = transactions(writes).flatMap((b) => b.entry ?? []).filter((e) => e.resource?.resourceType === type);
  const conditionalCreate = entries.some((e) => e.request?.ifNoneExist);
  const versionedUpdate = entries.some((e) => e.request?.method === "PUT" && e.request.ifMatch);
  const includes = [...new Set(appSearches("ID").filter((q) => q.resourceType === type).flatMap((q) => valuesOf(q.params._include)))];
  const params = searchParams(type, writes);
  const profile = (PROFILE_IDS as Record<string, string>)[type];
  const profiles = profile ? [profile, ...(MORE_PROFILE_IDS[type] ?? [])] : [];
  return {
    type: type as CapabilityStatementRestResource["type"],
    ...(profiles.length ? { supportedProfile: profiles.map(sdUrl) } : {}),
    documentation: why,
    interaction,
    ...(versionedUpdate ? { versioning: "versioned-update" as const } : {}),
    ...(conditionalCreate ? { conditionalCreate: true } : {}),
    ...(includes.length ? { searchInclude: includes } : {}),
    ...(params.length ? { searchParam: params } : {}),
  };
}

export function scopeTable(): [type: string, letters: string][] {
  return DATA_SCOPES_V2.map((s) => {
    const m = /^patient\/([A-Za-z]+)\.([cruds]+)$/.exec(s);
    if (!m) throw new Error(`Unexpected scope ${s}`);
    return [m[1]!, m[2]!] as [string, string];
  });
}

export async function capabilityStatement(): Promise<CapabilityStatement> {
  const writes = await sampleWrites();
  const merged = new Map<string, string>();
  for (const [type, letters] of scopeTable()) merged.set(type, [...new Set((merged.get(type) ?? "") + letters)].sort((a, b) => "crus".indexOf(a) - "crus".indexOf(b)).join(""));
  const resources = [...merged].map(([type, letters]) => restResource(type, letters, writes));
  return {
    resourceType: "CapabilityStatement",
    id: "stagewise-app",
    text: narrative(
      "What the Stagewise SMART app asks of an EHR's FHIR R4 server: what it reads, searches and writes, and why. Every written resource carries the 42 CFR Part 2 security labels.",
    ),
    url: `${STAGEWISE_BASE}/CapabilityStatement/stagewise-app`,
    version: VERSION,
    name: "StagewiseAppRequirements",
    title: "Stagewise app: FHIR requirements",
    status: "active",
    experimental: false,
    date: CONTENT_DATE,
    publisher: PUBLISHER,
    description:
      "The reads, searches and writes of the Stagewise SMART-on-FHIR app (stage-matched psychosocial care for opioid use disorder). One wave of reads after launch: the Patient, then every page of each search. One transaction per plan save (CarePlan, Goals, Provenance), one per recorded stage of change (QuestionnaireResponse, the Observation derived from it, Provenance) and one per reward handed out or marked entered-in-error (Observation, Provenance). No delete.",
    kind: "requirements",
    fhirVersion: "4.0.1",
    format: ["json"],
    rest: [
      {
        mode: "client",
        documentation:
          "Searches ask for pages of 1,000 (_count) and follow every next link on the same server. Writes are conditional creates (If-None-Exist) so a retried save never duplicates; updates send If-Match.",
        security: {
          service: [{ coding: [{ system: "http://terminology.hl7.org/CodeSystem/restful-security-service", code: "SMART-on-FHIR" }] }],
          description: `SMART App Launch 2 (EHR or standalone launch, public client, PKCE S256). Scopes (v2): launch or launch/patient, openid fhirUser, online_access, ${DATA_SCOPES_V2.join(", ")}; v1 equivalents (.read/.write) when the server does not list permission-v2.`,
        },
        resource: resources,
        interaction: transactions(writes).every((b) => b.type === "transaction")
          ? [
              {
                code: "transaction",
                documentation:
                  "A plan save: CarePlan, its Goals and a Provenance in one transaction, linked by urn:uuid. A recorded stage of change: the QuestionnaireResponse (Questionnaire stage-of-change), the stage Observation derivedFrom it and a Provenance in one transaction. A reward recorded (or marked entered-in-error): the Observation and its Provenance in one transaction.",
              },
            ]
          : [],
      },
    ],
  };
}
