// @vitest-environment jsdom
// The plan editor and the stage recorder as a user works them: edits survive a re-evaluation, a save that fails
// (422, 412) keeps every edit and shows the server's words, Save again sends the same plan (same planId, the
// same Bundle), a conflict (412) is merged field by field with the stored version and saved on it; a stored plan's clinician context comes back; a recorded stage is written with our
// codes and labels and re-evaluates at once.
import type { Bundle, CarePlan, Observation } from "fhir/r4.js";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { App } from "../../src/app/App.tsx";
import { fetchApi } from "../../src/app/fhir-api.ts";
import type { SmartSession } from "../../src/app/session.ts";
import { readCarePlan, readClinicianContext, writeCarePlan, writeClinicianContext } from "../../src/clinical/careplan-resource.ts";
import { CAREPLAN_ID_SYSTEM, CLINICIAN_CONTEXT_EXTENSION, CM_TARGET_EXTENSION, STAGE_SYSTEM } from "../../src/clinical/codes.ts";
import type { PlanDraft } from "../../src/clinical/plan-types.ts";
import { medRequest, oudCondition, patient, stage, udsDay } from "../helpers/resources.ts";
import { byLabel, byRole, click, expectText, openTab, render, text, type, waitFor, type Rendered } from "./helpers/app-dom.tsx";
import { BASE, fakeFhir, outcome, transactionResponse } from "./helpers/fhir-server.ts";

const NOW = "2026-11-23";
const { fake, server } = fakeFhir();
const session = (): SmartSession => ({ api: fetchApi(BASE, "test-token"), patientId: "p1", needPatientBanner: true, fhirUser: "Practitioner/dr-1" });

let view: Rendered | undefined;
beforeAll(() => server.listen({ onUnhandledFrame: "error" }));
beforeEach(() => {
  fake.written = [];
  fake.transactionAnswers = [];
  fake.resources = [
    patient("p1"),
    stage("contemplation", "2026-11-01", "stage-1"),
    ...udsDay("2026-11-16", { opiates: "neg", fentanyl: "pos" }),
    medRequest("suboxoneFilm", "2026-09-01", "active", "mr-bup"),
    oudCondition("oud-1"),
  ];
});
afterEach(() => {
  view?.unmount();
  view = undefined;
});
afterAll(() => server.close());

/** The Plan tab, once its editor (a chunk of its own) is there. */
async function openPlan(): Promise<HTMLElement> {
  const panel = await openTab("Plan");
  await waitFor(() => byRole("button", /^Save (plan|changes)$/));
  return panel;
}

async function openApp(): Promise<void> {
  view = await render(<App session={session()} now={NOW} />);
  await waitFor(() => byRole("heading", "Next steps"));
}

const transactions = () => fake.written.filter((w) => w.url === BASE).map((w) => w.body as Bundle);
const carePlanOf = (b: Bundle) => b.entry?.find((e) => e.resource?.resourceType === "CarePlan")?.resource as CarePlan;

