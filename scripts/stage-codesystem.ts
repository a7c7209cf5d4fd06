// The project's own CodeSystem for stage of change (no standard code exists: fhir-vocabulary.md §2) and the
// ValueSet of the five stages. Definitions are our plain-language summary of the transtheoretical (readiness to
// change) model, Prochaska & DiClemente, reference [1] of the source review "Opioid use disorder: psychosocial
// management".
import { READINESS_RULER_CODE, STAGE_OF_CHANGE_CODE, STAGE_SYSTEM, STAGEWISE_BASE } from "../src/clinical/codes.ts";
import { cite } from "../src/clinical/references.ts";

const SOURCE = `Based on the stages of change model of Prochaska and DiClemente ${cite("Selecting psychotherapy", [1])}.`;

export const STAGES: { code: string; display: string; definition: string }[] = [
  {
    code: "precontemplation",
    display: "Precontemplation",
    definition: "The person does not yet see their opioid use as a problem or does not intend to change it in the foreseeable future.",
  },
  {
    code: "contemplation",
    display: "Contemplation",
    definition: "The person sees a problem and is thinking about changing, but has not committed to act and still weighs the pros and cons.",
  },
  {
    code: "preparation",
    display: "Preparation",
    definition: "The person intends to change soon and is making plans or taking first small steps.",
  },
  {
    code: "action",
    display: "Action",
    definition: "The person is actively changing their opioid use and their surroundings; the change is recent (months).",
  },
  {
    code: "maintenance",
    display: "Maintenance",
    definition: "The person has sustained the change and works to keep it and to prevent a return to use.",
  },
];

export function stageResources(): [string, object][] {
  const codeSystem = {
    resourceType: "CodeSystem",
    id: "stage-of-change",
    url: STAGE_SYSTEM,
    name: "StageOfChange",
    title: "Stage of change",
    status: "active",
    experimental: false,
    publisher: "Stagewise",
    description: `Stage-of-change assessment codes and the five stages, for Observations that record a patient's readiness to change opioid use. No standard LOINC or verified SNOMED code exists for these (fhir-vocabulary.md §2). ${SOURCE}`,
    caseSensitive: true,
    content: "complete",
    count: 2 + STAGES.length,
    concept: [
      {
        code: STAGE_OF_CHANGE_CODE,
        display: "Stage of change",
        definition: "Assessment of the patient's current stage of change; the value is one of the five stage codes of this system.",
      },
      {
        code: READINESS_RULER_CODE,
        display: "Readiness ruler, 0–10",
        definition: "The patient's self-rated readiness to change on a 0–10 scale (valueInteger). Stagewise reads 0–3 as precontemplation, 4–6 as contemplation and 7–10 as preparation; a ruler never yields action or maintenance, because it measures readiness, not change already made.",
      },
      ...STAGES,
    ],
  };
  const valueSet = {
    resourceType: "ValueSet",
    id: "stage-of-change",
    url: `${STAGEWISE_BASE}/ValueSet/stage-of-change`,
    name: "StageOfChange",
    title: "Stages of change",
    status: "active",
    experimental: false,
    publisher: "Stagewise",
    description: `The five stages of change (values of a stage-of-change Observation). ${SOURCE}`,
    compose: {
      include: [{ system: STAGE_SYSTEM, concept: STAGES.map(({ code, display }) => ({ code, display })) }],
    },
  };
  return [
    ["CodeSystem-stage-of-change", codeSystem],
    ["ValueSet-stage-of-change", valueSet],
  ];
}
