// Clickjacking: the sandbox's sign-in/approval page, its error page and the EHR simulator may be framed only by
// the sandbox itself (the simulator frames the app, and the app's sign-in runs inside that frame), never by another
// origin. The JSON APIs and the app's own pages are not the sandbox's to restrict.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authorizeParams, pkcePair } from "../../launch/dev-client.ts";
import type { Sandbox } from "../../launch/server.ts";
import { fixtureSandbox } from "./helpers/sandbox.ts";

let s: Sandbox;

beforeAll(async () => {
  s = await fixtureSandbox();
});
afterAll(() => s.close());

function expectNotFrameableByOthers(res: Response): void {
  const csp = res.headers.get("content-security-policy") ?? "";
  expect(csp).toMatch(/(^|;)\s*frame-ancestors 'self'\s*(;|$)/);
  expect(res.headers.get("x-frame-options")).toBe("SAMEORIGIN");
}

describe("pages that must not be framed by another origin", () => {
  it.each<[string, () => string]>([
    ["the EHR simulator", () => "/ehr/"],
    ["the standalone sign-in and approval page (Allow / Deny)", () => `/auth/authorize?${authorizeParams({ fhirBase: s.fhirBase, scope: "launch/patient patient/*.rs" }, pkcePair().challenge)}`],
    ["the authorization error page", () => "/auth/authorize?client_id=unknown-client&response_type=code"],
  ])("%s: Content-Security-Policy frame-ancestors 'self' and X-Frame-Options SAMEORIGIN", async (_label, path) => {
    const res = await fetch(`${s.origin}${path()}`);
    expect(res.headers.get("content-type")).toContain("text/html");
    const html = await res.text();
    if (path().startsWith("/auth/authorize?response_type")) expect(html).toContain(">Allow</button>");
    expectNotFrameableByOthers(res);
  });

  it("the simulator may still frame the app (any http origin) in its iframe", async () => {
    const res = await fetch(`${s.origin}/ehr/`);
    expect(res.headers.get("content-security-policy")).toMatch(/frame-src http: https:/);
  });
});
