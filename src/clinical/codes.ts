// Code systems and fixed codes the engine reads and writes. Sources: ../shared/reference/fhir-vocabulary.md
// (section numbers in comments). Value-set membership lives in vocabulary.ts (derived, see scripts/).

/** Base of every canonical URL this project defines (".example" is a reserved TLD: nothing resolves there). */
export const STAGEWISE_BASE = "https://stagewise.example/fhir";
/** Our CodeSystem for stage of change: the assessment codes and the five stages (no standard code exists, §2). */
export const STAGE_SYSTEM = `${STAGEWISE_BASE}/CodeSystem/stage-of-change`;
/** Our CodeSystem for the psychosocial recommendation catalog (one code per recommendation id). */
export const RECOMMENDATION_SYSTEM = `${STAGEWISE_BASE}/CodeSystem/recommendation`;
/** Business identifier systems for written resources (conditional create). */
export const CAREPLAN_ID_SYSTEM = `${STAGEWISE_BASE}/identifier/careplan`;
export const GOAL_ID_SYSTEM = `${STAGEWISE_BASE}/identifier/goal`;
/** Tag that marks every resource of one save, so a retried Provenance is found again. */
export const SAVE_TAG_SYSTEM = `${STAGEWISE_BASE}/save`;
/** Extension on a CarePlan CM activity carrying the reward schedule kind. */
export const CM_SCHEDULE_EXTENSION = `${STAGEWISE_BASE}/StructureDefinition/cm-schedule`;
/** Extension on a CarePlan CM activity, repeated: what CM scores, valueCode "opioids" and "stimulants" (§7.6). */
export const CM_TARGET_EXTENSION = `${STAGEWISE_BASE}/StructureDefinition/cm-target`;
/**
 * Extension on a CarePlan: the clinician context the plan was written under (what charts rarely hold). A complex
 * extension with one valueBoolean sub-extension per field of ClinicianContext: "familyInvolved",
 * "prefersNoMedication", "canDeliverCm", "otp". Read back at the next launch (careplan-resource.ts).
 */
export const CLINICIAN_CONTEXT_EXTENSION = `${STAGEWISE_BASE}/StructureDefinition/clinician-context`;
/** Extension on a CarePlan, valueString: why it was completed, revoked or put on hold (R4 CarePlan has no statusReason). */
export const STATUS_REASON_EXTENSION = `${STAGEWISE_BASE}/StructureDefinition/careplan-status-reason`;
/** Identifier system for the Observations the app writes (conditional create). */
export const OBSERVATION_ID_SYSTEM = `${STAGEWISE_BASE}/identifier/observation`;
/**
 * Our CodeSystem for the contingency-management reward log (no standard code exists: fhir-vocabulary.md §6 finds no
 * SUD CM code at all): "reward-given" (Observation.code of one reward handed out) and the codes of its components
 * for prize draws ("draws", "prizes-won", "prize-value"). Written and read by reward-log.ts.
 */
export const CM_REWARD_SYSTEM = `${STAGEWISE_BASE}/CodeSystem/cm-reward`;
/** Identifier system of the app as a Provenance agent (Device.identifier). */
export const SOFTWARE_ID_SYSTEM = `${STAGEWISE_BASE}/software`;
/** Goal.achievementStatus codes. */
export const GOAL_ACHIEVEMENT_SYSTEM = "http://terminology.hl7.org/CodeSystem/goal-achievement";

export const STAGE_OF_CHANGE_CODE = "stage-of-change";
export const READINESS_RULER_CODE = "readiness-ruler";

export const LOINC = "http://loinc.org";
export const SNOMED = "http://snomed.info/sct";
export const RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm";
export const ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm";

export const OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category";
export const INTERPRETATION_SYSTEMS = [
  "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation",
  "http://hl7.org/fhir/v2/0078", // legacy, used by CDC examples (§1)
  "http://terminology.hl7.org/CodeSystem/v2-0078",
] as const;

/** SNOMED qualifier values for qualitative results (§1). */
export const SNOMED_RESULT: Record<string, "positive" | "negative" | "indeterminate"> = {
  "10828004": "positive", // Positive
  "260373001": "positive", // Detected
  "720735008": "positive", // Presumptive positive
  "260385009": "negative", // Negative
  "260415000": "negative", // Not detected
  "419984006": "indeterminate", // Inconclusive
  "42425007": "indeterminate", // Equivocal
  "82334004": "indeterminate", // Indeterminate
};

/** v3-ObservationInterpretation / v2-0078 codes (§1). */
export const INTERPRETATION_RESULT: Record<string, "positive" | "negative" | "indeterminate"> = {
  POS: "positive",
  DET: "positive",
  NEG: "negative",
  ND: "negative",
  IND: "indeterminate",
  E: "indeterminate",
};

/** Security labels on every written resource (§7: DS4P pattern, 42 CFR Part 2). */
export const SECURITY_LABELS = [
  { system: "http://terminology.hl7.org/CodeSystem/v3-Confidentiality", code: "R", display: "restricted" },
  { system: "http://terminology.hl7.org/CodeSystem/v3-ActCode", code: "42CFRPart2", display: "42 CFR Part2" },
  {
    system: "http://terminology.hl7.org/CodeSystem/v3-ActCode",
    code: "SUD",
    display: "substance use disorder information sensitivity",
  },
  {
    system: "http://terminology.hl7.org/CodeSystem/v3-ActCode",
    code: "OPIOIDUD",
    display: "opioid use disorder information sensitivity",
  },
] as const;

/** US Core CarePlan category slice (§6). */
export const CAREPLAN_CATEGORY_ASSESS_PLAN = {
  system: "http://hl7.org/fhir/us/core/CodeSystem/careplan-category",
  code: "assess-plan",
  display: "Assessment and Plan of Treatment",
} as const;
