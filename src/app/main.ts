// The app page's entry (index.html): small and free of the UI runtime (Preact, behind React's API), so the SMART code
// exchange and the first screen's reads start as soon as the page's first script runs. The UI runtime and the screens
// (root.tsx, the workspace) load and compile while the token request and the reads are on the network (the page's
// HTML preloads them); root.tsx renders whatever the session promise gives.
import { installInspector } from "./inspector/toggle.ts";
import { landingRead } from "./caseload/landing-read.ts";
import { firstScreenSettled, loadWindowRule, PROGRESS_DELAY_MS, startFirstScreen } from "./read-record.ts";
import { caseloadChunk, workspaceChunk } from "./screens.ts";
import { localToday } from "./session.ts";
import { startSession } from "./smart.ts";
import "./app.css";

// The request inspector (?inspect, or Alt+Shift+R): on before the first FHIR request when asked for at launch.
installInspector();
// Once per page load, at module scope: a StrictMode double effect must not run the code exchange twice.
const sessionPromise = startSession();
// The root shows a failed start; marked as handled here, or the browser reports it as an uncaught error (with its
// text) before the root's effect subscribes.
sessionPromise.catch(() => undefined);
// The read-window rule and the workspace (engine + screens) are fetched during the token exchange, so the first
// screen waits for neither (App.tsx shows a failed fetch, and fetches again).
void loadWindowRule().catch(() => undefined);
workspaceChunk.prefetch();
// As soon as the session is there: the first screen's reads (useRecord picks them up) and the user's role
// (useLanding), at once; the caseload's screen when the launch lands there (no patient in context, or a
// coordinator), else when it is first opened.
sessionPromise
  .then((launch) => {
    if (launch.patient) startFirstScreen(launch.patient.api, launch.patient.patientId, localToday());
    else if (launch.caseload) caseloadChunk.prefetch();
    void landingRead(launch)?.then((landing) => {
      if (landing === "caseload") caseloadChunk.prefetch();
    });
  })
  .catch(() => undefined);

/**
 * The screens are drawn once the session is there (or has failed) and, for a patient, the first screen's reads have
 * finished or have taken PROGRESS_DELAY_MS: until then the page's own "Signing in…" stays, so a fast launch draws its
 * first screen in one render, with no frame for "Signing in…" or "Reading the patient's record" (each a render, a
 * layout and a paint that compete with the reads for the processor).
 */
const drawable = sessionPromise.then(
  async (launch) => {
    await firstScreenSettled(PROGRESS_DELAY_MS);
    return launch;
  },
  () => null,
);

Promise.all([import("./root.tsx"), drawable])
  .then(([{ mountRoot }, launch]) => mountRoot(sessionPromise, launch))
  .catch((e: unknown) => {
    // The screens' code could not be loaded (a deploy replaced it, the network dropped): say so in the page.
    const root = document.getElementById("root");
    if (!root) return;
    const main = document.createElement("main");
    main.className = "app";
    const h1 = document.createElement("h1");
    h1.textContent = "Stagewise";
    const p = document.createElement("p");
    p.setAttribute("role", "alert");
    p.textContent = `Stagewise could not load its screens (${e instanceof Error ? e.message : String(e)}). Reload the page, or launch again from the EHR.`;
    main.append(h1, p);
    root.replaceChildren(main);
  });
