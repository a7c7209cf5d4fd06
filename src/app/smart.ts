// The SMART side of the app page: finish the authorization exactly once per page load (fhirclient exchanges the
// one-time code; calling ready() again — e.g. from a StrictMode double effect — would reuse the code and fail),
// then describe the session. fhirclient removes `code` and `state` from the address bar (replaceBrowserHistory)
// and keeps its state in sessionStorage, which is per tab: two tabs hold two independent launches.
import FHIR from "fhirclient";
import { fhirclientApi, forPatient, type FhirClientLike } from "./fhir-api.ts";
import { fhirUserFromIdToken } from "./id-token.ts";
import { grantsCaseload } from "./launch-config.ts";
import { relativeUserRef, type Launch, type SmartSession } from "./session.ts";

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

/**
 * The launch: the patient session when a patient is in context, and the caseload when the granted scopes allow
 * user-level reads of CareTeams and the user is known (fhirUser). Neither: LaunchError, as sessionFrom says.
 */
export function launchFrom(client: Client): Launch {
  const fhirUser = relativeUserRef(fhirUserFromIdToken(client.getState("tokenResponse.id_token")));
  const needPatientBanner = client.getState("tokenResponse.need_patient_banner") !== false;
  const caseloadGranted = grantsCaseload(client.getState("tokenResponse.scope")) && fhirUser !== null;
  if (!client.getPatientId() && !caseloadGranted) sessionFrom(client); // throws the LaunchError
  const patient = client.getPatientId() ? sessionFrom(client) : null;
  const shared = fhirclientApi(client as unknown as FhirClientLike);
  return {
    patient,
    caseload: caseloadGranted
      ? {
          api: shared,
          open: (patientId) => ({ api: forPatient(shared, `Patient/${patientId}`), patientId, needPatientBanner, fhirUser }),
        }
      : null,
    fhirUser,
    needPatientBanner,
  };
}

let started: Promise<Launch> | undefined;

/** The launch of this page; ready() runs on the first call only (call it at module scope). */
export function startSession(): Promise<Launch> {
  started ??= FHIR.oauth2.ready().then(launchFrom);
  return started;
}
