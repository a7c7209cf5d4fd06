import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

export default defineConfig({
  plugins: [react()],
  // fhirclient's "pure" build drops its fetch/AbortController polyfills (see README: bundle size).
  define: { FHIRCLIENT_PURE: "true" },
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
