// The app's security headers, above all its Content-Security-Policy: scripts and styles only from the app's own
// origin (no inline script: the production build has none), network connections only to the FHIR servers the app
// is configured for, and framing only by the EHRs configured to embed it. Vite's dev and preview servers send these
// headers (vite.config.ts); any other web server serving the built app must send the same (`npm run --silent csp`
// prints them). Not part of the app bundle: only the build configuration and the tests import this file.
//
// The trade-off: an EHR launch may name any FHIR server (`iss`), but the policy is fixed when the page is served, so
// the app can only talk to servers listed here. An unlisted server's launch fails with a CSP violation (the launch
// page says which server was refused). Listing `https:` instead lets the app talk to any HTTPS server, which gives
// up the protection against sending data anywhere.
import { ISSUERS } from "./launch-config.ts";

/** The local sandbox EHR (`npm start`: port 8090; tests: a random port). Always on 127.0.0.1. */
export const SANDBOX_SOURCES: readonly string[] = ["http://127.0.0.1:*"];

export interface CspOptions {
  /** Origins the app may connect to (FHIR servers, their authorization servers), besides its own. */
  connectSrc: readonly string[];
  /** Who may embed the app in a frame (the EHRs that show it inside their window). */
  frameAncestors: readonly string[];
}

/** One CSP source expression: an origin (wildcard port or subdomain allowed), a scheme, or a keyword. */
const SOURCE = /^(?:'self'|'none'|[a-z][a-z0-9+.-]*:|[a-z][a-z0-9+.-]*:\/\/(?:(?:\*\.)?[a-z0-9.-]+|\[[0-9a-f:]+\])(?::(?:\d{1,5}|\*))?)$/i;

/** Source expressions from configuration text (space- or comma-separated); throws on anything that is not one. */
export function parseSources(text: string, what: string): string[] {
  const sources = text.split(/[\s,]+/).filter(Boolean);
  for (const s of sources) if (!SOURCE.test(s)) throw new Error(`${what}: "${s}" is not a CSP source (an origin such as https://ehr.example.org, a scheme such as https:, or 'self')`);
  return sources;
}

/** "https://ehr.example.org" for "https://ehr.example.org/fhir/R4"; null for anything that is not an http(s) URL. */
export function originOf(url: string): string | null {
  try {
    const u = new URL(url);
    return u.protocol === "https:" || u.protocol === "http:" ? u.origin : null;
  } catch {
    return null;
  }
}

/** The FHIR servers of launch-config.ts ISSUERS and the other origins listed with them. */
export function issuerSources(): string[] {
  const out = new Set<string>();
  for (const [iss, config] of Object.entries(ISSUERS)) {
    const origin = originOf(iss);
    if (origin) out.add(origin);
    for (const extra of config.connect ?? []) {
      const o = originOf(extra);
      if (o) out.add(o);
    }
  }
  return [...out];
}

/**
 * The options from the environment:
 * - STAGEWISE_CSP_CONNECT_SRC: the servers the app may connect to (replaces the sandbox default; the ISSUERS of
 *   launch-config.ts are always included);
 * - STAGEWISE_CSP_FRAME_ANCESTORS: who may embed the app (default: the app itself and the sandbox EHR).
 */
export function cspOptionsFromEnv(env: Record<string, string | undefined>): CspOptions {
  const connect = env.STAGEWISE_CSP_CONNECT_SRC?.trim()
    ? parseSources(env.STAGEWISE_CSP_CONNECT_SRC, "STAGEWISE_CSP_CONNECT_SRC")
    : [...SANDBOX_SOURCES];
  const frame = env.STAGEWISE_CSP_FRAME_ANCESTORS?.trim()
    ? parseSources(env.STAGEWISE_CSP_FRAME_ANCESTORS, "STAGEWISE_CSP_FRAME_ANCESTORS")
    : ["'self'", ...SANDBOX_SOURCES];
  return { connectSrc: [...new Set([...issuerSources(), ...connect])], frameAncestors: frame };
}

/**
 * The policy. `dev` relaxes it for Vite's dev server only: Vite injects CSS as inline <style> and reloads over a
 * WebSocket. The production build needs neither. (Scripts stay 'self' in dev too: there is no inline preamble.)
 */
export function contentSecurityPolicy(options: CspOptions, dev = false): string {
  const directives: [string, string[]][] = [
    ["default-src", ["'none'"]],
    ["script-src", ["'self'"]],
    ["style-src", dev ? ["'self'", "'unsafe-inline'"] : ["'self'"]],
    ["img-src", ["'self'", "data:"]],
    ["font-src", ["'self'"]],
    ["connect-src", ["'self'", ...(dev ? ["ws://127.0.0.1:*"] : []), ...options.connectSrc]],
    ["frame-ancestors", options.frameAncestors.length ? [...options.frameAncestors] : ["'none'"]],
    ["form-action", ["'self'"]],
    ["base-uri", ["'none'"]],
    ["object-src", ["'none'"]],
  ];
  return directives.map(([name, sources]) => `${name} ${sources.join(" ")}`).join("; ");
}

/** Every header the app's pages are served with. */
export function securityHeaders(options: CspOptions, dev = false): Record<string, string> {
  return {
    "Content-Security-Policy": contentSecurityPolicy(options, dev),
    "X-Content-Type-Options": "nosniff",
    // The authorization code and state are in the address of the app page until fhirclient removes them: no
    // Referer header may carry them elsewhere.
    "Referrer-Policy": "no-referrer",
  };
}

/**
 * How long a browser may keep a file of the built app. Files under assets/ are named by a hash of their content (a
 * new build gives new names), so they never change: kept for a year without asking again, and a clinician's next
 * launch loads the app's code from the browser's cache. The pages (index.html, launch.html) name the current
 * assets, so they are checked on every load.
 */
export function cacheControl(path: string): string {
  return /\/assets\/[^/]+$/.test(path) ? "public, max-age=31536000, immutable" : "no-cache";
}

// `npm run --silent csp`: the headers to set on a web server serving the built app (from the same environment).
if (import.meta.url === `file://${process.argv[1]}`) {
  for (const [name, value] of Object.entries(securityHeaders(cspOptionsFromEnv(process.env)))) console.log(`${name}: ${value}`);
  console.log(`Cache-Control: ${cacheControl("/assets/app.js")}   (files under /assets/: their names change with their content)`);
  console.log(`Cache-Control: ${cacheControl("/index.html")}   (everything else: index.html, launch.html)`);
}
