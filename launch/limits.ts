// Bounds on what one request may cost the sandbox, so that one client can never stop the others or the process:
// - a time budget per request (503 OperationOutcome, code "timeout", once it is spent);
// - a result-size budget per request (400, code "too-costly": the JSON of every resource a request reads, searches
//   and _include/_revinclude together, transaction and batch entries and GraphQL resolvers included);
// - at most MAX entries per batch/transaction, _include/_revinclude parameters and included resources;
// - request bodies: size (413) and JSON nesting depth (400).
// The work of a request is cut into small steps (each read, each search, every few hundred candidates of a search)
// and RequestBudget.step() yields to the event loop between them once the request has run for a time slice (30 ms),
// so other requests are served meanwhile while a short request runs to its end in one go; except
// inside a write transaction: there nothing yields (another request would see writes that may still roll back),
// and a transaction gets a shorter time budget of its own, so it holds the others up for at most that long.
import type { OperationOutcomeError } from "@medplum/core";
import { fhirError } from "./outcomes.ts";

export interface Limits {
  /** Time budget of one FHIR request, in ms. */
  requestTimeoutMs: number;
  /** Time budget of one write transaction (during which other requests wait), in ms. */
  transactionTimeoutMs: number;
  /** JSON bytes of resources one request may gather. */
  maxResultBytes: number;
  /** Resources _include/_revinclude may add to one search page. */
  maxIncluded: number;
  /** _include + _revinclude parameters in one search. */
  maxIncludeParams: number;
  /** Entries of one batch or transaction Bundle. */
  maxBundleEntries: number;
  /** Nesting of a request body's JSON (objects and arrays). */
  maxJsonDepth: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = {
  requestTimeoutMs: 10_000,
  transactionTimeoutMs: 500,
  maxResultBytes: 16 * 1024 * 1024,
  maxIncluded: 1000,
  maxIncludeParams: 10,
  maxBundleEntries: 100,
  maxJsonDepth: 64,
};

/**
 * JSON values (objects, arrays, primitives) one written resource may hold. Validation runs in one piece and costs
 * about 0.05–0.2 ms a value here (@medplum checks each element's constraints), so this bounds how long one resource
 * can hold up the others; the resources this app and the synthetic patients write hold a few hundred.
 */
export const MAX_RESOURCE_VALUES = 5000;

/** Request bodies larger than this get 413 (read and discarded first, so that the client sees the answer). */
export const MAX_BODY_BYTES = 5 * 1024 * 1024;

export function tooCostly(text: string, expression?: string): OperationOutcomeError {
  return fhirError(400, text, expression, "too-costly");
}

/** How long a request runs before it lets others run. */
const SLICE_MS = 30;

/**
 * Requests that have used their slice and wait to go on. They go on one at a time, the one that has run least so
 * far first, each after the event loop has taken in new requests (setImmediate): a short request that arrives while
 * a long one runs waits for at most one slice of it, not for one slice per slice of its own.
 */
const waiting: { usedMs: number; resume: () => void }[] = [];
let dispatchQueued = false;

function dispatch(): void {
  dispatchQueued = false;
  let next = 0;
  for (let i = 1; i < waiting.length; i++) if ((waiting[i]?.usedMs ?? 0) < (waiting[next]?.usedMs ?? 0)) next = i;
  const [chosen] = waiting.splice(next, 1);
  if (waiting.length > 0) queueDispatch();
  chosen?.resume();
}

function queueDispatch(): void {
  if (dispatchQueued) return;
  dispatchQueued = true;
  setImmediate(dispatch);
}

function yieldToOthers(usedMs: number): Promise<void> {
  return new Promise((resume) => {
    waiting.push({ usedMs, resume });
    queueDispatch();
  });
}

/** One request's budget: its deadline and the bytes it may still gather. */
export class RequestBudget {
  readonly limits: Readonly<Limits>;
  private readonly deadline: number;
  private bytes = 0;
  /** Set while a write transaction runs. */
  private transactionDeadline: number | undefined;
  /** When the request last started running (at creation, then after each yield). */
  private sliceStart = performance.now();
  /** Time it has run (its slices so far), for the order in which waiting requests go on. */
  private usedMs = 0;
  /**
   * The first time the budget ran out. Batches and GraphQL turn an error into a part of their answer and go on; the
   * HTTP layer answers the whole request with this instead (a spent budget is never a partial success).
   */
  failure: OperationOutcomeError | undefined;

  constructor(limits: Readonly<Limits>) {
    this.limits = limits;
    this.deadline = performance.now() + limits.requestTimeoutMs;
  }

  get spent(): boolean {
    return performance.now() > this.deadline;
  }

  /** Throws the 503 once the time is up. */
  checkTime(): void {
    if (this.spent) {
      throw (this.failure ??= fhirError(503, `The request took longer than the sandbox allows (${this.limits.requestTimeoutMs} ms) and was stopped: ask for less (a smaller _count, fewer entries)`, undefined, "timeout"));
    }
    if (this.transactionDeadline !== undefined && performance.now() > this.transactionDeadline) {
      throw (this.failure ??= fhirError(503, `The transaction took longer than the sandbox allows (${this.limits.transactionTimeoutMs} ms) and was rolled back: send fewer entries`, undefined, "timeout"));
    }
  }

  /** Lets other requests run once this one has used its slice (never inside a write transaction); checks the time. */
  async step(): Promise<void> {
    const ran = performance.now() - this.sliceStart;
    if (this.transactionDeadline === undefined && ran > SLICE_MS) {
      this.usedMs += ran;
      await yieldToOthers(this.usedMs);
      this.sliceStart = performance.now();
    }
    this.checkTime();
  }

  /** Runs a write transaction: no yielding to other requests, and its own shorter time budget. */
  async transaction<T>(run: () => Promise<T>): Promise<T> {
    if (this.transactionDeadline !== undefined) return run();
    this.transactionDeadline = performance.now() + this.limits.transactionTimeoutMs;
    try {
      return await run();
    } finally {
      this.transactionDeadline = undefined;
    }
  }

  /** Counts `n` bytes of results; throws 400 too-costly past the budget. */
  charge(n: number): void {
    this.bytes += n;
    if (this.bytes > this.limits.maxResultBytes) {
      throw (this.failure ??= tooCostly(
        `The results of this request are larger than the sandbox serves at once (${Math.round(this.limits.maxResultBytes / 1024 / 1024)} MB): ask for less (a smaller _count, fewer entries, narrower searches)`,
      ));
    }
  }
}

/** The nesting depth of a parsed JSON value, counted without recursion; stops counting past `max`. */
export function jsonDepthExceeds(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop() as [unknown, number];
    if (typeof v !== "object" || v === null) continue;
    if (depth > max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) if (typeof child === "object" && child !== null) stack.push([child, depth + 1]);
  }
  return false;
}

/** Whether a parsed JSON value holds more than `max` values (objects, arrays and primitives), counted without recursion. */
export function jsonSizeExceeds(value: unknown, max: number): boolean {
  const stack: unknown[] = [value];
  let n = 0;
  while (stack.length > 0) {
    const v = stack.pop();
    if (++n > max) return true;
    if (typeof v === "object" && v !== null) for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push(child);
  }
  return false;
}
