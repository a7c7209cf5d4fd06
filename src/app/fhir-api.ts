// The app's door to the FHIR server: the shared transport (src/fhir/transport.ts) under the app's names. The app
// uses the browser adapter over the fhirclient session (smart.ts); tests use plain fetch against msw.
import { fhirclientTransport, type FhirClientLike } from "../fhir/fhirclient-transport.ts";
import { bearerTransport, type FhirTransport } from "../fhir/transport.ts";

export type { FhirRequestOptions, FhirResponse } from "../fhir/transport.ts";
export { requestLabel, resolveOnServer, trimBase } from "../fhir/transport.ts";
export type { FhirClientLike };

export type FhirApi = FhirTransport;

/** A plain-fetch FhirApi (tests, and any server without SMART). `token` is sent only to this server. */
export function fetchApi(serverUrl: string, token?: string): FhirApi {
  return bearerTransport(serverUrl, token);
}

/** The FhirApi over an authorized fhirclient Client (bearer token, refresh). */
export function fhirclientApi(client: FhirClientLike): FhirApi {
  return fhirclientTransport(client);
}
