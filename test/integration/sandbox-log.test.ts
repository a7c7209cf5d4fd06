// The sandbox's request log (--log off|lines|json): one line per request with method, path and query, status,
// milliseconds, client id and patient in context; never a bearer token, authorization code, refresh token,
// launch value, state or PKCE value, nor a query value that may carry patient data (a name, an identifier).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authorizeRedirect, createLaunch, exchangeCode, pkcePair, refresh } from "../../launch/dev-client.ts";
import type { TokenResponse } from "../../launch/dev-client.ts";
import type { Sandbox } from "../../launch/server.ts";
import { parseSandboxArgs, sandboxArgsOrExit } from "../../launch/server.ts";
import { ALEX, fhir, fixtureSandbox } from "./helpers/sandbox.ts";

/** Runs an EHR launch and the app's kind of requests; returns every secret the client held. */
async function session(s: Sandbox): Promise<string[]> {
  const { launch } = await createLaunch(s.origin, ALEX);
  const { verifier, challenge } = pkcePair();
  const state = "state-value-7f3a9c";
  const step = await authorizeRedirect({ fhirBase: s.fhirBase, scope: "launch openid fhirUser online_access patient/*.cruds", launch, state }, challenge);
  const code = new URL(step.location ?? "http://x/").searchParams.get("code") ?? "";
  expect(code).not.toBe("");
  const tokens = (await (await exchangeCode(s.fhirBase, code, verifier)).json()) as TokenResponse;
  const again = (await (await refresh(s.fhirBase, tokens.refresh_token ?? "")).json()) as TokenResponse;
  const t = again.access_token;
  await fetch(`${s.origin}/ehr/api/launch/${launch}`);
  expect((await fhir(s, t, `Patient/${ALEX}`)).status).toBe(200);
  await fhir(s, t, `Observation?patient=${ALEX}&category=laboratory&_count=5`);
  await fhir(s, t, "Patient?name=Zebediah&birthdate=1970-01-01&identifier=MRN-998877");
  await fhir(s, t, "Observation", { method: "POST", body: { resourceType: "Observation", status: "final", code: { text: "Secret-Body-Text" }, subject: { reference: `Patient/${ALEX}` } } });
  await fhir(s, undefined, `Patient/${ALEX}`); // 401
  return [tokens.access_token, t, tokens.id_token ?? "", tokens.refresh_token ?? "", code, launch, state, verifier, challenge, "Zebediah", "MRN-998877", "1970-01-01", "Secret-Body-Text"];
}

describe("--log lines", () => {
  const lines: string[] = [];
  let s: Sandbox;
  let secrets: string[];
  beforeAll(async () => {
    s = await fixtureSandbox({ log: "lines", logSink: (line) => lines.push(line) });
    secrets = await session(s);
  });
  afterAll(() => s.close());

  it("never holds a token, code, launch, state, PKCE value, patient name, identifier or body", () => {
    const all = lines.join("\n");
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThan(5);
      expect(all).not.toContain(secret);
      // nor a large piece of one (a JWT's signature or payload)
      for (const part of secret.split(".")) if (part.length > 16) expect(all).not.toContain(part);
    }
  });

  it("has one line per request with method, path and query, status, ms, client and patient in context", () => {
    const fhirLines = lines.filter((l) => l.includes(" /fhir/"));
    const search = fhirLines.find((l) => l.includes("/fhir/Observation?"));
    expect(search).toMatch(new RegExp(`^\\S+ GET /fhir/Observation\\?patient=${ALEX}&category=laboratory&_count=5 200 \\d+ms client=stagewise patient=${ALEX}$`));
    expect(fhirLines.find((l) => l.includes("/fhir/Patient?"))).toMatch(/GET \/fhir\/Patient\?name=\[redacted\]&birthdate=\[redacted\]&identifier=\[redacted\] 200 /);
    expect(fhirLines.find((l) => l.includes("POST /fhir/Observation"))).toMatch(/ 201 \d+ms client=stagewise patient=sbx-alex$/);
    expect(fhirLines.find((l) => / 401 /.test(l))).toMatch(/client=- patient=-$/);
    expect(lines.find((l) => l.includes("/auth/authorize"))).toMatch(/GET \/auth\/authorize\?.*launch=\[redacted\].*302 \d+ms client=stagewise/);
    expect(lines.filter((l) => l.includes("POST /auth/token 200")).length).toBe(2);
    expect(lines.find((l) => l.includes("/ehr/api/launch/"))).toContain("/ehr/api/launch/[redacted] 200");
  });
});

describe("--log json and off", () => {
  it("json: one JSON object per line with the same fields, and no secret", async () => {
    const lines: string[] = [];
    const s = await fixtureSandbox({ log: "json", logSink: (line) => lines.push(line) });
    try {
      const secrets = await session(s);
      const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
      const search = records.find((r) => String(r.path).startsWith("/fhir/Observation?"));
      expect(search).toMatchObject({ method: "GET", status: 200, client: "stagewise", patient: ALEX });
      expect(typeof search?.ms).toBe("number");
      expect(typeof search?.time).toBe("string");
      for (const secret of secrets) expect(lines.join("\n")).not.toContain(secret);
    } finally {
      await s.close();
    }
  });

  it("off (the default for tests): nothing", async () => {
    const lines: string[] = [];
    const s = await fixtureSandbox({ logSink: (line) => lines.push(line) });
    try {
      await session(s);
      expect(lines).toEqual([]);
    } finally {
      await s.close();
    }
  });

  it.each<[string[], string]>([
    [[], "lines"],
    [["--log", "json"], "json"],
    [["--log", "off"], "off"],
  ])("the command line of npm run sandbox / npm start %j logs %s", (argv, expected) => {
    expect(sandboxArgsOrExit(argv).log).toBe(expected);
  });

  it("rejects --log with another value", () => {
    expect(() => parseSandboxArgs(["--log", "verbose"])).toThrow(/--log/);
  });
});
