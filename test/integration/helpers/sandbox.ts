// Starting the sandbox EHR in-process for integration tests (port 0, the small fixtures, no date shift) and
// talking to it over real HTTP.
import { fileURLToPath } from "node:url";
import type { Bundle, OperationOutcome, Resource } from "fhir/r4.js";
import { createLaunch, getToken } from "../../../launch/dev-client.ts";
import type { TokenResponse } from "../../../launch/dev-client.ts";
import { startSandbox } from "../../../launch/server.ts";
import type { Sandbox } from "../../../launch/server.ts";

export const FIXTURES = fileURLToPath(new URL("../fixtures/sandbox", import.meta.url));

/** Fixture patients (see test/integration/fixtures/sandbox/). */
export const ALEX = "sbx-alex"; // 24 laboratory (opiate screens) + 6 survey (stage) + 2 vital-signs Observations, 2 MedicationRequests → Medication sbx-med-bup-nx
export const BLAIR = "sbx-blair"; // 6 laboratory (fentanyl screens) + 1 survey Observation, 1 MedicationRequest, 1 Condition

export function fixtureSandbox(extra: Parameters<typeof startSandbox>[0] = {}): Promise<Sandbox> {
  return startSandbox({ port: 0, quiet: true, dataDirs: [FIXTURES], shiftDates: false, ...extra });
}

export interface FhirReply<T = Resource> {
  status: number;
  headers: Headers;
  body: T;
}

export async function fhir<T = Resource>(s: Sandbox, token: string | undefined, path: string, init: { method?: string; body?: unknown; headers?: Record<string, string>; signal?: AbortSignal } = {}): Promise<FhirReply<T>> {
  const url = path.startsWith("http") ? path : `${s.fhirBase}/${path}`;
  const res = await fetch(url, {
    method: init.method ?? "GET",
    headers: {
      Accept: "application/fhir+json",
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(init.body !== undefined ? { "Content-Type": "application/fhir+json" } : {}),
      ...init.headers,
    },
    ...(init.body !== undefined ? { body: typeof init.body === "string" ? init.body : JSON.stringify(init.body) } : {}),
    ...(init.signal ? { signal: init.signal } : {}),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as T };
}

/** A token for the clinician with user-level access to everything (standalone, no patient). */
export async function userToken(s: Sandbox, scope = "user/*.cruds"): Promise<TokenResponse> {
  return getToken({ fhirBase: s.fhirBase, scope, user: "clinician" });
}

/** A token from an EHR launch for `patient`. */
export async function launchToken(s: Sandbox, patient: string, scope: string, user = "clinician"): Promise<TokenResponse> {
  const { launch } = await createLaunch(s.origin, patient, user);
  return getToken({ fhirBase: s.fhirBase, scope: `launch ${scope}`, launch });
}

export function ids(bundle: Bundle, mode: "match" | "include" = "match"): string[] {
  return (bundle.entry ?? []).filter((e) => (e.search?.mode ?? "match") === mode).map((e) => `${e.resource?.resourceType}/${e.resource?.id}`);
}

export function issueText(o: unknown): string {
  return ((o as OperationOutcome).issue ?? []).map((i) => `${i.details?.text ?? ""} @ ${(i.expression ?? []).join(",")}`).join("; ");
}

/** Follows `next` links to the end; returns every page. */
export async function allPages(s: Sandbox, token: string, path: string): Promise<Bundle[]> {
  const pages: Bundle[] = [];
  let next: string | undefined = path;
  while (next) {
    const r: FhirReply<Bundle> = await fhir<Bundle>(s, token, next);
    if (r.status !== 200) throw new Error(`${next}: HTTP ${r.status} ${issueText(r.body)}`);
    pages.push(r.body);
    next = r.body.link?.find((l) => l.relation === "next")?.url;
    if (pages.length > 100) throw new Error("next links do not end");
  }
  return pages;
}
