// The request inspector's switch, shared by the launch page and the app page (no React, no recorder: the launch page
// imports it too). `inspect` in a launch URL is remembered for this tab as a "1" in sessionStorage: never a token,
// never patient data. See toggle.ts.
export const INSPECT_KEY = "stagewise.inspect";
export const INSPECTOR_SHORTCUT = "Alt+Shift+R";

/** The launch page: remember `?inspect` for this tab (the app page opens the inspector). */
export function noteInspectRequest(search: string, storage: Pick<Storage, "setItem"> | undefined = safeSessionStorage()): void {
  if (new URLSearchParams(search).has("inspect")) storage?.setItem(INSPECT_KEY, "1");
}

/** Whether this page should open the inspector at start: `?inspect` on it, or noted by the launch page. */
export function inspectRequested(search: string, storage: Pick<Storage, "getItem"> | undefined = safeSessionStorage()): boolean {
  return new URLSearchParams(search).has("inspect") || storage?.getItem(INSPECT_KEY) === "1";
}

/** The shortcut: Alt+Shift+R, by the physical key (Option+Shift+R types a character on a Mac). */
export function isInspectorShortcut(e: Pick<KeyboardEvent, "code" | "altKey" | "shiftKey" | "ctrlKey" | "metaKey">): boolean {
  return e.code === "KeyR" && e.altKey && e.shiftKey && !e.ctrlKey && !e.metaKey;
}

export function safeSessionStorage(): Storage | undefined {
  try {
    return window.sessionStorage;
  } catch {
    return undefined; // storage blocked (some embedded contexts): the shortcut still works
  }
}

