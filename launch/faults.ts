// Fault injection for /fhir requests, so that an app's (and a test's) handling of a failing server can be seen:
//   npm run sandbox -- --faults 0.05,500,503,drop-after --fault-seed 42
// A share `rate` of FHIR requests (never the authorization server, discovery or the simulator; never a CORS
// preflight) gets one of `kinds`, drawn from a pseudo-random sequence: the same seed and the same requests in the
// same order give the same faults. The simulator's /ehr/api/faults changes the settings at run time.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { OperationOutcome, OperationOutcomeIssue } from "@medplum/fhirtypes";
import { prng } from "../scripts/patients/builders.ts";
import { corsHeaders } from "./http-util.ts";

export const FAULT_KINDS = ["500", "503", "429", "timeout", "drop-before", "drop-after", "401", "non-json", "multi-issue"] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** What each kind does, for --help, the simulator and the README. */
export const FAULT_DESCRIPTIONS: Record<FaultKind, string> = {
  "500": "500 with an OperationOutcome (nothing done)",
  "503": "503 with Retry-After (nothing done)",
  "429": "429 with Retry-After (nothing done)",
  timeout: "no answer: the connection is held past the client's timeout (hangMs), then closed (nothing done)",
  "drop-before": "the connection is dropped before the request is handled (nothing done)",
  "drop-after": "the request is handled (a write is committed), then the connection is dropped without an answer",
  "401": "401 invalid_token, as if the access token had expired (the token still works)",
  "non-json": "502 with an HTML page instead of JSON (as a proxy in front of a server would send)",
  "multi-issue": "422 with an OperationOutcome holding several issues (nothing done)",
};

export interface FaultSettings {
  /** Share of FHIR requests that get a fault, 0–1. */
  rate: number;
  kinds: FaultKind[];
  /** Seed of the draw: the same seed and requests give the same faults. */
  seed: number;
  /** How long a "timeout" holds the connection before closing it, in ms. */
  hangMs: number;
}

export interface FaultRecord {
  /** The FHIR request's number since the settings last changed (1 = first). */
  n: number;
  kind: FaultKind;
  method: string;
  /** The path only (no query). */
  path: string;
  /** The request's X-Request-Id header, when it has one. */
  requestId?: string;
}

const MAX_RECORDS = 10_000;
const MAX_HANG_MS = 120_000;

export function isFaultKind(k: unknown): k is FaultKind {
  return typeof k === "string" && (FAULT_KINDS as readonly string[]).includes(k);
}

/** Checks settings from the command line or the simulator; throws a message naming what is wrong. */
export function checkFaultSettings(p: Partial<Record<keyof FaultSettings, unknown>>): Partial<FaultSettings> {
  const out: Partial<FaultSettings> = {};
  if (p.rate !== undefined) {
    if (typeof p.rate !== "number" || !(p.rate >= 0 && p.rate <= 1)) throw new Error(`the fault rate must be a number from 0 to 1 (got ${JSON.stringify(p.rate)})`);
    out.rate = p.rate;
  }
  if (p.kinds !== undefined) {
    if (!Array.isArray(p.kinds) || p.kinds.length === 0) throw new Error(`fault kinds must be a non-empty list of: ${FAULT_KINDS.join(", ")}`);
    const bad = p.kinds.filter((k) => !isFaultKind(k));
    if (bad.length > 0) throw new Error(`unknown fault kind ${bad.map((k) => JSON.stringify(k)).join(", ")}; the kinds are ${FAULT_KINDS.join(", ")}`);
    out.kinds = [...new Set(p.kinds as FaultKind[])];
  }
  if (p.seed !== undefined) {
    if (typeof p.seed !== "number" || !Number.isInteger(p.seed)) throw new Error(`the fault seed must be a whole number (got ${JSON.stringify(p.seed)})`);
    out.seed = p.seed;
  }
  if (p.hangMs !== undefined) {
    if (typeof p.hangMs !== "number" || !Number.isInteger(p.hangMs) || p.hangMs < 0 || p.hangMs > MAX_HANG_MS) {
      throw new Error(`the fault hang must be a whole number of ms from 0 to ${MAX_HANG_MS}`);
    }
    out.hangMs = p.hangMs;
  }
  return out;
}

/** "0.05,500,503,drop-after" → rate and kinds (all kinds when none is named). */
export function parseFaultSpec(spec: string): Pick<FaultSettings, "rate" | "kinds"> {
  const [rate, ...kinds] = spec.split(",").map((s) => s.trim());
  const checked = checkFaultSettings({ rate: rate === "" || rate === undefined ? NaN : Number(rate), kinds: kinds.length > 0 ? kinds : [...FAULT_KINDS] });
  return { rate: checked.rate as number, kinds: checked.kinds as FaultKind[] };
}

export class FaultInjector {
  private current: FaultSettings;
  private random: () => number;
  private count = 0;
  /** Faults injected since the sandbox started (the last 10,000). */
  readonly injected: FaultRecord[] = [];

