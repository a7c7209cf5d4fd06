// The FHIR REST endpoint of the sandbox ([base] = http://127.0.0.1:PORT/fhir): bearer-token check, body parsing
// (size 413, nesting depth), the FHIR router (router.ts) behind the access guard with the request's budget
// (limits.ts), and the HTTP side of FHIR (status, ETag, Location, Last-Modified, OperationOutcome errors). Writes
// run one at a time so a transaction never interleaves; a write's time budget starts when its turn comes.
import type { IncomingMessage, ServerResponse } from "node:http";
import { OperationOutcomeError } from "@medplum/core";
import type { FhirRouter, HttpMethod } from "@medplum/fhir-router";
import type { OperationOutcome, Resource } from "@medplum/fhirtypes";
import type { SmartAuth } from "./auth.ts";
import { capabilityStatement } from "./capability.ts";
import type { FhirStore } from "./fhir-store.ts";
import { GuardedRepository } from "./guard.ts";
import { BodyError, corsHeaders, readBody } from "./http-util.ts";
import { jsonDepthExceeds, RequestBudget } from "./limits.ts";
import type { Limits } from "./limits.ts";
import { outcome, statusOf } from "./outcomes.ts";
import { noteRequest } from "./request-log.ts";
import { validateAhead } from "./validate.ts";

export interface FhirHttpDeps {
  store: FhirStore;
  auth: SmartAuth;
  router: FhirRouter;
  fhirBase: string;
  /** Runs writes one after another. */
  serialize: <T>(fn: () => Promise<T>) => Promise<T>;
  /** Read for each request, so that changes apply at once. */
  limits: Readonly<Limits>;
}

const FHIR_JSON = "application/fhir+json; charset=utf-8";
const METHODS = new Set(["GET", "POST", "PUT", "PATCH", "DELETE"]);

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string>): void {
  res.writeHead(status, { "Content-Type": FHIR_JSON, "Cache-Control": "no-store", ...headers });
  res.end(JSON.stringify(body));
}

function sendOutcome(res: ServerResponse, o: OperationOutcome, headers: Record<string, string>): void {
  const status = statusOf(o);
  const extra: Record<string, string> = {};
  if (status === 401) {
    const text = o.issue?.[0]?.details?.text ?? "unauthorized";
    extra["WWW-Authenticate"] = text.startsWith("Missing")
      ? 'Bearer realm="sandbox"'
      : `Bearer realm="sandbox", error="invalid_token", error_description="${text.replace(/["\\]/g, "")}"`;
  }
  send(res, status, o, { ...headers, ...extra });
}

/** If-Match as the router reads it: W/"3" (a bare 3 or "3" is accepted too). */
function normalizeIfMatch(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^W\/"[^"]+"$/.test(v)) return v;
  const bare = v.replace(/^"|"$/g, "");
  return `W/"${bare}"`;
}

async function parseBody(req: IncomingMessage, method: string, limits: Readonly<Limits>): Promise<unknown> {
  if (method !== "POST" && method !== "PUT" && method !== "PATCH") return undefined;
  const text = await readBody(req);
  const type = (req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  if (type === "application/x-www-form-urlencoded") return Object.fromEntries(new URLSearchParams(text));
  if (type !== "" && type !== "application/fhir+json" && type !== "application/json" && type !== "application/json-patch+json") {
    throw new OperationOutcomeError({
      ...outcome(400, `Unsupported Content-Type "${type}": send application/fhir+json`),
      id: "unsupported-media-type",
    });
  }
  if (text.trim() === "") throw new OperationOutcomeError(outcome(400, "The request body is empty"));
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new OperationOutcomeError(outcome(400, `The request body is not valid JSON: ${(err as Error).message}`));
  }
  if (jsonDepthExceeds(parsed, limits.maxJsonDepth)) {
    throw new OperationOutcomeError(outcome(400, `The request body is nested more than ${limits.maxJsonDepth} levels deep`));
  }
  return parsed;
}

function resourceHeaders(resource: Resource, status: number, fhirBase: string): Record<string, string> {
  const h: Record<string, string> = {};
  const version = resource.meta?.versionId;
  if (!version || resource.resourceType === "Bundle" || !resource.id) return h;
  h.ETag = `W/"${version}"`;
  if (resource.meta?.lastUpdated) h["Last-Modified"] = new Date(resource.meta.lastUpdated).toUTCString();
  const location = `${fhirBase}/${resource.resourceType}/${resource.id}/_history/${version}`;
  if (status === 201) h.Location = location;
  h["Content-Location"] = location;
  return h;
}

export async function handleFhir(req: IncomingMessage, res: ServerResponse, url: URL, deps: FhirHttpDeps): Promise<void> {
  const cors = corsHeaders(req);
  const method = req.method ?? "GET";
  if (method === "OPTIONS") {
    res.writeHead(204, cors);
    res.end();
    return;
  }
  const fhirPath = new URL(deps.fhirBase).pathname;
  const rel = url.pathname.slice(fhirPath.length) || "/";
  try {
    if (method === "GET" && rel === "/metadata") {
      send(res, 200, capabilityStatement(deps.fhirBase, deps.auth.authorizeUrl, deps.auth.tokenUrl), cors);
      return;
    }
    if (!METHODS.has(method)) throw new OperationOutcomeError(outcome(400, `Method ${method} is not supported`));
    const token = await deps.auth.authenticate(req.headers.authorization);
    noteRequest(req, { clientId: token.clientId, ...(token.access.patient ? { patient: token.access.patient } : {}) });
    const body = await parseBody(req, method, deps.limits);
    const headers = { ...req.headers };
    const ifMatch = normalizeIfMatch(req.headers["if-match"]);
    if (ifMatch) headers["if-match"] = ifMatch;
    else delete headers["if-match"];
    delete headers.authorization;
    const ahead = new RequestBudget(deps.limits);
    await validateAhead(body, method, () => ahead.step());
    let budget: RequestBudget | undefined;
    const run = () => {
      budget = new RequestBudget(deps.limits);
      return deps.router.handleRequest(
        { method: method as HttpMethod, url: rel + url.search, pathname: "", body, params: {}, query: {}, headers, config: { transactions: true } },
        new GuardedRepository(deps.store, token.access, budget),
      );
    };
    const [result, resource] = method === "GET" ? await run() : await deps.serialize(run);
    if (budget?.failure) throw budget.failure;
    const status = statusOf(result);
    if (status >= 400) {
      sendOutcome(res, result, cors);
      return;
    }
    if (!resource) {
      send(res, status, result, cors);
      return;
    }
    send(res, status, resource, { ...cors, ...resourceHeaders(resource, status, deps.fhirBase) });
  } catch (err) {
    if (err instanceof OperationOutcomeError) sendOutcome(res, err.outcome, cors);
    else if (err instanceof BodyError) send(res, err.status, outcome(err.status, err.message, undefined, err.status === 413 ? "too-long" : "invalid"), cors);
    else {
      const message = err instanceof Error ? err.message : String(err);
      send(res, 500, outcome(500, `Sandbox error: ${message}`), cors);
    }
  }
}
