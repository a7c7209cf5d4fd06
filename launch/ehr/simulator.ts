// The EHR simulator page (served as JavaScript by launch/ehr/routes.ts after type stripping). Every piece of
// server text is put on the page with textContent, never as HTML.

interface Option {
  id: string;
  label: string;
}

interface SimulatorContext {
  fhirBase: string;
  smartConfiguration: string;
  defaultLaunchUrl: string;
  clientId: string;
  patients: Option[];
  users: Option[];
}

interface SessionInfo {
  clientId: string;
  scope: string;
  patient?: string;
  fhirUser: string;
  createdAt: string;
  accessTokenExpiresAt: string;
  accessTokensIssued: number;
  hasRefreshToken: boolean;
}

interface LaunchInfo {
  launch: string;
  url: string;
  patient?: string;
  user: string;
  mode: string;
  sessions: SessionInfo[];
}

interface CdsLink {
  label: string;
  url: string;
  type: string;
}

interface CdsCard {
  summary: string;
  indicator: string;
  detail?: string;
  source: { label: string };
  links?: CdsLink[];
}

interface HookResult {
  status: number;
  cards: CdsCard[];
  error?: string;
}

function el<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`missing #${id}`);
  return found as T;
}

const statusEl = el<HTMLParagraphElement>("status");
const contextEl = el<HTMLDListElement>("context");
const serverEl = el<HTMLDListElement>("server");
const patientEl = el<HTMLSelectElement>("patient");
const userEl = el<HTMLSelectElement>("user");
const launchUrlEl = el<HTMLInputElement>("launch-url");
const standaloneEl = el<HTMLAnchorElement>("standalone-link");
const standaloneCaseloadEl = el<HTMLAnchorElement>("standalone-caseload-link");
const frameEl = el<HTMLIFrameElement>("app-frame");
const appSection = el<HTMLElement>("app-section");
const cdsStatusEl = el<HTMLParagraphElement>("cds-status");
const cdsCardsEl = el<HTMLUListElement>("cds-cards");

let ctx: SimulatorContext | undefined;
let currentLaunch: string | undefined;

function say(text: string): void {
  statusEl.textContent = text;
}

function fillList(dl: HTMLDListElement, rows: [string, string][]): void {
  dl.replaceChildren();
  for (const [term, value] of rows) {
    const dt = document.createElement("dt");
    dt.textContent = term;
    const dd = document.createElement("dd");
    dd.textContent = value;
    dl.append(dt, dd);
  }
}

function fillSelect(select: HTMLSelectElement, options: Option[]): void {
  select.replaceChildren();
  for (const o of options) {
    const opt = document.createElement("option");
    opt.value = o.id;
    opt.textContent = o.label;
    select.append(opt);
  }
}

