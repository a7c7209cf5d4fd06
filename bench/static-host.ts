// The app's static host for the launch benches: the production build served as a deployment serves it (`npm run
// csp` prints the headers), in a process of its own. In a deployment the app's files come from their own web server
// or a CDN, not from the EHR's: served from the sandbox's process, every chunk the app fetches during the token
// exchange would hold up the EHR's token and FHIR responses on one event loop, a cost no real launch has. Files
// under assets/ are content-hashed and cached for a year (cacheControl), so a launch after the first loads the code
// from the browser's cache, as a clinician's daily launches do; the pages are revalidated (ETag, 304). The reads
// baseline and the minimal app are served by the same host with the same headers, so all pages are measured alike.
//
//   node bench/static-host.ts DIST_DIR      (prints {"origin": …} on its first line; stops when stdin closes)
import { readFileSync, statSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { cacheControl, cspOptionsFromEnv, securityHeaders } from "../src/app/csp.ts";
import { startChildServer } from "./child-server.ts";

export interface StaticHost {
  origin: string;
  close(): Promise<void>;
}

/** Starts the host in a child process and resolves once it listens. */
export function startStaticHost(outDir: string): Promise<StaticHost> {
  return startChildServer<{ origin: string }>(import.meta.url, [outDir], "static host");
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".map": "application/json",
  ".svg": "image/svg+xml",
};

function serve(dir: string): Promise<string> {
  const root = resolve(dir);
  const files = new Map<string, { body: Buffer; etag: string }>();
  const server = createServer((req, res) => {
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? "/", "http://host").pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    if (path.endsWith("/")) path += "index.html";
    const file = normalize(join(root, path));
    if (!file.startsWith(root + sep)) {
      res.writeHead(404).end();
      return;
    }
    let entry = files.get(file);
    if (!entry) {
      try {
        const stat = statSync(file);
        if (!stat.isFile()) throw new Error("not a file");
        entry = { body: readFileSync(file), etag: `W/"${stat.size}-${stat.mtimeMs}"` };
        files.set(file, entry);
      } catch {
        res.writeHead(404, { "content-type": "text/plain" }).end("not found");
        return;
      }
    }
    const headers = {
      ...securityHeaders(cspOptionsFromEnv(process.env)),
      "cache-control": cacheControl(path),
      etag: entry.etag,
      "content-type": TYPES[extname(file)] ?? "application/octet-stream",
    };
    if (req.headers["if-none-match"] === entry.etag) {
      res.writeHead(304, headers).end();
      return;
    }
    res.writeHead(200, { ...headers, "content-length": entry.body.length }).end(req.method === "HEAD" ? undefined : entry.body);
  });
  return new Promise((ok) => server.listen(0, "127.0.0.1", () => ok(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const outDir = process.argv[2];
  if (!outDir) throw new Error("usage: node bench/static-host.ts DIST_DIR");
  console.log(JSON.stringify({ origin: await serve(outDir) }));
  process.stdin.resume();
  process.stdin.once("end", () => process.exit(0));
}
