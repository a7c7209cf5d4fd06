// The retry policy, one for the app and the CLI (every adapter is wrapped in it):
// - Reads (GET) are retried: on 429 and 503 after the server's Retry-After (capped at 5 s; 1 s when absent), at
//   most twice; on 500, 502, 504, a non-FHIR answer, a network error or a timeout once.
// - Writes are never retried, except a request marked `idempotent` (the plan transaction: conditional creates and
//   If-Match updates with ids fixed by the draft; the stage transaction and a reward: conditional creates): once, on a lost
//   answer (network error, dropped connection, timeout), 429 or 503, with the same body. A duplicate cannot come
//   of it; a lost answer to an If-Match update is resolved by the caller, which re-reads what it wrote (save-plan.ts).
// - A 403 names the SMART scope the request needed (v2 and v1), from the resource type and the interaction.
// Decisions use the status, the headers and the body, never the text of an error message.
import { FhirError } from "./errors.ts";
import type { FhirRequestOptions, FhirResponse, FhirTransport } from "./transport.ts";

export interface RetryPolicy {
  /** Longest wait for a Retry-After, in ms (default 5,000). */
  maxWaitMs?: number;
  /** Retries of a read on 429/503 (default 2). */
  maxThrottleRetries?: number;
  /** Wait before retrying after a server error or a lost answer, in ms (default 300). */
  backoffMs?: number;
  /** How to wait (tests pass a recording one). */
  sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** How long to wait before sending the request again, or null when it must not be sent again. */
export function retryDelay(
  e: FhirError,
  req: FhirRequestOptions,
  tries: { throttled: number; other: number },
  policy: RetryPolicy = {},
): number | null {
  const maxWait = policy.maxWaitMs ?? 5_000;
  const backoff = policy.backoffMs ?? 300;
  const throttle = e.status === 429 || e.status === 503;
  const wait = throttle ? Math.min(e.facts.retryAfterMs ?? 1_000, maxWait) : backoff;
  const lost = e.status === 0;
  if ((req.method ?? "GET") === "GET") {
    if (throttle) return tries.throttled < (policy.maxThrottleRetries ?? 2) ? wait : null;
    const once = lost || e.status === 500 || e.status === 502 || e.status === 504 || e.facts.notFhir === true;
    return once && tries.other < 1 ? wait : null;
  }
  if (!req.idempotent) return null;
  return (lost || throttle) && tries.throttled + tries.other < 1 ? wait : null;
}

/** The transport with the retry policy and the 403 scope on top. */
export function withRetry(transport: FhirTransport, policy: RetryPolicy = {}): FhirTransport {
  const sleep = policy.sleep ?? realSleep;
  return {
    serverUrl: transport.serverUrl,
    async request(url: string, req: FhirRequestOptions = {}): Promise<FhirResponse> {
      const tries = { throttled: 0, other: 0 };
      for (;;) {
        try {
          return await transport.request(url, req);
        } catch (e) {
          if (!(e instanceof FhirError)) throw e;
          if (e.status === 403 && !e.facts.scope) throw e.with({ scope: neededScope(transport.serverUrl, url, req) });
          const wait = retryDelay(e, req, tries, policy);
          if (wait === null) throw e;
          if (e.status === 429 || e.status === 503) tries.throttled++;
          else tries.other++;
          await sleep(wait);
        }
      }
    },
  };
}

const V1: Record<string, string> = { r: "read", s: "read", c: "write", u: "write" };

/** One request's resource type and interaction: "CarePlan" + "u" for a PUT on CarePlan/x. */
function interaction(method: string, path: string): [string, string] | null {
  const [type, id] = path.split("?")[0]!.split("/").filter(Boolean);
  if (!type || !/^[A-Z][A-Za-z]+$/.test(type)) return null;
  const m = method.toUpperCase();
  const code = m === "GET" ? (id && !id.startsWith("_") ? "r" : "s") : m === "PUT" || m === "PATCH" ? "u" : m === "DELETE" ? "d" : "c";
  return [type, code];
}

/**
 * The SMART scopes the request needed: v2 ("patient/CarePlan.u") and v1 ("patient/CarePlan.write"). For a
 * transaction, those of its entries.
 */
export function neededScope(serverUrl: string, url: string, req: FhirRequestOptions): { v2: string; v1: string } {
  const base = serverUrl.replace(/\/+$/, "");
  const path = url.startsWith(base) ? url.slice(base.length) : url;
  const pairs: [string, string][] = [];
  const body = req.body as { resourceType?: string; entry?: { request?: { method?: string; url?: string } }[] } | undefined;
  if (path.replace(/[/?].*$/, "") === "" && body?.resourceType === "Bundle") {
    for (const e of body.entry ?? []) {
      const p = e.request?.method && e.request.url ? interaction(e.request.method, e.request.url) : null;
      if (p) pairs.push(p);
    }
  } else {
    const p = interaction(req.method ?? "GET", path);
    if (p) pairs.push(p);
  }
  const byType = new Map<string, Set<string>>();
  for (const [t, c] of pairs) byType.set(t, (byType.get(t) ?? new Set()).add(c));
  const order = "cruds";
  const v2 = [...byType].map(([t, cs]) => `patient/${t}.${[...order].filter((c) => cs.has(c)).join("")}`);
  const v1 = [...byType].map(([t, cs]) => [...new Set([...cs].map((c) => `patient/${t}.${V1[c] ?? "write"}`))].join(" "));
  return { v2: v2.join(" ") || "a scope for this request", v1: v1.join(" ") || "a scope for this request" };
}
