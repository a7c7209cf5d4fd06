// A screen from its code chunk (screens.ts): directly when the chunk is there, "Preparing the …" until it arrives,
// and what failed, with a way to try again, when it cannot be fetched (the launch and the record are kept).
import type { ReactNode } from "react";
import type { Chunk } from "../screens.ts";
import { useChunk } from "../useChunk.ts";
import { ErrorMessage } from "./ErrorMessage.tsx";

/** A screen whose code chunk did not arrive: what failed, and a way to try again without losing the launch. */
function ChunkFailed({ what, error, retry }: { what: string; error: unknown; retry(): void }) {
  return (
    <>
      <ErrorMessage
        title={`Could not load the ${what}`}
        error={error}
        hint="The app's files could not be fetched (the connection dropped, or a new version was installed). Try again, or launch the app again from the EHR."
      />
      <button type="button" onClick={retry}>
        Try again
      </button>
    </>
  );
}

/** A screen from its chunk: directly when the chunk is there, else "Preparing …" until it arrives. */
export function ChunkSlot<M>({ chunk, what, render }: { chunk: Chunk<M>; what: string; render(m: M): ReactNode }) {
  const { module, error, retry } = useChunk(chunk);
  if (module) return render(module);
  if (error) return <ChunkFailed what={what} error={error} retry={retry} />;
  return <p role="status">Preparing the {what}…</p>;
}

