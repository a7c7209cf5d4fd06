// What a browser context reports while a test drives it: Content-Security-Policy violations (the
// securitypolicyviolation event, in every window and frame), console messages (any frame), page errors and the URL
// of every request. A CSP violation the test did not provoke is a failure. And the teardown the files share.
import { rmSync } from "node:fs";
import type { BrowserContext } from "playwright-core";

export interface Violation {
  directive: string;
  blocked: string;
  page: string;
}

export interface Watch {
  violations: Violation[];
  /** Console messages of every page and frame, as "type: text". */
  console: string[];
  /** Console messages about the Content-Security-Policy ("Refused to …"). */
  cspConsole(): string[];
  pageErrors: string[];
  requests: string[];
  clear(): void;
}

declare global {
  interface Window {
    __stagewiseCspViolation?: (v: Omit<Violation, "page">) => void;
  }
}

export async function watch(context: BrowserContext): Promise<Watch> {
  const w: Watch = {
    violations: [],
    console: [],
    cspConsole: () => w.console.filter((m) => /Content.Security.Policy|Refused to (load|connect|execute|frame|apply)/i.test(m)),
    pageErrors: [],
    requests: [],
    clear() {
      w.violations.length = 0;
      w.console.length = 0;
      w.pageErrors.length = 0;
      w.requests.length = 0;
    },
  };
  await context.exposeBinding("__stagewiseCspViolation", (source, v: Omit<Violation, "page">) => {
    w.violations.push({ ...v, page: source.frame.url() });
  });
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      window.__stagewiseCspViolation?.({ directive: e.effectiveDirective, blocked: e.blockedURI });
    });
  });
  const onPage = (page: import("playwright-core").Page) => {
    page.on("console", (m) => w.console.push(`${m.type()}: ${m.text()}`));
    page.on("pageerror", (e) => w.pageErrors.push(e.message));
  };
  context.pages().forEach(onPage);
  context.on("page", onPage);
  context.on("request", (r) => w.requests.push(r.url()));
  return w;
}

/** Closes what a test file opened, in order (skipping what never opened), then removes its browser profile. */
export async function closeAll(profileDir: string, ...opened: ({ close(): Promise<unknown> } | undefined)[]): Promise<void> {
  for (const thing of opened) await thing?.close();
  rmSync(profileDir, { recursive: true, force: true });
}