describe("plan editor", () => {
  it("preselects the primary recommendations and keeps edited text across a context re-evaluation", async () => {
    await openApp();
    await openPlan();
    const mi = byLabel<HTMLInputElement>(/^Motivational interviewing/);
    expect(mi.checked).toBe(true); // primary in contemplation
    const addiction = byLabel<HTMLInputElement>(/^Addiction counseling/);
    expect(addiction.checked).toBe(false); // consider
    await type(byLabel<HTMLTextAreaElement>("Activity text: Motivational interviewing"), "Two MI sessions with Dr Lee, then review");
    expect(text()).not.toContain("Community reinforcement and family training (CRAFT)");
    await openTab(/^Recommendations/);
    await click(byLabel("Family or partner involved and willing"));
    await openPlan();
    // The engine ran again: CRAFT appears (family involved) and the edit is still there.
    await waitFor(() => expectText("Community reinforcement and family training (CRAFT)"));
    expect(byLabel<HTMLTextAreaElement>("Activity text: Motivational interviewing").value).toBe("Two MI sessions with Dr Lee, then review");
    expect(byLabel<HTMLInputElement>(/^Community reinforcement and family training/).checked).toBe(false);
    // The preview is built from the draft, as text.
    expectText("Motivational interviewing: Two MI sessions with Dr Lee, then review");
  });

  it("a save that fails with 422 keeps every edit, shows the server's words, and Save again sends the same plan", async () => {
    fake.transactionAnswers = [
      { status: 422, body: outcome("Goal.target.dueDate: must not be in the past", "invariant") },
      { status: 200, body: transactionResponse("cp-1", "1", 1) },
    ];
    await openApp();
    await openPlan();
    await type(byLabel<HTMLTextAreaElement>("Activity text: Motivational interviewing"), "MI <b>twice</b> & review");
    await click(byRole("button", "Add a goal"));
    await type(byLabel<HTMLTextAreaElement>("Goal 1"), "Attend every weekly visit");
    await type(byLabel("Goal 1 due date"), "2027-02-15");
    await click(byRole("button", "Save plan"));

    const alert = await waitFor(() => byRole("alert", "The plan was not saved"));
    expect(text(alert)).toContain("The server did not accept the data (422)");
    expect(text(alert)).toContain("Goal.target.dueDate: must not be in the past");
    expect(text(alert)).toContain("Your edits are kept");
    expect(byLabel<HTMLTextAreaElement>("Activity text: Motivational interviewing").value).toBe("MI <b>twice</b> & review");
    expect(byLabel<HTMLTextAreaElement>("Goal 1").value).toBe("Attend every weekly visit");
    expect(byLabel<HTMLInputElement>("Goal 1 due date").value).toBe("2027-02-15");

    await click(byRole("button", "Save plan"));
    const result = await waitFor(() => byRole("status", "The plan was saved."));
    // In words; the ids stay out of sight (data-ref).
    expect([...result.querySelectorAll("li")].map((li) => [text(li), li.dataset.ref])).toEqual([
      ["Care plan: created (version 1)", "CarePlan/cp-1"],
      ["Goal 1: created (version 1)", "Goal/goal-1"],
      ["Record of who saved it (Provenance): created (version 1)", "Provenance/prov-1"],
    ]);
    expect(document.querySelector('.plan-editor [role="alert"]')).toBeNull();

    const [first, second] = transactions();
    expect(first).toBeDefined();
    expect(second).toBeDefined();
    const planId = carePlanOf(first!).identifier?.find((i) => i.system === CAREPLAN_ID_SYSTEM)?.value;
    expect(planId).toMatch(/^[0-9a-f-]{36}$/);
    expect(carePlanOf(second!).identifier?.find((i) => i.system === CAREPLAN_ID_SYSTEM)?.value).toBe(planId);
    // A retry is the same request: same conditional creates, same urn:uuids, same created time.
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
    expect(first!.entry?.[0]?.request).toMatchObject({ method: "POST", url: "CarePlan", ifNoneExist: `identifier=${CAREPLAN_ID_SYSTEM}|${planId}` });
    // The typed markup reached the server as escaped text, never as markup.
    expect(carePlanOf(first!).text?.div).toContain("MI &lt;b&gt;twice&lt;/b&gt; &amp; review");
    expect(carePlanOf(first!).author?.reference).toBe("Practitioner/dr-1");
    expect(carePlanOf(first!).addresses?.[0]?.reference).toBe("Condition/oud-1");
  });

  it("after a save the editor holds the new version; a 412 reads the stored one, merges field by field, and saves the merge on it", async () => {
    fake.transactionAnswers = [
      { status: 200, body: transactionResponse("cp-1", "1", 0) },
      { status: 412, body: outcome("CarePlan/cp-1 was changed: the current version is 2", "conflict") },
      { status: 200, body: transactionResponse("cp-1", "3", 0, false) },
    ];
    await openApp();
    await openPlan();
    await click(byRole("button", "Save plan"));
    await waitFor(() => byRole("status", "The plan was saved."));
    await waitFor(() => byRole("button", "Save changes"));
    // A colleague saves version 2: a new title and another text for the same activity.
    const sent = carePlanOf(transactions()[0]!);
    const theirs = structuredClone(sent);
    theirs.id = "cp-1";
    theirs.meta = { ...theirs.meta, versionId: "2", lastUpdated: "2026-11-23T10:00:00Z" };
    theirs.title = "Plan agreed at the team meeting";
    const mi = theirs.activity!.find((a) => a.detail?.code?.text === "Motivational interviewing")!;
    mi.detail!.description = "MI fortnightly (colleague)";
    // …and records that the family is involved (the clinician context stored with the plan).
    const context = readClinicianContext(sent.extension)!;
    theirs.extension = [
      ...(theirs.extension ?? []).filter((e) => e.url !== CLINICIAN_CONTEXT_EXTENSION),
      writeClinicianContext({ ...context, familyInvolved: true }),
    ];
    fake.resources.push(theirs);

    await type(byLabel<HTMLTextAreaElement>("Activity text: Motivational interviewing"), "MI weekly");
    await click(byRole("button", "Save changes"));
    const alert = await waitFor(() => byRole("alert", "The changes were not saved"));
    expect(text(alert)).toContain("Someone else changed the data (412)");
    const update = transactions()[1]!;
    expect(update.entry?.[0]?.request).toMatchObject({ method: "PUT", url: "CarePlan/cp-1", ifMatch: 'W/"1"' });
    // Side by side: the field both changed is a choice; the title only they changed is taken from theirs.
    const merge = await waitFor(() => byRole("heading", "Someone saved this plan first (now version 2)"));
    const section = merge.closest("section")!;
    expect(text(section)).toContain("Keep mine: MI weekly");
    expect(text(section)).toContain("Take theirs: MI fortnightly (colleague)");
    expect(byLabel<HTMLTextAreaElement>("Activity text: Motivational interviewing").value).toBe("MI weekly");
    expect(text(section)).toContain("Taken from the stored version (only it changed them): Plan title; Plan clinician context.");

    await click(byRole("button", "Save the merged plan on version 2"));
    await waitFor(() => byRole("status", "The plan was updated."));
    const merged = transactions()[2]!;
    expect(merged.entry?.[0]?.request).toMatchObject({ method: "PUT", url: "CarePlan/cp-1", ifMatch: 'W/"2"' });
    expect(carePlanOf(merged).title).toBe("Plan agreed at the team meeting");
    expect(carePlanOf(merged).activity?.find((a) => a.detail?.code?.text === "Motivational interviewing")?.detail?.description).toBe("MI weekly");
    // Only they changed the context: the merge takes theirs, and the toggles do not put the old one back.
    expect(readClinicianContext(carePlanOf(merged).extension)).toEqual({ ...context, familyInvolved: true });
    const ids = transactions().map((b) => carePlanOf(b).identifier?.[0]?.value);
    expect(new Set(ids).size).toBe(1);
    // Each save has its own Provenance key.
    const keys = transactions().map((b) => b.entry?.at(-1)?.request?.ifNoneExist);
    expect(new Set(keys).size).toBe(3);
  });

  it("a stored plan's clinician context is read back at launch (the toggles start from it) and saved with the plan when changed", async () => {
    const draft: PlanDraft = {
      planId: "plan-ctx",
      status: "active",
      title: "Plan with family",
      context: { familyInvolved: true, prefersNoMedication: false, canDeliverCm: true, otp: false },
      period: { start: "2026-10-01" },
      activities: [{ id: "motivational-interviewing", title: "Motivational interviewing", text: "Weekly MI", status: "in-progress" }],
      goals: [],
    };
    const cp = writeCarePlan(draft, { patient: "Patient/p1", author: "Practitioner/dr-1", created: "2026-10-01T09:00:00Z", id: "cp-ctx", goalRef: (k) => k });
    fake.resources.push({ ...cp, meta: { ...cp.meta, versionId: "1" } });
    fake.transactionAnswers = [{ status: 200, body: transactionResponse("cp-ctx", "2", 0, false) }];
    await openApp();
    await openTab(/^Recommendations/);
    expect(byLabel<HTMLInputElement>("Family or partner involved and willing").checked).toBe(true);
    await click(byLabel("This is an opioid treatment program (OTP)"));
    const panel = await openPlan();
    expect(text(panel)).toContain("Plan with family");
    await type(byLabel<HTMLInputElement>("An activity of your own"), "Walk with her sister on Sundays");
    await click(byRole("button", "Add this activity"));
    await click(byRole("button", "Save changes"));
    await waitFor(() => byRole("status", "The plan was updated."));
    const sent = carePlanOf(transactions()[0]!);
    expect(transactions()[0]!.entry?.[0]?.request).toMatchObject({ method: "PUT", url: "CarePlan/cp-ctx", ifMatch: 'W/"1"' });
    expect(readCarePlan(sent).context).toEqual({ familyInvolved: true, prefersNoMedication: false, canDeliverCm: true, otp: true });
    // An activity of the clinician's own: free text, no code, kept under its own key.
    const own = sent.activity?.find((a) => a.detail?.code?.text === "Walk with her sister on Sundays");
    expect(own?.detail?.code?.coding).toBeUndefined();
    expect(readCarePlan(sent).activities.find((a) => a.title === "Walk with her sister on Sundays")?.id).toBe("free:own-2");
  });

  it("names what is missing before sending anything", async () => {
    await openApp();
    await openPlan();
    await click(byRole("button", "Add a goal"));
    await click(byRole("button", "Save plan"));
    const alert = await waitFor(() => byRole("alert", "The plan cannot be saved yet"));
    expect(text(alert)).toContain("Goal 1: description is empty");
    expect(transactions()).toHaveLength(0);
  });

  it.each([
    ["no stimulant use", [], ["opioids"], /Target: abstinence from illicit opioids: /],
    ["cocaine positive 7 days ago", udsDay("2026-11-16", { cocaine: "pos" }), ["opioids", "stimulants"], /Target: abstinence from illicit opioids and stimulants \(cocaine, amphetamine\)/],
  ])("contingency management in the plan carries its schedule and start (set on the CM tab, the one place for them) and its target (%s)", async (_name, extra, target, textSays) => {
    fake.resources.push(...extra);
    fake.transactionAnswers = [{ status: 200, body: transactionResponse("cp-9", "1", 0) }];
    await openApp();
    const planTab = await openPlan();
    const cm = byLabel<HTMLInputElement>(/^Contingency management/, planTab);
    if (!cm.checked) await click(cm);
    // The plan shows them and leads to the CM tab to change them; it has no controls of its own.
    expect(planTab.querySelector(".plan-cm select, .plan-cm input:not(#plan-cm-weeks)")).toBeNull();
    await click(byRole("button", "Change the schedule or start date", planTab));
    expect(byRole("tab", "Contingency management").getAttribute("aria-selected")).toBe("true");
    await click(byLabel("Prize draws (fishbowl)"));
    await type(byLabel("CM start date (first day of week 1)"), "30 Nov 2026");
    await openPlan();
    expect(text(document.querySelector('[data-testid="plan-cm-summary"]')!)).toMatch(/^Prize draws \(fishbowl\), from 30 Nov 2026\./);
    await click(byRole("button", "Save plan"));
    await waitFor(() => byRole("status", "The plan was saved."));
    const plan = carePlanOf(transactions()[0]!);
    const activity = plan.activity?.find((a) => a.detail?.code?.text === "Contingency management");
    expect(activity?.detail?.extension?.[0]?.valueCode).toBe("prize");
    expect(activity?.detail?.scheduledTiming?.repeat?.boundsPeriod).toEqual({ start: "2026-11-30", end: "2027-02-21" });
    // §7.6: the plan records what CM scores, and the activity text names exactly that.
    expect(activity?.detail?.extension?.filter((e) => e.url === CM_TARGET_EXTENSION).map((e) => e.valueCode)).toEqual(target);
    expect(activity?.detail?.description).toMatch(textSays);
  });
});

