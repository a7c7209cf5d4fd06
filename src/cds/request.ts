// Checking a patient-view hook request body (CDS Hooks 2.0 "Calling a CDS Service"): anything malformed is a 400 that
// names the field. Pure.
import type { FhirResource } from "fhir/r4.js";
import { HOOK } from "./service.ts";
import { CdsError } from "./types.ts";
import type { CdsRequest, FhirAuthorization, PatientViewContext } from "./types.ts";

const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

const bad = (message: string): CdsError => new CdsError(400, message);

function nonEmptyString(x: unknown, name: string): string {
  if (typeof x !== "string" || x.trim() === "") throw bad(`${name} must be a non-empty string`);
  return x;
}

function httpUrl(x: unknown, name: string): string {
  const s = nonEmptyString(x, name);
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    throw bad(`${name} is not a URL: ${JSON.stringify(s.slice(0, 200))}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw bad(`${name} must be an http(s) URL`);
  return s.replace(/\/+$/, "");
}

function context(x: unknown): PatientViewContext {
  if (!isObject(x)) throw bad("context must be an object with userId and patientId");
  const patientId = nonEmptyString(x.patientId, "context.patientId");
  if (!FHIR_ID.test(patientId)) throw bad(`context.patientId is not a FHIR id: ${JSON.stringify(patientId.slice(0, 80))}`);
  const ctx: PatientViewContext = { userId: nonEmptyString(x.userId, "context.userId"), patientId };
  if (x.encounterId !== undefined) ctx.encounterId = nonEmptyString(x.encounterId, "context.encounterId");
  return ctx;
}

function authorization(x: unknown, patientId: string): FhirAuthorization {
  if (!isObject(x)) throw bad("fhirAuthorization must be an object");
  const tokenType = nonEmptyString(x.token_type, "fhirAuthorization.token_type");
  if (tokenType.toLowerCase() !== "bearer") throw bad(`fhirAuthorization.token_type must be "Bearer" (got ${JSON.stringify(tokenType)})`);
  if (typeof x.expires_in !== "number" || !Number.isFinite(x.expires_in)) throw bad("fhirAuthorization.expires_in must be a number of seconds");
  const auth: FhirAuthorization = {
    access_token: nonEmptyString(x.access_token, "fhirAuthorization.access_token"),
    token_type: "Bearer",
    expires_in: x.expires_in,
    scope: nonEmptyString(x.scope, "fhirAuthorization.scope"),
    subject: nonEmptyString(x.subject, "fhirAuthorization.subject"),
  };
  if (x.patient !== undefined) {
    auth.patient = nonEmptyString(x.patient, "fhirAuthorization.patient");
    if (auth.patient !== patientId) throw bad(`fhirAuthorization.patient (${auth.patient}) is not context.patientId (${patientId})`);
  }
  return auth;
}

function prefetch(x: unknown): Record<string, FhirResource | null> {
  if (!isObject(x)) throw bad("prefetch must be an object of prefetch key → resource or null");
  const out: Record<string, FhirResource | null> = {};
  for (const [key, value] of Object.entries(x)) {
    if (value === null) out[key] = null;
    else if (isObject(value) && typeof value.resourceType === "string") out[key] = value as unknown as FhirResource;
    else throw bad(`prefetch.${key} must be a FHIR resource or null`);
  }
  return out;
}

/** The request, checked; throws CdsError 400 naming what is wrong. */
export function parseCdsRequest(body: unknown): CdsRequest {
  if (!isObject(body)) throw bad("The request body must be a JSON object");
  const hook = nonEmptyString(body.hook, "hook");
  if (hook !== HOOK) throw bad(`hook must be "${HOOK}" for this service (got ${JSON.stringify(hook)})`);
  const ctx = context(body.context);
  const request: CdsRequest = { hook, hookInstance: nonEmptyString(body.hookInstance, "hookInstance"), context: ctx };
  if (body.fhirServer !== undefined) request.fhirServer = httpUrl(body.fhirServer, "fhirServer");
  if (body.fhirAuthorization !== undefined) {
    if (request.fhirServer === undefined) throw bad("fhirAuthorization needs fhirServer (the FHIR base the token is for)");
    request.fhirAuthorization = authorization(body.fhirAuthorization, ctx.patientId);
  }
  if (body.prefetch !== undefined) request.prefetch = prefetch(body.prefetch);
  return request;
}
