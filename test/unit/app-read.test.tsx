// @vitest-environment jsdom
// The app's read wave as a user sees it: progress, the record's screens, a failed Patient read (the server's
// OperationOutcome shown), a partial failure (what loaded is shown, the failed search named), every page
// followed, and no request sent off the FHIR server.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { App } from "../../src/app/App.tsx";
import { fetchApi } from "../../src/app/fhir-api.ts";
import type { SmartSession } from "../../src/app/session.ts";
import { medRequest, oudCondition, patient, stage, udsDay } from "../helpers/resources.ts";
import { byRole, expectText, openTab, render, text, waitFor, type Rendered } from "./helpers/app-dom.tsx";
import { BASE, fakeFhir, outcome } from "./helpers/fhir-server.ts";

const NOW = "2026-11-23";
const { fake, server } = fakeFhir();

function session(overrides: Partial<SmartSession> = {}): SmartSession {
  return { api: fetchApi(BASE, "test-token"), patientId: "p1", needPatientBanner: true, fhirUser: "Practitioner/dr-1", ...overrides };
}

function seed() {
  fake.resources = [
    { ...patient("p1"), identifier: [{ type: { coding: [{ code: "MR" }], text: "MRN" }, value: "MRN-4711" }] },
    stage("precontemplation", "2026-11-01", "stage-1"),
    ...udsDay("2026-11-02", { opiates: "neg", fentanyl: "pos", buprenorphine: "pos" }),
    ...udsDay("2026-11-09", { opiates: "neg", fentanyl: "neg", buprenorphine: "pos" }),
    ...udsDay("2026-10-05", { opiates: "neg", fentanyl: "neg" }),
    medRequest("suboxoneFilm", "2026-09-01", "active", "mr-bup"),
    oudCondition("oud-1"),
  ];
}

let view: Rendered | undefined;
beforeAll(() => server.listen({ onUnhandledFrame: "error" }));
beforeEach(() => {
  fake.failures.clear();
  fake.pageSize = 1000;
  fake.seen = [];
  seed();
});
afterEach(() => {
  view?.unmount();
  view = undefined;
  server.resetHandlers();
});
afterAll(() => server.close());

