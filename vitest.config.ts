import { defineConfig } from "vitest/config";
import { reactAliases } from "./react-alias.ts";

export default defineConfig({
  resolve: { alias: reactAliases },
  test: {
    include: ["test/**/*.test.ts", "test/**/*.test.tsx"],
    environment: "node",
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
