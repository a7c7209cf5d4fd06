// The sessionStorage draft store: kept per FHIR base + patient + plan, never another patient's, never a token.
import { describe, expect, it } from "vitest";
import { createDraftStore, draftStorageKey } from "../../src/app/draft-store.ts";

/** A Storage over a Map, as sessionStorage behaves (strings only). */
function memoryStorage(): Storage {
  const m = new Map<string, string>();
  return {
    get length() {
      return m.size;
    },
    key: (i) => [...m.keys()][i] ?? null,
    getItem: (k) => m.get(k) ?? null,
    setItem: (k, v) => void m.set(k, String(v)),
    removeItem: (k) => void m.delete(k),
    clear: () => m.clear(),
  };
}

const BASE = "http://127.0.0.1:8090/fhir";
const DRAFT = { planId: "plan-1", title: "Mine", goals: [{ key: "g1", description: "Walk daily" }] };

describe("draft store", () => {
  it("keeps a draft and offers it back for the same server, patient and plan; cleared after a save", () => {
    const s = memoryStorage();
    const store = createDraftStore<typeof DRAFT>(s, { fhirBase: BASE, patient: "Patient/p1" });
    expect(store.keep("plan-1", DRAFT, "Patient/p1", "2026-11-23T10:00:00Z")).toEqual({ ok: true });
    const again = createDraftStore<typeof DRAFT>(s, { fhirBase: `${BASE}/`, patient: "Patient/p1" }); // a reload
    expect(again.load("plan-1")?.draft).toEqual(DRAFT);
    expect(again.list().map((e) => e.plan)).toEqual(["plan-1"]);
    again.clear("plan-1");
    expect(again.load("plan-1")).toBeNull();
    expect(s.length).toBe(0);
  });

  it.each([
    ["another patient", { fhirBase: BASE, patient: "Patient/p2" }],
    ["another server", { fhirBase: "https://ehr.example/fhir", patient: "Patient/p1" }],
  ])("is not offered to %s", (_, scope) => {
    const s = memoryStorage();
    createDraftStore(s, { fhirBase: BASE, patient: "Patient/p1" }).keep("plan-1", DRAFT, "Patient/p1", "2026-11-23T10:00:00Z");
    const other = createDraftStore(s, scope);
    expect(other.load("plan-1")).toBeNull();
    expect(other.list()).toEqual([]);
  });

  it.each([
    ["another patient's draft", DRAFT, "Patient/p2", "belongs to Patient/p2"],
    ["a draft holding a token field", { ...DRAFT, access_token: "abc" }, "Patient/p1", "credential"],
    ["a draft holding a bearer value", { ...DRAFT, title: "Bearer abc.def" }, "Patient/p1", "credential"],
    ["a draft holding a JWT", { ...DRAFT, note: "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.sig" }, "Patient/p1", "credential"],
  ])("refuses %s and stores nothing", (_, draft, patient, reason) => {
    const s = memoryStorage();
    const r = createDraftStore<object>(s, { fhirBase: BASE, patient: "Patient/p1" }).keep("plan-1", draft, patient, "2026-11-23T10:00:00Z");
    expect(r.ok).toBe(false);
    expect(r.ok ? "" : r.reason).toContain(reason);
    expect(s.length).toBe(0);
  });

  it("the key names no patient and no server", () => {
    const key = draftStorageKey(BASE, "Patient/p1", "plan-1");
    expect(key).toMatch(/^stagewise\.draft\.[0-9a-f-]{36}$/);
    expect(key).not.toBe(draftStorageKey(BASE, "Patient/p2", "plan-1"));
  });

  it("a full storage is reported, not thrown", () => {
    const s = memoryStorage();
    s.setItem = () => {
      throw new DOMException("full", "QuotaExceededError");
    };
    const r = createDraftStore(s, { fhirBase: BASE, patient: "Patient/p1" }).keep("plan-1", DRAFT, "Patient/p1", "2026-11-23T10:00:00Z");
    expect(r).toEqual({ ok: false, reason: "The browser refused to keep the draft (QuotaExceededError)." });
  });
});
