// The app is written against React's API and runs on Preact (preact/compat): the same components in a tenth of
// the bytes (about 21 KB of the first screen's JavaScript instead of React DOM's 215 KB, which every launch had to
// load and compile before the first screen). The build and the tests use the same aliases, so what the tests
// render is what ships; the types stay React's (@types/react).
import type { Alias } from "vite";

export const reactAliases: Alias[] = [
  { find: /^react-dom\/client$/, replacement: "preact/compat/client" },
  { find: /^react-dom\/server$/, replacement: "preact/compat/server" },
  { find: /^react-dom\/test-utils$/, replacement: "preact/test-utils" },
  { find: /^react-dom$/, replacement: "preact/compat" },
  { find: /^react\/jsx-runtime$/, replacement: "preact/jsx-runtime" },
  { find: /^react\/jsx-dev-runtime$/, replacement: "preact/jsx-dev-runtime" },
  { find: /^react$/, replacement: "preact/compat" },
];
