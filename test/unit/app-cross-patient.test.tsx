// @vitest-environment jsdom
// Cross-patient safety. Reading: a server that answers a search with another patient's resources (a bug, a proxy
// that mixes tenants) does not put them into this patient's record: they are ignored and named in a warning.
// Writing: every write the app sends (a recorded stage, a plan transaction) is checked against the patient the app
// was launched for, and one that refers to any other patient is refused before anything reaches the server.
import type { Bundle, CarePlan, Observation } from "fhir/r4.js";
import FHIR from "fhirclient/lib/entry/browser.js";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { App } from "../../src/app/App.tsx";
import { fetchApi, WriteRefused } from "../../src/app/fhir-api.ts";
import { recordStage, stageBundle } from "../../src/app/record-stage.ts";
import { savePlan } from "../../src/app/save-plan.ts";
import type { SmartSession } from "../../src/app/session.ts";
import { sessionFrom } from "../../src/app/smart.ts";
import { catalogEntry } from "../../src/clinical/catalog.ts";
import { otherPatientReferences } from "../../src/clinical/plan-validate.ts";
import type { PlanContext, PlanDraft } from "../../src/clinical/plan-types.ts";
import { cmCarePlan, medRequest, oudCondition, patient, stage, uds, udsDay } from "../helpers/resources.ts";
import { expectText, render, text, waitFor, type Rendered } from "./helpers/app-dom.tsx";
import { BASE, fakeFhir, transactionResponse } from "./helpers/fhir-server.ts";

const NOW = "2026-11-23";
const { fake, server } = fakeFhir();
const api = () => fetchApi(BASE, "test-token", "Patient/p1");

let view: Rendered | undefined;
beforeAll(() => server.listen({ onUnhandledFrame: "error" }));
beforeEach(() => {
  fake.written = [];
  fake.transactionAnswers = [];
  fake.resources = [patient("p1"), stage("contemplation", "2026-11-01", "stage-1"), ...udsDay("2026-11-16", { opiates: "neg", fentanyl: "neg" }), oudCondition("oud-1")];
});
afterEach(() => {
  view?.unmount();
  view = undefined;
  server.resetHandlers();
});
afterAll(() => server.close());

describe("otherPatientReferences", () => {
  it.each([
    ["the patient itself", { subject: { reference: "Patient/p1" } }, []],
    ["another patient, relative", { resourceType: "Observation", subject: { reference: "Patient/p2" } }, ["Observation.subject → Patient/p2"]],
    ["another patient, absolute", { resourceType: "Goal", subject: { reference: `${BASE}/Patient/p2` } }, ["Goal.subject → Patient/p2"]],
    ["another patient, versioned", { resourceType: "Goal", subject: { reference: "Patient/p2/_history/3" } }, ["Goal.subject → Patient/p2"]],
    ["the same patient, absolute and versioned", { subject: { reference: `${BASE}/Patient/p1/_history/1` } }, []],
    ["a patient as the author", { resourceType: "CarePlan", subject: { reference: "Patient/p1" }, author: { reference: "Patient/p9" } }, ["CarePlan.author → Patient/p9"]],
    ["not a patient", { resourceType: "CarePlan", subject: { reference: "Group/g1" }, addresses: [{ reference: "Condition/Patient" }] }, []],
    [
      "inside a transaction",
      { resourceType: "Bundle", entry: [{ resource: { resourceType: "CarePlan", subject: { reference: "Patient/p1" } } }, { resource: { resourceType: "Provenance", agent: [{ who: { reference: "Patient/p2" } }] } }] },
      ["Provenance.agent[0].who → Patient/p2"],
    ],
  ])("%s", (_label, body, expected) => {
    expect(otherPatientReferences(body, "Patient/p1")).toEqual(expected);
  });
});

