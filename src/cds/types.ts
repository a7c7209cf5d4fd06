// CDS Hooks 2.0 JSON shapes (https://cds-hooks.hl7.org/2.0/): the discovery response, the hook request, the
// response with its cards, and the feedback request. Only what this service sends or reads.
import type { Coding, FhirResource } from "fhir/r4.js";

export interface CdsServiceDescription {
  hook: string;
  title?: string;
  description: string;
  id: string;
  /** Prefetch key → FHIR query template with `{{context.…}}` tokens. */
  prefetch?: Record<string, string>;
  /** Human-readable preconditions for using the service (CDS Hooks 2.0). */
  usageRequirements?: string;
}

export interface CdsDiscovery {
  services: CdsServiceDescription[];
}

export interface FhirAuthorization {
  access_token: string;
  token_type: "Bearer";
  expires_in: number;
  scope: string;
  /** The CDS service's client id at the EHR's authorization server. */
  subject: string;
  /** The patient the token is restricted to, when its scopes are patient/ scopes. */
  patient?: string;
}

export interface PatientViewContext {
  userId: string;
  patientId: string;
  encounterId?: string;
}

export interface CdsRequest {
  hook: string;
  hookInstance: string;
  fhirServer?: string;
  fhirAuthorization?: FhirAuthorization;
  context: PatientViewContext;
  /** Prefetch key → the resource or searchset Bundle, or null when the EHR has no data for it. */
  prefetch?: Record<string, FhirResource | null>;
}

export interface CdsLink {
  label: string;
  url: string;
  type: "absolute" | "smart";
  appContext?: string;
}

export interface CdsSource {
  label: string;
  url?: string;
  icon?: string;
  topic?: Coding;
}

export type CdsIndicator = "info" | "warning" | "critical";

export interface CdsCard {
  uuid?: string;
  /** One sentence, under 140 characters. */
  summary: string;
  /** GitHub-flavoured Markdown. */
  detail?: string;
  indicator: CdsIndicator;
  source: CdsSource;
  links?: CdsLink[];
}

export interface CdsResponse {
  cards: CdsCard[];
}

export interface CdsFeedback {
  card: string;
  outcome: "accepted" | "overridden";
  acceptedSuggestions?: { id: string }[];
  overrideReason?: { reason?: Coding; userComment?: string };
  outcomeTimestamp: string;
}

/** An error the service answers with: an HTTP status and a plain-language message (sent as an OperationOutcome). */
export class CdsError extends Error {
  override name = "CdsError";
  readonly status: number;
  /** Extra response headers (Allow on a 405). */
  readonly headers: Record<string, string>;
  constructor(status: number, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.headers = headers;
  }
}
