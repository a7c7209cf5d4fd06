// @vitest-environment jsdom
// The review screens: the overdose-risk warning is an alert, reasons lead to the resources behind them (a urine test
// opens its tab at its row), the CM tab reports an enrolment read from our CarePlan (weeks, streaks, earnings, cap,
// next reward; the prize bowl's expected value) and is the one place for its schedule and start date, and urine
// results explained by a prescription are never shown as illicit.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { App } from "../../src/app/App.tsx";
import { fetchApi } from "../../src/app/fhir-api.ts";
import type { SmartSession } from "../../src/app/session.ts";
import { writeRewardObservation } from "../../src/clinical/reward-log.ts";
import { cmCarePlan, medRequest, oudCondition, patient, stage, udsDay } from "../helpers/resources.ts";
import { byLabel, byRole, click, expectText, openTab, render, text, type, waitFor, type Rendered } from "./helpers/app-dom.tsx";
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
  await waitFor(() => byRole("heading", "Next steps"));
}

const alerts = () => [...document.querySelectorAll('[role="alert"]')].map((a) => text(a));

describe("safety", () => {
  it("no MOUD with ongoing use: the lost-tolerance overdose warning is an alert and naloxone is a 'do now'", async () => {
    fake.resources.push(stage("contemplation", "2026-11-01", "stage-1"), ...udsDay("2026-11-16", { opiates: "neg", fentanyl: "pos" }));
    await openApp();
    const alert = byRole("alert", "Overdose risk");
    expect(text(alert)).toContain("naloxone");
    await openTab(/^Recommendations/);
    const primary = document.querySelector('[aria-labelledby="recs-primary"]')!;
    expect(text(primary)).toContain("Overdose education and naloxone");
  });

  it("on MOUD with negative tests there is no overdose alert (the missing kit and diagnosis are)", async () => {
    fake.resources.push(
      stage("action", "2026-11-01", "stage-1"),
      medRequest("suboxoneFilm", "2026-09-01"),
      ...udsDay("2026-11-16", { opiates: "neg", fentanyl: "neg", buprenorphine: "pos" }),
    );
    await openApp();
    expect(alerts()).toEqual([
      "No naloxone kit: none prescribed (active or completed) in the last 12 months.",
      "No OUD diagnosis: No opioid use disorder diagnosis on record: recommendations assume OUD; confirm the diagnosis.",
    ]);
  });

  it("with a naloxone kit and an OUD diagnosis on record, and no use, there is no alert at all", async () => {
    fake.resources.push(
      stage("action", "2026-11-01", "stage-1"),
      medRequest("suboxoneFilm", "2026-09-01"),
      medRequest("narcan", "2026-06-01", "completed"),
      oudCondition("oud-1"),
      ...udsDay("2026-11-16", { opiates: "neg", fentanyl: "neg", buprenorphine: "pos" }),
    );
    await openApp();
    expect(alerts()).toEqual([]);
    expect(text(document.querySelector(".moud-status")!)).toContain("Naloxone kit: 1 Jun 2026");
  });
});

