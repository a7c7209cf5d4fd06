// The one FHIR transport (src/fhir/): the same answers give the same results and the same FhirErrors through the
// plain-fetch adapter and the Node adapter (fhir-kit-client); the browser adapter (fhirclient) runs the same table
// in app-fhirclient.test.tsx. Paging and outcome entries follow one policy (search.ts).
import { http, HttpResponse } from "msw";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { FhirError } from "../../src/fhir/errors.ts";
import { nodeTransport } from "../../src/fhir/node-transport.ts";
import { bearerTransport, type FhirTransport } from "../../src/fhir/transport.ts";
import { ERROR_CASES, expectTransportContract, PAGING_CASES, TOKEN, TRANSPORT_BASE, transportServer, type Seen } from "./helpers/transport-cases.ts";

const seen: Seen[] = [];
const server = transportServer(seen);
beforeAll(() => server.listen({ onUnhandledFrame: "error" }));
afterEach(() => {
  seen.length = 0;
  server.resetHandlers();
});
afterAll(() => server.close());

const ADAPTERS: [string, () => Promise<FhirTransport>][] = [
  ["fetch", async () => bearerTransport(TRANSPORT_BASE, TOKEN)],
  ["fhir-kit-client (Node)", () => nodeTransport(TRANSPORT_BASE, TOKEN)],
];

describe.each(ADAPTERS)("the %s adapter", (_name, make) => {
  it.each(ERROR_CASES)("builds the FhirError from $name", async (c) => {
    await expectTransportContract(make, seen, { ErrorCase: c });
  });

  it.each(PAGING_CASES)("search: $name", async (c) => {
    await expectTransportContract(make, seen, { PagingCase: c });
  });

  it("reads with the token and gives the status, body and ETag", async () => {
    const res = await (await make()).request("Patient/p1");
    expect(res).toMatchObject({ status: 200, body: { resourceType: "Patient", id: "p1" }, etag: 'W/"4"' });
    expect(seen[0]?.auth).toBe(`Bearer ${TOKEN}`);
  });

  it("refuses an absolute URL on another host without sending anything", async () => {
    const err = await (await make()).request("https://elsewhere.test/fhir/Patient/p1").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FhirError);
    expect((err as FhirError).message).toContain("not on this FHIR server");
    expect(seen).toHaveLength(0);
  });
});

describe("a server that cannot be reached", () => {
  it.each(ADAPTERS)("%s: status 0, 'could not reach', with the request named", async (_name, make) => {
    server.use(http.get(`${TRANSPORT_BASE}/Patient/down`, () => HttpResponse.error()));
    const err = await (await make()).request("Patient/down").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FhirError);
    expect((err as FhirError).status).toBe(0);
    expect((err as FhirError).message).toMatch(/^could not reach .*Patient\/down: /);
    expect((err as FhirError).message).not.toContain(TOKEN);
  });
});
