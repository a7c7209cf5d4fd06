// Publishes what the app asks of a FHIR server and what it writes:
//   fhir-resources/CapabilityStatement-stagewise-app.json     kind "requirements": the reads, searches and writes of
//        the app, derived from the code (the searches of src/fhir/patient-queries.ts, the scope table of
//        src/app/launch-config.ts, the requests buildPlanBundle and recordStage make), each with why;
//   fhir-resources/StructureDefinition-stagewise-careplan.json / -goal.json / -stage-observation.json: profiles of
//        what it writes, on US Core where US Core has one (see profiles below);
//   fhir-resources/StructureDefinition-cm-schedule.json and -cm-target.json (+ their CodeSystem and ValueSet): every
//        extension the app writes.
// Run: npm run conformance. Deterministic (no clock). test/unit/conformance.test.ts checks that the committed files
// equal the generator's output, that each is valid R4, and that what the app writes meets the profiles.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type {
  Bundle,
  CapabilityStatement,
  CapabilityStatementRestResource,
  CodeSystem,
  ElementDefinition,
  Observation,
  StructureDefinition,
  ValueSet,
} from "fhir/r4.js";
import pkg from "../package.json" with { type: "json" };
import { DATA_SCOPES_V2 } from "../src/app/launch-config.ts";
import { OBSERVATION_ID_SYSTEM, recordStage, stageObservation } from "../src/app/record-stage.ts";
import { CM_SCHEDULE_KINDS } from "../src/clinical/cm-schedules.ts";
import {
  CAREPLAN_ID_SYSTEM,
  CM_SCHEDULE_EXTENSION,
  GOAL_ID_SYSTEM,
  RECOMMENDATION_SYSTEM,
  SECURITY_LABELS,
  STAGE_SYSTEM,
  STAGEWISE_BASE,
} from "../src/clinical/codes.ts";
import { buildPlanBundle } from "../src/clinical/plan.ts";
import type { PlanContext, PlanDraft } from "../src/clinical/plan.ts";
import type { CmScheduleKind } from "../src/clinical/types.ts";
import { patientQueries } from "../src/fhir/patient-queries.ts";
import type { PatientQuery } from "../src/fhir/patient-queries.ts";

export const OUT_DIR = "fhir-resources";
const VERSION: string = pkg.version;
const PUBLISHER = "Stagewise";
/** CapabilityStatement.date is required: the day this content last changed (change it with the content). */
const CONTENT_DATE = "2026-11-29";
const US_CORE = "http://hl7.org/fhir/us/core/StructureDefinition";

export const sdUrl = (id: string): string => `${STAGEWISE_BASE}/StructureDefinition/${id}`;
export const PROFILE_IDS = { CarePlan: "stagewise-careplan", Goal: "stagewise-goal", Observation: "stagewise-stage-observation" } as const;
export const CM_SCHEDULE_CODESYSTEM = `${STAGEWISE_BASE}/CodeSystem/cm-schedule`;
export const CM_SCHEDULE_VALUESET = `${STAGEWISE_BASE}/ValueSet/cm-schedule`;
/**
 * What contingency management scores (clinical-spec §7.6): the plan writes one extension per analyte class on the CM
 * activity, valueCode "opioids" (always) and "stimulants" (when chosen); the engine reads it back as the target.
 */
export const CM_TARGET_EXTENSION = `${STAGEWISE_BASE}/StructureDefinition/cm-target`;
export const CM_TARGET_CODESYSTEM = `${STAGEWISE_BASE}/CodeSystem/cm-target`;
export const CM_TARGET_VALUESET = `${STAGEWISE_BASE}/ValueSet/cm-target`;

function narrative(...paragraphs: string[]): { status: "generated"; div: string } {
  const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  return { status: "generated", div: `<div xmlns="http://www.w3.org/1999/xhtml">${paragraphs.map((p) => `<p>${esc(p)}</p>`).join("")}</div>` };
}

// ---------------------------------------------------------------- what the app does, read from its code

