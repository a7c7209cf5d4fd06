// The SMART launch page (launch.html). EHR launch: the EHR opens launch.html?iss=…&launch=…; standalone launch:
// launch.html?iss=… (or the form below asks for the server). Either way fhirclient sends the browser to the
// authorization server with PKCE and comes back to the app page (index.html), where smart.ts finishes.
import FHIR from "fhirclient";
import { fetchWellKnownJson } from "fhirclient/lib/smart.js";
import { noteInspectRequest } from "./inspector/flag.ts";
import { issuerConfig, REDIRECT_PATH, scopesFor, scopeStyleFrom, type ScopeStyle } from "./launch-config.ts";

const status = document.getElementById("launch-status");
const form = document.getElementById("standalone") as HTMLFormElement | null;

function show(text: string, isError = false): void {
  if (!status) return;
  status.textContent = text;
  status.setAttribute("role", isError ? "alert" : "status");
}

async function scopeStyle(iss: string): Promise<ScopeStyle> {
  const configured = issuerConfig(iss).scopeStyle;
  if (configured) return configured;
  try {
    // fhirclient's own read of the configuration, which it keeps for the page: authorize() below finds the server's
    // endpoints in it instead of asking the server a second time (one request before the redirect, not two in a row).
    return scopeStyleFrom(await fetchWellKnownJson(iss));
  } catch {
    return "v2";
  }
}

function isHttpUrl(text: string): boolean {
  try {
    const u = new URL(text);
    return u.protocol === "https:" || u.protocol === "http:";
  } catch {
    return false;
  }
}

/** The origin of the FHIR server of this launch, once checked. */
let issuer: string | null = null;

async function launch(): Promise<void> {
  const params = new URLSearchParams(window.location.search);
  // `inspect` in the launch URL: the app page opens the request inspector (a flag in this tab's sessionStorage).
  noteInspectRequest(window.location.search);
  const iss = params.get("iss");
  const launchToken = params.get("launch");
  // Standalone: view=caseload opens the user's caseload (no patient), otherwise the server asks for a patient.
  const caseload = params.get("view") === "caseload";
  if (!iss) {
    show("No EHR sent a launch request. To open Stagewise on its own, give the FHIR server's address.");
    if (form) form.hidden = false;
    return;
  }
  if (!isHttpUrl(iss)) {
    show(`The launch named "${iss}" as the FHIR server, which is not an http(s) address. Launch again from the EHR, or give the server's address.`, true);
    if (form) form.hidden = false;
    return;
  }
  issuer = new URL(iss).origin;
  show(launchToken ? "Connecting to the EHR…" : "Connecting to the FHIR server…");
  const style = await scopeStyle(iss);
  await FHIR.oauth2.authorize({
    iss,
    ...(launchToken ? { launch: launchToken } : {}),
    clientId: issuerConfig(iss).clientId,
    scope: scopesFor(launchToken ? "ehr" : caseload ? "standalone-caseload" : "standalone", style),
    redirectUri: REDIRECT_PATH,
    // Finish the login in this window even inside an EHR iframe (no popup, no third-party cookies).
    completeInTarget: true,
    pkceMode: "ifSupported",
  });
}

form?.addEventListener("submit", (event) => {
  event.preventDefault();
  const iss = (form.elements.namedItem("iss") as HTMLInputElement).value.trim();
  const caseload = (form.elements.namedItem("view") as RadioNodeList | null)?.value === "caseload";
  if (iss) window.location.assign(`${window.location.pathname}?iss=${encodeURIComponent(iss)}${caseload ? "&view=caseload" : ""}`);
});

// A FHIR server missing from this installation's Content-Security-Policy (connect-src, see csp.ts) fails as a bare
// "Failed to fetch": say which server was refused and what to do instead.
let refused: string | null = null;
function showRefused(): void {
  if (refused)
    show(`This installation of Stagewise may not connect to ${refused} (its Content-Security-Policy, connect-src). Ask the administrator to add that server.`, true);
}
document.addEventListener("securitypolicyviolation", (event) => {
  if (event.effectiveDirective !== "connect-src") return;
  try {
    refused = new URL(event.blockedURI).origin;
  } catch {
    refused = issuer ?? "the FHIR server";
  }
  showRefused();
});

launch().catch((e: unknown) => {
  show(`The launch failed: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}. Try launching again from the EHR.`, true);
  showRefused();
});
