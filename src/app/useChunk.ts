// A screen's code chunk in a component: the module once it has arrived (at once when it already has), or the error
// that stopped it. See screens.ts for why this is not React.lazy.
import { useEffect, useState } from "react";
import type { Chunk } from "./screens.ts";

export function useChunk<M>(c: Chunk<M>): { module: M | null; error: unknown; retry(): void } {
  const [state, setState] = useState<{ module: M | null; error: unknown }>(() => ({ module: c.loaded(), error: null }));
  // Loads while there is neither a module nor an error; retry clears the error, which loads again.
  useEffect(() => {
    if (state.module || state.error) return;
    let current = true;
    c.load().then(
      (module) => current && setState({ module, error: null }),
      (error: unknown) => current && setState({ module: null, error }),
    );
    return () => {
      current = false;
    };
  }, [c, state.module, state.error]);
  return { ...state, retry: () => setState({ module: null, error: null }) };
}
