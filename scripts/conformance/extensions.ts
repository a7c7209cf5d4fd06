// The extensions the app writes on the CarePlan's contingency-management activity, each coded, with its CodeSystem
// and ValueSet: cm-schedule (the reward schedule) and cm-target (what the weeks are scored on, clinical-spec §7.6).
import type { CodeSystem, StructureDefinition, ValueSet } from "fhir/r4.js";
import { CM_SCHEDULE_KINDS } from "../../src/clinical/cm-schedules.ts";
import { CM_SCHEDULE_EXTENSION, STAGEWISE_BASE } from "../../src/clinical/codes.ts";
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

export function extensionDefinition(x: CodedExtension): StructureDefinition {
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
