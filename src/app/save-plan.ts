// Saving a plan: one transaction (buildPlanBundle) and what the server says it created, from the
// transaction-response entries' response.location / etag.
import type { Bundle } from "fhir/r4.js";
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

/** Sends the plan as one transaction. Throws a FhirError (with the server's OperationOutcome) when it fails. */
export async function savePlan(api: FhirApi, draft: PlanDraft, ctx: PlanContext): Promise<SaveOutcome> {
  const bundle = buildPlanBundle(draft, ctx);
  const res = await api.request("", { method: "POST", body: bundle });
  const body = res.body as Bundle | undefined;
  if (!body || body.resourceType !== "Bundle" || !Array.isArray(body.entry))
    throw new FhirError(res.status, "the transaction", undefined, "the server's answer is not a transaction-response Bundle; the plan may or may not be saved — Save again (it will not duplicate)");
  const sent = bundle.entry ?? [];
  const items = sent.map((e, i) => savedItem(body.entry?.[i], e.resource?.resourceType ?? "Resource"));
  const carePlan = items.find((i) => i.resourceType === "CarePlan") ?? null;
  return { items, carePlan };
}
