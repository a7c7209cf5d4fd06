// The CDS Hooks endpoints over node:http, for any server (the sandbox mounts it; `npm run cds-hooks` runs it alone):
//   GET  {base}/cds-services                                     discovery (open: it holds no patient data)
//   POST {base}/cds-services/stagewise-patient-view              the patient-view service (EHR JWT required)
//   POST {base}/cds-services/stagewise-patient-view/feedback     card feedback (EHR JWT required)
// Errors are an OperationOutcome with the status CDS Hooks gives: 400 bad body, 401 JWT refused, 412 data missing.
// Nothing about the patient or any token is logged.
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { OperationOutcome } from "fhir/r4.js";
import { evaluate, EvaluateError } from "../clinical/evaluate.ts";
import { recordFromEntries, RecordError } from "../clinical/record.ts";
import type { RecordEntry } from "../clinical/record.ts";
import { localToday } from "../cli/run.ts";
import { FhirError } from "../fhir/errors.ts";
import { patientViewCards } from "./cards.ts";
import type { Authenticate } from "./ehr-auth.ts";
import { parseFeedback } from "./feedback.ts";
import type { FeedbackRecord } from "./feedback.ts";
import { readRecordFromServer } from "./fhir-source.ts";
import type { ReadRecord } from "./fhir-source.ts";
import { readPrefetch } from "./prefetch.ts";
import { parseCdsRequest } from "./request.ts";
import { SERVICE_ID, serviceDescription } from "./service.ts";
import { CdsError } from "./types.ts";
import type { CdsRequest, CdsResponse } from "./types.ts";

export const MAX_BODY_BYTES = 50 * 1024 * 1024;
const MAX_KEPT = 1000;

export interface CdsHandlerOptions {
  /** Where `/cds-services` is served from, e.g. http://127.0.0.1:8090: the JWT `aud` is checked against it. */
  baseUrl: string;
  /** The app's SMART launch URL, for the card's `smart` link. */
  appLaunchUrl: string;
  /** The EHR JWT check; null turns it off (standalone development only, `--no-jwt`). */
  authenticate: Authenticate | null;
  /** Reads the record from the EHR's FHIR server when prefetch is missing. */
  readRecord?: ReadRecord;
  /** "Today" for the engine (YYYY-MM-DD); default this machine's date. */
  today?: () => string;
}

export interface CdsHandler {
  /** Handles /cds-services…; false when the path is not ours. */
  handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean>;
  /** Feedback received (card uuid, outcome, time; never the user's comment), newest last. */
  readonly feedback: FeedbackRecord[];
}

function outcome(status: number, text: string): OperationOutcome {
  const code = status === 401 ? "login" : status === 404 ? "not-found" : status === 412 ? "not-found" : status >= 500 ? "exception" : "invalid";
  return { resourceType: "OperationOutcome", issue: [{ severity: "error", code, details: { text } }] };
}

function cors(req: IncomingMessage): Record<string, string> {
  return {
    "Access-Control-Allow-Origin": typeof req.headers.origin === "string" ? req.headers.origin : "*",
    Vary: "Origin",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Authorization, Content-Type, Accept",
    "Access-Control-Max-Age": "600",
  };
}

function send(req: IncomingMessage, res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store", ...cors(req), ...headers });
  res.end(JSON.stringify(body));
}

