// GET [base]/metadata: the sandbox's CapabilityStatement, with the SMART security extension (oauth-uris).
import { getSearchParameters } from "@medplum/core";
import type { CapabilityStatement, CapabilityStatementRestResource, CapabilityStatementRestResourceSearchParam } from "@medplum/fhirtypes";

/** The resource types the sandbox advertises (it stores any R4 type; these are the ones an app here meets). */
export const ADVERTISED_TYPES = [
  "Patient", "Observation", "MedicationRequest", "MedicationStatement", "MedicationDispense", "Medication",
  "Condition", "CarePlan", "Goal", "Provenance", "Encounter", "Procedure", "ServiceRequest", "DocumentReference",
  "QuestionnaireResponse", "AllergyIntolerance", "Task", "Communication", "Consent", "RelatedPerson",
  "Practitioner", "PractitionerRole", "Organization", "Location", "Device",
] as const;

const RESULT_PARAMS: CapabilityStatementRestResourceSearchParam[] = [
  { name: "_count", type: "number", documentation: "Page size (default 50, at most 1000); follow Bundle.link next" },
  { name: "_offset", type: "number" },
  { name: "_sort", type: "string", documentation: "Any search parameter of the type, - for descending" },
  { name: "_elements", type: "string" },
  { name: "_summary", type: "token", documentation: "count only" },
];

function resourceEntry(type: string): CapabilityStatementRestResource {
  const params = Object.values(getSearchParameters(type) ?? {});
  return {
    type: type as CapabilityStatementRestResource["type"],
    interaction: ["read", "vread", "update", "patch", "delete", "history-instance", "create", "search-type"].map((code) => ({
      code: code as "read",
    })),
    versioning: "versioned-update",
    readHistory: true,
    updateCreate: true,
    conditionalCreate: true,
    conditionalUpdate: true,
    conditionalDelete: "single",
    searchInclude: params.filter((p) => p.type === "reference").map((p) => `${type}:${p.code}`),
    searchRevInclude: [],
    searchParam: [
      ...params
        .filter((p) => p.code && p.type !== "composite" && p.type !== "special")
        .map((p) => ({ name: p.code as string, type: p.type, ...(p.url ? { definition: p.url } : {}) })),
      ...RESULT_PARAMS,
    ],
  };
}

export function capabilityStatement(fhirBase: string, authorizeUrl: string, tokenUrl: string): CapabilityStatement {
  return {
    resourceType: "CapabilityStatement",
    status: "active",
    date: new Date().toISOString(),
    kind: "instance",
    publisher: "Stagewise sandbox",
    software: { name: "Stagewise sandbox EHR (in-memory, for development only)" },
    implementation: { description: "Local SMART-on-FHIR sandbox; data resets on restart", url: fhirBase },
    fhirVersion: "4.0.1",
    format: ["json", "application/fhir+json"],
    patchFormat: ["application/json-patch+json"],
    rest: [
      {
        mode: "server",
        documentation: "Every request needs a SMART access token; patient/ scopes reach only the launch patient's compartment.",
        security: {
          cors: true,
          service: [{ coding: [{ system: "http://terminology.hl7.org/CodeSystem/restful-security-service", code: "SMART-on-FHIR" }] }],
          extension: [
            {
              url: "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris",
              extension: [
                { url: "authorize", valueUri: authorizeUrl },
                { url: "token", valueUri: tokenUrl },
              ],
            },
          ],
        },
        resource: ADVERTISED_TYPES.map(resourceEntry),
        interaction: [{ code: "transaction" }, { code: "batch" }],
      },
    ],
  };
}
