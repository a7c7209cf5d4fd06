// The load run's machinery (npm run test:load runs it for 60 s with 20 workers): a short run with faults, whose
// store check must find every acknowledged plan exactly once, and the store check itself shown to catch a lost, a
// duplicated and an unexpected plan.
import type { CarePlan } from "@medplum/fhirtypes";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FaultRecord } from "../../launch/faults.ts";
import type { Sandbox } from "../../launch/server.ts";
import { CAREPLAN_ID_SYSTEM, GOAL_ID_SYSTEM, SAVE_TAG_SYSTEM } from "../../src/clinical/codes.ts";
import { describeLoad, runLoad, verifyStore } from "../load/load.ts";
import type { LoadReport, PlanAttempts } from "../load/load.ts";
import { ALEX, fixtureSandbox } from "./helpers/sandbox.ts";

describe("a short load run (4 workers, 5 s, faults on 20% of FHIR requests)", () => {
  let report: LoadReport;
  beforeAll(async () => {
    report = await runLoad({ seconds: 5, workers: 4, faultRate: 0.2, seed: 42, hangMs: 300 });
  }, 90_000);

  it("the store holds exactly what was acknowledged: no loss, no duplicates", () => {
    expect(report.verification).toMatchObject({ lost: [], duplicated: [], unexpected: [], strangers: [], ok: true });
    expect(report.saves.acknowledged).toBeGreaterThan(0);
    expect(report.saves.acknowledged + report.saves.gaveUp).toBe(report.saves.plans);
  });

  it("faults were injected and surfaced as errors, counted by kind", () => {
    const sum = (counts: Record<string, number>): number => Object.values(counts).reduce((a, b) => a + b, 0);
    expect(sum(report.faults)).toBeGreaterThan(0);
    const evaluationErrors = sum(report.evaluations.errors);
    const saveErrors = sum(report.saves.errors);
    expect(evaluationErrors + saveErrors).toBeGreaterThan(0);
    expect(report.evaluations.ok + evaluationErrors).toBe(report.evaluations.total);
    expect(report.saves.attempts).toBe(report.saves.acknowledged + saveErrors);
  });

  it("prints throughput and the store check", () => {
    const text = describeLoad(report).join("\n");
    expect(text).toMatch(/evaluations .*\/s/);
    expect(text).toMatch(/FHIR requests: \d+ = [\d.]+\/s/);
    expect(text).toContain("OK: no loss, no duplicates");
    expect(report.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });
});

describe("the store check", () => {
  let s: Sandbox;
  beforeAll(async () => {
    s = await fixtureSandbox();
  });
  afterAll(() => s.close());

  const prefix = "check-";
  const attempts = (planId: string, acknowledged: boolean): PlanAttempts => ({ planId, patient: ALEX, attempts: 1, acknowledged, failures: acknowledged ? [] : ["no answer"] });
  const storePlan = async (planId: string): Promise<void> => {
    const meta = { tag: [{ system: SAVE_TAG_SYSTEM, code: planId }] };
    const plan = await s.store.createResource<CarePlan>({
      resourceType: "CarePlan",
      status: "active",
      intent: "plan",
      subject: { reference: `Patient/${ALEX}` },
      identifier: [{ system: CAREPLAN_ID_SYSTEM, value: planId }],
      meta,
    } as CarePlan);
    await s.store.createResource({ resourceType: "Goal", lifecycleStatus: "active", description: { text: "g" }, subject: { reference: `Patient/${ALEX}` }, identifier: [{ system: GOAL_ID_SYSTEM, value: `${planId}/g1` }], meta } as never);
    await s.store.createResource({ resourceType: "Provenance", target: [{ reference: `CarePlan/${plan.id}` }], recorded: "2026-11-23T10:00:00Z", agent: [{ who: { reference: "Practitioner/dr-1" } }], meta } as never);
  };

  it("catches a lost, a duplicated and an unexpected plan, and accepts a plan committed before its answer was dropped", async () => {
    await storePlan(`${prefix}ok`);
    await storePlan(`${prefix}twice`);
    await storePlan(`${prefix}twice`);
    await storePlan(`${prefix}unacknowledged`);
    await storePlan(`${prefix}dropped-after`);
    await storePlan(`${prefix}never-sent`);
    const dropped: FaultRecord[] = [{ n: 1, kind: "drop-after", method: "POST", path: "/fhir", requestId: `${prefix}dropped-after#1` }];
    const v = verifyStore(
      s.store,
      prefix,
      [
        attempts(`${prefix}ok`, true),
        attempts(`${prefix}lost`, true),
        attempts(`${prefix}twice`, true),
        attempts(`${prefix}unacknowledged`, false),
        attempts(`${prefix}dropped-after`, false),
      ],
      dropped,
    );
    expect(v).toEqual({
      lost: [`${prefix}lost`],
      duplicated: [`${prefix}twice`],
      unexpected: [`${prefix}unacknowledged`],
      committedUnacknowledged: [`${prefix}dropped-after`],
      strangers: [`${prefix}never-sent`],
      ok: false,
    });
  });
});