/** The server's answer to a stage transaction: the QuestionnaireResponse, the Observation and the Provenance created. */
const stageAnswer = (): Bundle => ({
  resourceType: "Bundle",
  type: "transaction-response",
  entry: ["QuestionnaireResponse/qr-new", "Observation/obs-new", "Provenance/prov-new"].map((location) => ({ response: { status: "201 Created", location: `${location}/_history/1` } })),
});

describe("recording a stage", () => {
  it("writes a coded survey Observation with the security labels and re-evaluates at once", async () => {
    await openApp();
    await click(byRole("button", "Record stage"));
    expect(document.querySelector('[data-testid="stage-value"]')?.textContent).toMatch(/^Contemplation/);
    await type(byLabel<HTMLSelectElement>(/^Stage$/, document.querySelector(".record-stage")!), "preparation");
    fake.transactionAnswers = [{ status: 200, body: stageAnswer() }];
    await click(byRole("button", /^Record$/));
    await waitFor(() => expectText("Recorded: Preparation."));
    // One transaction: the QuestionnaireResponse, the Observation derived from it, a Provenance.
    const write = fake.written.find((w) => w.url === BASE)!;
    const sent = write.body as Bundle;
    expect(sent.entry?.map((e) => `${e.request?.method} ${e.request?.url}`)).toEqual(["POST QuestionnaireResponse", "POST Observation", "POST Provenance"]);
    const obs = sent.entry![1]!.resource as Observation;
    expect(obs.derivedFrom).toEqual([{ reference: sent.entry![0]!.fullUrl }]);
    expect(obs.code.coding?.[0]).toMatchObject({ system: STAGE_SYSTEM, code: "stage-of-change" });
    expect(obs.valueCodeableConcept?.coding?.[0]).toMatchObject({ system: STAGE_SYSTEM, code: "preparation" });
    expect(obs.category?.[0]?.coding?.[0]?.code).toBe("survey");
    expect(obs.subject?.reference).toBe("Patient/p1");
    expect(obs.performer?.[0]?.reference).toBe("Practitioner/dr-1");
    expect(obs.meta?.security?.map((s) => s.code)).toEqual(["R", "42CFRPart2", "SUD", "OPIOIDUD"]);
    expect(sent.entry![1]!.request?.ifNoneExist).toMatch(/^identifier=.+\|[0-9a-f-]{36}$/);
    await waitFor(() => expect(document.querySelector('[data-testid="stage-value"]')?.textContent).toMatch(/^Preparation/));
    // Preparation: CBT becomes a "do now" recommendation.
    await openTab(/^Recommendations/);
    const primary = document.querySelector('[aria-labelledby="recs-primary"]')!;
    expect(text(primary)).toContain("Cognitive behavioral therapy (CBT)");
  });

  it("a readiness ruler score is written as valueInteger and read through the ruler mapping", async () => {
    await openApp();
    await click(byRole("button", "Record stage"));
    await click(byLabel("Readiness ruler (0–10)"));
    await type(byLabel("Readiness score (0–10)"), "2");
    expectText("This score reads as precontemplation.");
    fake.transactionAnswers = [{ status: 200, body: stageAnswer() }];
    await click(byRole("button", /^Record$/));
    await waitFor(() => expectText("Recorded: readiness 2 of 10 (read as precontemplation)."));
    const obs = (fake.written.find((w) => w.url === BASE)!.body as Bundle).entry![1]!.resource as Observation;
    expect(obs.code.coding?.[0]?.code).toBe("readiness-ruler");
    expect(obs.valueInteger).toBe(2);
    await waitFor(() => expect(document.querySelector('[data-testid="stage-value"]')?.textContent).toMatch(/^Precontemplation/));
  });
});
