import type { IncomingMessage, ServerResponse } from "node:http";
import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin } from "vite";
import { cspOptionsFromEnv, securityHeaders } from "./src/app/csp.ts";
import { reactAliases } from "./react-alias.ts";

/**
 * The security headers (src/app/csp.ts) on every response of the dev and preview servers. Read from the environment
 * per request (STAGEWISE_CSP_CONNECT_SRC, STAGEWISE_CSP_FRAME_ANCESTORS), so a test can point them at a sandbox it
 * started after the server. The dev server's policy is relaxed (inline React Refresh preamble, inline styles, HMR).
 */
function securityHeadersPlugin(): Plugin {
  const use = (dev: boolean) => (_req: IncomingMessage, res: ServerResponse, next: () => void) => {
    for (const [name, value] of Object.entries(securityHeaders(cspOptionsFromEnv(process.env), dev))) res.setHeader(name, value);
    next();
  };
  return {
    name: "stagewise-security-headers",
    configureServer(server) {
      server.middlewares.use(use(true));
    },
    configurePreviewServer(server) {
      server.middlewares.use(use(false));
    },
  };
}

export default defineConfig({
  plugins: [securityHeadersPlugin()],
  // fhirclient's "pure" build drops its fetch/AbortController polyfills (see README: bundle size).
  define: { FHIRCLIENT_PURE: "true" },
  resolve: { alias: reactAliases },
  server: { host: "127.0.0.1", port: 5173, strictPort: true },
  preview: { host: "127.0.0.1", port: 4173, strictPort: true },
  build: {
    target: "es2022",
    sourcemap: true,
    rollupOptions: {
      // Two pages: the app (the SMART redirect target) and the SMART launch page.
      input: {
        app: fileURLToPath(new URL("./index.html", import.meta.url)),
        launch: fileURLToPath(new URL("./launch.html", import.meta.url)),
      },
    },
  },
});
