// The sandbox EHR as a CDS Hooks client. When the simulator selects a patient it calls the Stagewise patient-view
// service the way an EHR backend does: a fresh access token for that patient and user, made for the service
// (fhirAuthorization, read-only scopes, 5 minutes, revoked once the service has answered), and a JWT signed with the
// sandbox's key (Authorization: Bearer, aud = the service URL). No prefetch: the service reads the record itself.
// Simulator API: POST /ehr/api/cds-hooks { patient, user } → { status, cards, error? };
//                POST /ehr/api/cds-jwt { aud } → { jwt, expires_in } (for trying the service with curl).
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { serviceScopes } from "../../src/cds/service.ts";
import type { CdsCard, CdsRequest } from "../../src/cds/types.ts";
import type { SmartAuth } from "../auth.ts";
import { sendJson } from "../http-util.ts";
import { jsonBody } from "./routes.ts";

/** The CDS service's client id at the sandbox's authorization server (`fhirAuthorization.subject`). */
export const CDS_SERVICE_CLIENT_ID = "stagewise-cds";
export const SERVICE_TOKEN_TTL_SECONDS = 300;
export const EHR_JWT_TTL_SECONDS = 300;

export interface HookResult {
  /** HTTP status of the service's answer (0 when it could not be reached). */
  status: number;
  cards: CdsCard[];
  /** The service's error text when it did not answer 200. */
  error?: string;
}

export interface EhrCdsDeps {
  auth: SmartAuth;
  fhirBase: string;
  /** The patient-view service the EHR calls. */
  serviceUrl: string;
  patientExists: (id: string) => boolean;
}

function errorText(body: unknown, status: number): string {
  const issues = (body as { issue?: { details?: { text?: string }; diagnostics?: string }[] } | undefined)?.issue;
  const text = issues?.map((i) => i.details?.text ?? i.diagnostics).filter(Boolean).join("; ");
  return text || `HTTP ${status}`;
}

/** One patient-view call, as the EHR makes it on opening a chart. */
export async function callPatientView(deps: EhrCdsDeps, patient: string, user: string): Promise<HookResult> {
  const fhirUser = deps.auth.opts.users.find((u) => u.id === user)?.fhirUser ?? `Practitioner/${user}`;
  const token = await deps.auth.issueServiceToken({
    clientId: CDS_SERVICE_CLIENT_ID,
    patient,
    user,
    scope: serviceScopes().join(" "),
    ttlSeconds: SERVICE_TOKEN_TTL_SECONDS,
  });
  try {
    const request: CdsRequest = {
      hook: "patient-view",
      hookInstance: randomUUID(),
      fhirServer: deps.fhirBase,
      fhirAuthorization: {
        access_token: token.access_token,
        token_type: "Bearer",
        expires_in: token.expires_in,
        scope: token.scope,
        subject: CDS_SERVICE_CLIENT_ID,
        patient,
      },
      context: { userId: fhirUser, patientId: patient },
    };
    const jwt = await deps.auth.signEhrJwt(deps.serviceUrl, EHR_JWT_TTL_SECONDS);
    let res: Response;
    try {
      res = await fetch(deps.serviceUrl, {
        method: "POST",
        headers: { Authorization: `Bearer ${jwt}`, "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify(request),
        signal: AbortSignal.timeout(20_000),
      });
    } catch (err) {
      return { status: 0, cards: [], error: `The CDS service could not be reached (${err instanceof Error ? err.message : String(err)})` };
    }
    const body: unknown = await res.json().catch(() => undefined);
    if (res.status !== 200) return { status: res.status, cards: [], error: errorText(body, res.status) };
    const cards = (body as { cards?: unknown } | undefined)?.cards;
    return { status: 200, cards: Array.isArray(cards) ? (cards as CdsCard[]) : [] };
  } finally {
    token.revoke();
  }
}

/** The simulator's CDS routes; false when the path is not one of them. */
export function createEhrCdsRoutes(deps: EhrCdsDeps): (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean> {
  return async (req, res, url) => {
    if (req.method !== "POST" || (url.pathname !== "/ehr/api/cds-hooks" && url.pathname !== "/ehr/api/cds-jwt")) return false;
    try {
      const b = await jsonBody(req);
      if (url.pathname === "/ehr/api/cds-jwt") {
        const aud = typeof b.aud === "string" ? b.aud : "";
        if (!/^https?:\/\/[^/]+\/\S*cds-services(\/|$)/.test(aud)) return sendJson(res, 400, { error: `aud must be the URL of a CDS Hooks endpoint (…/cds-services…), got "${aud}"` }), true;
        sendJson(res, 200, { jwt: await deps.auth.signEhrJwt(aud, EHR_JWT_TTL_SECONDS), expires_in: EHR_JWT_TTL_SECONDS });
        return true;
      }
      const patient = typeof b.patient === "string" ? b.patient : "";
      const user = typeof b.user === "string" ? b.user : "";
      if (!deps.patientExists(patient)) return sendJson(res, 400, { error: `Unknown patient "${patient}"` }), true;
      if (!deps.auth.opts.users.some((u) => u.id === user)) return sendJson(res, 400, { error: `Unknown user "${user}"` }), true;
      sendJson(res, 200, await callPatientView(deps, patient, user));
    } catch (err) {
      sendJson(res, (err as { status?: number }).status ?? 400, { error: err instanceof Error ? err.message : String(err) });
    }
    return true;
  };
}
