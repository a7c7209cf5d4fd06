// A long synthetic record for speed measurements: one UDS panel a week for `years` years.
import type { Bundle, FhirResource, Observation } from "fhir/r4.js";
import { STAGE_SYSTEM } from "../src/clinical/codes.ts";
import { addDays } from "../src/clinical/dates.ts";

const PANEL = [
  ["19295-5", "opiates"],
  ["59673-4", "fentanyl"],
  ["19642-8", "oxycodone"],
  ["19321-9", "heroin"],
  ["93494-3", "buprenorphine"],
  ["19550-3", "methadone"],
  ["14314-9", "cocaine"],
  ["19261-7", "amphetamine"],
  ["14316-4", "benzodiazepine"],
  ["18282-4", "cannabinoid"],
] as const;

/** A Bundle with one Patient, a buprenorphine prescription, quarterly stage assessments and weekly panels. */
export function weeklyHistory(years: number, now: string, patientId = "bench"): Bundle {
  const subject = { reference: `Patient/${patientId}` };
  const resources: FhirResource[] = [
    { resourceType: "Patient", id: patientId, birthDate: "1980-01-01", name: [{ family: "Benchmark", given: [`${years}-year`] }] },
    {
      resourceType: "MedicationRequest",
      id: `${patientId}-bup`,
      status: "active",
      intent: "order",
      subject,
      authoredOn: addDays(now, -365 * years),
      medicationCodeableConcept: { coding: [{ system: "http://www.nlm.nih.gov/research/umls/rxnorm", code: "1010603" }] },
    },
  ];
  const weeks = Math.round((365 * years) / 7);
  let seed = 42;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let w = weeks; w >= 1; w--) {
    const date = addDays(now, -7 * w);
    for (const [code, analyte] of PANEL) {
      const positive = analyte === "buprenorphine" ? rand() < 0.9 : rand() < 0.05;
      const obs: Observation = {
        resourceType: "Observation",
        id: `${patientId}-w${w}-${analyte}`,
        status: "final",
        category: [{ coding: [{ system: "http://terminology.hl7.org/CodeSystem/observation-category", code: "laboratory" }] }],
        code: { coding: [{ system: "http://loinc.org", code }] },
        subject,
        effectiveDateTime: `${date}T09:30:00-05:00`,
        valueCodeableConcept: { coding: [{ system: "http://snomed.info/sct", code: positive ? "10828004" : "260385009" }] },
      };
      resources.push(obs);
    }
    if (w % 13 === 0) {
      resources.push({
        resourceType: "Observation",
        id: `${patientId}-stage-${w}`,
        status: "final",
        category: [{ coding: [{ system: "http://terminology.hl7.org/CodeSystem/observation-category", code: "survey" }] }],
        code: { coding: [{ system: STAGE_SYSTEM, code: "stage-of-change" }] },
        subject,
        effectiveDateTime: date,
        valueCodeableConcept: { coding: [{ system: STAGE_SYSTEM, code: w % 2 ? "action" : "maintenance" }] },
      });
    }
  }
  return { resourceType: "Bundle", type: "collection", entry: resources.map((resource) => ({ resource })) };
}
