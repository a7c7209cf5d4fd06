// @vitest-environment jsdom
// A screen's code chunk (screens.ts, ChunkSlot): shown at once when it has arrived (no React.lazy, whose Suspense
// boundary React holds back for up to 300 ms), "Preparing …" while it loads, and when it cannot be fetched, what
// failed and "Try again", which fetches it again and shows the screen.
import { act } from "preact/test-utils";
import { afterEach, describe, expect, it } from "vitest";
import { ChunkSlot } from "../../src/app/components/ChunkSlot.tsx";
import { chunk } from "../../src/app/screens.ts";
import { byRole, click, render, text, waitFor, type Rendered } from "./helpers/app-dom.tsx";

interface Screen {
  title: string;
}

/** An importer the test resolves or rejects by hand, counting its calls. */
function controlled() {
  const calls: { resolve(m: Screen): void; reject(e: Error): void }[] = [];
  const importer = () => new Promise<Screen>((resolve, reject) => calls.push({ resolve, reject }));
  return { calls, c: chunk(importer) };
}

/** Resolves or rejects the import inside act, so React commits what follows before the test looks. */
const settle = (f: () => void) => act(async () => f());

let view: Rendered | undefined;
afterEach(() => {
  view?.unmount();
  view = undefined;
});

const slot = (c: ReturnType<typeof controlled>["c"]) => <ChunkSlot chunk={c} what="summary" render={(m) => <h2>{m.title}</h2>} />;

describe("a screen from its code chunk", () => {
  it("renders the screen in the first commit when the chunk has already arrived", async () => {
    const { calls, c } = controlled();
    const loading = c.load();
    calls[0]!.resolve({ title: "Next steps" });
    await loading;
    view = await render(slot(c));
    // The first commit already holds the screen: no "Preparing" line, no waiting for a fallback to be replaced.
    expect(byRole("heading", "Next steps")).toBeTruthy();
    expect(text()).not.toContain("Preparing");
    expect(calls).toHaveLength(1);
  });

  it("says it is preparing while the chunk loads, then shows the screen", async () => {
    const { calls, c } = controlled();
    view = await render(slot(c));
    expect(byRole("status", /Preparing the summary/)).toBeTruthy();
    await settle(() => calls[0]!.resolve({ title: "Next steps" }));
    await waitFor(() => byRole("heading", "Next steps"));
    expect(text()).not.toContain("Preparing");
  });

  it("a chunk that cannot be fetched: says what failed, and Try again fetches it again", async () => {
    const { calls, c } = controlled();
    view = await render(slot(c));
    await settle(() => calls[0]!.reject(new TypeError("Failed to fetch dynamically imported module: https://app.example/assets/Workspace-x.js")));
    await waitFor(() => byRole("button", "Try again"));
    expect(text()).toContain("Could not load the summary");
    expect(text()).toContain("Failed to fetch dynamically imported module");
    await click(byRole("button", "Try again"));
    await waitFor(() => expect(calls).toHaveLength(2));
    await settle(() => calls[1]!.resolve({ title: "Next steps" }));
    await waitFor(() => byRole("heading", "Next steps"));
    expect(text()).not.toContain("Could not load");
  });

  it("loads once, whoever asks: the page's early fetch and the screen share one import", async () => {
    const { calls, c } = controlled();
    const early = c.load();
    view = await render(slot(c));
    expect(calls).toHaveLength(1);
    await settle(() => calls[0]!.resolve({ title: "Next steps" }));
    await early;
    await waitFor(() => byRole("heading", "Next steps"));
    expect(c.loaded()).toEqual({ title: "Next steps" });
  });
});
