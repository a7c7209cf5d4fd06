// Small node:http helpers shared by the sandbox's FHIR, auth and EHR routes.
import type { IncomingMessage, ServerResponse } from "node:http";
import { MAX_BODY_BYTES } from "./limits.ts";

export { MAX_BODY_BYTES } from "./limits.ts";

export class BodyError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/** Past this much, a body over the limit is no longer drained: the connection is closed instead. */
const MAX_DRAIN_BYTES = 64 * 1024 * 1024;

/**
 * The request body as text, at most `limit` bytes. A larger body is read to its end and thrown away, and then
 * rejected with a 413 BodyError, so that the client gets the answer instead of a reset connection (a client that
 * sends more than MAX_DRAIN_BYTES is cut off).
 */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else if (chunks.length > 0) chunks.length = 0; // over the limit: keep reading, keep nothing
      if (size > MAX_DRAIN_BYTES) req.destroy();
    });
    req.on("close", () => {
      if (!req.complete) reject(new BodyError(400, "The request body ended early (connection closed)"));
    });
    req.on("end", () => {
      if (size > limit) reject(new BodyError(413, `The request body is larger than ${Math.round(limit / 1024 / 1024)} MB, the most the sandbox accepts`));
      else resolve(Buffer.concat(chunks).toString("utf8"));
    });
    req.on("error", reject);
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store", ...headers });
  res.end(text);
}

/**
 * The sandbox's HTML pages (EHR simulator, sign-in/approval, error pages). frame-ancestors 'self' and
 * X-Frame-Options: only the sandbox may frame them (no clickjacking of "Allow"); the simulator frames the app
 * (frame-src), and the app's sign-in inside that frame has the simulator, the same origin, as its ancestor.
 */
export function sendHtml(res: ServerResponse, status: number, html: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    "Content-Type": "text/html; charset=utf-8",
    "Cache-Control": "no-store",
    "Content-Security-Policy":
      "default-src 'self'; img-src 'self' data:; frame-src http: https:; style-src 'self' 'unsafe-inline'; form-action 'self' http: https:; frame-ancestors 'self'",
    "X-Frame-Options": "SAMEORIGIN",
    "X-Content-Type-Options": "nosniff",
    ...headers,
  });
  res.end(html);
}

export function redirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { Location: location, "Cache-Control": "no-store" });
  res.end();
}

/** Escapes text for HTML element content and attribute values. */
export function esc(text: unknown): string {
  return String(text ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** CORS for the app's cross-origin calls (the app runs on another port): any origin, bearer tokens only. */
export function corsHeaders(req: IncomingMessage): Record<string, string> {
  const origin = req.headers.origin;
  return {
    "Access-Control-Allow-Origin": typeof origin === "string" ? origin : "*",
    Vary: "Origin",
    "Access-Control-Allow-Methods": "GET, POST, PUT, PATCH, DELETE, OPTIONS",
    "Access-Control-Allow-Headers": "Authorization, Content-Type, Accept, If-Match, If-None-Exist, If-None-Match, Prefer, X-Requested-With",
    "Access-Control-Expose-Headers": "ETag, Location, Last-Modified, Content-Location, WWW-Authenticate",
    "Access-Control-Max-Age": "600",
  };
}

/** The form fields of an application/x-www-form-urlencoded body. */
export function formFields(body: string): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(body));
}
