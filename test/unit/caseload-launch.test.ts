// @vitest-environment jsdom
// What a launch gives the app (smart.ts launchFrom, over a real fhirclient Client): the patient in context, the
// caseload when the granted scopes allow user-level CareTeam reads and the user is known, and a clear refusal when
// there is neither. A patient opened from the caseload gets a session whose writes are confined to that patient.
import FHIR from "fhirclient/lib/entry/browser.js";
import { describe, expect, it } from "vitest";
import { LaunchError, launchFrom } from "../../src/app/smart.ts";

const BASE = "https://ehr.test/fhir";
type AnyClient = Parameters<typeof launchFrom>[0];
const client = (tokenResponse: Record<string, unknown>) => FHIR.client({ serverUrl: BASE, tokenResponse }) as unknown as AnyClient;
const idToken = ["e30", btoa(JSON.stringify({ fhirUser: `${BASE}/Practitioner/cc-1` })).replace(/=+$/, ""), "sig"].join(".");
const CASELOAD = "openid fhirUser user/CareTeam.s user/Patient.rs";

describe("launchFrom", () => {
  it.each([
    ["a patient and the caseload", { patient: "p7", scope: `launch ${CASELOAD} patient/Patient.r`, id_token: idToken }, "p7", true],
    ["the caseload only (no patient in context)", { scope: CASELOAD, id_token: idToken }, null, true],
    ["a patient only (no user/ scopes granted)", { patient: "p7", scope: "launch patient/Patient.r", id_token: idToken }, "p7", false],
    ["a patient only (user/ scopes but no fhirUser)", { patient: "p7", scope: CASELOAD }, "p7", false],
  ])("%s", (_label, response, patient, caseload) => {
    const launch = launchFrom(client({ access_token: "t", ...response }));
    expect(launch.patient?.patientId ?? null).toBe(patient);
    expect(launch.caseload !== null).toBe(caseload);
  });

  it("refuses a launch with neither a patient nor a caseload, saying how to launch", () => {
    expect(() => launchFrom(client({ access_token: "t", scope: "openid fhirUser patient/Patient.r", id_token: idToken }))).toThrow(LaunchError);
  });

  it("opens a patient from the caseload with writes confined to that patient, the caseload's reads unconfined", () => {
    const launch = launchFrom(client({ access_token: "t", scope: CASELOAD, id_token: idToken }));
    expect(launch.caseload!.api.launchPatient).toBeUndefined();
    const opened = launch.caseload!.open("cl-004");
    expect(opened.patientId).toBe("cl-004");
    expect(opened.api.launchPatient).toBe("Patient/cl-004");
    expect(opened.fhirUser).toBe("Practitioner/cc-1");
  });
});
