// The baseline for the app's own launch (bench/app-launch.ts): exactly the reads Stagewise makes before its first
// screen — the Patient, the first-screen searches of src/fhir/patient-queries.ts and the user's roles, each to its
// last page, all at once — made with fhirclient alone (no React, no engine), then a count on screen (#reads-done). On the EHR's
// launch it authorizes with the app's scopes back to this page, as the app does.
import FHIR from "fhirclient";
import { addMonths } from "../../src/clinical/dates.ts";
import { scopesFor } from "../../src/app/launch-config.ts";
import { firstScreenQueries, queryUrl } from "../../src/fhir/patient-queries.ts";
import { practitionerRoleQuery } from "../../src/fhir/user-role.ts";

const status = document.getElementById("status") as HTMLElement;
const done = document.getElementById("reads-done") as HTMLElement;
const params = new URLSearchParams(window.location.search);
const here = `${window.location.origin}${window.location.pathname}`;

function today(): string {
  const t = new Date();
  return `${t.getFullYear()}-${String(t.getMonth() + 1).padStart(2, "0")}-${String(t.getDate()).padStart(2, "0")}`;
}

async function main(): Promise<void> {
  const iss = params.get("iss");
  const launch = params.get("launch");
  if (iss && !params.has("code")) {
    await FHIR.oauth2.authorize({ iss, ...(launch ? { launch } : {}), clientId: "stagewise-reads", scope: scopesFor("ehr", "v2"), redirectUri: here });
    return;
  }
  const client = await FHIR.oauth2.ready();
  const patient = client.getPatientId()!;
  // The app's window without widening: the benchmark patients' stages and CM starts are within 12 months.
  const queries = firstScreenQueries(patient, addMonths(today(), -12));
  // The app also reads the signed-in user's roles (where its launch lands), alongside the first screen's reads.
  const user = client.getFhirUser();
  const results = await Promise.all([
    client.request(`Patient/${patient}`),
    ...queries.map((q) => client.request(queryUrl(q), { pageLimit: 0, flat: true }) as Promise<unknown[]>),
    ...(user ? [client.request(queryUrl(practitionerRoleQuery(user)), { pageLimit: 0, flat: true }) as Promise<unknown[]>] : []),
  ]);
  const resources = 1 + results.slice(1).reduce((n: number, r) => n + (Array.isArray(r) ? r.length : 0), 0);
  done.textContent = `${resources} resources read`;
  status.textContent = "Ready.";
}

main().catch((e: unknown) => {
  status.textContent = `Failed: ${e instanceof Error ? e.message : String(e)}`;
});
