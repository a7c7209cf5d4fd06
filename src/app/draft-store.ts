// Unsaved plan edits kept in sessionStorage (issue 9: a reload, a token expiry or a dropped connection loses no
// work). Pure over a Storage object so it is testable. One entry per FHIR base + patient + plan, under a key that is
// a hash of the three (no patient id in the key). An entry holds the draft and the patient it belongs to; it is
// offered back only for that patient on that server, never stores a token (a value that looks like one is
// refused), and is cleared after a successful save. sessionStorage is per tab: another tab never sees it.
import { deterministicUuid } from "../clinical/plan-ids.ts";

const PREFIX = "stagewise.draft.";
const VERSION = 1;
/** Field names and values that mean a credential; a draft holding one is never stored. */
const TOKEN_KEY = /^(access_token|refresh_token|id_token|token|authorization|code_verifier|client_secret)$/i;
const TOKEN_VALUE = /^(Bearer\s|eyJ[A-Za-z0-9_-]{10,}\.)/;

export interface DraftEntry<T> {
  v: number;
  fhirBase: string;
  /** "Patient/ID". */
  patient: string;
  /** The plan's business id, or "new" for a plan not yet saved. */
  plan: string;
  /** ISO instant of the last keep. */
  savedAt: string;
  draft: T;
}

export function draftStorageKey(fhirBase: string, patient: string, plan: string): string {
  return PREFIX + deterministicUuid(`${fhirBase.replace(/\/+$/, "")}|${patient}|${plan}`);
}

function holdsToken(value: unknown, depth = 0): boolean {
  if (depth > 20) return false;
  if (typeof value === "string") return TOKEN_VALUE.test(value);
  if (Array.isArray(value)) return value.some((v) => holdsToken(v, depth + 1));
  if (value && typeof value === "object")
    return Object.entries(value).some(([k, v]) => TOKEN_KEY.test(k) || holdsToken(v, depth + 1));
  return false;
}

export type KeepResult = { ok: true } | { ok: false; reason: string };

export interface DraftStore<T> {
  /** Keeps the draft of `plan`; `draftPatient` is the patient the draft was made for and must be this store's. */
  keep(plan: string, draft: T, draftPatient: string, now: string): KeepResult;
  /** The kept draft of `plan` for this patient on this server, or null. */
  load(plan: string): DraftEntry<T> | null;
  /** Every draft kept for this patient on this server (to offer back at launch), newest first. */
  list(): DraftEntry<T>[];
  /** Forget the draft of `plan` (after a successful save). */
  clear(plan: string): void;
}

export function createDraftStore<T>(storage: Storage, scope: { fhirBase: string; patient: string }): DraftStore<T> {
  const base = scope.fhirBase.replace(/\/+$/, "");
  const read = (key: string): DraftEntry<T> | null => {
    let raw: string | null;
    try {
      raw = storage.getItem(key);
    } catch {
      return null;
    }
    if (!raw) return null;
    try {
      const e = JSON.parse(raw) as DraftEntry<T>;
      if (e?.v !== VERSION || e.fhirBase !== base || e.patient !== scope.patient) return null;
      return e;
    } catch {
      return null;
    }
  };
  return {
    keep(plan, draft, draftPatient, now) {
      if (draftPatient !== scope.patient) return { ok: false, reason: `The draft belongs to ${draftPatient}, not to the patient in context; it was not kept.` };
      if (holdsToken(draft)) return { ok: false, reason: "The draft holds something that looks like a credential; it was not kept." };
      const entry: DraftEntry<T> = { v: VERSION, fhirBase: base, patient: scope.patient, plan, savedAt: now, draft };
      try {
        storage.setItem(draftStorageKey(base, scope.patient, plan), JSON.stringify(entry));
        return { ok: true };
      } catch (e) {
        return { ok: false, reason: `The browser refused to keep the draft (${e instanceof Error ? e.name : "storage error"}).` };
      }
    },
    load(plan) {
      const e = read(draftStorageKey(base, scope.patient, plan));
      return e && e.plan === plan ? e : null;
    },
    list() {
      const out: DraftEntry<T>[] = [];
      for (let i = 0; i < storage.length; i++) {
        const key = storage.key(i);
        if (!key?.startsWith(PREFIX)) continue;
        const e = read(key);
        if (e && key === draftStorageKey(base, scope.patient, e.plan)) out.push(e);
      }
      return out.sort((a, b) => b.savedAt.localeCompare(a.savedAt));
    },
    clear(plan) {
      try {
        storage.removeItem(draftStorageKey(base, scope.patient, plan));
      } catch {
        /* nothing kept */
      }
    },
  };
}
