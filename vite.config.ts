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

/**
 * The app page asks for the first screen's code (root.tsx, the workspace and the engine, and what they import) with
 * <link rel="modulepreload"> in its HTML, so the browser fetches and compiles it while the entry loads and the
 * token is exchanged, not only once main.ts has run (which asks for the same chunks: nothing extra is loaded).
 * They are asked for with fetchpriority="low", so the entry's own graph (what the token request waits for) comes
 * first: in alternating launches the token request went out 27–31 ms sooner, and click → screen was 0.93–0.98× (three
 * runs of 15–21 launches, André and Helen), the reads then sharing the processor with the screens' compilation.
 */
function firstScreenPreload(entries: string[]): Plugin {
  return {
    name: "stagewise-first-screen-preload",
    apply: "build",
    transformIndexHtml: {
      order: "post",
      handler(_html, ctx) {
        if (!ctx.bundle || !ctx.filename.endsWith("index.html")) return;
        const chunks = Object.values(ctx.bundle).filter((c) => c.type === "chunk");
        const byFile = new Map(chunks.map((c) => [c.fileName, c]));
        // The entry's own graph loads anyway; the first screen's chunks and their imports, beyond it, get a link.
        const seen = new Set<string>();
        const wanted: string[] = [];
        const visit = (file: string, out?: string[]) => {
          if (seen.has(file)) return;
          seen.add(file);
          out?.push(file);
          for (const i of byFile.get(file)?.imports ?? []) visit(i, out);
        };
        if (ctx.chunk) visit(ctx.chunk.fileName);
        for (const src of entries) {
          const chunk = chunks.find((c) => c.facadeModuleId?.replaceAll("\\", "/").endsWith(src));
          if (chunk) visit(chunk.fileName, wanted); // none when it is bundled into the entry (then it loads with it)
        }
        return wanted.map((file) => ({ tag: "link", attrs: { rel: "modulepreload", crossorigin: true, fetchpriority: "low", href: `/${file}` }, injectTo: "head" as const }));
      },
    },
  };
}

export default defineConfig({
  plugins: [securityHeadersPlugin(), firstScreenPreload(["src/app/root.tsx", "src/app/Workspace.tsx"])],
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
