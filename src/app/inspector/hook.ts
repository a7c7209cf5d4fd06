// The request inspector's hook in the app's transport (fhir-api.ts hands `inspectorFetch` to the browser adapter as
// its fetch). Off, it is a plain call to fetch behind one test; on (the inspector is open, toggle.ts), each request
// goes through the recorder (recorder.ts), which is a lazy chunk like the panel: the app's initial JavaScript holds
// this file only. Requests made while the recorder's chunk is still loading wait for it, so none is missed.
type Recorder = typeof import("./recorder.ts");

let recorder: Promise<Recorder> | null = null;

/** Starts recording (loads the recorder); resolves once it is ready. */
export function startRecording(): Promise<Recorder> {
  recorder ??= import("./recorder.ts");
  return recorder;
}

/** Stops recording and forgets what was recorded. */
export async function stopRecording(): Promise<void> {
  const r = recorder;
  recorder = null;
  (await r)?.clear();
}

/** The fetch of the app's FHIR transport: through the recorder when the inspector is on, otherwise just fetch. */
export function inspectorFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  return recorder ? recorder.then((r) => r.record(input, init)) : fetch(input, init);
}
