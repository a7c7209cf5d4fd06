// The browser adapter: fhirclient keeps the SMART session (the token response in sessionStorage, the refresh
// token) and says which Authorization header to send; the request itself goes out with fetch, so that a failure
// is a FhirError built from the response's status and body. (fhirclient's own request() reads an error's body
// into the text of its HttpError message, from which the OperationOutcome could only be parsed back out.)
import { fetchTransport, trimBase, type FhirTransport } from "./transport.ts";

/** The part of fhirclient's Client the adapter uses (so this file does not import fhirclient). */
export interface FhirClientLike {
  state: { serverUrl: string };
  getAuthorizationHeader(): string | null;
  /** Refreshes the access token when it is about to expire and a refresh token is there; otherwise a no-op. */
  refreshIfNeeded(options?: object): Promise<unknown>;
}

export function fhirclientTransport(client: FhirClientLike): FhirTransport {
  return fetchTransport(trimBase(client.state.serverUrl), {
    async authorization() {
      await client.refreshIfNeeded();
      return client.getAuthorizationHeader();
    },
  });
}
