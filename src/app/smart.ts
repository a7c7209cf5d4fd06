// The SMART side of the app page: finish the authorization exactly once per page load (fhirclient exchanges the
// one-time code; calling ready() again — e.g. from a StrictMode double effect — would reuse the code and fail),
// then describe the session. fhirclient removes `code` and `state` from the address bar (replaceBrowserHistory)
// and keeps its state in sessionStorage, which is per tab: two tabs hold two independent launches.
import FHIR from "fhirclient";
import { fhirclientApi, type FhirClientLike } from "./fhir-api.ts";
import { fhirUserFromIdToken } from "./id-token.ts";
import { relativeUserRef, type SmartSession } from "./session.ts";

type Client = Awaited<ReturnType<typeof FHIR.oauth2.ready>>;

export class LaunchError extends Error {
  override name = "LaunchError";
}

export function sessionFrom(client: Client): SmartSession {
  const patientId = client.getPatientId();
  if (!patientId)
    throw new LaunchError("The launch did not give a patient. Launch Stagewise from a patient's chart, or choose a patient when asked.");
  return {
    // Every write is checked against the launch patient before it is sent (fhir-api.ts).
    api: fhirclientApi(client as unknown as FhirClientLike, `Patient/${patientId}`),
    patientId,
    needPatientBanner: client.getState("tokenResponse.need_patient_banner") !== false,
    // Not client.getFhirUser(): its window.atob rejects base64url (see id-token.ts).
    fhirUser: relativeUserRef(fhirUserFromIdToken(client.getState("tokenResponse.id_token"))),
  };
}

let started: Promise<SmartSession> | undefined;

/** The session of this page; ready() runs on the first call only (call it at module scope). */
export function startSession(): Promise<SmartSession> {
  started ??= FHIR.oauth2.ready().then(sessionFrom);
  return started;
}
