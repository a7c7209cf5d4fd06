// Addiction counseling (clinical-spec.md §3; source sections Overview (regulatory requirements in the United States)
// and Addiction counseling; 42 CFR Part 8 as revised in 2024).
import { cite, citeOther } from "../references.ts";
import { INPUT_OTP, reason } from "./shared.ts";
import type { Rule } from "./shared.ts";

export const COUNSELING_RULES: readonly Rule[] = [
  // ---- addiction-counseling: source sections Overview, Addiction counseling [44–49]
  {
    id: "addiction-counseling",
    tier: "primary",
    when: (f) => {
      const methadone = f.moud.active.filter((m) => m.medication === "methadone");
      return methadone.length
        ? reason(
            `On methadone (${methadone.map((m) => m.request).join(", ")}): opioid treatment programs are required to ` +
              `provide counseling ${cite("Overview")}; declining it never stops the medication ${citeOther("otp-rule-2024")}.`,
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
            `Opioid treatment program: the program is required to provide addiction counseling ${cite("Overview")}; ` +
              `declining it never stops the medication ${citeOther("otp-rule-2024")}.`,
            [INPUT_OTP],
          )
        : null,
  },
  {
    id: "addiction-counseling",
    tier: "consider",
    when: (f, c) =>
      !c.otp && !f.moud.active.some((m) => m.medication === "methadone")
        ? reason(`Addiction counseling can support treatment; evidence as an add-on to MOUD is weak ${cite("Addiction counseling", [44, 45, 46, 47, 48, 49])}.`)
        : null,
  },
];
