// The sandbox's fault mode (--faults RATE[,kinds] --fault-seed N; startSandbox({ faults }); the simulator's
// /ehr/api/faults): each kind as a client sees it, faults on /fhir only (never the token endpoint or the
// simulator), the same seed giving the same faults, and a write dropped before or after it was committed.
import type { Bundle, OperationOutcome } from "fhir/r4.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { FAULT_KINDS } from "../../launch/faults.ts";
import type { FaultKind } from "../../launch/faults.ts";
import type { Sandbox } from "../../launch/server.ts";
import { parseSandboxArgs } from "../../launch/server.ts";
import { ALEX, fhir, fixtureSandbox, issueText, userToken } from "./helpers/sandbox.ts";

let s: Sandbox;
let token: string;

beforeAll(async () => {
  s = await fixtureSandbox({ faults: { hangMs: 400 } });
  token = (await userToken(s)).access_token;
});
afterEach(() => s.faults.configure({ rate: 0 }));
afterAll(() => s.close());

const observation = { resourceType: "Observation", status: "final", code: { text: "fault test" }, subject: { reference: `Patient/${ALEX}` } };

async function observationCount(): Promise<number> {
  const r = await fhir<Bundle>(s, token, `Observation?patient=${ALEX}&_summary=count`);
  expect(r.status).toBe(200);
  return r.body.total ?? -1;
}

