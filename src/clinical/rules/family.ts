// Family approaches (clinical-spec.md §3; seed FAMILY INVOLVEMENT AND EDUCATION): behavioral family or couples
// therapy, CRAFT and network therapy, all driven by the clinician's "family involved" input.
import { describeStage, INPUT_FAMILY, inStage, reason, stageRefs } from "./shared.ts";
import type { Rule } from "./shared.ts";

export const FAMILY_RULES: readonly Rule[] = [
  // ---- family involvement [37–43,63,64]
  {
    id: "family-therapy",
    tier: "consider",
    when: (_f, c) =>
      c.familyInvolved
        ? reason(
            "Family or partner involved: behavioral family or couples therapy needs an abstinent family member or " +
              "partner who wants to take part [37–39].",
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
              "for treatment [40,63].",
            [INPUT_FAMILY, ...stageRefs(f)],
          )
        : null,
  },
  {
    id: "craft",
    tier: "consider",
    when: (_f, c) =>
      c.familyInvolved
        ? reason("Family involved: CRAFT supports family members, with or without the patient [40,63,64].", [INPUT_FAMILY])
        : null,
  },
  {
    id: "network-therapy",
    tier: "consider",
    when: (_f, c) =>
      c.familyInvolved
        ? reason("Family or friends involved: network therapy enlists them to support treatment [43].", [INPUT_FAMILY])
        : null,
  },
];
