// The Node adapter (the CLI): fhir-kit-client sends the requests. Its failures carry the server's answer as data
// ({ response: { status, data } }), from which the FhirError is built; a failure to connect is status 0 with the
// system's error code. The bearer token goes only to this server (transport.ts refuses other URLs before anything
// is sent). fhir-kit-client's own debug log (DEBUG=fhir-kit-client:*) writes request headers as a fetch Headers
// object, which prints as {}: the token never reaches it (test/integration/cli-server.test.ts runs with DEBUG=*).
import { FhirError } from "./errors.ts";
import { offServer, requestHeaders, requestLabel, resolveOnServer, trimBase, type FhirTransport } from "./transport.ts";

interface KitClient {
  request(url: string, params: { method?: string; options?: { headers?: Record<string, string> }; body?: unknown }): Promise<unknown>;
}

interface KitResponse {
  status: number;
  headers: { get(name: string): string | null };
}

function kitError(e: unknown, label: string): FhirError {
  const response = (e as { response?: { status?: unknown; data?: unknown } } | null)?.response;
  if (response && typeof response.status === "number") return FhirError.fromResponse(response.status, label, response.data);
  const cause = (e as { cause?: { code?: unknown } } | null)?.cause?.code;
  return new FhirError(0, label, undefined, typeof cause === "string" ? cause : e instanceof Error ? e.message : String(e));
}

export async function nodeTransport(serverUrl: string, token?: string): Promise<FhirTransport> {
  const { Client } = await import("fhir-kit-client");
  const base = trimBase(serverUrl);
  const client = new Client({ baseUrl: base, ...(token ? { bearerToken: token } : {}) }) as unknown as KitClient;
  return {
    serverUrl: base,
    async request(url, options = {}) {
      const target = resolveOnServer(base, url);
      // A command-line user is told the server too: "could not reach http://host/fhir/Patient/x".
      const label = `${base}/${requestLabel(base, url)}`;
      if (!target) throw offServer(label);
      let data: unknown;
      try {
        data = await client.request(target, {
          method: options.method ?? "GET",
          options: { headers: requestHeaders(options) },
          ...(options.body !== undefined ? { body: options.body } : {}),
        });
      } catch (e) {
        throw kitError(e, label);
      }
      const response = (data as { __response?: KitResponse } | null)?.__response;
      const empty = typeof data === "object" && data !== null && Object.keys(data).length === 0;
      return {
        status: response?.status ?? 200,
        body: empty ? undefined : data,
        location: response?.headers.get("location") ?? null,
        etag: response?.headers.get("etag") ?? null,
      };
    },
  };
}