describe("a stage is never recorded for another patient", () => {
  const bundle = (patientRef: string, author: string | null = "Practitioner/dr-1") =>
    stageBundle({ kind: "stage", stage: "action" }, { patient: patientRef, author, now: "2026-11-23T10:00:00Z", identifier: "id-1" });
  const answer = {
    resourceType: "Bundle",
    type: "transaction-response",
    entry: [
      { response: { status: "201 Created", location: "QuestionnaireResponse/qr-1/_history/1" } },
      { response: { status: "201 Created", location: "Observation/obs-1/_history/1" } },
      { response: { status: "201 Created", location: "Provenance/prov-1/_history/1" } },
    ],
  };

  it("the launch patient: written, one transaction; the Observation is derived from the QuestionnaireResponse", async () => {
    fake.transactionAnswers = [{ status: 200, body: answer }];
    const stored = await recordStage(api(), bundle("Patient/p1"));
    expect(stored.observation).toMatchObject({ id: "obs-1", subject: { reference: "Patient/p1" }, derivedFrom: [{ reference: "QuestionnaireResponse/qr-1" }] });
    expect(stored.response).toBe("QuestionnaireResponse/qr-1");
    expect(fake.written).toHaveLength(1);
  });

  it.each([
    ["another subject", bundle("Patient/p2"), /QuestionnaireResponse\.subject → Patient\/p2, Observation\.subject → Patient\/p2/],
    ["another patient as the performer", bundle("Patient/p1", "Patient/p2"), /Observation\.performer\[0\] → Patient\/p2/],
  ])("%s: refused, nothing sent", async (_label, b, where) => {
    const err = await recordStage(api(), b as Bundle).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WriteRefused);
    expect((err as Error).message).toMatch(/^Nothing was saved: Stagewise was launched for Patient\/p1, but this would be written about another patient \(/);
    expect((err as Error).message).toMatch(where);
    expect(fake.written).toEqual([]);
  });
});

describe("a plan is never saved for another patient", () => {
  const draft: PlanDraft = {
    planId: "plan-1",
    status: "draft",
    period: { start: "2026-11-23" },
    activities: [{ id: "motivational-interviewing", title: catalogEntry("motivational-interviewing").title, text: "MI" }],
    goals: [{ key: "g1", description: "Talk about change", startDate: "2026-11-23" }],
  };
  const ctx = (over: Partial<PlanContext>): PlanContext => ({ patient: "Patient/p1", author: "Practitioner/dr-1", now: "2026-11-23T10:00:00Z", app: { name: "Stagewise", version: "0.1.0" }, ...over });

  it("the launch patient: the transaction is sent", async () => {
    fake.transactionAnswers.push({ status: 200, body: transactionResponse("cp-1", "1", 1) });
    const outcome = await savePlan(api(), draft, ctx({}));
    expect(outcome.carePlan?.id).toBe("cp-1");
    expect(fake.written).toHaveLength(1);
  });

  it.each([
    ["the plan's subject is another patient", ctx({ patient: "Patient/p2" }), "CarePlan.subject → Patient/p2, Goal.subject → Patient/p2"],
    ["the author is another patient", ctx({ author: "Patient/p2" }), "CarePlan.author → Patient/p2, Goal.expressedBy → Patient/p2, Provenance.agent[0].who → Patient/p2"],
  ])("%s: refused, nothing sent", async (_label, context, where) => {
    const err = await savePlan(api(), draft, context).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WriteRefused);
    expect((err as Error).message).toContain(`launched for Patient/p1, but this would be written about another patient (${where}`);
    expect(fake.written).toEqual([]);
  });

  it("the launched session's door knows the launch patient", () => {
    const client = FHIR.client({ serverUrl: BASE, tokenResponse: { access_token: "t", patient: "p7" } });
    expect(sessionFrom(client as unknown as Parameters<typeof sessionFrom>[0]).api.launchPatient).toBe("Patient/p7");
  });
});

describe("reading: another patient's resources in a search answer are ignored and named", () => {
  it("a positive test and a CM plan of Patient/p2 change nothing for Patient/p1, and the warning says so", async () => {
    const foreignTest = { ...uds("fentanyl", "pos", "2026-11-20", "their-test"), subject: { reference: "Patient/p2" } };
    const foreignPlan: CarePlan = { ...cmCarePlan("2026-10-01", "prize", "their-plan"), subject: { reference: `${BASE}/Patient/p2` } };
    const foreignRx = { ...medRequest("methadone", "2026-09-01", "active", "their-rx"), subject: { reference: "Patient/p2" } };
    fake.resources.push(foreignTest, foreignPlan, foreignRx);
    const session: SmartSession = { api: api(), patientId: "p1", needPatientBanner: true, fhirUser: "Practitioner/dr-1" };
    view = await render(<App session={session} now={NOW} />);
    await waitFor(() => expectText("Next steps"));
    // Named as clinical text, never as raw references (issue 8): one data notice per foreign resource.
    for (const kind of ["observation", "care plan", "medication request"]) expectText(new RegExp(`${kind} [^.]*belongs to another patient`));
    expectText(/observation their-test belongs to another patient and was skipped/);
    expect(text()).not.toContain("p2"); // the other patient is not named on this patient's screen
    expect(text()).not.toContain("2026-11-20");
    expect(text()).not.toMatch(/Methadone/);
    expect(text()).not.toContain("Enrolled from");
  });
});
