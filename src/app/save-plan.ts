// Saving a plan: one transaction (buildPlanBundle) and what the server says it created, from the
// transaction-response entries' response.location / etag.
// The transaction is sent as `idempotent` (its entries are conditional creates and an If-Match update with ids
// fixed by the draft), so the transport sends it once more when the answer is lost. A lost answer to an update
// leaves the plan one version ahead of the version the app knows; the next attempt (the automatic one, or the
// next Save) then gets 412. Before that counts as a conflict, the stored plan is read by its business identifier:
// when it is the CarePlan this app sent (this attempt's or the last one's, same content), it was our own write —
// its version is adopted and the save goes on; otherwise it is a real conflict.
import type { Bundle, CarePlan, Goal } from "fhir/r4.js";
import { CAREPLAN_ID_SYSTEM } from "../clinical/codes.ts";
import { FhirError } from "../fhir/errors.ts";
import { buildPlanBundle, type PlanContext, type PlanDraft } from "../clinical/plan.ts";
import type { FhirApi } from "./fhir-api.ts";

export interface SavedItem {
  resourceType: string;
  id: string | null;
  versionId: string | null;
  /** The entry's response.status, e.g. "201 Created" (new) or "200 OK" (already there: a retried save). */
  status: string;
  created: boolean;
  location: string | null;
}

export interface SaveOutcome {
  items: SavedItem[];
  carePlan: SavedItem | null;
  /** The transaction sent (its entries in the order of `items`). */
  sent: Bundle;
}

const LOCATION = /([A-Z][A-Za-z]+)\/([A-Za-z0-9.-]{1,64})(?:\/_history\/([^/?#]+))?\/?$/;

/** W/"3" → "3". */
export function versionFromEtag(etag: string | null | undefined): string | null {
  if (!etag) return null;
  const m = /^(?:W\/)?"?([^"]*)"?$/.exec(etag.trim());
  return m?.[1] ? m[1] : null;
}

/** One transaction-response entry → what was written. */
export function savedItem(entry: NonNullable<Bundle["entry"]>[number] | undefined, fallbackType: string): SavedItem {
  const response = entry?.response;
  const location = response?.location ?? null;
  const m = location ? LOCATION.exec(location.split("?")[0] ?? location) : null;
  const resource = entry?.resource as { resourceType?: string; id?: string; meta?: { versionId?: string } } | undefined;
  const status = response?.status ?? "";
  return {
    resourceType: m?.[1] ?? resource?.resourceType ?? fallbackType,
    id: m?.[2] ?? resource?.id ?? null,
    versionId: versionFromEtag(response?.etag) ?? m?.[3] ?? resource?.meta?.versionId ?? null,
    status,
    created: /^201\b/.test(status.trim()),
    location,
  };
}

/** What one editor remembers between saves: the CarePlan of the last transaction it sent. */
export interface SaveMemory {
  sent?: CarePlan;
}

/** A resource as comparable text: keys sorted, `meta` (the server's version, dates, tags it adds) left out. */
function canonical(value: unknown, top = true): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonical(v, false)).join(",")}]`;
  if (value && typeof value === "object")
    return `{${Object.keys(value)
      .filter((k) => !(top && k === "meta"))
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k], false)}`)
      .join(",")}}`;
  return JSON.stringify(value);
}

/** True when the stored plan has the content of one the app sent (whatever version the server gave it). */
export function isOwnWrite(stored: CarePlan, sent: CarePlan | undefined): boolean {
  return !!sent && canonical({ ...stored, id: sent.id }) === canonical(sent);
}

/** The stored CarePlan with this plan's business identifier, or null. */
export async function readPlanByIdentifier(api: FhirApi, planId: string): Promise<CarePlan | null> {
  const res = await api.request(`CarePlan?identifier=${encodeURIComponent(`${CAREPLAN_ID_SYSTEM}|${planId}`)}`);
  const found = (res.body as Bundle | undefined)?.entry?.map((e) => e.resource).find((r) => r?.resourceType === "CarePlan");
  return (found as CarePlan | undefined) ?? null;
}

function carePlanOf(bundle: Bundle): CarePlan | undefined {
  return bundle.entry?.find((e) => e.resource?.resourceType === "CarePlan")?.resource as CarePlan | undefined;
}

