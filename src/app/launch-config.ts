// Launch configuration: which client id to use at which FHIR server (issuer), and which scopes to ask for.
// Kept tiny and free of fhirclient so the launch page stays small and tests can import it.

/** The client id registered at our own sandbox and the default for any issuer not listed below. */
export const DEFAULT_CLIENT_ID = "stagewise";

/** Per-issuer registration. Add an EHR here when the app is registered with it (the key is the FHIR base URL). */
export interface IssuerConfig {
  clientId: string;
  /** Force a scope syntax; otherwise it is chosen from the server's .well-known/smart-configuration. */
  scopeStyle?: ScopeStyle;
  /**
   * Other origins the app must reach for this server (its authorization server's token endpoint, when not on the
   * FHIR server's origin): added to the Content-Security-Policy's connect-src with the FHIR server (csp.ts).
   */
  connect?: string[];
}

export const ISSUERS: Readonly<Record<string, IssuerConfig>> = {
  // "https://ehr.example.org/fhir/R4": { clientId: "0a1b2c…", scopeStyle: "v1" },
};

function normalizeIssuer(iss: string): string {
  return iss.replace(/\/+$/, "");
}

/** The configuration for an issuer (trailing slashes ignored); the default client id when it is not listed. */
export function issuerConfig(iss: string): IssuerConfig {
  const wanted = normalizeIssuer(iss);
  for (const [key, value] of Object.entries(ISSUERS)) if (normalizeIssuer(key) === wanted) return value;
  return { clientId: DEFAULT_CLIENT_ID };
}

export type ScopeStyle = "v1" | "v2";
export type LaunchKind = "ehr" | "standalone";

/**
 * The least scopes the features need. SMART v2 syntax (c = create, r = read, u = update, s = search):
 *
 * - launch               EHR launch: the EHR hands over the patient in context (standalone: launch/patient, so
 *                        the server asks for a patient instead).
 * - openid fhirUser      who is signed in: the author of the plan (CarePlan.author, Goal.expressedBy), the agent of
 *                        the Provenance and the performer of a recorded stage.
 * - online_access        a refresh token while the user is working, so a long review does not end mid-edit; no
 *                        offline_access (the app never works without the user).
 * - patient/Patient.r                the patient banner and the record's subject.
 * - patient/Observation.rs           urine drug screens (laboratory), stage of change (survey) and the reward
 *                                    log (therapy); r for the read-back a server may need after a create.
 * - patient/Observation.c            recording a new stage of change / readiness ruler, and a contingency-
 *                                    management reward handed out (the reward log, a therapy Observation).
 *   patient/Observation.u            marking a reward entered-in-error (PUT with If-Match; never deleted);
 *                                    asked for with .c as patient/Observation.cu.
 * - patient/MedicationRequest.rs     MOUD, naloxone kits and the prescriptions that explain a positive test.
 * - patient/Medication.r             the Medication resources the MedicationRequest search _includes.
 * - patient/Condition.rs             OUD diagnosis (CarePlan.addresses) and recent overdose.
 * - patient/CarePlan.rus + .c        existing plans (CM enrolment), the new plan (transaction, conditional create),
 *                                    and saving changes to the plan just saved (PUT with If-Match).
 * - patient/Goal.rs + .cu            existing goals, the plan's new goals (conditional create), and continuing a
 *                                    plan: changed and retired goals are PUT with If-Match (never deleted).
 * - patient/QuestionnaireResponse.cs the answers to the stage-of-change Questionnaire, written with the stage
 *                                    Observation in one transaction (conditional create, hence s). Never read.
 * - patient/Provenance.cs            the Provenance written with each save and each recorded stage; s because its write is a conditional
 *                                    create (If-None-Exist on the save tag), which is a search, and servers
 *                                    (our sandbox included) check search permission for it. The same holds for
 *                                    the other conditional creates (Observation, CarePlan, Goal,
 *                                    QuestionnaireResponse: all have s).
 * No delete scope anywhere; no user/ or system/ scopes.
 *
 * v1 fallback (servers whose smart-configuration does not list "permission-v2"): the same resources with
 * .read / .write (v1 has no finer split: .read = r+s, .write = c+u+d, so the written types Observation, CarePlan,
 * Goal, QuestionnaireResponse and Provenance need both, delete comes with .write whether wanted or not, and read-only types get .read).
 */
export const DATA_SCOPES_V2 = [
  "patient/Patient.r",
  "patient/Observation.rs",
  "patient/Observation.cu",
  "patient/MedicationRequest.rs",
  "patient/Medication.r",
  "patient/Condition.rs",
  "patient/CarePlan.crus",
  "patient/Goal.crus",
  "patient/QuestionnaireResponse.cs",
  "patient/Provenance.cs",
];
const DATA_SCOPES_V1 = [
  "patient/Patient.read",
  "patient/Observation.read",
  "patient/Observation.write",
  "patient/MedicationRequest.read",
  "patient/Medication.read",
  "patient/Condition.read",
  "patient/CarePlan.read",
  "patient/CarePlan.write",
  "patient/Goal.read",
  "patient/Goal.write",
  "patient/QuestionnaireResponse.read",
  "patient/QuestionnaireResponse.write",
  "patient/Provenance.read",
  "patient/Provenance.write",
];

/** The scope string for one launch. */
export function scopesFor(kind: LaunchKind, style: ScopeStyle): string {
  const context = kind === "ehr" ? "launch" : "launch/patient";
  return [context, "openid", "fhirUser", "online_access", ...(style === "v2" ? DATA_SCOPES_V2 : DATA_SCOPES_V1)].join(" ");
}

/**
 * v2 unless the server's smart-configuration lists capabilities without "permission-v2" (then v1). An unreadable
 * configuration gives v2: fhirclient reads the same document and reports the real problem.
 */
export function scopeStyleFrom(smartConfiguration: unknown): ScopeStyle {
  const caps = (smartConfiguration as { capabilities?: unknown } | null)?.capabilities;
  if (!Array.isArray(caps)) return "v2";
  return caps.includes("permission-v2") ? "v2" : "v1";
}

/** Where the authorization server sends the user back: the app page (index.html) next to the launch page. */
export const REDIRECT_PATH = "./";
