// @vitest-environment jsdom
// The FhirApi over a real fhirclient Client (browser build, as the app uses it): the bearer token goes with every
// request to the FHIR server and nowhere else, failures carry the server's OperationOutcome, the base URL itself
// takes transactions, and a launch without a patient is refused with a clear message.
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import FHIR from "fhirclient/lib/entry/browser.js";
import { fhirclientApi, type FhirClientLike } from "../../src/app/fhir-api.ts";
import { ERROR_CASES, expectTransportContract, PAGING_CASES, TOKEN, TRANSPORT_BASE, transportHandlers } from "./helpers/transport-cases.ts";
import { FhirError, outcomeText } from "../../src/fhir/errors.ts";
import { LaunchError, sessionFrom } from "../../src/app/smart.ts";

const BASE = TRANSPORT_BASE;
const seen: { url: string; auth: string | null; method?: string; body?: string | null }[] = [];
const server = setupServer(
  http.get(`${BASE}/Patient/p1`, ({ request }) => {
    seen.push({ url: request.url, auth: request.headers.get("authorization"), method: "GET", body: null });
    return HttpResponse.json({ resourceType: "Patient", id: "p1" }, { headers: { etag: 'W/"4"' } });
  }),
  http.get(`${BASE}/Condition`, ({ request }) => {
    seen.push({ url: request.url, auth: request.headers.get("authorization"), method: "GET", body: null });
    return HttpResponse.json(
      { resourceType: "OperationOutcome", issue: [{ severity: "error", code: "forbidden", diagnostics: "scope patient/Condition.rs was not granted" }] },
      { status: 403 },
    );
  }),
  http.post(BASE, async ({ request }) => {
    seen.push({ url: request.url, auth: request.headers.get("authorization"), method: "POST", body: await request.text() });
    return HttpResponse.json({ resourceType: "Bundle", type: "transaction-response", entry: [] });
  }),
  ...transportHandlers(seen),
);

function api() {
  const client = FHIR.client({ serverUrl: BASE, tokenResponse: { access_token: TOKEN, patient: "p1" } });
  return fhirclientApi(client as unknown as FhirClientLike);
}

beforeAll(() => server.listen({ onUnhandledFrame: "error" }));
afterEach(() => {
  seen.length = 0;
});
afterAll(() => server.close());

describe("fhirclientApi", () => {
  it("reads with the bearer token and returns status, body and ETag", async () => {
    const res = await api().request("Patient/p1");
    expect(res.status).toBe(200);
    expect((res.body as { id: string }).id).toBe("p1");
    expect(res.etag).toBe('W/"4"');
    expect(seen[0]?.auth).toBe("Bearer secret-token");
  });

  it("turns a failure into a FhirError carrying the server's OperationOutcome", async () => {
    const err = await api().request("Condition?patient=p1").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FhirError);
    const fe = err as FhirError;
    expect(fe.status).toBe(403);
    expect(fe.url).toBe("Condition");
    expect(fe.outcome && outcomeText(fe.outcome)).toBe("scope patient/Condition.rs was not granted");
    expect(fe.message).not.toContain("secret-token");
  });

  it("posts a transaction to the base URL itself as FHIR JSON", async () => {
    const res = await api().request("", { method: "POST", body: { resourceType: "Bundle", type: "transaction", entry: [] } });
    expect((res.body as { type: string }).type).toBe("transaction-response");
    expect(seen[0]?.url).toBe(BASE);
    expect(JSON.parse(seen[0]!.body!)).toMatchObject({ resourceType: "Bundle", type: "transaction" });
  });

  it("refuses an absolute URL on another host without sending anything", async () => {
    const err = await api().request("https://elsewhere.test/fhir/Observation?page=2").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FhirError);
    expect((err as FhirError).message).toContain("not on this FHIR server");
    expect(seen).toHaveLength(0);
  });
});

describe("the fhirclient adapter keeps the transport's rules", () => {
  const make = async () => api();
  // This client has no refresh token, so a 401 ends the session (SessionEnded, a FhirError) in plain words.
  const cases = ERROR_CASES.map((c) => (c.status === 401 ? { ...c, message: /^Your session with the EHR has ended; your edits are kept in this tab\./ } : c));
  it.each(cases)("builds the FhirError from $name (status and body, not fhirclient's message text)", async (c) => {
    await expectTransportContract(make, seen, { ErrorCase: c });
  });
  it.each(PAGING_CASES)("search: $name", async (c) => {
    await expectTransportContract(make, seen, { PagingCase: c });
  });
});

describe("sessionFrom", () => {
  type AnyClient = Parameters<typeof sessionFrom>[0];
  const client = (tokenResponse: Record<string, unknown>) => FHIR.client({ serverUrl: BASE, tokenResponse }) as unknown as AnyClient;

  it("takes the patient, the banner flag and the signed-in user from the token response", () => {
    const idToken = ["e30", btoa(JSON.stringify({ fhirUser: `${BASE}/Practitioner/dr-1` })).replace(/=+$/, ""), "sig"].join(".");
    const s = sessionFrom(client({ access_token: "t", patient: "p7", need_patient_banner: false, id_token: idToken, scope: "openid fhirUser" }));
    expect(s.patientId).toBe("p7");
    expect(s.needPatientBanner).toBe(false);
    expect(s.fhirUser).toBe("Practitioner/dr-1");
    expect(s.api.serverUrl).toBe(BASE);
  });

  it("shows the banner unless the EHR says it shows its own", () => {
    expect(sessionFrom(client({ access_token: "t", patient: "p7" })).needPatientBanner).toBe(true);
  });

  it("refuses a launch without a patient, saying how to launch", () => {
    expect(() => sessionFrom(client({ access_token: "t" }))).toThrow(LaunchError);
    expect(() => sessionFrom(client({ access_token: "t" }))).toThrow(/Launch Stagewise from a patient's chart/);
  });
});