/** A sample plan save, as new and as an update, and a stage recording: the requests the app makes. */
export async function sampleWrites(): Promise<{ planNew: Bundle; planUpdate: Bundle; stage: { url: string; method: string; headers: Record<string, string>; body: Observation } }> {
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
  let stage: { url: string; method: string; headers: Record<string, string>; body: Observation } | undefined;
  const api = {
    serverUrl: "https://fhir.example/r4",
    async request(url: string, o: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) {
      stage = { url, method: o.method ?? "GET", headers: o.headers ?? {}, body: o.body as Observation };
      return { status: 201, body: { ...(o.body as object), id: "new" }, location: null, etag: null };
    },
  };
  await recordStage(api, stageObservation({ kind: "stage", stage: "contemplation" }, { patient: "Patient/p", author: "Practitioner/d", now: "2026-01-05T10:00:00Z", identifier: "i1" }));
  if (!stage) throw new Error("recordStage made no request");
  return {
    planNew: buildPlanBundle(draft, ctx),
    planUpdate: buildPlanBundle(draft, { ...ctx, existing: { id: "cp", versionId: "2" } }),
    stage,
  };
}

/** Every search the app makes (src/fhir/patient-queries.ts), for a patient id: list each query builder it uses here. */
export function appSearches(patient: string): PatientQuery[] {
  return patientQueries(patient);
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
    "Reads urine drug screens (category laboratory) and stage-of-change assessments (category survey). Writes a stage of change or readiness-ruler score the clinician records (conditional create on its identifier, so a retry does not duplicate).",
  MedicationRequest: "Medications for OUD, naloxone rescue kits, and prescriptions that explain a positive urine test (classified by RxNorm code).",
  Medication: "The Medications referenced by MedicationRequests, returned with them by _include.",
  Condition: "The OUD diagnosis (CarePlan.addresses) and opioid overdoses (a recent one raises naloxone and safety rules).",
  CarePlan:
    "Reads existing plans (contingency-management enrolment written by this app). Writes the plan: conditional create on its business identifier in a transaction; later saves update it with If-Match on the version read (a 412 shows the stored version).",
  Goal: "Reads existing goals; writes the plan's new goals (conditional create on their identifier; stored goals are never changed).",
  Provenance: "Writes one Provenance per save (the signed-in user and the app); s because its conditional create (If-None-Exist on the save tag) is a search.",
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
  const conditional = [
    ...[writes.planNew, writes.planUpdate].flatMap((b) => (b.entry ?? []).filter((e) => e.resource?.resourceType === type).map((e) => e.request?.ifNoneExist)),
    ...(type === "Observation" ? [writes.stage.headers["if-none-exist"]] : []),
  ].filter((x): x is string => typeof x === "string");
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
  const entries = [writes.planNew, writes.planUpdate].flatMap((b) => b.entry ?? []).filter((e) => e.resource?.resourceType === type);
  const conditionalCreate = entries.some((e) => e.request?.ifNoneExist) || (type === "Observation" && "if-none-exist" in writes.stage.headers);
  const versionedUpdate = entries.some((e) => e.request?.method === "PUT" && e.request.ifMatch);
  const includes = [...new Set(appSearches("ID").filter((q) => q.resourceType === type).flatMap((q) => valuesOf(q.params._include)))];
  const params = searchParams(type, writes);
  const profile = (PROFILE_IDS as Record<string, string>)[type];
  return {
    type: type as CapabilityStatementRestResource["type"],
    ...(profile ? { supportedProfile: [sdUrl(profile)] } : {}),
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

async function capabilityStatement(): Promise<CapabilityStatement> {
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
      "The reads, searches and writes of the Stagewise SMART-on-FHIR app (stage-matched psychosocial care for opioid use disorder). One wave of reads after launch: the Patient, then every page of each search. One transaction per plan save (CarePlan, Goals, Provenance); a recorded stage of change is one Observation. No delete.",
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
        interaction: writes.planNew.type === "transaction" ? [{ code: "transaction", documentation: "A plan save: CarePlan, its Goals and a Provenance in one transaction, linked by urn:uuid." }] : [],
      },
    ],
  };
}

// ---------------------------------------------------------------- profiles

const el = (id: string, rest: Omit<ElementDefinition, "id" | "path"> = {}): ElementDefinition => ({ id, path: id.replace(/:[^.]+/g, ""), ...rest });

const SECURITY_SLICES: [slice: string, label: (typeof SECURITY_LABELS)[number]][] = SECURITY_LABELS.map((l) => [
  { R: "restricted", "42CFRPart2": "part2", SUD: "sud", OPIOIDUD: "opioidUd" }[l.code] ?? l.code,
  l,
]);