  constructor(settings: Partial<FaultSettings> = {}) {
    this.current = { rate: 0, kinds: [...FAULT_KINDS], seed: Date.now() % 2 ** 31, hangMs: 15_000, ...checkFaultSettings(settings) };
    this.random = prng(`faults:${this.current.seed}`);
  }

  settings(): FaultSettings {
    return { ...this.current, kinds: [...this.current.kinds] };
  }

  /** Changes the settings; a seed given (or a change of rate or kinds) restarts the draw from that seed. */
  configure(settings: Partial<Record<keyof FaultSettings, unknown>>): FaultSettings {
    const checked = checkFaultSettings(settings);
    this.current = { ...this.current, ...checked };
    if (checked.seed !== undefined || checked.rate !== undefined || checked.kinds !== undefined) {
      this.random = prng(`faults:${this.current.seed}`);
      this.count = 0;
    }
    return this.settings();
  }

  /** The fault for this FHIR request, or undefined (most of the time). */
  draw(req: IncomingMessage, path: string): FaultKind | undefined {
    if (this.current.rate <= 0 || req.method === "OPTIONS") return undefined;
    this.count++;
    if (this.random() >= this.current.rate) return undefined;
    const kinds = this.current.kinds;
    const kind = kinds[Math.floor(this.random() * kinds.length)] ?? kinds[0];
    if (!kind) return undefined;
    const requestId = req.headers["x-request-id"];
    this.injected.push({ n: this.count, kind, method: req.method ?? "GET", path, ...(typeof requestId === "string" ? { requestId } : {}) });
    if (this.injected.length > MAX_RECORDS) this.injected.splice(0, this.injected.length - MAX_RECORDS);
    return kind;
  }

  get hangMs(): number {
    return this.current.hangMs;
  }
}

function injected(text: string): string {
  return `${text} (sandbox fault injection)`;
}

function sendOutcome(req: IncomingMessage, res: ServerResponse, status: number, issues: OperationOutcomeIssue[], headers: Record<string, string> = {}): void {
  const body: OperationOutcome = { resourceType: "OperationOutcome", issue: issues };
  res.writeHead(status, { "Content-Type": "application/fhir+json; charset=utf-8", "Cache-Control": "no-store", ...corsHeaders(req), ...headers });
  res.end(JSON.stringify(body));
}

const error = (code: OperationOutcomeIssue["code"], text: string, expression?: string): OperationOutcomeIssue => ({
  severity: "error",
  code,
  details: { text: injected(text) },
  ...(expression ? { expression: [expression] } : {}),
});

/** Closes the connection without an answer. */
function drop(req: IncomingMessage): void {
  req.socket.destroy();
}

/**
 * Answers a request with the fault instead of handling it; for "drop-after", runs `handle` with its answer
 * swallowed and then drops the connection. Resolves when done (for "timeout", when the connection is closed).
 */
export async function injectFault(kind: FaultKind, req: IncomingMessage, res: ServerResponse, handle: (res: ServerResponse) => Promise<void>, hangMs: number): Promise<void> {
  switch (kind) {
    case "500":
      return sendOutcome(req, res, 500, [error("exception", "Internal server error")]);
    case "503":
      return sendOutcome(req, res, 503, [error("transient", "Service unavailable, try again shortly")], { "Retry-After": "1" });
    case "429":
      return sendOutcome(req, res, 429, [error("throttled", "Too many requests, slow down")], { "Retry-After": "1" });
    case "401":
      return sendOutcome(req, res, 401, [error("login", "The access token expired")], {
        "WWW-Authenticate": `Bearer realm="sandbox", error="invalid_token", error_description="${injected("The access token expired")}"`,
      });
    case "non-json":
      res.writeHead(502, { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store", ...corsHeaders(req) });
      res.end("<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><p>sandbox fault injection</p></body></html>");
      return;
    case "multi-issue":
      return sendOutcome(req, res, 422, [
        error("business-rule", "The request breaks a business rule", "Resource"),
        error("required", "A required element is missing", "Resource.status"),
        { severity: "warning", code: "informational", details: { text: injected("A warning that comes with the errors") } },
      ]);
    case "timeout":
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          drop(req);
          resolve();
        }, hangMs);
        timer.unref();
        req.socket.once("close", () => {
          clearTimeout(timer);
          resolve();
        });
      });
      return;
    case "drop-before":
      drop(req);
      return;
    case "drop-after": {
      // handled in full (a write commits); whatever it answers is swallowed and the connection dropped
      const silent = res as ServerResponse & { writeHead: unknown; write: unknown; end: unknown };
      silent.writeHead = () => res;
      silent.write = () => true;
      silent.end = () => {
        drop(req);
        return res;
      };
      await handle(res);
      if (!req.socket.destroyed) drop(req);
      return;
    }
  }
}
