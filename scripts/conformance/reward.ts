// The contingency-management reward log's CodeSystem (src/clinical/reward-log.ts): the code of one reward handed
// out (Observation.code) and the codes of its components for prize draws. The profile is in profiles.ts.
import type { CodeSystem } from "fhir/r4.js";
import { CM_REWARD_SYSTEM } from "../../src/clinical/codes.ts";
import { REWARD_CODES } from "../../src/clinical/reward-log.ts";
import { narrative, PUBLISHER, VERSION } from "./common.ts";

const DEFINITIONS: Record<keyof typeof REWARD_CODES, string> = {
  given:
    "One contingency-management reward handed out to the patient (Observation.code). The value is the voucher's amount in US dollars (valueQuantity), or, for prize draws, the components draws, prizes-won and prize-value. basedOn is the CarePlan of the program; performer is who handed it out. A mistaken entry is marked entered-in-error, never deleted.",
  draws: "Number of draws from the prize bowl the patient made (component, valueInteger).",
  prizes: "Number of those draws that won a prize (component, valueInteger).",
  prizeValue: "Total value of the prizes won, in US dollars (component, valueQuantity): what the yearly incentive cap counts.",
};

export function rewardCodeSystem(): CodeSystem {
  const concepts = (Object.keys(REWARD_CODES) as (keyof typeof REWARD_CODES)[]).map((k) => ({ code: REWARD_CODES[k][0], display: REWARD_CODES[k][1], definition: DEFINITIONS[k] }));
  return {
    resourceType: "CodeSystem",
    id: "cm-reward",
    text: narrative("Contingency-management reward log: the code of a reward handed out and of its prize-draw components."),
    url: CM_REWARD_SYSTEM,
    version: VERSION,
    name: "StagewiseCmReward",
    title: "Contingency-management reward log",
    status: "active",
    experimental: false,
    publisher: PUBLISHER,
    description:
      "Codes of the Stagewise contingency-management reward log (one Observation per reward handed out). No standard code for a contingency-management reward exists (no SUD contingency-management code was found in SNOMED CT or LOINC).",
    caseSensitive: true,
    content: "complete",
    count: concepts.length,
    concept: concepts,
  };
}
