// Launch configuration: the scopes asked for (least privilege, EHR vs standalone, v2 vs v1) and the client id per
// issuer.
import { describe, expect, it } from "vitest";
import { DEFAULT_CLIENT_ID, issuerConfig, scopesFor, scopeStyleFrom } from "../../src/app/launch-config.ts";

describe("scopes", () => {
  it("an EHR launch asks for launch, a standalone launch for launch/patient", () => {
    expect(scopesFor("ehr", "v2").split(" ")).toContain("launch");
    expect(scopesFor("ehr", "v2").split(" ")).not.toContain("launch/patient");
    expect(scopesFor("standalone", "v2").split(" ")).toContain("launch/patient");
    expect(scopesFor("standalone", "v2").split(" ")).not.toContain("launch");
  });

  it.each(["v1", "v2"] as const)("%s: patient-level only, no delete, no wildcard, no offline access", (style) => {
    const scopes = scopesFor("ehr", style).split(" ");
    for (const s of scopes.filter((x) => x.includes("/") && !x.startsWith("launch"))) {
      expect(s).toMatch(/^patient\//);
      expect(s).not.toContain("*");
      const permission = s.split(".")[1]!;
      if (style === "v2") expect(permission).toMatch(/^c?r?u?s?$/);
      else expect(["read", "write"]).toContain(permission);
    }
    expect(scopes).not.toContain("offline_access");
    expect(scopes).toEqual(expect.arrayContaining(["openid", "fhirUser", "online_access"]));
  });

  it("v2 asks to write only what the app writes", () => {
    const writes = scopesFor("ehr", "v2")
      .split(" ")
      .filter((s) => /^patient\/\w+\.[a-z]*[cu]/.test(s))
      .map((s) => s.split(".")[0]!.slice("patient/".length));
    expect(writes.sort()).toEqual(["CarePlan", "Goal", "Observation", "Provenance", "QuestionnaireResponse"]);
  });

  it.each([
    [{ capabilities: ["launch-ehr", "permission-v2"] }, "v2"],
    [{ capabilities: ["launch-ehr", "permission-v1"] }, "v1"],
    [{ capabilities: [] }, "v1"],
    [null, "v2"],
    [{}, "v2"],
  ])("smart-configuration %j → %s scopes", (config, style) => {
    expect(scopeStyleFrom(config)).toBe(style);
  });
});

describe("client id", () => {
  it("defaults to the sandbox registration for an unknown issuer", () => {
    expect(issuerConfig("https://unknown.example/fhir").clientId).toBe(DEFAULT_CLIENT_ID);
    expect(DEFAULT_CLIENT_ID).toBe("stagewise");
  });
});