function readJson(req: IncomingMessage): Promise<unknown> {
  const type = (req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
  if (type !== "application/json") return Promise.reject(new CdsError(415, "Send the request as Content-Type: application/json"));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new CdsError(413, `Request body larger than ${MAX_BODY_BYTES} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      try {
        resolve(JSON.parse(text));
      } catch (e) {
        reject(new CdsError(400, `The request body is not JSON (${e instanceof Error ? e.message : String(e)})`));
      }
    });
    req.on("error", reject);
  });
}

/** The record's entries: prefetch when complete, else the whole record from the FHIR server; 412 when neither. */
async function recordEntries(request: CdsRequest, readRecord: ReadRecord): Promise<RecordEntry[]> {
  const { entries, missing } = readPrefetch(request);
  if (missing.length === 0) return entries;
  const keys = missing.map((m) => `${m.key} (${m.why})`).join(", ");
  if (!request.fhirServer || !request.fhirAuthorization)
    throw new CdsError(412, `Prefetch incomplete: ${keys}; and no fhirServer with fhirAuthorization to read the record from`);
  // The reads run in parallel, so reading the whole record costs about as much as reading the missing part, and the
  // engine then sees one consistent record.
  try {
    return await readRecord(request.fhirServer, request.context.patientId, request.fhirAuthorization.access_token);
  } catch (e) {
    if (e instanceof FhirError) {
      const failed = e.status === 0 || e.status >= 500;
      throw new CdsError(failed ? 502 : 412, `Prefetch incomplete (${keys}) and the FHIR server refused or failed: ${e.message}`);
    }
    throw e;
  }
}

export function createCdsHandler(options: CdsHandlerOptions): CdsHandler {
  const base = options.baseUrl.replace(/\/+$/, "");
  const discoveryPath = `${new URL(base).pathname.replace(/\/+$/, "")}/cds-services`;
  const servicePath = `${discoveryPath}/${SERVICE_ID}`;
  const serviceUrl = `${base}/cds-services/${SERVICE_ID}`;
  const readRecord = options.readRecord ?? readRecordFromServer;
  const today = options.today ?? localToday;
  const issued = new Set<string>();
  const feedback: FeedbackRecord[] = [];

  const authenticate = async (req: IncomingMessage, audience: string | string[]): Promise<void> => {
    if (options.authenticate) await options.authenticate(req.headers.authorization, audience);
  };

  const callService = async (req: IncomingMessage): Promise<CdsResponse> => {
    await authenticate(req, serviceUrl);
    const request = parseCdsRequest(await readJson(req));
    const entries = await recordEntries(request, readRecord);
    let record;
    try {
      record = recordFromEntries(entries, { patientId: request.context.patientId });
    } catch (e) {
      if (e instanceof RecordError) throw new CdsError(412, `The record could not be read: ${e.message}`);
      throw e;
    }
    const evaluation = evaluate(record, { now: today() });
    const uuid = randomUUID();
    const cards = patientViewCards(evaluation, { uuid, appLaunchUrl: options.appLaunchUrl });
    if (cards.length) {
      issued.add(uuid);
      if (issued.size > 10 * MAX_KEPT) issued.delete(issued.values().next().value as string);
    }
    return { cards };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> => {
    const path = url.pathname.replace(/\/+$/, "");
    if (path !== discoveryPath && !path.startsWith(`${discoveryPath}/`)) return false;
    const method = req.method ?? "GET";
    try {
      if (method === "OPTIONS") {
        res.writeHead(204, cors(req));
        res.end();
        return true;
      }
      if (path === discoveryPath) {
        if (method !== "GET") throw new CdsError(405, "Use GET for discovery", { Allow: "GET" });
        send(req, res, 200, { services: [serviceDescription()] });
        return true;
      }
      if (path === servicePath) {
        if (method !== "POST") throw new CdsError(405, "Call the service with POST", { Allow: "POST" });
        send(req, res, 200, await callService(req));
        return true;
      }
      if (path === `${servicePath}/feedback`) {
        if (method !== "POST") throw new CdsError(405, "Send feedback with POST", { Allow: "POST" });
        await authenticate(req, [`${serviceUrl}/feedback`, serviceUrl]);
        const received = parseFeedback(await readJson(req), (card) => issued.has(card));
        feedback.push(...received);
        feedback.splice(0, Math.max(0, feedback.length - MAX_KEPT));
        send(req, res, 200, {});
        return true;
      }
      throw new CdsError(404, `No CDS service at ${url.pathname}; discovery: ${discoveryPath}`);
    } catch (e) {
      if (e instanceof CdsError) {
        const headers = { ...e.headers };
        if (e.status === 401) headers["WWW-Authenticate"] = 'Bearer realm="cds-services", error="invalid_token"';
        send(req, res, e.status, outcome(e.status, e.message), headers);
        return true;
      }
      if (e instanceof EvaluateError) {
        send(req, res, 500, outcome(500, e.message));
        return true;
      }
      throw e;
    }
  };

  return { handle, feedback };
}
