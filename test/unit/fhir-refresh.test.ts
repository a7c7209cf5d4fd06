// @vitest-environment jsdom
// A 401 through the browser adapter over a real fhirclient Client (its refresh against msw's token endpoint):
// refresh once, send again once, and only then SessionEnded, whose message says in plain words what happened and
// what to do. Requests refused together share one refresh.
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import FHIR from "fhirclient/lib/entry/browser.js";
import { SESSION_ENDED_TEXT, SessionEnded } from "../../src/fhir/errors.ts";
import { fhirclientTransport, type FhirClientLike } from "../../src/fhir/fhirclient-transport.ts";

const BASE = "https://refresh.test/fhir";
const TOKEN_URI = "https://refresh.test/auth/token";

type TokenMode = "ok" | "invalid_grant" | "server-error";
let tokenMode: TokenMode = "ok";
/** The access token the FHIR server accepts now ("" = none: every request gets 401). */
let accepted = "new-token";
const refreshes: string[] = [];
const requests: { method: string; auth: string | null }[] = [];

const server = setupServer(
  http.post(TOKEN_URI, async ({ request }) => {
    refreshes.push(new URLSearchParams(await request.text()).get("grant_type") ?? "");
    if (tokenMode === "invalid_grant") return HttpResponse.json({ error: "invalid_grant", error_description: "refresh token expired" }, { status: 400 });
    if (tokenMode === "server-error") return new HttpResponse("oops", { status: 500 });
    return HttpResponse.json({ access_token: "new-token", token_type: "bearer", expires_in: 3600, scope: "launch/patient online_access patient/*.rs", refresh_token: "r2" });
  }),
  http.all(`${BASE}/*`, async ({ request }) => {
    const auth = request.headers.get("authorization");
    // A slow answer: its 401 arrives after another request's refresh has finished.
    if (new URL(request.url).searchParams.has("slow")) await new Promise((r) => setTimeout(r, 150));
    requests.push({ method: request.method, auth });
    if (!accepted || auth !== `Bearer ${accepted}`)
      return HttpResponse.json({ resourceType: "OperationOutcome", issue: [{ severity: "error", code: "login", details: { text: "The access token expired" } }] }, { status: 401 });
    return HttpResponse.json({ resourceType: "Patient", id: "p1" });
  }),
);
beforeAll(() => server.listen({ onUnhandledFrame: "error" }));
afterEach(() => {
  refreshes.length = 0;
  requests.length = 0;
  tokenMode = "ok";
  accepted = "new-token";
});
afterAll(() => server.close());

function transport(refreshToken: string | undefined) {
  const client = FHIR.client({
    serverUrl: BASE,
    tokenUri: TOKEN_URI,
    clientId: "stagewise",
    expiresAt: Math.floor(Date.now() / 1000) + 3600,
    tokenResponse: { access_token: "old-token", token_type: "bearer", scope: "launch/patient online_access patient/*.rs", patient: "p1", ...(refreshToken ? { refresh_token: refreshToken } : {}) },
  });
  return fhirclientTransport(client as unknown as FhirClientLike);
}

describe("a 401 through the browser adapter", () => {
  it.each([
    ["a read", { method: "GET" as const }],
    ["a write (a 401 means nothing was done)", { method: "PUT" as const, body: { resourceType: "Patient", id: "p1" } }],
  ])("%s: refresh, then the request once more with the new token", async (_name, req) => {
    const res = await transport("r1").request("Patient/p1", req);
    expect(res.body).toMatchObject({ id: "p1" });
    expect(refreshes).toEqual(["refresh_token"]);
    expect(requests.map((r) => r.auth)).toEqual(["Bearer old-token", "Bearer new-token"]);
  });

  it.each<[string, string | undefined, TokenMode, string, number, number]>([
    ["no refresh token", undefined, "ok", "new-token", 0, 1],
    ["the refresh is refused (invalid_grant)", "r1", "invalid_grant", "new-token", 1, 1],
    ["the token endpoint fails", "r1", "server-error", "new-token", 1, 1],
    ["the server refuses the new token too", "r1", "ok", "", 1, 2],
  ])("%s: SessionEnded in plain words", async (_name, refreshToken, mode, accept, nRefresh, nRequests) => {
    tokenMode = mode;
    accepted = accept;
    const err = await transport(refreshToken).request("Patient/p1").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SessionEnded);
    expect((err as Error).message).toBe(SESSION_ENDED_TEXT);
    expect((err as Error).message).not.toMatch(/OperationOutcome|invalid_grant|copy what you need/);
    expect(refreshes).toHaveLength(nRefresh);
    expect(requests).toHaveLength(nRequests);
  });

  it("requests refused together share one refresh", async () => {
    const t = transport("r1");
    const answers = await Promise.all(["Patient/p1", "Condition?patient=p1", "Goal?patient=p1", "CarePlan?patient=p1"].map((u) => t.request(u)));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(refreshes).toEqual(["refresh_token"]);
    expect(requests.filter((r) => r.auth === "Bearer new-token")).toHaveLength(4);
  });

  it("a 401 that arrives after another request's refresh finished is sent again with the new token, without a second refresh", async () => {
    const t = transport("r1");
    const [slow, fast] = await Promise.all([t.request("Goal?patient=p1&slow=1"), t.request("Patient/p1")]);
    expect([slow.status, fast.status]).toEqual([200, 200]);
    expect(refreshes).toEqual(["refresh_token"]);
    expect(requests.map((r) => r.auth).sort()).toEqual(["Bearer new-token", "Bearer new-token", "Bearer old-token", "Bearer old-token"]);
  });
});
