// The sandbox's request log: one line per request, when it ends, with method, path and query, status, duration,
// client id and patient in context (and the injected fault, if any).
//   2026-11-23T10:00:00.000Z GET /fhir/Observation?patient=pw-x&category=laboratory 200 4ms client=stagewise patient=pw-x
// Never logged: bodies, headers (so no bearer token), and any query value but those known to be harmless (paging,
// sorting, _include, patient/subject ids, categories, statuses, the OAuth client, redirect URI and scope). The
// rest is "[redacted]": authorization codes, state, launch, PKCE values, and search values that may carry patient
// data (name, birthdate, identifier, code…). The simulator's launch ids in paths are redacted too.
import type { IncomingMessage, ServerResponse } from "node:http";
import { getSearchParameter } from "@medplum/core";

export type LogMode = "off" | "lines" | "json";
export const LOG_MODES: readonly LogMode[] = ["off", "lines", "json"];

/** What a handler learns about a request that the log line should show. */
export interface RequestNote {
  clientId?: string;
  patient?: string;
  fault?: string;
}

const notes = new WeakMap<IncomingMessage, RequestNote>();

/** Adds to what the log line of this request shows (called by the handlers once they know). */
export function noteRequest(req: IncomingMessage, note: RequestNote): void {
  notes.set(req, { ...notes.get(req), ...note });
}

/** Query parameters whose values are logged as sent. */
const KEEP = new Set([
  "_count", "_offset", "_sort", "_include", "_revinclude", "_include:iterate", "_revinclude:iterate", "_elements", "_summary", "_total",
  "_format", "_id", "patient", "subject", "category", "status", "intent", "lifecycle-status", "clinical-status", "verification-status",
  "response_type", "client_id", "redirect_uri", "scope", "aud", "code_challenge_method",
]);
/** Other parameter names that may be shown (their values are not). */
const KNOWN_NAMES = new Set(["code", "state", "launch", "code_challenge", "code_verifier", "iss", "nonce", "access_token", "refresh_token", "_cursor"]);

const REDACTED = "[redacted]";

/** The path with its query, every value that might be secret or patient data replaced by [redacted]. */
export function redactedTarget(url: URL): string {
  const path = url.pathname.replace(/^(\/ehr\/api\/launch\/)[^/]+/, `$1${REDACTED}`);
  const resourceType = /^\/fhir\/([A-Z][A-Za-z]+)/.exec(url.pathname)?.[1];
  const query = url.search.slice(1);
  if (!query) return path;
  const parts = query.split("&").map((pair) => {
    const eq = pair.indexOf("=");
    const rawName = eq < 0 ? pair : pair.slice(0, eq);
    let name: string;
    try {
      name = decodeURIComponent(rawName);
    } catch {
      return `${REDACTED}=${REDACTED}`;
    }
    const base = name.split(":")[0] ?? name;
    const showName = KEEP.has(name) || KNOWN_NAMES.has(name) || (resourceType !== undefined && getSearchParameter(resourceType, base) !== undefined);
    if (!showName) return `${REDACTED}=${REDACTED}`;
    if (KEEP.has(name)) return pair;
    return `${rawName}=${REDACTED}`;
  });
  return `${path}?${parts.join("&")}`;
}

/** Starts the log line of a request (written when its response ends or its connection closes). */
export function requestLogger(mode: LogMode, sink: (line: string) => void): ((req: IncomingMessage, res: ServerResponse, url: URL) => void) | undefined {
  if (mode === "off") return undefined;
  return (req, res, url) => {
    const t0 = performance.now();
    let done = false;
    const write = (): void => {
      if (done) return;
      done = true;
      const note = notes.get(req) ?? {};
      const record = {
        time: new Date().toISOString(),
        method: req.method ?? "GET",
        path: redactedTarget(url),
        status: res.headersSent ? res.statusCode : null,
        ms: Math.round(performance.now() - t0),
        client: note.clientId ?? (url.pathname.startsWith("/auth/") ? url.searchParams.get("client_id") : null),
        patient: note.patient ?? null,
        ...(note.fault ? { fault: note.fault } : {}),
      };
      if (mode === "json") sink(JSON.stringify(record));
      else {
        const fault = record.fault ? ` fault=${record.fault}` : "";
        sink(`${record.time} ${record.method} ${record.path} ${record.status ?? "-"} ${record.ms}ms client=${record.client ?? "-"} patient=${record.patient ?? "-"}${fault}`);
      }
    };
    res.on("finish", write);
    res.on("close", write);
  };
}
