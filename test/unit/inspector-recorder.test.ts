// The request inspector's hook and recorder (src/app/inspector/hook.ts, recorder.ts), through the app's real transport over HTTP to a
// local server: off, nothing is kept; on, each request with method, URL (credentials removed), status, times, size
// and body (cut at the cap); the ring buffer keeps the last MAX_REQUESTS; closing forgets everything.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { inspectRequested, isInspectorShortcut, noteInspectRequest } from "../../src/app/inspector/flag.ts";
import { inspectorFetch, startRecording, stopRecording } from "../../src/app/inspector/hook.ts";
import { MAX_BODY_CHARS, MAX_REQUESTS, recordedRequests, sanitizeUrl } from "../../src/app/inspector/recorder.ts";
import { fhirclientTransport } from "../../src/fhir/fhirclient-transport.ts";

let server: Server;
let base = "";
const TOKEN = "secret-access-token-123";

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    if (url.pathname.endsWith("/big")) {
      res.writeHead(200, { "content-type": "application/fhir+json" });
      res.end(JSON.stringify({ resourceType: "Basic", id: "big", text: "é".repeat(MAX_BODY_CHARS) }));
      return;
    }
    if (url.pathname.endsWith("/missing")) {
      res.writeHead(404, { "content-type": "application/fhir+json" });
      res.end(JSON.stringify({ resourceType: "OperationOutcome", issue: [{ severity: "error", code: "not-found", diagnostics: "gone" }] }));
      return;
    }
    res.writeHead(200, { "content-type": "application/fhir+json" });
    res.end(JSON.stringify({ resourceType: "Patient", id: "p1" }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/fhir`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
afterEach(() => stopRecording());

/** The browser adapter as the app builds it (fhir-api.ts), with a fixed token. */
const transport = () =>
  fhirclientTransport(
    { state: { serverUrl: base }, getAuthorizationHeader: () => `Bearer ${TOKEN}`, refreshIfNeeded: async () => undefined, refresh: async () => undefined },
    { fetch: inspectorFetch, retry: { sleep: async () => undefined } },
  );

/** Waits until every recorded request has its body (the recorder reads a copy after the app got its answer). */
async function settled(): Promise<void> {
  for (let i = 0; i < 200 && recordedRequests().some((r) => r.end === null); i++) await new Promise((r) => setTimeout(r, 5));
}

describe("the recorder", () => {
  it("records nothing while the inspector is off", async () => {
    await transport().request("Patient/p1");
    expect(recordedRequests()).toEqual([]);
  });

  it("records method, URL, status, times, size and body when on; never a header", async () => {
    startRecording();
    const t = transport();
    await t.request("Patient/p1");
    await t.request("Observation?patient=p1&code=1234-5", { method: "POST", body: { resourceType: "Parameters" } }).catch(() => undefined);
    await expect(t.request("Patient/missing")).rejects.toMatchObject({ status: 404 });
    await settled();
    const rows = recordedRequests();
    expect(rows.map((r) => [r.method, r.url.replace(base, ""), r.status])).toEqual([
      ["GET", "/Patient/p1", 200],
      ["POST", "/Observation?patient=p1&code=1234-5", 200],
      ["GET", "/Patient/missing", 404],
    ]);
    const first = rows[0]!;
    expect(first.body).toBe('{"resourceType":"Patient","id":"p1"}');
    expect(first.size).toBe(first.body!.length);
    expect(first.end!).toBeGreaterThanOrEqual(first.start);
    expect(rows[2]!.body).toContain("OperationOutcome");
    expect(JSON.stringify(rows)).not.toContain(TOKEN);
  });

  it("cuts a large body at the cap and gives its size in bytes", async () => {
    startRecording();
    await transport().request("Basic/big");
    await settled();
    const [r] = recordedRequests();
    expect(r!.truncated).toBe(true);
    expect(r!.body).toHaveLength(MAX_BODY_CHARS);
    expect(r!.size).toBeGreaterThan(2 * MAX_BODY_CHARS); // "é" is two bytes in UTF-8
  });

  it("keeps the last MAX_REQUESTS requests (a ring buffer), and forgets them all when closed", async () => {
    startRecording();
    const t = transport();
    for (let i = 0; i < MAX_REQUESTS + 20; i += 20) await Promise.all(Array.from({ length: 20 }, (_, k) => t.request(`Patient/p${i + k}`)));
    await settled();
    const rows = recordedRequests();
    expect(rows).toHaveLength(MAX_REQUESTS);
    expect(rows[rows.length - 1]!.id - rows[0]!.id).toBe(MAX_REQUESTS - 1);
    await stopRecording();
    expect(recordedRequests()).toEqual([]);
  });

  it("records a request that got no answer, with why", async () => {
    startRecording();
    const t = fhirclientTransport(
      { state: { serverUrl: "http://127.0.0.1:9/fhir" }, getAuthorizationHeader: () => null, refreshIfNeeded: async () => undefined, refresh: async () => undefined },
      { fetch: inspectorFetch, retry: { sleep: async () => undefined } },
    );
    await expect(t.request("Patient/p1")).rejects.toMatchObject({ status: 0 });
    const rows = recordedRequests();
    expect(rows.length).toBeGreaterThanOrEqual(1); // the read is retried once
    expect(rows.every((r) => r.status === null && /TypeError/.test(r.error ?? ""))).toBe(true);
  });
});

describe("credentials never recorded in a URL", () => {
  it.each([
    ["https://ehr.example/fhir/Patient?_id=1&access_token=abc", "https://ehr.example/fhir/Patient?_id=1&access_token=%E2%80%A6"],
    ["https://ehr.example/fhir/Bundle?page=2&session_token=abc&refresh_token=def", "https://ehr.example/fhir/Bundle?page=2&session_token=%E2%80%A6&refresh_token=%E2%80%A6"],
    ["https://user:pw@ehr.example/fhir/Patient/1", "https://ehr.example/fhir/Patient/1"],
    ["https://ehr.example/fhir/Observation?code=1234-5&patient=p", "https://ehr.example/fhir/Observation?code=1234-5&patient=p"],
  ])("%s", (url, expected) => {
    expect(sanitizeUrl(url)).toBe(expected);
    expect(sanitizeUrl(url)).not.toMatch(/abc|def|pw@/);
  });
});

describe("the switch", () => {
  it.each([
    ["?iss=x&launch=y&inspect", true],
    ["?inspect=1", true],
    ["?iss=x&launch=y", false],
    ["", false],
  ])("launch URL %s → noted: %s, and nothing but a 1 is stored", (search, expected) => {
    const store = new Map<string, string>();
    const storage = { setItem: (k: string, v: string) => void store.set(k, v), getItem: (k: string) => store.get(k) ?? null };
    noteInspectRequest(search, storage);
    expect(inspectRequested("", storage)).toBe(expected);
    expect([...store.values()].every((v) => v === "1")).toBe(true);
  });

  it.each([
    [{ code: "KeyR", altKey: true, shiftKey: true, ctrlKey: false, metaKey: false }, true],
    [{ code: "KeyR", altKey: true, shiftKey: false, ctrlKey: false, metaKey: false }, false],
    [{ code: "KeyI", altKey: false, shiftKey: true, ctrlKey: true, metaKey: false }, false],
    [{ code: "KeyR", altKey: true, shiftKey: true, ctrlKey: true, metaKey: false }, false],
  ])("shortcut %o → %s", (e, expected) => {
    expect(isInspectorShortcut(e)).toBe(expected);
  });
});
