// @vitest-environment jsdom
// The reward log on the CM tab with a prize schedule (the browser test covers vouchers): draws, prizes won and their
// value recorded as one transaction (Observation + Provenance) and counted at once; a server that refuses the
// transaction has its OperationOutcome shown, and what was typed is kept; the form's problems name the fields.
import type { Bundle, Observation } from "fhir/r4.js";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { App } from "../../src/app/App.tsx";
import { fetchApi } from "../../src/app/fhir-api.ts";
import type { SmartSession } from "../../src/app/session.ts";
import { CM_REWARD_SYSTEM } from "../../src/clinical/codes.ts";
import { cmCarePlan, oudCondition, patient, udsDay } from "../helpers/resources.ts";
import { byLabel, byRole, click, openTab, render, text, type, waitFor, type Rendered } from "./helpers/app-dom.tsx";
import { BASE, fakeFhir, outcome } from "./helpers/fhir-server.ts";

const NOW = "2026-11-23";
const START = "2026-10-26"; // weeks 1–4 negative: 1 + 2 + 3 + 4 = 10 draws; week 5 (from 23 Nov) pending
const { fake, server } = fakeFhir();
const session = (): SmartSession => ({ api: fetchApi(BASE), patientId: "p1", needPatientBanner: false, fhirUser: "Practitioner/cc-1" });

let view: Rendered | undefined;
beforeAll(() => server.listen({ onUnhandledFrame: "error" }));
beforeEach(() => {
  fake.written = [];
  fake.transactionAnswers = [];
  fake.resources = [
    patient("p1"),
    oudCondition("oud-1"),
    cmCarePlan(START, "prize", "cp-cm"),
    ...["2026-10-28", "2026-11-04", "2026-11-11", "2026-11-18"].flatMap((d) => udsDay(d, { opiates: "neg", fentanyl: "neg" })),
  ];
});
afterEach(() => {
  view?.unmount();
  view = undefined;
});
afterAll(() => server.close());

async function openCm(): Promise<HTMLElement> {
  view = await render(<App session={session()} now={NOW} />);
  await waitFor(() => byRole("heading", "Next steps"));
  return openTab("Contingency management");
}
const summary = () => text(document.querySelector("dl.reward-summary")!);

describe("the reward log with prize draws", () => {
  it("records draws, prizes won and their value in one transaction with a Provenance; given and owed change at once", async () => {
    await openCm();
    expect(summary()).toBe("Earned10 drawsGiven0 draws (prizes worth $0.00)Owed10 draws");
    fake.transactionAnswers.push({
      status: 200,
      body: { resourceType: "Bundle", type: "transaction-response", entry: [{ response: { status: "201 Created", location: "Observation/rw-1/_history/1", etag: 'W/"1"' } }, { response: { status: "201 Created", location: "Provenance/pv-1/_history/1" } }] },
    });
    await type(byLabel("Draws"), "4");
    await type(byLabel("Prizes won"), "2");
    await type(byLabel("Value of the prizes ($)"), "21.00");
    await type(byLabel("Note (optional)"), "One small prize and one large prize");
    await click(byRole("button", "Record reward"));
    await waitFor(() => expect(text(document.querySelector(".record-reward [role=status]")!)).toBe("Recorded: 4 draws, 2 prizes won ($21.00) on 23 Nov 2026."));
    expect(summary()).toBe("Earned10 drawsGiven4 draws (prizes worth $21.00)Owed6 draws");

    const sent = fake.written.at(-1)!.body as Bundle;
    expect(sent.type).toBe("transaction");
    const obs = sent.entry![0]!.resource as Observation;
    expect(sent.entry![0]!.request?.method).toBe("POST");
    expect(obs.basedOn).toEqual([{ reference: "CarePlan/cp-cm" }]);
    expect(obs.performer).toEqual([{ reference: "Practitioner/cc-1" }]);
    expect(obs.component?.map((c) => [c.code.coding?.[0]?.system, c.code.coding?.[0]?.code, c.valueInteger ?? c.valueQuantity?.value])).toEqual([
      [CM_REWARD_SYSTEM, "draws", 4],
      [CM_REWARD_SYSTEM, "prizes-won", 2],
      [CM_REWARD_SYSTEM, "prize-value", 21],
    ]);
    expect(sent.entry![1]!.resource).toMatchObject({ resourceType: "Provenance", target: [{ reference: sent.entry![0]!.fullUrl }] });
    const row = document.querySelector('table.reward-log tr[data-ref="Observation/rw-1"]')!;
    expect(text(row)).toContain("4 draws, 2 prizes won ($21.00)");
    expect(text(row)).toContain("You");
  });

  it("a refused transaction shows what the server said and keeps what was typed", async () => {
    await openCm();
    fake.transactionAnswers.push({ status: 422, body: outcome("Observation.component[2].valueQuantity: the currency is not accepted here") });
    await type(byLabel("Draws"), "2");
    await click(byRole("button", "Record reward"));
    await waitFor(() => expect(text(document.querySelector(".record-reward")!)).toContain("The reward was not recorded"));
    expect(text(document.querySelector(".record-reward")!)).toContain("Observation.component[2].valueQuantity: the currency is not accepted here");
    expect(byLabel("Draws").value).toBe("2");
    expect(summary()).toBe("Earned10 drawsGiven0 draws (prizes worth $0.00)Owed10 draws");
  });

  it("names the wrong fields and sends nothing", async () => {
    await openCm();
    await type(byLabel("Draws"), "0");
    await type(byLabel("Prizes won"), "1");
    await click(byRole("button", "Record reward"));
    const alert = text(document.querySelector(".record-reward [role=alert]")!);
    expect(alert).toContain('Draws: "0" is not a whole number of at least 1.');
    expect(byLabel("Draws").getAttribute("aria-invalid")).toBe("true");
    expect(fake.written).toEqual([]);
  });
});
