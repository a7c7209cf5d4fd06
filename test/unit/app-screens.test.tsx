// @vitest-environment jsdom
// The review screens: the overdose-risk warning is an alert, reasons lead to the resources behind them, the CM
// panel reports an enrolment read from our CarePlan (weeks, streaks, earnings, cap, next reward; the prize bowl's
// expected value), and urine results explained by a prescription are never shown as illicit.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { App } from "../../src/app/App.tsx";
import { fetchApi } from "../../src/app/fhir-api.ts";
import type { SmartSession } from "../../src/app/session.ts";
import { cmCarePlan, medRequest, patient, stage, udsDay } from "../helpers/resources.ts";
import { byLabel, byRole, click, expectText, render, text, type, waitFor, type Rendered } from "./helpers/app-dom.tsx";
import { BASE, fakeFhir } from "./helpers/fhir-server.ts";

const NOW = "2026-11-23";
const { fake, server } = fakeFhir();
const session = (): SmartSession => ({ api: fetchApi(BASE), patientId: "p1", needPatientBanner: true, fhirUser: null });

let view: Rendered | undefined;
beforeAll(() => server.listen({ onUnhandledFrame: "error" }));
beforeEach(() => {
  fake.resources = [patient("p1")];
});
afterEach(() => {
  view?.unmount();
  view = undefined;
});
afterAll(() => server.close());

async function openApp(): Promise<void> {
  view = await render(<App session={session()} now={NOW} />);
  await waitFor(() => byRole("button", "Save plan"));
}

describe("safety", () => {
  it("no MOUD with ongoing use: the lost-tolerance overdose warning is an alert and naloxone is a 'do now'", async () => {
    fake.resources.push(stage("contemplation", "2026-11-01", "stage-1"), ...udsDay("2026-11-16", { opiates: "neg", fentanyl: "pos" }));
    await openApp();
    const alert = byRole("alert", "Overdose risk");
    expect(text(alert)).toContain("naloxone");
    const primary = document.querySelector('[aria-labelledby="recs-primary"]')!;
    expect(text(primary)).toContain("Overdose education and naloxone");
  });

  it("on MOUD with negative tests there is no overdose alert", async () => {
    fake.resources.push(
      stage("action", "2026-11-01", "stage-1"),
      medRequest("suboxoneFilm", "2026-09-01"),
      ...udsDay("2026-11-16", { opiates: "neg", fentanyl: "neg", buprenorphine: "pos" }),
    );
    await openApp();
    expect(document.querySelector('[role="alert"]')).toBeNull();
  });
});

describe("reasons and their resources", () => {
  it("a reason citing a urine test opens the results table at that row", async () => {
    fake.resources.push(stage("contemplation", "2026-11-01", "stage-1"), ...udsDay("2026-11-16", { opiates: "neg", fentanyl: "pos" }));
    const fentanyl = fake.resources.find((r) => r.resourceType === "Observation" && r.id?.startsWith("uds-fentanyl"))!;
    await openApp();
    const details = document.querySelector<HTMLDetailsElement>(".uds-table-details")!;
    expect(details.open).toBe(false);
    // Labelled with what it is; the raw reference stays in its title.
    const link = [...document.querySelectorAll<HTMLButtonElement>(".recommendation button")].find((b) => b.title === `Observation/${fentanyl.id}`)!;
    expect(link.textContent).toBe("urine test 2026-11-16: fentanyl positive");
    await click(link);
    expect(details.open).toBe(true);
    const row = document.activeElement as HTMLElement;
    expect(row.tagName).toBe("TR");
    expect(text(row)).toContain("fentanyl");
    expect(text(row)).toContain("positive");
  });

  it("a reason citing another resource shows what it is, as text", async () => {
    fake.resources.push(stage("<img src=x onerror=alert(1)>contemplation", "2026-11-01", "stage-x"));
    (fake.resources[1] as { valueCodeableConcept?: unknown }).valueCodeableConcept = { text: "<b>Contemplation</b>" };
    await openApp();
    const button = [...document.querySelectorAll<HTMLButtonElement>(".stage-summary button")].find((b) => b.title === "Observation/stage-x")!;
    expect(button.textContent).toBe("stage assessment 2026-11-01 (contemplation)");
    await click(button);
    expect(button.getAttribute("aria-expanded")).toBe("true");
    const note = document.querySelector(".stage-summary .ref-detail")!;
    expect(note.textContent).toContain("<b>Contemplation</b>");
    expect(document.querySelector(".stage-summary b, .stage-summary img")).toBeNull();
  });
});

