// Family approaches (clinical-spec.md §3; source sections Family therapy, Family involvement and education):
// behavioral family or couples therapy, CRAFT and network therapy, all driven by the clinician's "family involved" input.
import { cite } from "../references.ts";
import { describeStage, INPUT_FAMILY, inStage, reason, stageRefs } from "./shared.ts";
import type { Rule } from "./shared.ts";

export const FAMILY_RULES: readonly Rule[] = [
  // ---- family involvement: [37–43] (Family therapy), [63,64] (Family involvement and education)
  {
    id: "family-therapy",
    tier: "consider",
    when: (_f, c) =>
      c.familyInvolved
        ? reason(
            "Family or partner involved: behavioral family or couples therapy needs an abstinent family member or " +
              `partner who wants to take part ${cite("Family therapy", [37])}; it has improved adherence and ` +
              `substance use outcomes ${cite("Family therapy", [38, 39])}.`,
            [INPUT_FAMILY],
          )
        : null,
  },
  {
    id: "craft",
    tier: "primary",
    when: (f, c) =>
      c.familyInvolved && inStage(f, "precontemplation")
        ? reason(
            `Family involved and ${describeStage(f)}: CRAFT helps families engage a loved one not yet motivated ` +
              `for treatment ${cite("Family therapy", [40])}.`,
            [INPUT_FAMILY, ...stageRefs(f)],
          )
        : null,
  },
  {
    id: "craft",
    tier: "consider",
    when: (_f, c) =>
      c.familyInvolved
        ? reason(`Family involved: CRAFT supports family members, with or without the patient ${cite("Family involvement and education", [63, 64])}.`, [INPUT_FAMILY])
        : null,
  },
  {
    id: "network-therapy",
    tier: "consider",
    when: (_f, c) =>
      c.familyInvolved
        ? reason(`Family or friends involved: network therapy enlists them to support treatment ${cite("Family therapy", [41, 42, 43])}.`, [INPUT_FAMILY])
        : null,
  },
];
