// Addiction counseling (clinical-spec.md §3; seed OVERVIEW, regulatory requirements for opioid treatment programs).
import { INPUT_OTP, reason } from "./shared.ts";
import type { Rule } from "./shared.ts";

export const COUNSELING_RULES: readonly Rule[] = [
  // ---- addiction-counseling [44–49]; seed OVERVIEW (regulatory requirements)
  {
    id: "addiction-counseling",
    tier: "primary",
    when: (f) => {
      const methadone = f.moud.active.filter((m) => m.medication === "methadone");
      return methadone.length
        ? reason(
            `On methadone (${methadone.map((m) => m.request).join(", ")}): opioid treatment programs are required to ` +
              "offer counseling; declining it never stops the medication (seed OVERVIEW) [44–49].",
            methadone.map((m) => m.request),
          )
        : null;
    },
  },
  {
    id: "addiction-counseling",
    tier: "primary",
    when: (_f, c) =>
      c.otp
        ? reason(
            "Opioid treatment program: the program is required to offer addiction counseling; declining it never " +
              "stops the medication (seed OVERVIEW) [44–49].",
            [INPUT_OTP],
          )
        : null,
  },
  {
    id: "addiction-counseling",
    tier: "consider",
    when: (f, c) =>
      !c.otp && !f.moud.active.some((m) => m.medication === "methadone")
        ? reason("Addiction counseling can support treatment; evidence as an add-on to MOUD is weak [44–49].")
        : null,
  },
];
