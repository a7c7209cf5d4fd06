// The stage-of-change Questionnaire (stage picker and readiness ruler), published as
// fhir-resources/Questionnaire-stage-of-change.json by `npm run conformance`. Its items come from the data the app
// itself uses (src/clinical/stage-questionnaire.ts builds it from the stage display names, the stage CodeSystem's
// codes and the readiness-ruler bands); this adds the narrative.
import type { Questionnaire } from "fhir/r4.js";
import { rulerReadingText, stageQuestionnaire } from "../../src/clinical/stage-questionnaire.ts";
import { narrative } from "./common.ts";

/** The day the Questionnaire's content last changed (change it with the content). */
const CONTENT_DATE = "2026-11-30";

export function questionnaire(): Questionnaire {
  const q = stageQuestionnaire(CONTENT_DATE);
  const stage = q.item?.find((i) => i.linkId === "stage");
  const stages = (stage?.answerOption ?? []).map((o) => o.valueCoding?.display).join(", ");
  return {
    ...q,
    text: narrative(
      "Stage of change, as Stagewise records it. The clinician answers one of two ways.",
      `Stage of change: one of ${stages}.`,
      `Readiness ruler: a score from 0 to 10. ${rulerReadingText()}`,
      "Each answer can be extracted as the Stagewise stage-of-change Observation (SDC observation-based extraction); Stagewise writes the response and that Observation in one transaction, the Observation derivedFrom the response.",
    ),
  };
}
