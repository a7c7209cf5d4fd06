// The Node adapter (the CLI): fhir-kit-client sends the requests. Its failures carry the server's answer as data
// ({ response: { status, data } }), from which the FhirError is built; a failure to connect is status 0 with the
// system's error code. The bearer token goes only to this server (transport.ts refuses other URLs before anything
// is sent). fhir-kit-client's own debug log (DEBUG=fhir-kit-client:*) writes request headers as a fetch Headers
// object, which prints as {}: the token never reaches it (test/integration/cli-server.test.ts runs with DEBUG=*).
import { FhirError } from "./errors.ts";
import { withRetry, type RetryPolicy } from "./retry.ts";
import { checkFhirBody, offServer, requestHeaders, requestLabel, resolveOnServer, timedOut, timeoutFor, trimBase, type FhirTransport, type Timeouts } from "./transport.ts";

interface KitClient {
  request(url: string, params: { method?: string; options?: { headers?: Record<string, string> }; body?: unknown }): Promise<unknown>;
}

interface KitResponse {
  status: number;
  headers: { get(name: string): string | null };
}

function kitError(e: unknown, label: string): FhirError {
  const response = (e as { response?: { status?: unknown; data?: unknown } } | null)?.response;
  const headers = (e as { config?: { headers?: { get?(n: string): string | null } } } | null)?.config?.headers;
  if (response && typeof response.status === "number")
    return FhirError.fromResponse(response.status, label, response.data, undefined, typeof headers?.get === "function" ? headers.get("retry-after") : null);
  const cause = (e as { cause?: { code?: unknown } } | null)?.cause?.code;
  return new FhirError(0, label, undefined, typeof cause === "string" ? cause : e instanceof Error ? e.message : String(e));
}

export interface NodeTransportOptions {
  timeouts?: Partial<Timeouts>;
  retry?: RetryPolicy;
}

export async function nodeTransport(serverUrl: string, token?: string, options: NodeTransportOptions = {}): Promise<FhirTransport> {
  const { Client } = await import("fhir-kit-client");
  const base = trimBase(serverUrl);
  const client = new Client({ baseUrl: base, ...(token ? { bearerToken: token } : {}) }) as unknown as KitClient;
  return withRetry({
    serverUrl: base,
    async request(url, req = {}) {
      const target = resolveOnServer(base, url);
      // A command-line user is told the server too: "could not reach http://host/fhir/Patient/x".
      const label = `${base}/${requestLabel(base, url)}`;
      if (!target) throw offServer(label);
      let data: unknown;
      const ms = timeoutFor(req, options.timeouts);
      let timer: ReturnType<typeof setTimeout> | undefined;
      try {
        data = await Promise.race([
          client.request(target, {
            method: req.method ?? "GET",
            options: { headers: requestHeaders(req) },
            ...(req.body !== undefined ? { body: req.body } : {}),
          }),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(timedOut(label, ms)), ms);
          }),
        ]);
      } catch (e) {
        throw e instanceof FhirError ? e : kitError(e, label);
      } finally {
        clearTimeout(timer);
      }
      const response = (data as { __response?: KitResponse } | null)?.__response;
      const empty = typeof data === "object" && data !== null && Object.keys(data).length === 0;
      checkFhirBody(response?.status ?? 200, label, data);
      return {
        status: response?.status ?? 200,
        body: empty ? undefined : data,
        location: response?.headers.get("location") ?? null,
        etag: response?.headers.get("etag") ?? null,
      };
    },
  }, options.retry);
}
