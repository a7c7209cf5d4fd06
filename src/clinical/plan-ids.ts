// Deterministic ids for a plan save: the same planId (and version being replaced) always gives the same urn:uuid
// fullUrls, so a retried save sends a byte-identical Bundle (see plan.ts). No randomness, no clock.
import type { PlanContext, PlanDraft } from "./plan-types.ts";

/** FNV-1a, 32 bits, over the UTF-8 bytes of `text`, starting from the given offset basis. */
function fnv1a(text: string, seed: number): number {
  let h = seed >>> 0;
  for (const byte of new TextEncoder().encode(text)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * A UUID derived from `name` alone: 128 bits from four FNV-1a passes (the pass number prefixed to the input),
 * laid out as RFC 4122 / RFC 9562 with version 8 ("custom": not random, not SHA-1) and the RFC variant bits.
 * Not a security function: it only has to be stable and to keep the handful of names in one Bundle apart.
 */
export function deterministicUuid(name: string): string {
  const hex = [0, 1, 2, 3].map((i) => fnv1a(`${i}:${name}`, 0x811c9dc5).toString(16).padStart(8, "0")).join("");
  const chars = hex.split("");
  chars[12] = "8"; // version
  chars[16] = ((parseInt(chars[16] ?? "0", 16) & 0x3) | 0x8).toString(16); // variant 10xx
  const h = chars.join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** The urn:uuid fullUrls of one save. */
export function planFullUrls(draft: PlanDraft, ctx: Pick<PlanContext, "existing">) {
  const p = draft.planId;
  return {
    carePlan: `urn:uuid:${deterministicUuid(`${p}|careplan`)}`,
    goal: (key: string) => `urn:uuid:${deterministicUuid(`${p}|goal|${key}`)}`,
    provenance: `urn:uuid:${deterministicUuid(
      ctx.existing ? `${p}|provenance|${ctx.existing.versionId}` : `${p}|provenance`,
    )}`,
  };
}
