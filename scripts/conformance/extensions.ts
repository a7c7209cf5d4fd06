// The extensions the app writes on the CarePlan's contingency-management activity, each coded, with its CodeSystem
// and ValueSet: cm-schedule (the reward schedule) and cm-target (what the weeks are scored on, clinical-spec §7.6).
import type { CodeSystem, StructureDefinition, ValueSet } from "fhir/r4.js";
import { CM_SCHEDULE_KINDS } from "../../src/clinical/cm-schedules.ts";
import { CLINICIAN_CONTEXT_EXTENSION, CM_SCHEDULE_EXTENSION, STAGEWISE_BASE, STATUS_REASON_EXTENSION } from "../../src/clinical/codes.ts";
import type { CmScheduleKind } from "../../src/clinical/types.ts";
import { el, narrative, PUBLISHER, VERSION } from "./common.ts";

export const CM_SCHEDULE_CODESYSTEM = `${STAGEWISE_BASE}/CodeSystem/cm-schedule`;
export const CM_SCHEDULE_VALUESET = `${STAGEWISE_BASE}/ValueSet/cm-schedule`;
/**
 * What contingency management scores (clinical-spec §7.6): the plan writes one extension per analyte class on the CM
 * activity, valueCode "opioids" (always) and "stimulants" (when chosen); the engine reads it back as the target.
 */
export const CM_TARGET_EXTENSION = `${STAGEWISE_BASE}/StructureDefinition/cm-target`;
export const CM_TARGET_CODESYSTEM = `${STAGEWISE_BASE}/CodeSystem/cm-target`;
export const CM_TARGET_VALUESET = `${STAGEWISE_BASE}/ValueSet/cm-target`;

export interface CodedExtension {
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

export function extensionCodeSystem(x: CodedExtension): CodeSystem {
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

export function extensionValueSet(x: CodedExtension): ValueSet {
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

/** An extension's StructureDefinition: where it may stand, and its differential. */
function definition(
  x: { id: string; url: string; name: string; title: string; description: string },
  context: string,
  element: NonNullable<StructureDefinition["differential"]>["element"],
): StructureDefinition {
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
    context: [{ type: "element", expression: context }],
    type: "Extension",
    baseDefinition: "http://hl7.org/fhir/StructureDefinition/Extension",
    derivation: "constraint",
    differential: { element },
  };
}

export function extensionDefinition(x: CodedExtension): StructureDefinition {
  return definition(x, "CarePlan.activity.detail", [
    el("Extension", { short: x.title, definition: x.description, min: 0, max: x.max }),
    el("Extension.extension", { max: "0" }),
    el("Extension.url", { fixedUri: x.url }),
    el("Extension.value[x]", { min: 1, type: [{ code: "code" }], binding: { strength: "required", valueSet: x.valueSet, description: x.title } }),
  ]);
}

/** Extensions on the CarePlan itself (not coded): the clinician context stored with the plan, the status reason. */
export interface PlainExtension {
  id: string;
  url: string;
  name: string;
  title: string;
  description: string;
  elements: ReturnType<typeof el>[];
}

const CONTEXT_PARTS: [name: string, definition: string][] = [
  ["familyInvolved", "A family member or partner is involved and willing to take part."],
  ["prefersNoMedication", "The patient prefers treatment without medication."],
  ["canDeliverCm", "The setting can deliver contingency management."],
  ["otp", "The setting is an opioid treatment program."],
];

export const PLAIN_EXTENSIONS: PlainExtension[] = [
  {
    id: "clinician-context",
    url: CLINICIAN_CONTEXT_EXTENSION,
    name: "ClinicianContext",
    title: "Clinician context of a plan",
    description:
      "On a CarePlan the Stagewise app writes: what the clinician told the app that charts rarely hold (family involved, patient prefers no medication, the setting can deliver contingency management, an opioid treatment program). The app reads it back at the next launch, so the recommendations are made on the same context.",
    elements: [
      el("Extension", { short: "Clinician context of a plan", min: 0, max: "1" }),
      el("Extension.extension", { slicing: { discriminator: [{ type: "value", path: "url" }], rules: "closed" }, min: 0 }),
      ...CONTEXT_PARTS.flatMap(([name, definition]) => [
        el(`Extension.extension:${name}`, { sliceName: name, short: definition, min: 0, max: "1" }),
        el(`Extension.extension:${name}.url`, { fixedUri: name }),
        el(`Extension.extension:${name}.value[x]`, { min: 1, type: [{ code: "boolean" }] }),
      ]),
      el("Extension.url", { fixedUri: CLINICIAN_CONTEXT_EXTENSION }),
      el("Extension.value[x]", { max: "0" }),
    ],
  },
  {
    id: "careplan-status-reason",
    url: STATUS_REASON_EXTENSION,
    name: "CarePlanStatusReason",
    title: "Why a plan was completed or revoked",
    description:
      "On a CarePlan the Stagewise app writes: the reason given when the plan was completed, revoked or put on hold (R4 CarePlan has no statusReason element).",
    elements: [
      el("Extension", { short: "Why a plan was completed or revoked", min: 0, max: "1" }),
      el("Extension.extension", { max: "0" }),
      el("Extension.url", { fixedUri: STATUS_REASON_EXTENSION }),
      el("Extension.value[x]", { min: 1, type: [{ code: "string" }] }),
    ],
  },
];

export function plainExtensionDefinition(x: PlainExtension): StructureDefinition {
  return definition(x, "CarePlan", x.elements);
}
