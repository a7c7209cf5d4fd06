// The clinician inputs that facts can rest on, as refs ("input:…"): what the chart rarely holds and the clinician
// enters (or the CLI passes as flags). Reasons point at them like at any resource; ref-labels.ts names them.
import type { Ref } from "./types.ts";

/** Family or partner involved and willing (CLI --family). */
export const INPUT_FAMILY: Ref = "input:family";
/** The patient prefers treatment without medication (CLI --prefers-no-medication). */
export const INPUT_PREFERS_NO_MEDICATION: Ref = "input:prefers-no-medication";
/** The setting cannot deliver contingency management (CLI --no-cm). */
export const INPUT_NO_CM: Ref = "input:no-cm";
/** An opioid treatment program (CLI --otp). */
export const INPUT_OTP: Ref = "input:otp";
/** A CM start date given by the clinician (CLI --cm-start), overriding an enrolment read from a CarePlan. */
export const INPUT_CM_START: Ref = "input:cm-start";

/** True for a clinician-input ref rather than a FHIR resource reference. */
export const isInputRef = (ref: Ref): boolean => ref.startsWith("input:");