/** meta.security: the four labels every written resource carries (confidentiality R, 42CFRPart2, SUD, OPIOIDUD). */
function securityLabels(type: string): ElementDefinition[] {
  return [
    el(`${type}.meta`, { min: 1 }),
    el(`${type}.meta.security`, {
      slicing: { discriminator: [{ type: "pattern", path: "$this" }], rules: "open", description: "42 CFR Part 2 labels (DS4P)" },
      min: SECURITY_SLICES.length,
      mustSupport: true,
    }),
    ...SECURITY_SLICES.map(([slice, l]) =>
      el(`${type}.meta.security:${slice}`, { sliceName: slice, short: l.display, min: 1, max: "1", patternCoding: { system: l.system, code: l.code } }),
    ),
  ];
}

function businessIdentifier(type: string, system: string): ElementDefinition[] {
  return [
    el(`${type}.identifier`, { slicing: { discriminator: [{ type: "pattern", path: "$this" }], rules: "open" }, min: 1, mustSupport: true }),
    el(`${type}.identifier:stagewise`, {
      sliceName: "stagewise",
      short: "The app's business identifier (conditional create: a retried save finds it)",
      min: 1,
      max: "1",
      patternIdentifier: { system },
    }),
    el(`${type}.identifier:stagewise.value`, { min: 1 }),
  ];
}

function profile(o: {
  id: string;
  type: string;
  base: string;
  title: string;
  description: string;
  elements: ElementDefinition[];
  constraint?: ElementDefinition["constraint"];
}): StructureDefinition {
  return {
    resourceType: "StructureDefinition",
    id: o.id,
    text: narrative(o.title, o.description),
    url: sdUrl(o.id),
    version: VERSION,
    name: o.id.split("-").map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(""),
    title: o.title,
    status: "active",
    experimental: false,
    publisher: PUBLISHER,
    description: o.description,
    fhirVersion: "4.0.1",
    kind: "resource",
    abstract: false,
    type: o.type,
    baseDefinition: o.base,
    derivation: "constraint",
    differential: { element: [el(o.type, { short: o.title, ...(o.constraint ? { constraint: o.constraint } : {}) }), ...o.elements] },
  };
}

function carePlanProfile(): StructureDefinition {
  return profile({
    id: PROFILE_IDS.CarePlan,
    type: "CarePlan",
    base: `${US_CORE}/us-core-careplan`,
    title: "Stagewise psychosocial care plan",
    description:
      "The plan the Stagewise app writes: US Core CarePlan (category assess-plan) with the 42 CFR Part 2 labels, the app's business identifier, a narrative, the OUD Condition it addresses, one activity per chosen recommendation coded with the Stagewise recommendation code (and a verified standard code where one exists), and the contingency-management reward schedule and target on the CM activity.",
    elements: [
      ...securityLabels("CarePlan"),
      ...businessIdentifier("CarePlan", CAREPLAN_ID_SYSTEM),
      el("CarePlan.text", { min: 1 }),
      el("CarePlan.intent", { fixedCode: "plan" }),
      el("CarePlan.period", { min: 1, mustSupport: true }),
      el("CarePlan.period.start", { min: 1 }),
      el("CarePlan.created", { min: 1, mustSupport: true }),
      el("CarePlan.author", { mustSupport: true }),
      el("CarePlan.addresses", { mustSupport: true, short: "The OUD Condition" }),
      el("CarePlan.goal", { mustSupport: true }),
      el("CarePlan.activity", { mustSupport: true }),
      el("CarePlan.activity.detail", { min: 1, mustSupport: true }),
      el("CarePlan.activity.detail.extension", { slicing: { discriminator: [{ type: "value", path: "url" }], rules: "open" } }),
      el("CarePlan.activity.detail.extension:cmSchedule", {
        sliceName: "cmSchedule",
        short: "Contingency-management reward schedule (on the CM activity)",
        min: 0,
        max: "1",
        type: [{ code: "Extension", profile: [sdUrl("cm-schedule")] }],
        mustSupport: true,
      }),
      el("CarePlan.activity.detail.extension:cmTarget", {
        sliceName: "cmTarget",
        short: "What contingency management scores, one per analyte class (on the CM activity)",
        min: 0,
        max: "2",
        type: [{ code: "Extension", profile: [CM_TARGET_EXTENSION] }],
        mustSupport: true,
      }),
      el("CarePlan.activity.detail.code", {
        min: 1,
        mustSupport: true,
        patternCodeableConcept: { coding: [{ system: RECOMMENDATION_SYSTEM }] },
        short: "The Stagewise recommendation code (and a verified standard code where one exists)",
      }),
      el("CarePlan.activity.detail.status", { mustSupport: true }),
    ],
  });
}

