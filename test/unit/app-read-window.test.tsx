// @vitest-environment jsdom
// The first screen reads only the laboratory results the engine needs (the last 12 months, or back to an older
// action/maintenance stage or CM start), then the older history page by page. A user sees: the recommendations,
// stage, MOUD, CM and warnings at once, and the same once the older results are in; the urine test chart and
// table say "Loading older results…" and fill in; a failed history read is named without hiding anything.
import type { Observation } from "fhir/r4.js";
import { http, HttpResponse } from "msw";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { App } from "../../src/app/App.tsx";
import { fetchApi } from "../../src/app/fhir-api.ts";
import type { SmartSession } from "../../src/app/session.ts";
import { cmCarePlan, medRequest, oudCondition, patient, stage, udsDay } from "../helpers/resources.ts";
import { expectText, openTab, render, text, waitFor, type Rendered } from "./helpers/app-dom.tsx";
import { BASE, fakeFhir, outcome } from "./helpers/fhir-server.ts";

const NOW = "2026-11-23"; // window: from 2025-11-23
const { fake, server } = fakeFhir();
const session: SmartSession = { api: fetchApi(BASE, "t"), patientId: "p1", needPatientBanner: true, fhirUser: "Practitioner/dr-1" };

/** The older-history search: every laboratory Observation, no date filter. */
const isHistory = (url: URL) => url.searchParams.get("category") === "laboratory" && !url.searchParams.has("date") && !url.searchParams.has("_id");

let release: () => void = () => undefined;
/** Holds the older-history search until release() is called. */
function holdHistory() {
  const gate = new Promise<void>((ok) => (release = ok));
  server.use(
    http.get(`${BASE}/Observation`, async ({ request }) => {
      if (isHistory(new URL(request.url))) await gate;
      return undefined; // then the fake server answers
    }),
  );
}

/** What a clinician reads in the parts that must not change when the older results arrive. */
function answers(): string {
  return ["#summary", "#cm", "#recommendations", ".safety-warnings, [role=alert]"]
    .map((sel) => [...document.querySelectorAll(sel)].map((el) => text(el)).join(" | "))
    .join("\n");
}

/** "readings/days" from the table's summary line, e.g. "6/3" for "6 readings on 3 days". */
function readingsLine(): string {
  const m = /(\d+) readings? on (\d+) days?/.exec(text(document.querySelector("#panel-urine-tests")!));
  return m ? `${m[1]}/${m[2]}` : "";
}

let view: Rendered | undefined;
beforeAll(() => server.listen({ onUnhandledFrame: "error" }));
beforeEach(() => {
  fake.failures.clear();
  fake.pageSize = 1000;
  fake.seen = [];
});
afterEach(() => {
  release();
  view?.unmount();
  view = undefined;
  server.resetHandlers();
});
afterAll(() => server.close());

describe("the first screen reads the window, the older history follows", () => {
  it.each([
    {
      name: "recent results only in the window: older ones fill the table in",
      resources: [
        stage("precontemplation", "2026-11-01", "stage-1"),
        ...udsDay("2026-11-02", { opiates: "neg", fentanyl: "pos" }),
        ...udsDay("2024-03-01", { opiates: "pos", fentanyl: "neg" }),
        ...udsDay("2019-06-01", { opiates: "pos", fentanyl: "pos" }),
      ],
      labQueries: ["date=ge2025-11-21"],
      before: "2/1",
      after: "6/3",
    },
    {
      name: "an action stage older than 12 months: results since the stage are read first (return to use)",
      resources: [
        stage("action", "2025-03-01", "stage-1"),
        ...udsDay("2025-06-01", { opiates: "neg", fentanyl: "pos" }),
        ...udsDay("2024-01-10", { opiates: "pos" }),
        medRequest("suboxoneFilm", "2024-09-01", "active", "mr-bup"),
      ],
      labQueries: ["date=ge2025-11-21", "date=ge2025-02-27&date=lt2025-11-25"],
      before: "2/1",
      after: "3/2",
      shows: "Return to use",
    },
    {
      name: "a CM enrolment from a care plan started 18 months ago: its weeks are judged at once",
      resources: [
        stage("preparation", "2026-10-01", "stage-1"),
        cmCarePlan("2025-05-05", "escalating", "cp-1"),
        ...udsDay("2025-05-06", { opiates: "neg", fentanyl: "neg" }),
        ...udsDay("2025-05-13", { opiates: "neg", fentanyl: "pos" }),
        ...udsDay("2023-02-01", { opiates: "pos" }),
      ],
      labQueries: ["date=ge2025-11-21", "date=ge2025-05-03&date=lt2025-11-25"],
      before: "4/2",
      after: "5/3",
    },
  ])("$name", async ({ resources, labQueries, before, after, shows }) => {
    fake.resources = [patient("p1"), oudCondition("oud-1"), ...resources];
    holdHistory();
    view = await render(<App session={session} now={NOW} />);
    await waitFor(() => expectText("Next steps"));
    await openTab("Urine tests");
    expectText("Loading older results… The chart and the table show the results since");
    expect(readingsLine()).toBe(before);
    if (shows) expectText(shows);
    const first = answers();
    const labSearches = fake.seen
      .map((u) => new URL(u))
      .filter((u) => u.pathname.endsWith("/Observation") && u.searchParams.get("category") === "laboratory" && u.searchParams.has("date"))
      .map((u) => u.searchParams.getAll("date").map((d) => `date=${d}`).join("&"));
    expect(labSearches).toEqual(labQueries);

    release();
    await waitFor(() => expect(text()).not.toContain("Loading older results"));
    expect(readingsLine()).toBe(after);
    expect(answers()).toBe(first);
  });

  it("a panel member that carries no date of its own is read by id before the first screen", async () => {
    const member: Observation = {
      resourceType: "Observation",
      id: "member-fen",
      status: "final",
      category: [{ coding: [{ system: "http://terminology.hl7.org/CodeSystem/observation-category", code: "laboratory" }] }],
      code: { coding: [{ system: "http://loinc.org", code: "59673-4" }] },
      subject: { reference: "Patient/p1" },
      valueString: "positive",
    };
    const panel: Observation = {
      ...member,
      id: "panel-1",
      code: { coding: [{ system: "http://loinc.org", code: "69739-1" }] },
      effectiveDateTime: "2026-11-10",
      valueString: undefined,
      hasMember: [{ reference: "Observation/member-fen" }],
    };
    fake.resources = [patient("p1"), stage("contemplation", "2026-11-01", "stage-1"), panel, member];
    holdHistory();
    view = await render(<App session={session} now={NOW} />);
    await waitFor(() => expectText("Next steps"));
    await openTab("Urine tests");
    expectText("Loading older results");
    expect(readingsLine()).toBe("1/1");
    expect(fake.seen.some((u) => new URL(u).searchParams.get("_id") === "member-fen")).toBe(true);
  });

  it("a failed history read is named, and everything else stays", async () => {
    fake.resources = [patient("p1"), stage("precontemplation", "2026-11-01", "stage-1"), ...udsDay("2026-11-02", { fentanyl: "pos" })];
    server.use(
      http.get(`${BASE}/Observation`, ({ request }) =>
        isHistory(new URL(request.url)) ? HttpResponse.json(outcome("history archive offline"), { status: 503 }) : undefined,
      ),
    );
    view = await render(<App session={session} now={NOW} />);
    await waitFor(() => expectText("Next steps"));
    await openTab("Urine tests");
    await waitFor(() => expectText(/Older results \(before [^)]*\) could not be read/));
    expectText("history archive offline");
    expect(readingsLine()).toBe("1/1");
  });
});
