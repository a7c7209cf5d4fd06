// Profiles of what the app writes, on US Core where US Core has one: the CarePlan (US Core CarePlan), its Goals
// (US Core Goal) and the stage-of-change Observation (US Core Observation Screening Assessment). Each adds the
// 42 CFR Part 2 labels, the app's business identifier and what the app always writes.
import type { ElementDefinition, StructureDefinition } from "fhir/r4.js";
import { OBSERVATION_ID_SYSTEM } from "../../src/app/record-stage.ts";
import { CAREPLAN_ID_SYSTEM, CM_REWARD_SYSTEM, CM_SCHEDULE_EXTENSION, GOAL_ID_SYSTEM, RECOMMENDATION_SYSTEM, SECURITY_LABELS, STAGE_SYSTEM, STAGEWISE_BASE } from "../../src/clinical/codes.ts";
import { el, MORE_PROFILE_IDS, narrative, PROFILE_IDS, PUBLISHER, sdUrl, US_CORE, VERSION } from "./common.ts";
import { CM_TARGET_EXTENSION } from "./extensions.ts";


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

export function carePlanProfile(): StructureDefinition {
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
      el("CarePlan.replaces", {
        mustSupport: true,
        short: "The plan this one takes over: another system's plan continued in a new version (left unchanged), or the plan completed or revoked in the same save",
      }),
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
        type: [{ code: "Extension", profile: [CM_SCHEDULE_EXTENSION] }],
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

export function goalProfile(): StructureDefinition {
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

export function stageObservationProfile(): StructureDefinition {
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
      el("Observation.derivedFrom", { mustSupport: true, short: "The QuestionnaireResponse (Questionnaire stage-of-change) the stage was recorded with" }),
      el("Observation.value[x]", {
        min: 1,
        type: [{ code: "CodeableConcept" }, { code: "integer" }],
        binding: { strength: "required", valueSet: `${STAGEWISE_BASE}/ValueSet/stage-of-change`, description: "The five stages (for a coded stage)" },
      }),
    ],
  });
}

export function rewardObservationProfile(): StructureDefinition {
  const id = MORE_PROFILE_IDS.Observation![0]!;
  const drawsComponent = `component.where(code.coding.where(system = '${CM_REWARD_SYSTEM}' and code = 'draws').exists())`;
  return profile({
    id,
    type: "Observation",
    base: "http://hl7.org/fhir/StructureDefinition/Observation",
    title: "Stagewise contingency-management reward given",
    description:
      "One contingency-management reward handed out, as the Stagewise reward log writes it: on the program's CarePlan (basedOn), category therapy, code reward-given, the day it was handed out, who handed it out, and either the voucher's amount in US dollars or the prize draws (draws, prizes won, their value in US dollars). A mistaken entry is marked entered-in-error (with the reason in a note), never deleted. Based on the base Observation: no US Core Observation profile is for a record of a treatment incentive (US Core's are clinical results and assessments).",
    constraint: [
      {
        key: "stagewise-reward-1",
        severity: "error",
        human: "A voucher has an amount in US dollars; prize draws have a draws component; not both",
        expression: `value.exists() xor ${drawsComponent}.exists()`,
        source: sdUrl(id),
      },
      {
        key: "stagewise-reward-2",
        severity: "error",
        human: "A reward is final (handed out) or entered-in-error (struck out)",
        expression: "status = 'final' or status = 'entered-in-error'",
        source: sdUrl(id),
      },
    ],
    elements: [
      ...securityLabels("Observation"),
      ...businessIdentifier("Observation", OBSERVATION_ID_SYSTEM),
      el("Observation.basedOn", { min: 1, max: "1", type: [{ code: "Reference", targetProfile: ["http://hl7.org/fhir/StructureDefinition/CarePlan"] }], mustSupport: true, short: "The contingency-management CarePlan" }),
      el("Observation.status", { mustSupport: true, short: "final, or entered-in-error for a mistaken entry" }),
      el("Observation.category", { min: 1, patternCodeableConcept: { coding: [{ system: "http://terminology.hl7.org/CodeSystem/observation-category", code: "therapy" }] } }),
      el("Observation.code", { patternCodeableConcept: { coding: [{ system: CM_REWARD_SYSTEM, code: "reward-given" }] }, short: "reward-given (Stagewise cm-reward CodeSystem)" }),
      el("Observation.subject", { min: 1 }),
      el("Observation.effective[x]", { min: 1, type: [{ code: "dateTime" }], short: "The day the reward was handed out" }),
      el("Observation.performer", { min: 1, mustSupport: true, short: "Who handed it out" }),
      el("Observation.value[x]", { type: [{ code: "Quantity" }], patternQuantity: { system: "urn:iso:std:iso:4217", code: "USD" }, short: "A voucher's amount in US dollars" }),
      el("Observation.note", { mustSupport: true, short: "The giver's note; the reason for entered-in-error" }),
      el("Observation.component.code", { patternCodeableConcept: { coding: [{ system: CM_REWARD_SYSTEM }] }, short: "draws, prizes-won or prize-value" }),
      el("Observation.component.value[x]", { type: [{ code: "integer" }, { code: "Quantity" }] }),
    ],
  });
}