describe("reasons and their resources", () => {
  it("a reason citing a urine test opens the results table at that row", async () => {
    fake.resources.push(stage("contemplation", "2026-11-01", "stage-1"), ...udsDay("2026-11-16", { opiates: "neg", fentanyl: "pos" }));
    const fentanyl = fake.resources.find((r) => r.resourceType === "Observation" && r.id?.startsWith("uds-fentanyl"))!;
    await openApp();
    const recs = await openTab(/^Recommendations/);
    // Labelled with what it is; the raw reference is not shown (it stays in data-ref).
    const link = recs.querySelector<HTMLButtonElement>(`button[data-ref="Observation/${fentanyl.id}"]`)!;
    expect(link.textContent).toBe("urine test 16 Nov 2026: fentanyl positive");
    await click(link);
    expect(byRole("tab", "Urine tests").getAttribute("aria-selected")).toBe("true");
    expect(document.getElementById("panel-urine-tests")!.hidden).toBe(false);
    expect(document.querySelector<HTMLDetailsElement>(".uds-table-details")!.open).toBe(true);
    const row = document.activeElement as HTMLElement;
    expect(row.tagName).toBe("TR");
    expect(text(row)).toContain("fentanyl");
    expect(text(row)).toContain("positive");
  });

  it("a reason citing another resource shows what it is, as text", async () => {
    fake.resources.push(stage("<img src=x onerror=alert(1)>contemplation", "2026-11-01", "stage-x"));
    (fake.resources[1] as { valueCodeableConcept?: unknown }).valueCodeableConcept = { text: "<b>Contemplation</b>" };
    await openApp();
    const button = document.querySelector<HTMLButtonElement>('.stage-summary button[data-ref="Observation/stage-x"]')!;
    expect(button.textContent).toBe("1 Nov 2026");
    expect(text(document.querySelector('[data-testid="stage-assessed"]')!)).toBe("Assessed 1 Nov 2026 (22 days ago)");
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
    // This week on the first screen: week 8, no test yet, the voucher if negative, the total so far, and what is owed
    // (no reward recorded as handed out yet).
    expect(text(document.querySelector('[data-testid="cm-this-week"]')!)).toBe(
      "This week: no test yetReward if negative: $17.50Earned so far: $75.00Owed: $75.00 (not yet given)",
    );
    const cm = await openTab("Contingency management");
    expect(text(cm)).toContain("Enrolled from 5 Oct 2026 (recorded in care plan from 5 Oct 2026); week 8 of 12.");
    expect(cm.querySelector<HTMLButtonElement>(".cm-enrolment button")?.dataset.ref).toBe("CarePlan/cp-cm");
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

  /** A voucher recorded as handed out (as the reward form writes it) for the CM plan. */
  function voucher(amount: number, date: string, n: number) {
    const obs = writeRewardObservation(
      { kind: "voucher", amount },
      { patient: "Patient/p1", carePlan: "CarePlan/cp-cm", author: null, date, now: `${date}T12:00:00Z`, identifier: `reward-${n}` },
    );
    return { ...obs, id: `reward-${n}` };
  }

  it.each([
    ["every reward recorded as handed out", [10, 11.5, 13, 10, 14.5, 16], null],
    ["part of them recorded", [10, 11.5, 13], "Owed: $40.50 (not yet given)"],
  ])("the first screen says what is owed: %s", async (_, amounts, owedLine) => {
    amounts.forEach((a, i) => fake.resources.push(voucher(a, "2026-11-20", i)));
    await openApp();
    const week = text(document.querySelector('[data-testid="cm-this-week"]')!);
    expect(week).toContain("Earned so far: $75.00");
    if (owedLine) expect(week).toContain(owedLine);
    else expect(week).not.toContain("Owed");
  });

  it("the prize schedule counts draws and shows the bowl's expected value per draw", async () => {
    await openApp();
    await openTab("Contingency management");
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
    await openTab("Contingency management");
    expectText("Not enrolled in contingency management");
    await type(byLabel("CM start date (first day of week 1)"), "2026-11-02");
    await waitFor(() => expectText("Enrolled from 2 Nov 2026 (start date entered here: a preview until the plan is saved); week 4 of 12."));
  });

  it.each([
    ["2 Nov 2026", "2 Nov 2026"],
    ["2 november 2026", "2 Nov 2026"],
    ["2026-11-02", "2 Nov 2026"],
  ])("the CM start date reads %s as the app writes dates", async (typed, shown) => {
    fake.resources = fake.resources.filter((r) => r.resourceType !== "CarePlan");
    await openApp();
    await openTab("Contingency management");
    await type(byLabel("CM start date (first day of week 1)"), typed);
    await waitFor(() => expectText(`Enrolled from ${shown} (start date entered here`));
  });

  it("a start date that is not a date is named, and changes nothing until it is one", async () => {
    fake.resources = fake.resources.filter((r) => r.resourceType !== "CarePlan");
    await openApp();
    await openTab("Contingency management");
    const input = byLabel("CM start date (first day of week 1)");
    await type(input, "31 Feb 2026");
    expectText("“31 Feb 2026” is not a date: write it as 23 Nov 2026.");
    expect(input.getAttribute("aria-invalid")).toBe("true");
    expectText("Not enrolled in contingency management");
    await type(input, "3 Nov 2026");
    await waitFor(() => expectText("Enrolled from 3 Nov 2026"));
    expect(input.getAttribute("aria-invalid")).toBeNull();
  });
});

describe("urine tests", () => {
  it("a positive explained by a prescription is drawn in the prescribed lane, not as illicit use", async () => {
    fake.resources.push(medRequest("suboxoneFilm", "2026-09-01"), ...udsDay("2026-11-16", { opiates: "neg", fentanyl: "neg", buprenorphine: "pos" }));
    await openApp();
    await openTab("Urine tests");
    const titles = [...document.querySelectorAll(".uds-chart title")].map((t) => t.textContent);
    expect(titles).toContain("16 Nov 2026: illicit opioids negative");
    expect(titles).toContain("16 Nov 2026: prescribed / moud positive");
    expect(document.querySelector(".uds-chart")?.getAttribute("role")).toBe("img");
    expect(text(document.getElementById("uds-chart-desc")!)).toContain("illicit opioids positive on 0, negative on 1");
  });
});

describe("the first screen and the tabs", () => {
  beforeEach(() => {
    fake.resources.push(stage("contemplation", "2026-07-01", "stage-old"), ...udsDay("2026-11-16", { opiates: "neg", fentanyl: "pos" }));
  });

  it("shows the stage with its date and age (stale), and the next three steps in the engine's order with why", async () => {
    await openApp();
    expect(text(document.querySelector('[data-testid="stage-value"]')!)).toBe("ContemplationStale: 145 days old");
    const steps = [...document.querySelectorAll(".next-list li")].map((li) => [text(li.querySelector(".next-title")!), text(li.querySelector(".next-why")!)]);
    expect(steps).toHaveLength(3);
    expect(steps[0]![1]).toMatch(/^Why: \S/);
    // No raw ISO dates and no raw references on the overview.
    const overview = text(document.getElementById("panel-overview")!);
    expect(overview).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    expect(overview).not.toMatch(/[A-Z][a-zA-Z]+\/[A-Za-z0-9-]{6,}/);
  });

  it("Open plan shows the plan tab and moves the focus to it; All recommendations shows them", async () => {
    await openApp();
    expect(document.getElementById("panel-plan")!.hidden).toBe(true);
    await click(byRole("button", "Open plan"));
    expect(document.getElementById("panel-plan")!.hidden).toBe(false);
    expect(document.getElementById("panel-overview")!.hidden).toBe(true);
    expect(document.activeElement?.id).toBe("plan-title");
    await click(byRole("tab", "Overview"));
    await click(byRole("button", /^All recommendations \(\d+\)$/));
    expect(byRole("tab", /^Recommendations/).getAttribute("aria-selected")).toBe("true");
    expect(document.activeElement?.id).toBe("recs-title");
  });

  it("the tabs follow the WAI-ARIA pattern: one tab stop, arrows, Home and End", async () => {
    await openApp();
    const tabs = [...document.querySelectorAll<HTMLButtonElement>('[role="tablist"] [role="tab"]')];
    expect(tabs.map((t) => text(t))).toEqual(["Overview", "Urine tests", "Contingency management", expect.stringMatching(/^Recommendations \(\d+\)$/), "Plan"]);
    expect(tabs.map((t) => t.tabIndex)).toEqual([0, -1, -1, -1, -1]);
    const key = async (k: string) => {
      const { act } = await import("preact/test-utils");
      await act(async () => {
        document.activeElement!.dispatchEvent(new KeyboardEvent("keydown", { key: k, bubbles: true }));
      });
    };
    tabs[0]!.focus();
    await key("ArrowRight");
    expect(document.activeElement).toBe(tabs[1]);
    expect(tabs[1]!.getAttribute("aria-selected")).toBe("true");
    expect(document.getElementById(tabs[1]!.getAttribute("aria-controls")!)!.hidden).toBe(false);
    await key("ArrowLeft");
    await key("ArrowLeft");
    expect(document.activeElement).toBe(tabs[4]); // wraps
    await key("Home");
    expect(document.activeElement).toBe(tabs[0]);
    await key("End");
    expect(tabs[4]!.getAttribute("aria-selected")).toBe("true");
    expect(tabs.map((t) => t.tabIndex)).toEqual([-1, -1, -1, -1, 0]);
    const panel = document.getElementById("panel-plan")!;
    expect(panel.getAttribute("role")).toBe("tabpanel");
    expect(panel.getAttribute("aria-labelledby")).toBe(tabs[4]!.id);
  });
});