/**
 * Sends the plan as one transaction. Throws a FhirError (with the server's OperationOutcome) when it fails. A 412
 * on an update against the app's own earlier write (its answer lost) is not a conflict: the stored version is
 * adopted and the plan is sent again on it (see above). `memory` is kept by the caller across saves of one draft.
 */
export async function savePlan(api: FhirApi, draft: PlanDraft, ctx: PlanContext, memory: SaveMemory = {}): Promise<SaveOutcome> {
  let bundle = buildPlanBundle(draft, ctx);
  const previous = memory.sent;
  memory.sent = carePlanOf(bundle);
  let existing = ctx.existing;
  // At most twice: an adopted version's own answer may be lost too (then its retry meets 412 once more).
  for (let adopted = 0; ; adopted++) {
    try {
      return await sendPlan(api, bundle);
    } catch (e) {
      if (!(e instanceof FhirError) || (e.status !== 412 && e.status !== 409) || !existing || adopted >= 2) throw e;
      const stored = await readPlanByIdentifier(api, draft.planId).catch(() => null);
      const versionId = stored?.meta?.versionId;
      if (!stored || !versionId || versionId === existing.versionId) throw e;
      if (!isOwnWrite(stored, memory.sent) && !isOwnWrite(stored, previous)) throw e;
      existing = { ...existing, versionId };
      bundle = buildPlanBundle(draft, { ...ctx, existing });
      memory.sent = carePlanOf(bundle);
    }
  }
}

async function sendPlan(api: FhirApi, bundle: Bundle): Promise<SaveOutcome> {
  const res = await api.request("", { method: "POST", body: bundle, idempotent: true });
  const body = res.body as Bundle | undefined;
  if (!body || body.resourceType !== "Bundle" || !Array.isArray(body.entry))
    throw new FhirError(res.status, "the transaction", undefined, "the server's answer is not a transaction-response Bundle; the plan may or may not be saved — Save again (it will not duplicate)");
  const sent = bundle.entry ?? [];
  const items = sent.map((e, i) => savedItem(body.entry?.[i], e.resource?.resourceType ?? "Resource"));
  const carePlan = items.find((i) => i.resourceType === "CarePlan") ?? null;
  return { items, carePlan, sent: bundle };
}

/**
 * The stored plan after a save, as the next save needs it: the CarePlan's id and new version, and the plan's Goals
 * as written (each sent Goal with the id and version the server gave it; unsent ones as they were). Null when the
 * answer does not name the CarePlan's id and version.
 */
export function existingAfterSave(
  outcome: SaveOutcome,
  previous: { created?: string; goals: Goal[] } | null,
  created: string,
): { id: string; versionId: string; created: string; goals: Goal[]; carePlan: CarePlan | null } | null {
  const cp = outcome.carePlan;
  if (!cp?.id || !cp.versionId) return null;
  const carePlan = outcome.sent.entry?.find((e) => e.resource?.resourceType === "CarePlan")?.resource as CarePlan | undefined;
  const written = new Map<string, Goal>();
  const refOf = new Map<string, string>(); // a new Goal's urn:uuid → "Goal/ID"
  (outcome.sent.entry ?? []).forEach((e, i) => {
    const item = outcome.items[i];
    if (e.resource?.resourceType !== "Goal" || !item?.id) return;
    const goal = { ...(e.resource as Goal), id: item.id, meta: { ...(e.resource as Goal).meta, ...(item.versionId ? { versionId: item.versionId } : {}) } };
    written.set(`Goal/${item.id}`, goal);
    if (e.fullUrl) {
      written.set(e.fullUrl, goal);
      refOf.set(e.fullUrl, `Goal/${item.id}`);
    }
  });
  const before = new Map((previous?.goals ?? []).filter((g) => g.id).map((g) => [`Goal/${g.id}`, g]));
  const goals = (carePlan?.goal ?? [])
    .map((r) => (r.reference ? (written.get(r.reference) ?? before.get(r.reference)) : undefined))
    .filter((g): g is Goal => g !== undefined);
  // The CarePlan as now stored: its id and version, new Goals referred to by id (as a read gives it back).
  const stored = carePlan
    ? ({ ...JSON.parse(JSON.stringify(carePlan, (k, v: unknown) => (k === "reference" && typeof v === "string" ? (refOf.get(v) ?? v) : v))), id: cp.id, meta: { ...carePlan.meta, versionId: cp.versionId } } as CarePlan)
    : null;
  return { id: cp.id, versionId: cp.versionId, created: previous?.created ?? created, goals, carePlan: stored };
}