/** A raw fetch that reports a dropped connection instead of throwing. */
async function attempt(path: string, init: RequestInit = {}): Promise<{ status: number | "dropped" | "aborted"; headers?: Headers; text?: string; ms: number }> {
  const t0 = performance.now();
  try {
    const res = await fetch(`${s.fhirBase}/${path}`, { ...init, headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/fhir+json", ...(init.headers as Record<string, string>) } });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, ms: performance.now() - t0 };
  } catch (err) {
    const name = (err as Error).name;
    return { status: name === "TimeoutError" || name === "AbortError" ? "aborted" : "dropped", ms: performance.now() - t0 };
  }
}

describe("each kind, as a client sees it", () => {
  it.each<[FaultKind, (r: Awaited<ReturnType<typeof attempt>>) => void]>([
    ["500", (r) => {
      expect(r.status).toBe(500);
      expect((JSON.parse(r.text ?? "") as OperationOutcome).resourceType).toBe("OperationOutcome");
    }],
    ["503", (r) => {
      expect(r.status).toBe(503);
      expect(r.headers?.get("retry-after")).toMatch(/^\d+$/);
      expect((JSON.parse(r.text ?? "") as OperationOutcome).issue?.[0]?.code).toBe("transient");
    }],
    ["429", (r) => {
      expect(r.status).toBe(429);
      expect(r.headers?.get("retry-after")).toMatch(/^\d+$/);
    }],
    ["401", (r) => {
      expect(r.status).toBe(401);
      expect(r.headers?.get("www-authenticate")).toContain('error="invalid_token"');
      expect(issueText(JSON.parse(r.text ?? ""))).toContain("expired");
    }],
    ["non-json", (r) => {
      expect(r.status).toBe(502);
      expect(r.headers?.get("content-type")).toContain("text/html");
      expect(() => JSON.parse(r.text ?? "")).toThrow();
    }],
    ["multi-issue", (r) => {
      expect(r.status).toBe(422);
      const o = JSON.parse(r.text ?? "") as OperationOutcome;
      expect(o.issue?.length).toBeGreaterThanOrEqual(3);
      expect(o.issue?.every((i) => i.details?.text)).toBe(true);
    }],
    ["timeout", (r) => {
      // hangs past the client's timeout (300 ms here), bounded by the sandbox (400 ms here, then the connection closes)
      expect(r.status).toBe("aborted");
    }],
  ])("%s", async (kind, check) => {
    s.faults.configure({ rate: 1, kinds: [kind] });
    check(await attempt(`Patient/${ALEX}`, { signal: AbortSignal.timeout(300) }));
    s.faults.configure({ rate: 0 });
    expect((await fhir(s, token, `Patient/${ALEX}`)).status).toBe(200); // the token was never really expired
  });

  it("timeout: without a client timeout the connection is closed after the bounded hang, with no answer", async () => {
    s.faults.configure({ rate: 1, kinds: ["timeout"] });
    const r = await attempt(`Patient/${ALEX}`);
    expect(r.status).toBe("dropped");
    expect(r.ms).toBeGreaterThanOrEqual(350);
    expect(r.ms).toBeLessThan(3000);
  });

  it("drop-before: the connection drops and nothing was written", async () => {
    const before = await observationCount();
    s.faults.configure({ rate: 1, kinds: ["drop-before"] });
    expect((await attempt("Observation", { method: "POST", body: JSON.stringify(observation) })).status).toBe("dropped");
    s.faults.configure({ rate: 0 });
    expect(await observationCount()).toBe(before);
  });

  it("drop-after: the connection drops but the write was committed", async () => {
    const before = await observationCount();
    s.faults.configure({ rate: 1, kinds: ["drop-after"] });
    expect((await attempt("Observation", { method: "POST", body: JSON.stringify(observation) })).status).toBe("dropped");
    s.faults.configure({ rate: 0 });
    expect(await observationCount()).toBe(before + 1);
  });

  it("every injected fault is recorded with its kind and request", async () => {
    s.faults.configure({ rate: 1, kinds: ["503"] });
    const n = s.faults.injected.length;
    await attempt(`Patient/${ALEX}`, { headers: { "X-Request-Id": "fault-record-1" } });
    expect(s.faults.injected.slice(n)).toEqual([expect.objectContaining({ kind: "503", method: "GET", requestId: "fault-record-1" })]);
  });
});

describe("where faults apply", () => {
  it("never to the token endpoint, discovery or the simulator, even at rate 1 with every kind", async () => {
    s.faults.configure({ rate: 1, kinds: [...FAULT_KINDS] });
    const t = await userToken(s); // authorize + token
    expect(t.access_token).toBeTruthy();
    expect((await fetch(`${s.fhirBase}/.well-known/smart-configuration`)).status).toBe(200);
    expect((await fetch(`${s.origin}/ehr/api/context`)).status).toBe(200);
  });

  it("off by default", async () => {
    const fresh = await fixtureSandbox();
    try {
      expect(fresh.faults.settings().rate).toBe(0);
      const t = (await userToken(fresh)).access_token;
      for (let i = 0; i < 20; i++) expect((await fhir(fresh, t, `Patient/${ALEX}`)).status).toBe(200);
    } finally {
      await fresh.close();
    }
  });
});

describe("determinism", () => {
  async function statuses(sandbox: Sandbox, t: string, n: number): Promise<string> {
    const out: (number | string)[] = [];
    for (let i = 0; i < n; i++) {
      try {
        const res = await fetch(`${sandbox.fhirBase}/Patient/${ALEX}`, { headers: { Authorization: `Bearer ${t}` } });
        await res.text();
        out.push(res.status);
      } catch {
        out.push("dropped");
      }
    }
    return out.join(" ");
  }

  it("the same seed gives the same faults on the same requests; another seed gives others", async () => {
    const faults = { rate: 0.3, kinds: ["500", "503", "429", "drop-before"] as FaultKind[], seed: 42 };
    const a = await fixtureSandbox({ faults });
    const b = await fixtureSandbox({ faults });
    const c = await fixtureSandbox({ faults: { ...faults, seed: 7 } });
    try {
      const [ta, tb, tc] = await Promise.all([a, b, c].map(async (x) => (await userToken(x)).access_token));
      const [sa, sb, sc] = [await statuses(a, ta as string, 40), await statuses(b, tb as string, 40), await statuses(c, tc as string, 40)];
      expect(sa).toBe(sb);
      expect(sa).not.toBe(sc);
      const faulted = sa.split(" ").filter((x) => x !== "200").length;
      expect(faulted).toBeGreaterThan(3);
      expect(faulted).toBeLessThan(25);
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });
});

describe("controls", () => {
  it.each<[string[], { rate: number; kinds: string[]; seed?: number }]>([
    [["--faults", "0.05,500,503,drop-after", "--fault-seed", "42"], { rate: 0.05, kinds: ["500", "503", "drop-after"], seed: 42 }],
    [["--faults", "0.1"], { rate: 0.1, kinds: [...FAULT_KINDS] }],
  ])("the command line %j", (argv, expected) => {
    expect(parseSandboxArgs(argv).faults).toMatchObject(expected);
  });

  it.each([[["--faults", "2"]], [["--faults", "0.1,bogus"]], [["--faults"]], [["--fault-seed", "x"]]])("rejects %j with a message", (argv) => {
    expect(() => parseSandboxArgs(argv)).toThrow(/--fault/);
  });

  it("the simulator's API sets the rate and kinds at run time, and shows them", async () => {
    const post = (body: unknown) => fetch(`${s.origin}/ehr/api/faults`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    const set = await post({ rate: 1, kinds: ["429"] });
    expect(set.status).toBe(200);
    expect((await attempt(`Patient/${ALEX}`)).status).toBe(429);
    const shown = (await (await fetch(`${s.origin}/ehr/api/faults`)).json()) as { rate: number; kinds: string[]; available: string[] };
    expect(shown).toMatchObject({ rate: 1, kinds: ["429"] });
    expect(shown.available).toEqual([...FAULT_KINDS]);
    expect((await post({ rate: 0 })).status).toBe(200);
    expect((await attempt(`Patient/${ALEX}`)).status).toBe(200);
    expect((await post({ rate: 5 })).status).toBe(400);
    expect((await post({ rate: 0.5, kinds: ["nope"] })).status).toBe(400);
    const form = await fetch(`${s.origin}/ehr/api/faults`, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "rate=1" });
    expect(form.status).toBe(415);
    expect((await attempt(`Patient/${ALEX}`)).status).toBe(200);
  });

  it("the simulator page has a labelled fault control", async () => {
    const html = await (await fetch(`${s.origin}/ehr/`)).text();
    expect(html).toContain('<label for="fault-rate">');
    for (const kind of FAULT_KINDS) expect(html).toContain(`value="${kind}"`);
    const js = await fetch(`${s.origin}/ehr/faults.js`);
    expect(js.status).toBe(200);
    expect(await js.text()).toContain("/ehr/api/faults");
  });
});
