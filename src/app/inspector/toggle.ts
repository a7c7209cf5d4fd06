// Opening and closing the request inspector. It is never shown by default. Two ways to open it:
// - `inspect` in the launch URL (launch.html?iss=…&launch=…&inspect) or the app page's (index.html?inspect): the launch
//   page notes it in this tab's sessionStorage (a "1", nothing else: never a token, never patient data), so the app
//   page, where the FHIR requests are made, opens it from its first request on;
// - the keyboard shortcut Alt+Shift+R (Option+Shift+R on a Mac; R for requests), which also closes it. Free in
//   Chrome, Edge, Firefox and Safari: Ctrl+Shift+I/J/C open the browsers' developer tools and Alt+Shift+I Chrome's
//   feedback form. Opened this way it records from then on.
// Closing it stops the recording, forgets what was recorded and the sessionStorage note.
// The panel (Inspector.tsx, with its CSS) and the recorder are lazy chunks, loaded only when it opens: the app's
// initial JavaScript grows by this file, flag.ts and hook.ts only.
import { INSPECT_KEY, inspectRequested, isInspectorShortcut, safeSessionStorage } from "./flag.ts";
import { startRecording, stopRecording } from "./hook.ts";

export { INSPECTOR_SHORTCUT } from "./flag.ts";

let container: HTMLElement | null = null;
let unmount: (() => void) | null = null;
/** Where the keyboard focus was when the inspector opened: it goes back there when it closes. */
let returnFocus: HTMLElement | null = null;

export function isInspectorOpen(): boolean {
  return container !== null;
}

/** Opens the inspector: recording starts now, and the panel's chunk is loaded (focus moves to it when asked). */
export async function openInspector(focus = false): Promise<void> {
  if (container) return;
  returnFocus = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  void startRecording();
  safeSessionStorage()?.setItem(INSPECT_KEY, "1");
  const el = document.createElement("div");
  el.id = "inspector-root";
  document.body.append(el);
  container = el;
  const { mountInspector } = await import("./Inspector.tsx");
  if (container !== el) return; // closed while loading
  unmount = mountInspector(el, closeInspector, focus);
}

/** Closes it: recording stops and what was recorded is dropped; focus goes back where it was in the app. */
export function closeInspector(): void {
  unmount?.();
  unmount = null;
  container?.remove();
  container = null;
  void stopRecording();
  safeSessionStorage()?.removeItem(INSPECT_KEY);
  if (returnFocus?.isConnected) returnFocus.focus({ preventScroll: true });
  returnFocus = null;
}

/** The app page: open the inspector when asked, and listen for the shortcut. */
export function installInspector(search = window.location.search): void {
  if (inspectRequested(search)) void openInspector().catch(() => undefined);
  window.addEventListener("keydown", (e) => {
    if (!isInspectorShortcut(e)) return;
    e.preventDefault();
    if (isInspectorOpen()) closeInspector();
    else void openInspector(true).catch(() => undefined);
  });
}
