// The EHR simulator: its page (/ehr/), script and styles, and a small JSON API the page calls:
// GET /ehr/api/context, POST /ehr/api/launch, GET /ehr/api/launch/:id, POST /ehr/api/expire, POST /ehr/api/reset,
// GET and POST /ehr/api/faults (fault injection on /fhir: rate, kinds, seed).
// POSTs must be application/json (a cross-site form cannot send that without a CORS preflight, which we refuse).
import { readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { stripTypeScriptTypes } from "node:module";
import type { SmartAuth } from "../auth.ts";
import { FAULT_DESCRIPTIONS, FAULT_KINDS } from "../faults.ts";
import type { FaultInjector } from "../faults.ts";
import { readBody, redirect, sendHtml, sendJson } from "../http-util.ts";

export interface PatientOption {
  id: string;
  label: string;
}

export interface EhrDeps {
  auth: SmartAuth;
  fhirBase: string;
  clientId: string;
  defaultLaunchUrl: string;
  patients: () => PatientOption[];
  patientExists: (id: string) => boolean;
  /** Reloads the seed data; resolves to the number of resources loaded. */
  reset: () => Promise<number>;
  faults: FaultInjector;
}

interface LaunchRecord {
  url: string;
  mode: string;
}

const SMART_STYLE = {
  color_background: "#ffffff",
  color_error: "#8a1c1c",
  color_highlight: "#1f5fbf",
  color_modal_backdrop: "#00000080",
  color_success: "#1d6b36",
  color_text: "#1a1a1a",
  dim_border_radius: "4px",
  dim_font_size: "16px",
  dim_spacing_size: "16px",
  font_family_body: "system-ui, sans-serif",
  font_family_heading: "system-ui, sans-serif",
};

const read = (name: string): string => readFileSync(new URL(`./${name}`, import.meta.url), "utf8");

/** A browser script: a .ts file here with its types removed (Node's own type stripper, without its warning). */
function browserScript(name: string): string {
  const original = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    if (String(warning).includes("stripTypeScriptTypes")) return;
    (original as (...a: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    return stripTypeScriptTypes(read(name));
  } finally {
    process.emitWarning = original;
  }
}

/** The JSON object body of a simulator API call (415 unless application/json, 400 unless an object). */
export async function jsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const type = (req.headers["content-type"] ?? "").split(";")[0]?.trim();
  if (type !== "application/json") throw Object.assign(new Error("Send application/json"), { status: 415 });
  const text = await readBody(req);
  const parsed: unknown = text ? JSON.parse(text) : {};
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw Object.assign(new Error("Expected a JSON object"), { status: 400 });
  return parsed as Record<string, unknown>;
}

export function createEhrRoutes(deps: EhrDeps): (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean> {
  const html = read("index.html");
  const css = read("simulator.css");
  const scripts = new Map([
    ["/ehr/simulator.js", browserScript("simulator.ts")],
    ["/ehr/faults.js", browserScript("faults-panel.ts")],
  ]);
  const launches = new Map<string, LaunchRecord>();

  return async (req, res, url) => {
    const path = url.pathname;
    const method = req.method ?? "GET";
    if (method === "GET" && (path === "/" || path === "/ehr")) {
      redirect(res, "/ehr/");
      return true;
    }
    if (method === "GET" && path === "/ehr/") {
      sendHtml(res, 200, html);
      return true;
    }
    const script = method === "GET" ? scripts.get(path) : undefined;
    if (script !== undefined) {
      res.writeHead(200, { "Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "no-store" });
      res.end(script);
      return true;
    }
    if (method === "GET" && path === "/ehr/simulator.css") {
      res.writeHead(200, { "Content-Type": "text/css; charset=utf-8", "Cache-Control": "no-store" });
      res.end(css);
      return true;
    }
    if (method === "GET" && path === "/ehr/smart-style.json") {
      // SMART "context-style": the EHR's look, for apps embedded in it (smart_style_url in the token response).
      sendJson(res, 200, SMART_STYLE, { "Access-Control-Allow-Origin": "*", "Cache-Control": "max-age=300" });
      return true;
    }
    if (!path.startsWith("/ehr/api/")) return false;
    try {
      if (method === "GET" && path === "/ehr/api/context") {
        sendJson(res, 200, {
          fhirBase: deps.fhirBase,
          smartConfiguration: `${deps.fhirBase}/.well-known/smart-configuration`,
          defaultLaunchUrl: deps.defaultLaunchUrl,
          clientId: deps.clientId,
          patients: deps.patients(),
          users: deps.auth.opts.users.map((u) => ({ id: u.id, label: u.label })),
        });
        return true;
      }
      if (method === "POST" && path === "/ehr/api/launch") {
        const b = await jsonBody(req);
        const patient = typeof b.patient === "string" ? b.patient : "";
        const user = typeof b.user === "string" ? b.user : "";
        const mode = b.mode === "window" ? "window" : "iframe";
        const launchUrl = typeof b.launchUrl === "string" && b.launchUrl ? b.launchUrl : deps.defaultLaunchUrl;
        // No patient: a user-level launch (the app opens the user's caseload).
        if (patient !== "" && !deps.patientExists(patient)) return sendJson(res, 400, { error: `Unknown patient "${patient}"` }), true;
        if (!deps.auth.opts.users.some((u) => u.id === user)) return sendJson(res, 400, { error: `Unknown user "${user}"` }), true;
        let target: URL;
        try {
          target = new URL(launchUrl);
          if (target.protocol !== "http:" && target.protocol !== "https:") throw new Error("not http");
        } catch {
          return sendJson(res, 400, { error: `The app launch URL "${launchUrl}" is not an http(s) URL` }), true;
        }
        // Embedded in the EHR's own page the EHR shows the banner; in a window of its own the app must.
        const launch = deps.auth.createLaunch({ ...(patient ? { patient } : {}), user, needPatientBanner: mode === "window" });
        target.searchParams.set("iss", deps.fhirBase);
        target.searchParams.set("launch", launch.id);
        launches.set(launch.id, { url: target.toString(), mode });
        sendJson(res, 200, { launch: launch.id, url: target.toString(), patient, user, mode, sessions: [] });
        return true;
      }
      const m = /^\/ehr\/api\/launch\/([A-Za-z0-9_-]+)$/.exec(path);
      if (method === "GET" && m?.[1]) {
        const launch = deps.auth.getLaunch(m[1]);
        const record = launches.get(m[1]);
        if (!launch || !record) return sendJson(res, 404, { error: "Unknown or expired launch" }), true;
        sendJson(res, 200, {
          launch: launch.id,
          url: record.url,
          mode: record.mode,
          ...(launch.patient ? { patient: launch.patient } : {}),
          user: deps.auth.opts.users.find((u) => u.id === launch.user)?.label ?? launch.user,
          sessions: deps.auth.sessionsForLaunch(launch.id),
        });
        return true;
      }
      if (method === "POST" && path === "/ehr/api/expire") {
        const b = await jsonBody(req);
        const launch = typeof b.launch === "string" ? b.launch : undefined;
        // { refresh: true }: end the session too (the refresh token answers invalid_grant).
        if (b.refresh === true) sendJson(res, 200, { expired: deps.auth.expireAccessTokens(launch), ended: deps.auth.endSessions(launch) });
        else sendJson(res, 200, { expired: deps.auth.expireAccessTokens(launch) });
        return true;
      }
      if (path === "/ehr/api/faults" && (method === "GET" || method === "POST")) {
        if (method === "POST") {
          const b = await jsonBody(req);
          try {
            deps.faults.configure({ ...("rate" in b ? { rate: b.rate } : {}), ...("kinds" in b ? { kinds: b.kinds } : {}), ...("seed" in b ? { seed: b.seed } : {}) });
          } catch (err) {
            return sendJson(res, 400, { error: (err as Error).message }), true;
          }
        }
        sendJson(res, 200, { ...deps.faults.settings(), available: FAULT_KINDS, descriptions: FAULT_DESCRIPTIONS });
        return true;
      }
      if (method === "POST" && path === "/ehr/api/reset") {
        await jsonBody(req);
        sendJson(res, 200, { resources: await deps.reset() });
        return true;
      }
      sendJson(res, 404, { error: `No simulator API at ${method} ${path}` });
      return true;
    } catch (err) {
      const status = (err as { status?: number }).status ?? 400;
      sendJson(res, status, { error: err instanceof Error ? err.message : String(err) });
      return true;
    }
  };
}
