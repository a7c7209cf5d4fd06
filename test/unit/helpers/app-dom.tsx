// Minimal DOM testing helpers for the app's component tests (no testing-library): render with react-dom/client
// inside act(), wait for what a user would see, find controls by their label, type and click.
import type { ReactElement } from "react";
import { options } from "preact";
import { act } from "preact/test-utils";
import { createRoot, type Root } from "react-dom/client";

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

// Preact runs effects after the next paint: requestAnimationFrame raced with a 35-ms timer whose callback calls
// cancelAnimationFrame. jsdom never paints, so a render near a file's end left that timer running after vitest had
// torn jsdom down, and it threw "cancelAnimationFrame is not defined" into the run (a loaded machine, 2026-11-30).
// Here effects run on the next timer turn instead; act() still flushes them at once.
(options as { requestAnimationFrame?: (callback: () => void) => void }).requestAnimationFrame = (callback) => {
  setTimeout(callback, 0);
};

export interface Rendered {
  container: HTMLElement;
  root: Root;
  unmount(): void;
}

export async function render(element: ReactElement): Promise<Rendered> {
  const container = document.createElement("div");
  document.body.appendChild(container);
  const root = createRoot(container);
  await act(async () => {
    root.render(element);
  });
  return {
    container,
    root,
    unmount() {
      act(() => root.unmount());
      container.remove();
    },
  };
}

/** Polls `check` (inside act, so effects and resolved promises flush) until it stops throwing. */
export async function waitFor<T>(check: () => T, timeoutMs = 5000): Promise<T> {
  const start = Date.now();
  let last: unknown;
  for (;;) {
    try {
      return check();
    } catch (e) {
      last = e;
    }
    if (Date.now() - start > timeoutMs) throw last;
    await act(async () => {
      await new Promise((r) => setTimeout(r, 10));
    });
  }
}

export function text(el: Element = document.body): string {
  return (el.textContent ?? "").replace(/\s+/g, " ");
}

/** Throws unless the page shows `needle`. */
export function expectText(needle: string | RegExp, el: Element = document.body): void {
  const t = text(el);
  const ok = typeof needle === "string" ? t.includes(needle) : needle.test(t);
  if (!ok) throw new Error(`page does not show ${String(needle)}; it shows: ${t.slice(0, 1500)}`);
}

/** The form control whose <label> text contains `label` (label[for] or a wrapping label). */
export function byLabel<T extends HTMLElement = HTMLInputElement>(label: string | RegExp, root: ParentNode = document): T {
  const labels = [...root.querySelectorAll("label")].filter((l) => {
    const t = (l.textContent ?? "").replace(/\s+/g, " ").trim();
    return typeof label === "string" ? t.includes(label) : label.test(t);
  });
  for (const l of labels) {
    const control = l.htmlFor ? document.getElementById(l.htmlFor) : l.querySelector("input, select, textarea");
    if (control) return control as T;
  }
  throw new Error(`no control labelled ${String(label)}`);
}

export function byRole(role: string, name: string | RegExp, root: ParentNode = document): HTMLElement {
  const implicit: Record<string, string> = { button: "button", alert: '[role="alert"]', status: '[role="status"]', heading: "h1, h2, h3, h4, h5, h6" };
  const selector = implicit[role] ?? `[role="${role}"]`;
  const found = [...root.querySelectorAll<HTMLElement>(selector)].find((el) => {
    const t = (el.textContent ?? "").replace(/\s+/g, " ").trim();
    return typeof name === "string" ? t.includes(name) : name.test(t);
  });
  if (!found) throw new Error(`no ${role} named ${String(name)}`);
  return found;
}

export async function click(el: HTMLElement): Promise<void> {
  await act(async () => {
    el.click();
  });
}

/** Sets a controlled input's value the way a user's typing does (native setter + input event). */
export async function type(el: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement, value: string): Promise<void> {
  const proto = el instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : el instanceof HTMLSelectElement ? HTMLSelectElement.prototype : HTMLInputElement.prototype;
  const setter = Object.getOwnPropertyDescriptor(proto, "value")?.set;
  await act(async () => {
    setter?.call(el, value);
    el.dispatchEvent(new Event(el instanceof HTMLSelectElement ? "change" : "input", { bubbles: true }));
  });
}

/** Opens a workspace tab by its name, as a user clicks it; returns its panel (now shown). */
export async function openTab(name: string | RegExp): Promise<HTMLElement> {
  const tab = byRole("tab", name);
  await click(tab);
  const panel = document.getElementById(tab.getAttribute("aria-controls") ?? "");
  if (!panel || panel.hidden) throw new Error(`tab ${String(name)} did not show its panel`);
  return panel;
}
