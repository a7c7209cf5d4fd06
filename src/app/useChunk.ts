// A screen's code chunk in a component: the module once it has arrived (at once when it already has), or the error
// that stopped it. See screens.ts for why this is not React.lazy.
import { useEffect, useState } from "react";
import type { Chunk } from "./screens.ts";

export function useChunk<M>(c: Chunk<M>): { module: M | null; error: unknown; retry(): void } {
  const [state, setState] = useState<{ module: M | null; error: unknown }>(() => ({ module: c.loaded(), error: null }));
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (state.module) return;
    let current = true;
    c.load().then(
      (module) => current && setState({ module, error: null }),
      (error: unknown) => current && setState({ module: null, error }),
    );
    return () => {
      current = false;
    };
  }, [c, state.module, attempt]);
  const retry = () => {
    setState({ module: null, error: null });
    setAttempt((n) => n + 1);
  };
  return { ...state, retry };
}