describe("reading the record", () => {
  it("shows the patient banner, stage, MOUD, urine tests and recommendations once every read is done", async () => {
    view = await render(<App session={session()} now={NOW} />);
    await waitFor(() => byRole("heading", "Next steps"));
    const banner = document.querySelector('[aria-label="Patient"]')!;
    expect(text(banner)).toContain("Pat Test");
    expect(text(banner)).toContain("2 Apr 1985");
    expect(text(banner)).toContain("MRN-4711");
    expect(document.querySelector('[data-testid="stage-value"]')?.textContent).toMatch(/^Precontemplation/);
    const moud = document.querySelector(".moud-status")!;
    expect(text(moud.querySelector(".big-value")!)).toBe("Buprenorphine");
    expect(text(moud)).toMatch(/Suboxone\] \(active\)/);
    // The last test on the first screen: 9 Nov, illicit opioids negative, buprenorphine found (prescribed).
    const last = document.querySelector(".last-test")!;
    expect(text(last)).toContain("9 Nov 2026 (14 days ago)");
    expect(text(last)).toContain("Illicit opioids: negative");
    expect(text(last)).toContain("Also found: buprenorphine (prescribed)");
    expect(text(document.querySelector(".next-list")!)).toContain("Motivational interviewing");
    // 3 test days; the fentanyl positive is an illicit reading, buprenorphine a prescribed one
    await openTab("Urine tests");
    expectText("8 readings on 3 days");
    const fentanylRow = [...document.querySelectorAll("tbody tr")].find((tr) => /fentanyl.*positive/.test(text(tr)));
    expect(text(fentanylRow!)).toContain("Illicit opioid");
    const bupRow = [...document.querySelectorAll("tbody tr")].find((tr) => /buprenorphine/.test(text(tr)));
    expect(text(bupRow!)).toContain("Prescribed / MOUD");
  });

  it("leaves the full banner to the EHR when it shows its own (need_patient_banner false), but still names the patient", async () => {
    view = await render(<App session={session({ needPatientBanner: false })} now={NOW} />);
    await waitFor(() => byRole("heading", "Next steps"));
    expect(document.querySelector('[aria-label="Patient"]')).toBeNull();
    const header = text(document.querySelector(".app-header")!);
    expect(header).toContain("Pat Test");
    expect(header).not.toContain("MRN-4711");
  });

  it("shows progress while the reads are under way, once they take a while", async () => {
    const { http, delay } = await import("msw");
    server.use(
      http.get(`${BASE}/Observation`, async () => {
        await delay(1200);
        return undefined; // then the normal handler answers
      }),
    );
    const started = performance.now();
    view = await render(<App session={session()} now={NOW} />);
    // Everything but the Observations has answered: progress says so (drawn after PROGRESS_DELAY_MS, 400 ms).
    await waitFor(() => expectText("Patient: finished"), 3000);
    expect(performance.now() - started).toBeGreaterThanOrEqual(350);
    expectText(/Reading the patient's record/);
    expectText("Urine drug screens since 2025-11-23: reading…");
    expectText("Stage-of-change assessments and the reward log: reading…");
    expect(document.querySelector("progress")?.getAttribute("max")).toBe("7");
    await waitFor(() => byRole("heading", "Next steps"), 3000);
  });

  it("goes straight from the reading heading to the first screen when the reads are fast (no frame per read)", async () => {
    const seen: string[] = [];
    const observer = new MutationObserver(() => {
      if (document.querySelector(".read-list li")) seen.push(text(document.querySelector(".read-list")!));
    });
    observer.observe(document.body, { childList: true, subtree: true, characterData: true });
    try {
      view = await render(<App session={session()} now={NOW} />);
      await waitFor(() => byRole("heading", "Next steps"));
    } finally {
      observer.disconnect();
    }
    expect(seen).toEqual([]);
  });

  it("follows every page of a search", async () => {
    fake.pageSize = 2;
    view = await render(<App session={session()} now={NOW} />);
    await waitFor(() => byRole("heading", "Next steps"));
    await openTab("Urine tests");
    expectText("8 readings on 3 days");
    expect(fake.seen.filter((u) => u.includes("/Observation?") && u.includes("_offset=")).length).toBeGreaterThanOrEqual(3);
  });

  it("a failed Patient read shows what the server said and nothing else", async () => {
    fake.failures.set("Patient", { status: 404, body: outcome("Patient p1 was merged into p9", "not-found") });
    view = await render(<App session={session()} now={NOW} />);
    const alert = await waitFor(() => byRole("alert", "Could not read Patient/p1"));
    expect(text(alert)).toContain("Not found (404)");
    expect(text(alert)).toContain("The server said: Patient p1 was merged into p9");
    expect(text()).not.toContain("Next steps");
    expect(byRole("button", "Try again")).toBeTruthy();
  });

  it("a failed search still shows what could be read, marked incomplete with the search named", async () => {
    fake.failures.set("Observation", { status: 500, body: outcome("Observation index is rebuilding; retry in 5 minutes", "transient") });
    view = await render(<App session={session()} now={NOW} />);
    await waitFor(() => expectText("Incomplete record"));
    const incomplete = document.querySelector(".incomplete")!;
    expect(text(incomplete)).toContain("Urine drug screens since 2025-11-23: could not be read");
    expect(text(incomplete)).toContain("Stage-of-change assessments and the reward log: could not be read");
    expect(text(incomplete)).toContain("Observation index is rebuilding; retry in 5 minutes");
    expect(text(incomplete)).toContain("The server had an error (500)");
    // What did load is shown: the patient, the medication; the stage is unknown without Observations.
    await waitFor(() => expect(text(document.querySelector(".moud-status .big-value")!)).toBe("Buprenorphine"));
    expectText("Pat Test");
    expect(document.querySelector('[data-testid="stage-value"]')?.textContent).toMatch(/^Unknown/);
    expect(text(incomplete)).not.toContain("Medication requests");
  });

  it("never follows a next link that leaves the FHIR server (the token is not sent elsewhere)", async () => {
    fake.resources.push(...udsDay("2026-08-01", { opiates: "neg" }));
    fake.pageSize = 1;
    // Rewrite the next link of the first Observation page to another host.
    server.use(
      (await import("msw")).http.get(`${BASE}/Observation`, ({ request }) => {
        const url = new URL(request.url);
        if (url.searchParams.get("_offset")) return undefined;
        return (async () => {
          const { HttpResponse } = await import("msw");
          return HttpResponse.json({
            resourceType: "Bundle",
            type: "searchset",
            entry: [],
            link: [{ relation: "next", url: "https://evil.example/steal?page=2" }],
          });
        })();
      }),
    );
    view = await render(<App session={session()} now={NOW} />);
    await waitFor(() => expectText("Incomplete record"));
    expectText("not on this FHIR server");
    expect(fake.seen.some((u) => u.includes("evil.example"))).toBe(false);
  });
});
