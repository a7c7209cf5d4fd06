// The Provenance module: what it writes, that it reads it back, other systems' forms, and the app's version.
import type { Provenance } from "fhir/r4.js";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { APP_INFO } from "../../src/clinical/app-info.ts";
import { SAVE_TAG_SYSTEM, SECURITY_LABELS } from "../../src/clinical/codes.ts";
import { provenanceConditionalKey, provenancesFor, readProvenance, writeProvenance } from "../../src/clinical/provenance-resource.ts";

const INPUT = { planId: "plan-1", saveKey: "plan-1/save/s-42", targets: ["CarePlan/cp-1", "Goal/g-1"], now: "2026-11-20T10:00:00Z", author: "Practitioner/dr-1", app: APP_INFO, update: true };

describe("provenance-resource", () => {
  it("the app's name and version come from package.json", () => {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
    expect(APP_INFO).toEqual({ name: "Stagewise", version: pkg.version });
  });

  it("writes the save tags, labels, targets and agents, and reads them back", () => {
    const p = writeProvenance(INPUT);
    expect(p.meta?.tag).toEqual([{ system: SAVE_TAG_SYSTEM, code: "plan-1" }, { system: SAVE_TAG_SYSTEM, code: "plan-1/save/s-42" }]);
    expect(p.meta?.security).toEqual(SECURITY_LABELS.map((s) => ({ ...s })));
    expect(provenanceConditionalKey(INPUT.saveKey)).toBe(`_tag=${SAVE_TAG_SYSTEM}|plan-1/save/s-42`);
    expect(readProvenance({ ...p, id: "pv-1" })).toEqual({
      ref: "Provenance/pv-1",
      recorded: "2026-11-20T10:00:00Z",
      targets: ["CarePlan/cp-1", "Goal/g-1"],
      authors: ["Practitioner/dr-1"],
      agentLabels: ["Practitioner/dr-1", `Stagewise ${APP_INFO.version}`],
      software: { name: "Stagewise", version: APP_INFO.version },
      ours: true,
      operation: "UPDATE",
    });
  });

  it.each<[string, Provenance, Partial<ReturnType<typeof readProvenance>>]>([
    [
      "another app's device by reference",
      { resourceType: "Provenance", id: "x1", target: [{ reference: "CarePlan/ext-1/_history/1" }], recorded: "2025-06-01T09:00:00Z", agent: [{ who: { reference: "Device/careflow", display: "CareFlow 3.2" } }, { who: { reference: "Practitioner/p9", display: "Dr. Lee" } }] },
      { ours: false, software: { name: "CareFlow 3.2", version: null }, authors: ["Practitioner/p9"], agentLabels: ["CareFlow 3.2", "Dr. Lee"] },
    ],
    [
      "a display-only person",
      { resourceType: "Provenance", id: "x2", target: [{ reference: "CarePlan/ext-1" }], recorded: "2025-07-01T09:00:00Z", agent: [{ who: { display: "Front desk" } }] },
      { ours: false, software: null, authors: [], agentLabels: ["Front desk"] },
    ],
  ])("reads %s", (_, p, expected) => {
    expect(readProvenance(p)).toMatchObject(expected);
  });

  it("provenancesFor: those targeting the plan (any version), newest first", () => {
    const mk = (id: string, target: string, recorded: string): Provenance => ({ resourceType: "Provenance", id, target: [{ reference: target }], recorded, agent: [] });
    const list = provenancesFor("CarePlan/a", [mk("1", "CarePlan/a", "2025-01-01T00:00:00Z"), mk("2", "CarePlan/b", "2026-01-01T00:00:00Z"), mk("3", "CarePlan/a/_history/2", "2025-06-01T00:00:00Z")]);
    expect(list.map((p) => p.ref)).toEqual(["Provenance/3", "Provenance/1"]);
  });
});
