// Recording a stage end to end (issue 13): the built app in Chromium, launched from the sandbox EHR. "Record stage"
// writes the QuestionnaireResponse (Questionnaire stage-of-change) and the stage Observation derivedFrom it, with a
// Provenance of both, in one transaction: the sandbox then holds both, linked, each with the 42 CFR Part 2 labels,
// and the screen shows the new stage. Recording a readiness ruler does the same with the score.
import type { Observation, Provenance, QuestionnaireResponse } from "fhir/r4.js";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OBSERVATION_ID_SYSTEM, QUESTIONNAIRE_RESPONSE_ID_SYSTEM } from "../../src/app/record-stage.ts";
import { SECURITY_LABELS } from "../../src/clinical/codes.ts";
import { readStageQuestionnaireResponse, STAGE_QUESTIONNAIRE_URL } from "../../src/clinical/stage-questionnaire.ts";
import { launchInWindow, openTab, startE2eStack, type E2eStack } from "./helpers/browser.ts";

const PATIENT = "pw-james-contemplation";
let stack: E2eStack;
let page: Page;
const errors: string[] = [];

const ours = <T extends { resourceType: string }>(type: string, system: string): T[] =>
  [...stack.sandbox.store.all(type)].filter((r) => {
    const id = (r as { identifier?: { system?: string } | { system?: string }[] }).identifier;
    return [id].flat().some((i) => i?.system === system) && (r as { subject?: { reference?: string } }).subject?.reference === `Patient/${PATIENT}`;
  }) as unknown as T[];

const labels = SECURITY_LABELS.map((s) => `${s.system}|${s.code}`).sort();
const labelsOf = (r: { meta?: { security?: { system?: string; code?: string }[] } }) => (r.meta?.security ?? []).map((s) => `${s.system}|${s.code}`).sort();

beforeAll(async () => {
  stack = await startE2eStack();
  page = await launchInWindow(stack.context, stack.sandbox, PATIENT, stack.app.origin);
  page.on("pageerror", (e) => errors.push(e.message));
}, 120_000);

afterAll(async () => {
  await page?.close();
  await stack?.close();
});

describe("Record stage writes the QuestionnaireResponse and the Observation derived from it", () => {
  it.each([
    ["a stage", "stage" as const, "Preparation", { kind: "stage", stage: "preparation" }],
    ["a readiness ruler", "ruler" as const, "8", { kind: "ruler", score: 8 }],
  ])("%s: the sandbox holds both, linked, labelled, with one Provenance of both", async (_what, how, value, input) => {
    const responsesBefore = new Set(ours<QuestionnaireResponse>("QuestionnaireResponse", QUESTIONNAIRE_RESPONSE_ID_SYSTEM).map((r) => r.id));
    const observationsBefore = new Set(ours<Observation>("Observation", OBSERVATION_ID_SYSTEM).map((o) => o.id));
    await openTab(page, "Overview");
    if ((await page.locator("#new-stage, #ruler-score").count()) === 0) await page.getByRole("button", { name: "Record stage" }).click();
    if (how === "stage") {
      await page.getByRole("radio", { name: "Stage of change" }).check();
      await page.locator("#new-stage").selectOption({ label: value });
    } else {
      await page.getByRole("radio", { name: "Readiness ruler (0–10)" }).check();
      await page.locator("#ruler-score").fill(value);
    }
    await page.getByRole("button", { name: "Record", exact: true }).click();
    await page.locator(".record-stage .ok").waitFor({ timeout: 15_000 });

    const responses = ours<QuestionnaireResponse>("QuestionnaireResponse", QUESTIONNAIRE_RESPONSE_ID_SYSTEM).filter((r) => !responsesBefore.has(r.id));
    const observations = ours<Observation>("Observation", OBSERVATION_ID_SYSTEM).filter((o) => !observationsBefore.has(o.id));
    expect(responses).toHaveLength(1);
    expect(observations).toHaveLength(1);
    const [response] = responses as [QuestionnaireResponse];
    const [observation] = observations as [Observation];
    expect(observation.identifier?.[0]?.value).toBe(response.identifier?.value);
    // Linked: the Observation is derived from the response, and both hold the same answer.
    expect(observation.derivedFrom).toEqual([{ reference: `QuestionnaireResponse/${response.id}` }]);
    expect(response.questionnaire?.split("|")[0]).toBe(STAGE_QUESTIONNAIRE_URL);
    expect(readStageQuestionnaireResponse(response)).toEqual({ input });
    expect(labelsOf(response)).toEqual(labels);
    expect(labelsOf(observation)).toEqual(labels);
    // One Provenance of both, the clinician and the app.
    const provenances = ([...stack.sandbox.store.all("Provenance")] as unknown as Provenance[]).filter((p) =>
      p.target.some((t) => t.reference === `Observation/${observation.id}`),
    );
    expect(provenances).toHaveLength(1);
    expect(provenances[0]!.target.map((t) => t.reference).sort()).toEqual([`Observation/${observation.id}`, `QuestionnaireResponse/${response.id}`].sort());
    expect(labelsOf(provenances[0]!)).toEqual(labels);
    // The screen says what was recorded.
    expect(await page.locator(".record-stage .ok").innerText()).toBe(how === "stage" ? "Recorded: Preparation." : "Recorded: readiness 8 of 10 (read as preparation).");
    expect(errors).toEqual([]);
  }, 45_000);
});
