// Launch configuration: the scopes asked for (least privilege, EHR vs standalone, v2 vs v1) and the client id per
// issuer.
import { describe, expect, it } from "vitest";
import {
  CASELOAD_SCOPES_V1,
  CASELOAD_SCOPES_V2,
  DEFAULT_CLIENT_ID,
  grantsCaseload,
  issuerConfig,
  scopesFor,
  scopeStyleFrom,
} from "../../src/app/launch-config.ts";

describe("scopes", () => {
  it("an EHR launch asks for launch, a standalone launch for launch/patient", () => {
    expect(scopesFor("ehr", "v2").split(" ")).toContain("launch");
    expect(scopesFor("ehr", "v2").split(" ")).not.toContain("launch/patient");
    expect(scopesFor("standalone", "v2").split(" ")).toContain("launch/patient");
    expect(scopesFor("standalone", "v2").split(" ")).not.toContain("launch");
  });

  it.each(["v1", "v2"] as const)("%s: patient scopes plus the caseload's user/ scopes, no delete, no wildcard, no offline access", (style) => {
    const scopes = scopesFor("ehr", style).split(" ");
    const caseload = style === "v2" ? CASELOAD_SCOPES_V2 : CASELOAD_SCOPES_V1;
    for (const s of scopes.filter((x) => x.includes("/") && !x.startsWith("launch"))) {
      if (s.startsWith("user/")) expect(caseload).toContain(s);
      else expect(s).toMatch(/^patient\//);
      expect(s).not.toContain("*");
      const permission = s.split(".")[1]!;
      if (style === "v2") expect(permission).toMatch(/^c?r?u?s?$/);
      else expect(["read", "write"]).toContain(permission);
    }
    expect(scopes).not.toContain("offline_access");
    expect(scopes).toEqual(expect.arrayContaining(["openid", "fhirUser", "online_access"]));
  });

  it.each(["v1", "v2"] as const)("%s: a standalone patient launch asks for patient scopes only; a caseload launch for user/ scopes only", (style) => {
    const patient = scopesFor("standalone", style).split(" ").filter((x) => x.includes("/") && !x.startsWith("launch"));
    expect(patient.every((x) => x.startsWith("patient/"))).toBe(true);
    const caseload = scopesFor("standalone-caseload", style).split(" ");
    expect(caseload).not.toContain("launch/patient");
    expect(caseload).not.toContain("launch");
    expect(caseload.filter((x) => x.includes("/"))).toEqual(style === "v2" ? CASELOAD_SCOPES_V2 : CASELOAD_SCOPES_V1);
    expect(caseload).toEqual(expect.arrayContaining(["openid", "fhirUser", "online_access"]));
  });

  it("the caseload's user/ scopes: reads for the rows, writes only what the workspace writes, CareTeam and PractitionerRole search only", () => {
    const permission = (s: string) => s.split(".")[1]!;
    const writes = CASELOAD_SCOPES_V2.filter((s) => /[cu]/.test(permission(s))).map((s) => s.split(".")[0]!.slice("user/".length));
    expect(writes.sort()).toEqual(["CarePlan", "Goal", "Observation", "Provenance", "QuestionnaireResponse"]);
    expect(CASELOAD_SCOPES_V2.filter((s) => permission(s).includes("d"))).toEqual([]);
    expect(CASELOAD_SCOPES_V2).toEqual(expect.arrayContaining(["user/CareTeam.s", "user/PractitionerRole.s"]));
  });

  it.each([
    ["user/CareTeam.s user/Patient.rs", true],
    ["user/CareTeam.rs", true],
    ["user/CareTeam.read", true],
    ["user/*.rs", true],
    ["patient/CareTeam.rs user/Patient.rs", false],
    ["user/CareTeam.r", false],
    ["", false],
  ])("granted %j: caseload offered %s", (granted, offered) => {
    expect(grantsCaseload(granted)).toBe(offered);
  });

  it("v2 asks to write only what the app writes", () => {
    const writes = scopesFor("ehr", "v2")
      .split(" ")
      .filter((s) => /^(patient|user)\/\w+\.[a-z]*[cu]/.test(s))
      .map((s) => s.split(".")[0]!.replace(/^\w+\//, ""))
      .filter((t, i, all) => all.indexOf(t) === i);
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
