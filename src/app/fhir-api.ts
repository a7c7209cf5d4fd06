// The app's door to the FHIR server: the shared transport (src/fhir/transport.ts) under the app's names. The app
// uses the browser adapter over the fhirclient session (smart.ts); tests use plain fetch against msw.
// On top of the transport, one app rule: a write about another patient than the launch patient is never sent.
import { otherPatientReferences } from "../clinical/patient-refs.ts";
import { fhirclientTransport, type FhirClientLike } from "../fhir/fhirclient-transport.ts";
import { bearerTransport, type FhirRequestOptions, type FhirTransport } from "../fhir/transport.ts";
import { inspectorFetch } from "./inspector/hook.ts";

export type { FhirRequestOptions, FhirResponse } from "../fhir/transport.ts";
export { requestLabel, resolveOnServer, trimBase } from "../fhir/transport.ts";
export type { FhirClientLike };

export interface FhirApi extends FhirTransport {
  /**
   * "Patient/ID": the patient the app was launched for. When set, a write (POST/PUT) whose body refers to any other
   * patient is refused before anything is sent (WriteRefused).
   */
  readonly launchPatient?: string;
}

/** A write the app refused to send: it is about another patient than the one in context. */
export class WriteRefused extends Error {
  override name = "WriteRefused";
}

/** Throws WriteRefused when a write's body refers to a patient other than the launch patient. */
function refuseOtherPatients(launchPatient: string | undefined, options: FhirRequestOptions): void {
  if (!launchPatient || options.body === undefined || (options.method ?? "GET") === "GET") return;
  const others = otherPatientReferences(options.body, launchPatient);
  if (others.length === 0) return;
  const shown = others.slice(0, 3).join(", ") + (others.length > 3 ? ` and ${others.length - 3} more` : "");
  throw new WriteRefused(
    `Nothing was saved: Stagewise was launched for ${launchPatient}, but this would be written about another patient (${shown}). Reload the app from the patient's chart.`,
  );
}

/** The transport with the launch-patient write rule on top (a patient opened from the caseload gets the same). */
export function forPatient(transport: FhirTransport, launchPatient: string | undefined): FhirApi {
  if (!launchPatient) return transport;
  return {
    serverUrl: transport.serverUrl,
    launchPatient,
    async request(url, options = {}) {
      refuseOtherPatients(launchPatient, options);
      return transport.request(url, options);
    },
  };
}

/** A plain-fetch FhirApi (tests, and any server without SMART). `token` is sent only to this server. */
export function fetchApi(serverUrl: string, token?: string, launchPatient?: string): FhirApi {
  return forPatient(bearerTransport(serverUrl, token), launchPatient);
}

/**
 * The FhirApi over an authorized fhirclient Client (bearer token, refresh), for the launch patient ("Patient/ID").
 * Its requests go out through the request inspector's fetch (inspector/hook.ts: plain fetch unless it is open).
 */
export function fhirclientApi(client: FhirClientLike, launchPatient?: string): FhirApi {
  return forPatient(fhirclientTransport(client, { fetch: inspectorFetch }), launchPatient);
}
