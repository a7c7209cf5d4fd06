// The Content-Security-Policy's configuration (src/app/csp.ts): what an operator sets in the environment, what a
// typo gives, what the dev server relaxes, and the headers `npm run --silent csp` prints for another web server.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { cacheControl, contentSecurityPolicy, cspOptionsFromEnv, parseSources, securityHeaders } from "../../src/app/csp.ts";

const directives = (csp: string) => Object.fromEntries(csp.split("; ").map((d) => [d.split(" ")[0], d.split(" ").slice(1).join(" ")]));

describe("configuration", () => {
  it("defaults to the sandbox EHR on 127.0.0.1 (any port) for connections and framing", () => {
    const d = directives(contentSecurityPolicy(cspOptionsFromEnv({})));
    expect(d["connect-src"]).toBe("'self' http://127.0.0.1:*");
    expect(d["frame-ancestors"]).toBe("'self' http://127.0.0.1:*");
  });

  it("takes the FHIR servers and the embedding EHRs from the environment (spaces or commas)", () => {
    const d = directives(
      contentSecurityPolicy(cspOptionsFromEnv({ STAGEWISE_CSP_CONNECT_SRC: "https://fhir.example.org, https://auth.example.org:8443", STAGEWISE_CSP_FRAME_ANCESTORS: "https://ehr.example.org https://*.ehr.example.net" })),
    );
    expect(d["connect-src"]).toBe("'self' https://fhir.example.org https://auth.example.org:8443");
    expect(d["frame-ancestors"]).toBe("https://ehr.example.org https://*.ehr.example.net");
  });

  it.each([
    ["a path-less word", "fhir.example.org;script-src *", "STAGEWISE_CSP_CONNECT_SRC: \"fhir.example.org;script-src\" is not a CSP source"],
    ["a quoted keyword that is not allowed", "'unsafe-inline'", "STAGEWISE_CSP_CONNECT_SRC: \"'unsafe-inline'\" is not a CSP source"],
    ["a URL with a path and query", "https://x.example/fhir?x=1", "STAGEWISE_CSP_CONNECT_SRC: \"https://x.example/fhir?x=1\" is not a CSP source"],
  ])("refuses %s with a message naming the setting and the value", (_label, value, message) => {
    expect(() => cspOptionsFromEnv({ STAGEWISE_CSP_CONNECT_SRC: value })).toThrow(message);
  });

  it("parses sources one by one", () => {
    expect(parseSources(" 'self'  https: https://a.example:*,http://[::1]:8090 ", "x")).toEqual(["'self'", "https:", "https://a.example:*", "http://[::1]:8090"]);
  });
});

describe("the policy", () => {
  it("production: nothing inline, nothing from elsewhere, no plugins, no <base>", () => {
    const d = directives(contentSecurityPolicy(cspOptionsFromEnv({})));
    expect(d).toMatchObject({ "default-src": "'none'", "script-src": "'self'", "style-src": "'self'", "object-src": "'none'", "base-uri": "'none'", "form-action": "'self'" });
  });

  it("dev: inline style and the HMR WebSocket, nothing more (scripts stay 'self')", () => {
    const prod = directives(contentSecurityPolicy(cspOptionsFromEnv({})));
    const dev = directives(contentSecurityPolicy(cspOptionsFromEnv({}), true));
    expect(dev["script-src"]).toBe("'self'");
    expect(dev["style-src"]).toBe("'self' 'unsafe-inline'");
    expect(dev["connect-src"]).toBe("'self' ws://127.0.0.1:* http://127.0.0.1:*");
    const changed = Object.keys(prod).filter((k) => prod[k] !== dev[k]);
    expect(changed.sort()).toEqual(["connect-src", "style-src"]);
  });

  it("no frame-ancestors configured means no framing at all", () => {
    expect(directives(contentSecurityPolicy({ connectSrc: [], frameAncestors: [] }))["frame-ancestors"]).toBe("'none'");
  });

  it("`npm run --silent csp` prints the headers for a web server, from the same environment", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [fileURLToPath(new URL("../../src/app/csp.ts", import.meta.url))], {
      env: { ...process.env, STAGEWISE_CSP_CONNECT_SRC: "https://fhir.example.org", STAGEWISE_CSP_FRAME_ANCESTORS: "https://ehr.example.org" },
    });
    const expected = securityHeaders({ connectSrc: ["https://fhir.example.org"], frameAncestors: ["https://ehr.example.org"] });
    const lines = stdout.trimEnd().split("\n");
    expect(lines.slice(0, 3)).toEqual(Object.entries(expected).map(([k, v]) => `${k}: ${v}`));
    // …and how long each file may be kept: a year for the content-hashed assets, revalidated pages.
    expect(lines.slice(3)).toEqual([
      "Cache-Control: public, max-age=31536000, immutable   (files under /assets/: their names change with their content)",
      "Cache-Control: no-cache   (everything else: index.html, launch.html)",
    ]);
  });
});

describe("caching", () => {
  it.each([
    ["/assets/Workspace-CbG2JQtp.js", "public, max-age=31536000, immutable"],
    ["/assets/app-U0WEBGT9.css", "public, max-age=31536000, immutable"],
    ["/stagewise/assets/app-5MYg3GUh.js", "public, max-age=31536000, immutable"], // served under a base path
    ["/", "no-cache"],
    ["/index.html", "no-cache"],
    ["/launch.html", "no-cache"],
    ["/assets/", "no-cache"], // a folder, not a hashed file
    ["/assets/nested/x.js", "no-cache"], // the build puts no folders under assets/
  ])("%s: %s", (path, expected) => {
    expect(cacheControl(path)).toBe(expected);
  });
});
