// The baseline for bench/app-launch.ts: the least a SMART app can do. On the EHR's launch (iss + launch) it
// authorizes with fhirclient (PKCE) back to this same page; there, FHIR.oauth2.ready() exchanges the code, one
// Patient read follows, and the patient's name is shown (#patient-name).
import FHIR from "fhirclient";

const status = document.getElementById("status") as HTMLElement;
const nameEl = document.getElementById("patient-name") as HTMLElement;
const params = new URLSearchParams(window.location.search);
const here = `${window.location.origin}${window.location.pathname}`;

interface Named {
  name?: { text?: string; given?: string[]; family?: string }[];
}

async function main(): Promise<void> {
  const iss = params.get("iss");
  const launch = params.get("launch");
  if (iss && !params.has("code")) {
    await FHIR.oauth2.authorize({ iss, ...(launch ? { launch } : {}), clientId: "stagewise-minimal", scope: "launch patient/Patient.r", redirectUri: here });
    return;
  }
  const client = await FHIR.oauth2.ready();
  const patient = (await client.patient.read()) as Named;
  const n = patient.name?.[0];
  nameEl.textContent = n?.text ?? [...(n?.given ?? []), n?.family].filter(Boolean).join(" ");
  status.textContent = "Ready.";
}

main().catch((e: unknown) => {
  status.textContent = `Failed: ${e instanceof Error ? e.message : String(e)}`;
});
