// The production build from tests and benches (no browser dependencies here).
import { build, type InlineConfig } from "vite";

/**
 * `vite build` as `npm run build` makes it. Under vitest NODE_ENV is "test", and Vite would then build React's
 * development runtime (jsxDEV, StrictMode double effects) into the bundle; NODE_ENV is "production" while it builds.
 */
export async function productionBuild(config: InlineConfig): Promise<void> {
  const before = process.env.NODE_ENV;
  process.env.NODE_ENV = "production";
  try {
    await build(config);
  } finally {
    if (before === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = before;
  }
}