async function api<T>(path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, body === undefined ? {} : { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  const json = (await res.json()) as T & { error?: string };
  if (!res.ok) throw new Error(json.error ?? `${path}: HTTP ${res.status}`);
  return json;
}

function updateStandaloneLink(): void {
  if (!ctx) return;
  try {
    const url = new URL(launchUrlEl.value);
    url.searchParams.set("iss", ctx.fhirBase);
    standaloneEl.href = url.toString();
    url.searchParams.set("view", "caseload");
    standaloneCaseloadEl.href = url.toString();
  } catch {
    standaloneEl.removeAttribute("href");
    standaloneCaseloadEl.removeAttribute("href");
  }
}

async function loadContext(): Promise<void> {
  ctx = await api<SimulatorContext>("/ehr/api/context");
  const previousPatient = patientEl.value;
  const hadOptions = patientEl.options.length > 0;
  fillSelect(patientEl, ctx.patients);
  // A user-level launch: no patient in context (the care coordinator's caseload).
  const none = document.createElement("option");
  none.value = "";
  none.textContent = "No patient (user-level launch: the caseload)";
  patientEl.append(none);
  if ((hadOptions && previousPatient === "") || ctx.patients.some((p) => p.id === previousPatient)) patientEl.value = previousPatient;
  fillSelect(userEl, ctx.users);
  if (!launchUrlEl.value) launchUrlEl.value = ctx.defaultLaunchUrl;
  updateStandaloneLink();
  fillList(serverEl, [
    ["FHIR base", ctx.fhirBase],
    ["SMART configuration", ctx.smartConfiguration],
    ["Client id", ctx.clientId],
    ["Patients", String(ctx.patients.length)],
  ]);
  if (ctx.patients.length === 0) say("The sandbox holds no patients: add bundles to fhir-resources/patients/ and restart.");
}

async function showLaunch(): Promise<void> {
  if (!currentLaunch) {
    fillList(contextEl, [["Launch", "none yet: launch the app above"]]);
    return;
  }
  const info = await api<LaunchInfo>(`/ehr/api/launch/${encodeURIComponent(currentLaunch)}`);
  const rows: [string, string][] = [
    ["Launch id", info.launch],
    ["Patient", info.patient ? `Patient/${info.patient}` : "(none)"],
    ["User", info.user],
    ["Opened", info.mode === "window" ? "in a new window" : "embedded (iframe)"],
    ["Launch URL", info.url],
  ];
  if (info.sessions.length === 0) rows.push(["Token", "not issued yet (the app has not finished authorization)"]);
  for (const [i, s] of info.sessions.entries()) {
    const n = info.sessions.length > 1 ? ` ${i + 1}` : "";
    const expired = Date.parse(s.accessTokenExpiresAt) <= Date.now();
    rows.push(
      [`Granted scopes${n}`, s.scope],
      [`fhirUser${n}`, s.fhirUser],
      [`Access token${n}`, `${expired ? "expired" : "valid until"} ${new Date(s.accessTokenExpiresAt).toLocaleTimeString()} (${s.accessTokensIssued} issued)`],
      [`Refresh token${n}`, s.hasRefreshToken ? "issued" : "not issued (no offline_access/online_access)"],
    );
  }
  fillList(contextEl, rows);
}

async function launch(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  await launchApp(launchUrlEl.value);
}

async function launchApp(launchUrl: string): Promise<void> {
  const mode = (document.querySelector('input[name="mode"]:checked') as HTMLInputElement | null)?.value ?? "iframe";
  // Open the window inside the click so that pop-up blockers allow it; point it at the app once we know the URL.
  const win = mode === "window" ? window.open("about:blank", "_blank") : null;
  try {
    const info = await api<LaunchInfo>("/ehr/api/launch", { patient: patientEl.value, user: userEl.value, launchUrl, mode });
    currentLaunch = info.launch;
    if (mode === "window") {
      if (win) win.location.href = info.url;
      else say("The browser blocked the new window; allow pop-ups for this page or use the embedded mode.");
    } else {
      appSection.hidden = false;
      frameEl.src = info.url;
      // Bring the embedded app into view: the frame's top at the top of the window, the app's first screen in it.
      frameEl.scrollIntoView({ block: "start" });
    }
    say(`Launched for ${patientEl.value ? (patientEl.selectedOptions[0]?.textContent ?? "the patient") : "no patient"} as ${userEl.selectedOptions[0]?.textContent ?? "the user"}.`);
    await showLaunch();
  } catch (err) {
    win?.close();
    say(`Launch failed: ${(err as Error).message}`);
  }
}

// ---- CDS Hooks: the EHR calls the patient-view service when a patient is selected (the sandbox makes the call,
// with a fresh token for the service and its own signed JWT) and shows the cards, one line each, as text.

/** The card's Markdown read as plain text (bold marks and backslash escapes dropped); it is still put on the page as text. */
function plainText(markdown: string): string {
  return markdown.replace(/\*\*/g, "").replace(/\\([\\`*_<>|~&\]()[])/g, "$1");
}

function cardItem(card: CdsCard): HTMLLIElement {
  const li = document.createElement("li");
  const indicator = card.indicator === "warning" || card.indicator === "critical" ? card.indicator : "info";
  li.className = `cds-card cds-${indicator}`;
  const label = document.createElement("span");
  label.className = "cds-indicator";
  label.textContent = indicator;
  // One line per card: a long summary is cut with an ellipsis on screen (the whole text stays in the page for
  // screen readers, in the tooltip and at the top of the details).
  const summary = document.createElement("span");
  summary.className = "cds-summary";
  summary.textContent = card.summary;
  summary.title = card.summary;
  li.append(label, summary);
  for (const link of card.links ?? []) {
    if (!/^https?:\/\//.test(link.url)) continue;
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = link.label;
    // A smart link is the app's launch URL: the EHR launches it with this patient (adding iss and launch).
    button.addEventListener("click", () => {
      if (link.type === "smart") void launchApp(link.url);
      else window.open(link.url, "_blank", "noopener");
    });
    li.append(button);
  }
  if (card.detail) {
    const details = document.createElement("details");
    const more = document.createElement("summary");
    more.textContent = "Details";
    const text = document.createElement("pre");
    text.textContent = `${card.summary}\n\n${plainText(card.detail)}\n\nSource: ${card.source.label}`;
    details.append(more, text);
    li.append(details);
  }
  return li;
}

let hookCall = 0;
async function callPatientView(): Promise<void> {
  const call = ++hookCall;
  cdsCardsEl.replaceChildren();
  if (!patientEl.value) return;
  cdsStatusEl.textContent = "Calling the CDS service…";
  try {
    const r = await api<HookResult>("/ehr/api/cds-hooks", { patient: patientEl.value, user: userEl.value });
    if (call !== hookCall) return; // another patient was selected meanwhile
    if (r.status !== 200) cdsStatusEl.textContent = `CDS service: ${r.error ?? `HTTP ${r.status}`}`;
    else cdsStatusEl.textContent = r.cards.length ? "" : "No card: nothing about opioid use disorder in this record.";
    cdsCardsEl.replaceChildren(...r.cards.map(cardItem));
  } catch (err) {
    if (call === hookCall) cdsStatusEl.textContent = `CDS service: ${(err as Error).message}`;
  }
}

patientEl.addEventListener("change", () => void callPatientView());
userEl.addEventListener("change", () => void callPatientView());

el<HTMLFormElement>("launch-form").addEventListener("submit", (e) => void launch(e));
launchUrlEl.addEventListener("input", updateStandaloneLink);
el<HTMLButtonElement>("refresh-context").addEventListener("click", () => void showLaunch().catch((e: Error) => say(e.message)));
el<HTMLButtonElement>("expire").addEventListener("click", () => {
  void api<{ expired: number }>("/ehr/api/expire", currentLaunch ? { launch: currentLaunch } : {})
    .then((r) => {
      say(r.expired > 0 ? `Expired ${r.expired} access token(s): the app's next FHIR call gets 401 and must refresh.` : "No live access token to expire.");
      return showLaunch();
    })
    .catch((e: Error) => say(e.message));
});
el<HTMLButtonElement>("end-session").addEventListener("click", () => {
  void api<{ expired: number; ended: number }>("/ehr/api/expire", { ...(currentLaunch ? { launch: currentLaunch } : {}), refresh: true })
    .then((r) => {
      say(r.ended > 0 ? `Ended ${r.ended} session(s): the app's next FHIR call gets 401, and its refresh gets invalid_grant.` : "No live session to end.");
      return showLaunch();
    })
    .catch((e: Error) => say(e.message));
});
el<HTMLButtonElement>("reset").addEventListener("click", () => {
  void api<{ resources: number }>("/ehr/api/reset", {})
    .then(async (r) => {
      say(`Data reset: ${r.resources} resources reloaded from the seed files.`);
      await loadContext();
    })
    .catch((e: Error) => say(e.message));
});

void loadContext()
  .then(() => {
    void callPatientView();
    return showLaunch();
  })
  .catch((e: Error) => say(`Could not reach the sandbox: ${e.message}`));
setInterval(() => {
  if (currentLaunch) void showLaunch().catch(() => undefined);
}, 3000);

export {};
