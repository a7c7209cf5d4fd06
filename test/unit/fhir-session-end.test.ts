// @vitest-environment jsdom
// A refused refresh of a token about to expire (fhirclient's refreshIfNeeded, before the request is sent) ends the
// session: SessionEnded, with its plain message, and nothing is sent with the dead token. Before, the refusal (the
// SMART App Launcher answers an expired refresh token with 403 invalid_grant) came out as "the server could not be
// reached" quoting "403 Forbidden", then a read was sent again with the expired token. A real fhirclient Client,
// its token endpoint and the FHIR server on a local HTTP server.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import FHIR from "fhirclient/lib/entry/browser.js";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SESSION_ENDED_TEXT, SessionEnded } from "../../src/fhir/errors.ts";
import { fhirclientTransport, type FhirClientLike } from "../../src/fhir/fhirclient-transport.ts";
import type { FhirRequestOptions } from "../../src/fhir/transport.ts";

let server: Server;
let origin = "";
let fhirRequests = 0;
let refreshes = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === "/auth/token") {
      refreshes++;
      res.writeHead(403, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: "invalid_grant", error_description: "Expired refresh token" }));
      return;
    }
    fhirRequests++;
    res.writeHead(401, { "content-type": "application/fhir+json" });
    res.end(JSON.stringify({ resourceType: "OperationOutcome", issue: [{ severity: "error", code: "login", diagnostics: "expired" }] }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  fhirRequests = 0;
  refreshes = 0;
});

/** A session whose access token expires in 5 s (fhirclient refreshes within 10 s of the expiry). */
function transport() {
  const client = FHIR.client({
    serverUrl: `${origin}/fhir`,
    tokenUri: `${origin}/auth/token`,
    clientId: "stagewise",
    expiresAt: Math.floor(Date.now() / 1000) + 5,
    tokenResponse: { access_token: "old", token_type: "bearer", scope: "launch online_access patient/*.rs", patient: "p1", refresh_token: "r1" },
  });
  return fhirclientTransport(client as unknown as FhirClientLike, { retry: { sleep: async () => undefined } });
}

describe("the refresh before a request is refused (invalid_grant, HTTP 403)", () => {
  it.each<[string, string, FhirRequestOptions]>([
    ["a read", "Patient/p1", {}],
    ["a write", "Observation", { method: "POST", body: { resourceType: "Observation" } }],
    ["a write safe to resend", "", { method: "POST", body: { resourceType: "Bundle", type: "transaction" }, idempotent: true }],
  ])("%s: SessionEnded, and nothing is sent with the expired token", async (_what, url, options) => {
    const e = await transport().request(url, options).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SessionEnded);
    expect((e as SessionEnded).message).toBe(SESSION_ENDED_TEXT);
    expect((e as SessionEnded).message).not.toMatch(/403|could not reach/);
    expect(refreshes).toBe(1);
    expect(fhirRequests).toBe(0);
  });
});
