// The request inspector's panel (a lazy chunk; toggle.ts opens it, recorder.ts records): every FHIR request the app
// made since it opened — method, URL (credentials removed), status, start, time and size — the first requests (the
// launch's read wave) as a timeline of bars from start to end, and the response body of any request on click, shown
// as text in a <pre> (never as HTML). It only reads the recorder's memory; nothing is sent anywhere.
import { StrictMode, useEffect, useRef, useState, useSyncExternalStore } from "react";
import { createRoot } from "react-dom/client";
import { MAX_BODY_CHARS, MAX_REQUESTS, recordedRequests, subscribe, type RecordedRequest } from "./recorder.ts";
import { INSPECTOR_SHORTCUT } from "./toggle.ts";
import "./inspector.css";

/** How many requests the timeline draws (the first ones recorded: with ?inspect, the launch's read wave). */
export const TIMELINE_REQUESTS = 40;

const ms = (n: number) => `${Math.round(n).toLocaleString("en-GB")} ms`;

export function formatSize(bytes: number | null): string {
  if (bytes === null) return "…";
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(2)} MB`;
}

export function statusText(r: RecordedRequest): string {
  if (r.error && r.status === null) return "no answer";
  if (r.status === null) return "waiting…";
  return String(r.status);
}

function Timeline({ requests, t0 }: { requests: readonly RecordedRequest[]; t0: number }) {
  const shown = requests.slice(0, TIMELINE_REQUESTS);
  if (shown.length === 0) return null;
  const now = performance.now();
  const endOf = (r: RecordedRequest) => r.end ?? now;
  const span = Math.max(1, ...shown.map((r) => endOf(r) - t0));
  const row = 10;
  const height = shown.length * row;
  return (
    <figure className="inspector-timeline">
      <svg viewBox={`0 0 1000 ${height}`} preserveAspectRatio="none" height={height} role="img" aria-labelledby="inspector-timeline-caption">
        {shown.map((r, i) => {
          const x = ((r.start - t0) / span) * 1000;
          const w = Math.max(2, ((endOf(r) - r.start) / span) * 1000);
          const kind = r.status === null ? (r.error ? "failed" : "pending") : r.status >= 400 ? "failed" : "ok";
          return (
            <rect key={r.id} className={`bar bar-${kind}`} x={x} y={i * row + 2} width={w} height={row - 4}>
              <title>{`#${r.id} ${r.method} ${shortUrl(r.url)}: ${statusText(r)}, ${ms(r.start - t0)} → ${r.end === null ? "…" : ms(r.end - t0)}`}</title>
            </rect>
          );
        })}
      </svg>
      <figcaption id="inspector-timeline-caption">
        Timeline of the first {shown.length} requests (one bar each, from sent to last byte received), over {ms(span)}. The
        table below has the same requests with their times.
      </figcaption>
    </figure>
  );
}

/** The URL without the scheme and host (the table shows the whole URL; bars' tooltips are short). */
function shortUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.pathname}${u.search}`;
  } catch {
    return url;
  }
}

function ResponseView({ request, onClose }: { request: RecordedRequest; onClose(): void }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [request.id]);
  return (
    <section className="inspector-response" aria-labelledby="inspector-response-title">
      <h3 id="inspector-response-title" tabIndex={-1} ref={heading}>
        Response of #{request.id}: {request.method} {shortUrl(request.url)} ({statusText(request)})
      </h3>
      {request.error && <p>{request.error}</p>}
      {request.body === null && !request.error && <p>The body has not arrived yet.</p>}
      {request.body !== null && request.body.length === 0 && <p>The body is empty.</p>}
      {request.truncated && <p>Only the first {MAX_BODY_CHARS.toLocaleString("en-GB")} characters are kept.</p>}
      {request.body ? (
        <pre className="inspector-body" tabIndex={0} aria-label={`Response body of request ${request.id}`}>
          {request.body}
        </pre>
      ) : null}
      <button type="button" onClick={onClose}>
        Hide the response
      </button>
    </section>
  );
}

export function Inspector({ onClose, focusOnOpen = false }: { onClose(): void; focusOnOpen?: boolean }) {
  const requests = useSyncExternalStore(subscribe, recordedRequests);
  const [selected, setSelected] = useState<number | null>(null);
  const title = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (focusOnOpen) title.current?.focus();
  }, [focusOnOpen]);
  const t0 = requests[0]?.start ?? 0;
  const chosen = requests.find((r) => r.id === selected) ?? null;
  return (
    <aside className="inspector" aria-labelledby="inspector-title">
      <div className="inspector-head">
        <h2 id="inspector-title" tabIndex={-1} ref={title}>
          Request inspector
        </h2>
        <p className="inspector-note">
          {requests.length} FHIR {requests.length === 1 ? "request" : "requests"} recorded since it opened (the last{" "}
          {MAX_REQUESTS} are kept). Recorded in this page only; nothing is sent anywhere. {INSPECTOR_SHORTCUT} opens and
          closes it.
        </p>
        <button type="button" onClick={onClose}>
          Close the inspector
        </button>
      </div>
      <Timeline requests={requests} t0={t0} />
      {chosen && <ResponseView request={chosen} onClose={() => setSelected(null)} />}
      <div className="inspector-table-wrap">
        <table className="inspector-table">
          <caption className="visually-hidden">FHIR requests, oldest first</caption>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Method</th>
              <th scope="col">URL</th>
              <th scope="col">Status</th>
              <th scope="col">Start</th>
              <th scope="col">Time</th>
              <th scope="col">Size</th>
              <th scope="col">Response</th>
            </tr>
          </thead>
          <tbody>
            {requests.map((r) => (
              <tr key={r.id} className={r.status !== null && r.status >= 400 ? "failed" : r.error ? "failed" : undefined}>
                <td>{r.id}</td>
                <td>{r.method}</td>
                <td className="inspector-url">{r.url}</td>
                <td>{statusText(r)}</td>
                <td>{ms(r.start - t0)}</td>
                <td>{r.end === null ? "…" : ms(r.end - r.start)}</td>
                <td>{formatSize(r.size)}</td>
                <td>
                  <button type="button" onClick={() => setSelected(r.id)} aria-pressed={selected === r.id} aria-label={`Show the response of request ${r.id}`}>
                    Show
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </aside>
  );
}

/** Renders the panel into `el`; returns the unmount. */
export function mountInspector(el: HTMLElement, onClose: () => void, focusOnOpen = false): () => void {
  const root = createRoot(el);
  document.body.classList.add("inspector-open");
  root.render(
    <StrictMode>
      <Inspector onClose={onClose} focusOnOpen={focusOnOpen} />
    </StrictMode>,
  );
  return () => {
    root.unmount();
    document.body.classList.remove("inspector-open");
  };
}
