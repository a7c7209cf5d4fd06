// The screens' code chunks, fetched by main.ts as soon as the page's first script runs (in parallel with the token
// exchange and the first reads) and kept once loaded. React-free, so the entry can start them before React itself
// has loaded. App.tsx renders a screen directly when its chunk is there, and a plain "Preparing…" line until then:
// not React.lazy, whose Suspense boundary React holds back for up to 300 ms after its fallback appeared.
export interface Chunk<M> {
  /** Fetches the chunk (once; again after a failure) and keeps the module. */
  load(): Promise<M>;
  /** The module when it has arrived, else null. */
  loaded(): M | null;
  /** Starts fetching it ahead of need; a failure is left for the screen that shows it (it fetches again). */
  prefetch(): void;
}

export function chunk<M>(importer: () => Promise<M>): Chunk<M> {
  let pending: Promise<M> | null = null;
  let module: M | null = null;
  const c: Chunk<M> = {
    load: () =>
      (pending ??= importer().then(
        (m) => (module = m),
        (e: unknown) => {
          pending = null; // a later load tries again (a dropped connection, a deploy that replaced the files)
          throw e;
        },
      )),
    loaded: () => module,
    prefetch: () => void c.load().catch(() => undefined),
  };
  return c;
}

export const workspaceChunk = chunk(() => import("./Workspace.tsx"));
export const caseloadChunk = chunk(() => import("./caseload/CaseloadScreen.tsx"));
