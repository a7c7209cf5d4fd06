// The EHR simulator over real HTTP: its page (labelled controls), script, context API, launch records (no
// token values), data reset, escaping of server text, and the seed loader (date shift, urn:uuid bundles).
import { readFileSync } from "node:fs";
import type { Bundle, Observation, Patient } from "fhir/r4.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getToken } from "../../launch/dev-client.ts";
import { loadSeed } from "../../launch/seed.ts";
import type { Sandbox } from "../../launch/server.ts";
import { parseSandboxArgs } from "../../launch/server.ts";
import { ALEX, BLAIR, FIXTURES, fhir, fixtureSandbox, userToken } from "./helpers/sandbox.ts";

let s: Sandbox;

beforeAll(async () => {
  s = await fixtureSandbox({ appLaunchUrl: "http://127.0.0.1:5173/launch.html" });
});
afterAll(() => s.close());

const post = (path: string, body: unknown, type = "application/json") =>
  fetch(`${s.origin}${path}`, { method: "POST", headers: { "Content-Type": type }, body: JSON.stringify(body) });

describe("simulator page", () => {
  it("is an HTML page whose every control has a label", async () => {
    const res = await fetch(`${s.origin}/ehr/`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    const html = await res.text();
    expect(html).toMatch(/<html lang="en">/);
    expect(html).toMatch(/<title>[^<]+<\/title>/);
    const controls = [...html.matchAll(/<(select|input)\b[^>]*\bid="([^"]+)"/g)].map((m) => m[2]);
    expect(controls).toEqual(expect.arrayContaining(["patient", "user", "launch-url", "mode-iframe", "mode-window"]));
    for (const id of controls) expect(html, `label for #${id}`).toContain(`<label for="${id}">`);
    const buttons = [...html.matchAll(/<button\b[^>]*>([^<]*)<\/button>/g)].map((m) => m[1]?.trim());
    expect(buttons).toEqual(["Launch app", "Refresh context", "Expire access token", "End session (refresh fails: invalid_grant)", "Reset data", "Apply faults"]);
    expect(html).toMatch(/<iframe[^>]*title="[^"]+"/);
  });

  it("serves its script as JavaScript with the TypeScript types removed, writing server text with textContent only", async () => {
    const res = await fetch(`${s.origin}/ehr/simulator.js`);
    expect(res.headers.get("content-type")).toContain("text/javascript");
    const js = await res.text();
    expect(js).not.toMatch(/\binterface\s+\w+\s*{/);
    expect(js).not.toContain("innerHTML");
    expect(js).toContain("textContent");
    expect(() => new Function(js.replace(/^export \{\};?$/m, ""))).not.toThrow(SyntaxError);
  });

  it("/ redirects to the simulator", async () => {
    const res = await fetch(`${s.origin}/`, { redirect: "manual" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/ehr/");
  });
});

describe("simulator API", () => {
  it("lists the FHIR base, the patients and the three users", async () => {
    const c = (await (await fetch(`${s.origin}/ehr/api/context`)).json()) as {
      fhirBase: string; defaultLaunchUrl: string; patients: { id: string; label: string }[]; users: { id: string; label: string }[];
    };
    expect(c.fhirBase).toBe(s.fhirBase);
    expect(c.defaultLaunchUrl).toBe("http://127.0.0.1:5173/launch.html");
    expect(c.patients.map((p) => p.id)).toEqual(expect.arrayContaining([ALEX, BLAIR]));
    expect(c.patients.find((p) => p.id === ALEX)?.label).toBe("Moreno, Alex (born 1988-04-12, male)");
    expect(c.users.map((u) => u.id)).toEqual(["clinician", "care-coordinator", "clinician-2"]);
    expect(c.users[0]?.label).toContain("(clinician)");
  });

  it("a launch gives the app URL with iss and launch, and its record shows the granted context but no token", async () => {
    const res = await post("/ehr/api/launch", { patient: ALEX, user: "clinician", mode: "iframe", launchUrl: "http://localhost:4173/launch.html" });
    expect(res.status).toBe(200);
    const { launch, url } = (await res.json()) as { launch: string; url: string };
    const u = new URL(url);
    expect(u.origin + u.pathname).toBe("http://localhost:4173/launch.html");
    expect(u.searchParams.get("iss")).toBe(s.fhirBase);
    expect(u.searchParams.get("launch")).toBe(launch);

    const t = await getToken({ fhirBase: s.fhirBase, scope: "launch openid fhirUser patient/*.rs offline_access", launch });
    const info = (await (await fetch(`${s.origin}/ehr/api/launch/${launch}`)).json()) as { patient: string; sessions: { scope: string; fhirUser: string; hasRefreshToken: boolean }[] };
    expect(info.patient).toBe(ALEX);
    expect(info.sessions).toHaveLength(1);
    expect(info.sessions[0]).toMatchObject({ scope: t.scope, fhirUser: "Practitioner/dr-1", hasRefreshToken: true });
    const text = JSON.stringify(info);
    expect(text).not.toContain(t.access_token);
    expect(text).not.toContain(t.refresh_token as string);
  });

  it.each([
    [{ patient: "nobody", user: "clinician" }, "Unknown patient"],
    [{ patient: ALEX, user: "nobody" }, "Unknown user"],
    [{ patient: ALEX, user: "clinician", launchUrl: "javascript:alert(1)" }, "not an http(s) URL"],
  ])("refuses a bad launch request %j", async (body, message) => {
    const res = await post("/ehr/api/launch", body);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toContain(message);
  });

  it("accepts only application/json posts (no cross-site form can reset the data)", async () => {
    const res = await fetch(`${s.origin}/ehr/api/reset`, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "x=1" });
    expect(res.status).toBe(415);
  });

  it("reset puts the seed data back: created resources disappear, changed ones return to version 1", async () => {
    const { access_token } = await userToken(s);
    const created = await fhir<Observation>(s, access_token, "Observation", {
      method: "POST",
      body: { resourceType: "Observation", status: "final", code: { text: "temp" }, subject: { reference: `Patient/${BLAIR}` } },
    });
    expect(created.status).toBe(201);
    const patient = (await fhir<Patient>(s, access_token, `Patient/${ALEX}`)).body;
    expect((await fhir(s, access_token, `Patient/${ALEX}`, { method: "PUT", body: { ...patient, gender: "unknown" } })).status).toBe(200);

    const res = await post("/ehr/api/reset", {});
    expect(res.status).toBe(200);
    expect(((await res.json()) as { resources: number }).resources).toBe(s.loaded);
    expect((await fhir(s, access_token, `Observation/${created.body.id}`)).status).toBe(404);
    const back = (await fhir<Patient>(s, access_token, `Patient/${ALEX}`)).body;
    expect(back.gender).toBe("male");
    expect(back.meta?.versionId).toBe("1");
  });

  it("escapes server text: a patient named with markup appears as text on the sign-in page", async () => {
    const { access_token } = await userToken(s);
    const evil = await fhir<Patient>(s, access_token, "Patient", {
      method: "POST",
      body: { resourceType: "Patient", name: [{ family: '<img src=x onerror="alert(1)">', given: ["Eve"] }] },
    });
    expect(evil.status).toBe(201);
    const page = await fetch(
      `${s.origin}/auth/authorize?${new URLSearchParams({
        response_type: "code", client_id: "stagewise", redirect_uri: "http://127.0.0.1:5173/", scope: "launch/patient patient/*.rs",
        state: '"><script>x</script>', aud: s.fhirBase, code_challenge: "a".repeat(43), code_challenge_method: "S256",
      })}`,
    );
    const html = await page.text();
    expect(html).not.toContain("<img src=x");
    expect(html).toContain("&#60;img src=x onerror=&#34;alert(1)&#34;&#62;, Eve");
    expect(html).not.toContain("<script>x</script>");
    await post("/ehr/api/reset", {});
  });
});

describe("seed loading", () => {
  it("moves every date by the days since the anchor, but not birth dates", async () => {
    const shifted = await loadSeed([FIXTURES], { shift: true, today: "2026-12-03" }); // anchor 2026-11-23 + 10 days
    const plain = await loadSeed([FIXTURES], { shift: false });
    expect(shifted.shiftedDays).toBe(10);
    const find = (r: typeof plain, id: string): Record<string, unknown> => r.resources.find((x) => x.id === id) as unknown as Record<string, unknown>;
    expect(find(plain, "sbx-alex-uds-00").effectiveDateTime).toBe("2026-11-23T10:00:00-05:00");
    expect(find(shifted, "sbx-alex-uds-00").effectiveDateTime).toBe("2026-12-03T10:00:00-05:00");
    expect(find(shifted, ALEX).birthDate).toBe("1988-04-12");
  });

  it("stores transaction-bundle entries with ids from their urn:uuid and rewrites references to Type/id", async () => {
    const file = JSON.parse(readFileSync(`${FIXTURES}/sandbox-casey-transaction.json`, "utf8")) as Bundle;
    const patientUrn = file.entry?.[0]?.fullUrl as string;
    const { resources } = await loadSeed([FIXTURES], { shift: false });
    const id = patientUrn.slice("urn:uuid:".length);
    expect(resources.some((r) => r.resourceType === "Patient" && r.id === id)).toBe(true);
    const stage = resources.find((r) => r.resourceType === "Observation" && (r as Observation).subject?.reference?.endsWith(id)) as Observation;
    expect(stage.subject?.reference).toBe(`Patient/${id}`);
  });

  it.each([
    [["--port", "9001", "--no-shift"], { port: 9001, shiftDates: false }],
    [["--token-ttl", "60"], { tokenTtlSeconds: 60 }],
  ])("reads the command line %j", (argv, expected) => {
    expect(parseSandboxArgs(argv)).toEqual(expected);
  });

  it.each([[["--port", "x"]], [["--bogus"]], [["--port"]]])("rejects the command line %j", (argv) => {
    expect(() => parseSandboxArgs(argv)).toThrow();
  });
});
