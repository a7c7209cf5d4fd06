// The browser adapter: fhirclient keeps the SMART session (the token response in sessionStorage, the refresh
// token) and says which Authorization header to send; the request itself goes out with fetch, so that a failure
// is a FhirError built from the response's status and body. (fhirclient's own request() reads an error's body
// into the text of its HttpError message, from which the OperationOutcome could only be parsed back out.)
// A 401 (an expired or revoked token) forces fhirclient's refresh, then the request is sent once more; when there
// is no refresh token, the refresh fails (invalid_grant…) or the server refuses again, it is SessionEnded, whose
// message tells the user in plain words to launch again. So is a failed refresh of a token about to expire (before
// the request is sent). Requests refused together share one refresh. The retry
// policy (retry.ts) is on top.
import { FhirError, SessionEnded } from "./errors.ts";
import { withRetry, type RetryPolicy } from "./retry.ts";
import { fetchTransport, requestLabel, trimBase, type FhirTransport, type Timeouts } from "./transport.ts";

/** The part of fhirclient's Client the adapter uses (so this file does not import fhirclient). */
export interface FhirClientLike {
  state: { serverUrl: string; tokenResponse?: { refresh_token?: string } };
  getAuthorizationHeader(): string | null;
  /** Refreshes the access token when it is about to expire and a refresh token is there; otherwise a no-op. */
  refreshIfNeeded(options?: object): Promise<unknown>;
  /** Refreshes the access token now (fhirclient throws when there is no refresh token or the server refuses). */
  refresh(options?: object): Promise<unknown>;
}

export interface FhirclientTransportOptions {
  timeouts?: Partial<Timeouts>;
  retry?: RetryPolicy;
  /** The fetch the requests go out with (the app's request inspector records through it); default the global one. */
  fetch?: typeof fetch;
}

export function fhirclientTransport(client: FhirClientLike, options: FhirclientTransportOptions = {}): FhirTransport {
  const base = trimBase(client.state.serverUrl);
  const inner = fetchTransport(base, {
    authorization: () => client.getAuthorizationHeader(),
    ...(options.timeouts ? { timeouts: options.timeouts } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  let generation = 0;
  let refreshing: Promise<void> | null = null;
  function refreshOnce(label: string): Promise<void> {
    refreshing ??= (async () => {
      try {
        if (!client.state.tokenResponse?.refresh_token) throw new SessionEnded(label, "no-refresh-token");
        try {
          await client.refresh();
        } catch {
          throw new SessionEnded(label, "refresh-failed");
        }
        generation++;
      } finally {
        refreshing = null;
      }
    })();
    return refreshing;
  }
  const refreshing401: FhirTransport = {
    serverUrl: inner.serverUrl,
    async request(url, req = {}) {
      const started = generation;
      // A token about to expire is refreshed before the request goes out; when that refresh is refused
      // (invalid_grant: the refresh token expired or was revoked) the session is over. Not a network error, and not
      // the server refusing this request (the SMART App Launcher answers an expired refresh token with 403).
      try {
        await client.refreshIfNeeded();
      } catch {
        throw new SessionEnded(requestLabel(base, url), "refresh-failed");
      }
      try {
        return await inner.request(url, req);
      } catch (e) {
        if (!(e instanceof FhirError) || e.status !== 401) throw e;
        // A refresh that finished after this request left is enough; otherwise refresh now.
        if (generation === started) await refreshOnce(e.url);
        try {
          return await inner.request(url, req);
        } catch (again) {
          if (again instanceof FhirError && again.status === 401) throw new SessionEnded(again.url, "refused-after-refresh");
          throw again;
        }
      }
    },
  };
  return withRetry(refreshing401, options.retry);
}