describe("contingency management", () => {
  beforeEach(() => {
    fake.resources.push(
      stage("action", "2026-10-01", "stage-1"),
      medRequest("suboxoneFilm", "2026-09-01"),
      cmCarePlan("2026-10-05", "escalating", "cp-cm"),
      // Weeks 1–7 from 2026-10-05: N N N P N N N (the §4 example); week 8 (from 2026-11-23) is pending.
      ...["2026-10-06", "2026-10-13", "2026-10-20"].flatMap((d) => udsDay(d, { opiates: "neg", fentanyl: "neg" })),
      ...udsDay("2026-10-27", { opiates: "neg", fentanyl: "pos" }),
      ...["2026-11-03", "2026-11-10", "2026-11-17"].flatMap((d) => udsDay(d, { opiates: "neg", fentanyl: "neg" })),
    );
  });

  it("shows the enrolment from our CarePlan, the weeks grid, streaks, earnings, cap and next reward", async () => {
    await openApp();
    const cm = document.getElementById("cm")!;
    expect(text(cm)).toContain("Enrolled from 2026-10-05 — recorded in care plan from 2026-10-05; week 8 of 12.");
    expect(cm.querySelector<HTMLButtonElement>(".cm-enrolment button")?.title).toBe("CarePlan/cp-cm");
    const rows = [...cm.querySelectorAll("tbody tr")].map((tr) => text(tr));
    expect(rows).toHaveLength(8);
    expect(rows.map((r) => /Negative|Positive|Missed|Pending/.exec(r)?.[0])).toEqual([
      "Negative", "Negative", "Negative", "Positive", "Negative", "Negative", "Negative", "Pending",
    ]);
    // Escalating: 10.00, 11.50, 13.00, 0, 10.00, 14.50 (restored), 16.00 → 75.00; next 17.50 (clinical-spec §4).
    expect(rows.map((r) => /\$\d+\.\d\d/.exec(r)?.[0])).toEqual(["$10.00", "$11.50", "$13.00", "$0.00", "$10.00", "$14.50", "$16.00", "$0.00"]);
    const stats = text(cm.querySelector(".cm-stats")!);
    expect(stats).toContain("Current streak3 negative weeks");
    expect(stats).toContain("Longest streak3 weeks");
    expect(stats).toContain("Earned in total$75.00");
    expect(stats).toContain("Cap remaining$675.00 of $750.00");
    expect(stats).toContain("If the next test is negative$17.50");
  });

  it("the prize schedule counts draws and shows the bowl's expected value per draw", async () => {
    await openApp();
    await click(byLabel("Prize draws (fishbowl)"));
    const stats = text(document.querySelector(".cm-stats")!);
    // Draws 1, 2, 3, 0, 1, 2, 3 = 12; the default bowl is worth 1109.00 / 500 slips = 2.218 per draw.
    expect(stats).toContain("Earned in total12 draws");
    expect(stats).toContain("Expected value of one draw$2.22 (exactly 2.218)");
    expect(stats).toContain("If the next test is negative4 draws");
    expectText("unverified default");
  });

  it("a start date entered here previews an enrolment when no plan holds one", async () => {
    fake.resources = fake.resources.filter((r) => r.resourceType !== "CarePlan");
    await openApp();
    expectText("Not enrolled in contingency management");
    await type(byLabel("CM start date (first day of week 1)"), "2026-11-02");
    await waitFor(() => expectText("Enrolled from 2026-11-02 (start date entered here); week 4 of 12."));
  });
});

describe("urine tests", () => {
  it("a positive explained by a prescription is drawn in the prescribed lane, not as illicit use", async () => {
    fake.resources.push(medRequest("suboxoneFilm", "2026-09-01"), ...udsDay("2026-11-16", { opiates: "neg", fentanyl: "neg", buprenorphine: "pos" }));
    await openApp();
    const titles = [...document.querySelectorAll(".uds-chart title")].map((t) => t.textContent);
    expect(titles).toContain("2026-11-16: illicit opioids negative");
    expect(titles).toContain("2026-11-16: prescribed / moud positive");
    expect(document.querySelector(".uds-chart")?.getAttribute("role")).toBe("img");
    expect(text(document.getElementById("uds-chart-desc")!)).toContain("illicit opioids positive on 0, negative on 1");
  });
});