function goalProfile(): StructureDefinition {
  return profile({
    id: PROFILE_IDS.Goal,
    type: "Goal",
    base: `${US_CORE}/us-core-goal`,
    title: "Stagewise plan goal",
    description:
      "A goal of a Stagewise plan: US Core Goal with the 42 CFR Part 2 labels, the app's business identifier (plan id / goal key), a text description, a start date and the clinician who set it.",
    elements: [
      ...securityLabels("Goal"),
      ...businessIdentifier("Goal", GOAL_ID_SYSTEM),
      el("Goal.description.text", { min: 1 }),
      el("Goal.start[x]", { min: 1, type: [{ code: "date" }], mustSupport: true }),
      el("Goal.target.due[x]", { type: [{ code: "date" }] }),
      el("Goal.expressedBy", { mustSupport: true }),
    ],
  });
}

function stageObservationProfile(): StructureDefinition {
  const system = STAGE_SYSTEM;
  return profile({
    id: PROFILE_IDS.Observation,
    type: "Observation",
    base: `${US_CORE}/us-core-observation-screening-assessment`,
    title: "Stagewise stage-of-change assessment",
    description:
      "A stage of change (or a readiness-ruler score) the clinician records in Stagewise. Based on US Core Observation Screening Assessment: it is an assessment the clinician makes (category survey), its code binding is preferred (no LOINC or SNOMED code for the stage of change exists, so the Stagewise code is used), and it carries a value. The base Observation would lose the US Core search and category expectations EHRs already support.",
    constraint: [
      {
        key: "stagewise-stage-1",
        severity: "error",
        human: "A stage of change has a coded stage; a readiness ruler has a score from 0 to 10",
        expression:
          `(code.coding.where(system = '${system}' and code = 'stage-of-change').exists() implies value.ofType(CodeableConcept).coding.where(system = '${system}').exists()) and ` +
          `(code.coding.where(system = '${system}' and code = 'readiness-ruler').exists() implies (value.ofType(integer) >= 0 and value.ofType(integer) <= 10))`,
        source: sdUrl(PROFILE_IDS.Observation),
      },
    ],
    elements: [
      ...securityLabels("Observation"),
      ...businessIdentifier("Observation", OBSERVATION_ID_SYSTEM),
      el("Observation.status", { fixedCode: "final" }),
      el("Observation.code", {
        patternCodeableConcept: { coding: [{ system }] },
        short: "stage-of-change or readiness-ruler (Stagewise stage-of-change CodeSystem)",
      }),
      el("Observation.effective[x]", { min: 1, type: [{ code: "dateTime" }] }),
      el("Observation.performer", { mustSupport: true }),
      el("Observation.value[x]", {
        min: 1,
        type: [{ code: "CodeableConcept" }, { code: "integer" }],
        binding: { strength: "required", valueSet: `${STAGEWISE_BASE}/ValueSet/stage-of-change`, description: "The five stages (for a coded stage)" },
      }),
    ],
  });
}

// ---------------------------------------------------------------- the extensions and their codes

interface CodedExtension {
  id: string;
  url: string;
  codeSystem: string;
  valueSet: string;
  name: string;
  title: string;
  description: string;
  /** How many the CM activity may carry. */
  max: "1" | "*";
  concepts: [code: string, display: string, definition: string][];
}

const SCHEDULE_DEFINITIONS: Record<CmScheduleKind, [display: string, definition: string]> = {
  escalating: ["Escalating vouchers", "Each negative week earns a voucher; consecutive negative weeks earn more, and a positive or missed week resets the value."],
  prize: ["Prize draws", "Each negative week earns draws from a prize bowl; consecutive negative weeks earn more draws."],
  fixed: ["Fixed reward", "Each negative week earns the same reward."],
};

