// The parts of the US Core profiles our profiles build on that an instance can be checked against (required elements,
// fixed slices, choice types, us-core-2), transcribed from US Core's StructureDefinitions (us-core-careplan,
// us-core-goal, us-core-observation-screening-assessment, STU 6–8), plus the R4 base cardinalities they keep.
// US Core is not an npm package, so these few elements are written out here.
import type { StructureDefinition } from "fhir/r4.js";

const US_CORE = "http://hl7.org/fhir/us/core/StructureDefinition";

const sd = (id: string, type: string, element: NonNullable<StructureDefinition["differential"]>["element"]): StructureDefinition => ({
  resourceType: "StructureDefinition",
  url: `${US_CORE}/${id}`,
  name: id,
  status: "active",
  kind: "resource",
  abstract: false,
  type,
  derivation: "constraint",
  differential: { element: [{ id: type, path: type }, ...element] },
});

export const US_CORE_CAREPLAN = sd("us-core-careplan", "CarePlan", [
  { id: "CarePlan.text.status", path: "CarePlan.text.status", binding: { strength: "required", valueSet: "http://hl7.org/fhir/us/core/ValueSet/us-core-narrative-status" } },
  { id: "CarePlan.status", path: "CarePlan.status", min: 1 },
  { id: "CarePlan.intent", path: "CarePlan.intent", min: 1 },
  { id: "CarePlan.category", path: "CarePlan.category", min: 1, slicing: { discriminator: [{ type: "pattern", path: "$this" }], rules: "open" } },
  {
    id: "CarePlan.category:AssessPlan",
    path: "CarePlan.category",
    sliceName: "AssessPlan",
    min: 1,
    max: "1",
    patternCodeableConcept: { coding: [{ system: "http://hl7.org/fhir/us/core/CodeSystem/careplan-category", code: "assess-plan" }] },
  },
  { id: "CarePlan.subject", path: "CarePlan.subject", min: 1 },
  { id: "CarePlan.subject.reference", path: "CarePlan.subject.reference", min: 1 },
]);

export const US_CORE_GOAL = sd("us-core-goal", "Goal", [
  { id: "Goal.lifecycleStatus", path: "Goal.lifecycleStatus", min: 1 },
  { id: "Goal.description", path: "Goal.description", min: 1 },
  { id: "Goal.subject", path: "Goal.subject", min: 1 },
  { id: "Goal.target.due[x]", path: "Goal.target.due[x]", type: [{ code: "date" }, { code: "Duration" }] },
]);

export const US_CORE_SCREENING_ASSESSMENT = sd("us-core-observation-screening-assessment", "Observation", [
  { id: "Observation.status", path: "Observation.status", min: 1 },
  { id: "Observation.category", path: "Observation.category", min: 1, slicing: { discriminator: [{ type: "pattern", path: "$this" }], rules: "open" } },
  {
    id: "Observation.category:survey",
    path: "Observation.category",
    sliceName: "survey",
    min: 1,
    max: "1",
    patternCodeableConcept: { coding: [{ system: "http://terminology.hl7.org/CodeSystem/observation-category", code: "survey" }] },
  },
  { id: "Observation.code", path: "Observation.code", min: 1 },
  { id: "Observation.subject", path: "Observation.subject", min: 1 },
  { id: "Observation.effective[x]", path: "Observation.effective[x]", type: [{ code: "dateTime" }, { code: "Period" }, { code: "Timing" }, { code: "instant" }] },
]);
US_CORE_SCREENING_ASSESSMENT.differential!.element[0]!.constraint = [
  {
    key: "us-core-2",
    severity: "error",
    human: "If there is no component or hasMember element then either a value[x] or a data absent reason must be present",
    expression: "(component.empty() and hasMember.empty()) implies (dataAbsentReason.exists() or value.exists())",
  },
];

/** US Core's narrative-status ValueSet (required on CarePlan.text.status). */
export const US_CORE_NARRATIVE_STATUS = {
  resourceType: "ValueSet" as const,
  status: "active" as const,
  url: "http://hl7.org/fhir/us/core/ValueSet/us-core-narrative-status",
  compose: { include: [{ system: "http://hl7.org/fhir/narrative-status", concept: ["generated", "extensions", "additional", "empty"].map((code) => ({ code })) }] },
};