export const CODED_EXTENSIONS: CodedExtension[] = [
  {
    id: "cm-schedule",
    url: CM_SCHEDULE_EXTENSION,
    codeSystem: CM_SCHEDULE_CODESYSTEM,
    valueSet: CM_SCHEDULE_VALUESET,
    name: "CmSchedule",
    title: "Contingency-management reward schedule",
    description:
      "On the contingency-management activity of a CarePlan the Stagewise app writes: which reward schedule the program uses (escalating, prize or fixed). The program's start is the activity's scheduledTiming.repeat.boundsPeriod.start. The app reads both back to track the program.",
    max: "1",
    concepts: CM_SCHEDULE_KINDS.map((k) => [k, ...SCHEDULE_DEFINITIONS[k]]),
  },
  {
    id: "cm-target",
    url: CM_TARGET_EXTENSION,
    codeSystem: CM_TARGET_CODESYSTEM,
    valueSet: CM_TARGET_VALUESET,
    name: "CmTarget",
    title: "Contingency-management target",
    description:
      "On the contingency-management activity of a CarePlan the Stagewise app writes, one per analyte class: what the program's weeks are scored on from urine tests (illicit opioids always, stimulants when chosen). The app reads it back as the program's target.",
    max: "*",
    concepts: [
      ["opioids", "Illicit opioids", "Scored on illicit-opioid results: a week is negative when every illicit-opioid result that week is negative."],
      ["stimulants", "Stimulants", "Also scored on stimulant results (cocaine, amphetamine): a week is negative only when those are negative too."],
    ],
  },
];

function extensionCodeSystem(x: CodedExtension): CodeSystem {
  return {
    resourceType: "CodeSystem",
    id: x.id,
    text: narrative(`${x.title}: the values of the ${x.id} extension.`),
    url: x.codeSystem,
    version: VERSION,
    name: `Stagewise${x.name}`,
    title: x.title,
    status: "active",
    experimental: false,
    publisher: PUBLISHER,
    description: `The values of the Stagewise ${x.id} extension.`,
    caseSensitive: true,
    content: "complete",
    count: x.concepts.length,
    concept: x.concepts.map(([code, display, definition]) => ({ code, display, definition })),
  };
}

function extensionValueSet(x: CodedExtension): ValueSet {
  return {
    resourceType: "ValueSet",
    id: x.id,
    text: narrative(`Every code of the ${x.title} CodeSystem.`),
    url: x.valueSet,
    version: VERSION,
    name: `Stagewise${x.name}`,
    title: x.title,
    status: "active",
    experimental: false,
    publisher: PUBLISHER,
    description: `All codes of the Stagewise ${x.id} CodeSystem.`,
    compose: { include: [{ system: x.codeSystem }] },
  };
}

function extensionDefinition(x: CodedExtension): StructureDefinition {
  return {
    resourceType: "StructureDefinition",
    id: x.id,
    text: narrative(x.description),
    url: x.url,
    version: VERSION,
    name: x.name,
    title: x.title,
    status: "active",
    experimental: false,
    publisher: PUBLISHER,
    description: x.description,
    fhirVersion: "4.0.1",
    kind: "complex-type",
    abstract: false,
    context: [{ type: "element", expression: "CarePlan.activity.detail" }],
    type: "Extension",
    baseDefinition: "http://hl7.org/fhir/StructureDefinition/Extension",
    derivation: "constraint",
    differential: {
      element: [
        el("Extension", { short: x.title, definition: x.description, min: 0, max: x.max }),
        el("Extension.extension", { max: "0" }),
        el("Extension.url", { fixedUri: x.url }),
        el("Extension.value[x]", { min: 1, type: [{ code: "code" }], binding: { strength: "required", valueSet: x.valueSet, description: x.title } }),
      ],
    },
  };
}

// ---------------------------------------------------------------- files

const json = (r: object): string => `${JSON.stringify(r, null, 2)}\n`;

/** Every file this script owns, path relative to the repository root → content. */
export async function generateConformanceResources(): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  files.set(`${OUT_DIR}/CapabilityStatement-stagewise-app.json`, json(await capabilityStatement()));
  for (const sd of [carePlanProfile(), goalProfile(), stageObservationProfile()]) files.set(`${OUT_DIR}/StructureDefinition-${sd.id}.json`, json(sd));
  for (const x of CODED_EXTENSIONS) {
    files.set(`${OUT_DIR}/StructureDefinition-${x.id}.json`, json(extensionDefinition(x)));
    files.set(`${OUT_DIR}/CodeSystem-${x.id}.json`, json(extensionCodeSystem(x)));
    files.set(`${OUT_DIR}/ValueSet-${x.id}.json`, json(extensionValueSet(x)));
  }
  return files;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
  const files = await generateConformanceResources();
  mkdirSync(path.join(root, OUT_DIR), { recursive: true });
  for (const [file, content] of files) writeFileSync(path.join(root, file), content);
  console.log(`wrote ${files.size} files to ${OUT_DIR}/`);
}
