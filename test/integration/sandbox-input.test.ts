// What the sandbox accepts: a body over the size limit gets 413 with an OperationOutcome (the client sees it, no
// connection reset); only ids FHIR R4 allows ([A-Za-z0-9\-.]{1,64}), in URLs and bodies, transaction entries too;
// one value[x]; no element the structure definitions do not define, prototype names included.
import { request } from "node:http";
import type { Bundle, Observation, OperationOutcome } from "fhir/r4.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "../../launch/server.ts";
import { ALEX, fhir, fixtureSandbox, issueText, userToken } from "./helpers/sandbox.ts";

let s: Sandbox;
let token: string;

beforeAll(async () => {
  s = await fixtureSandbox();
  token = (await userToken(s)).access_token;
});
afterAll(() => s.close());

const observation = (extra: Record<string, unknown> = {}): Observation =>
  ({
    resourceType: "Observation",
    status: "final",
    code: { text: "Sandbox input test" },
    subject: { reference: `Patient/${ALEX}` },
    ...extra,
  }) as Observation;

async function observationCount(): Promise<number> {
  const r = await fhir<Bundle>(s, token, `Observation?patient=${ALEX}&_summary=count`);
  return r.body.total ?? -1;
}

/** A raw POST of `size` bytes (node:http, so a reset shows as an error rather than a fetch quirk). */
function postBytes(path: string, size: number): Promise<{ status: number; body: string; contentType: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL(`${s.origin}${path}`);
    const req = request(
      { host: url.hostname, port: url.port, path: url.pathname, method: "POST", headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/fhir+json", "Content-Length": size } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8"), contentType: String(res.headers["content-type"]) }));
      },
    );
    req.on("error", reject);
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    let left = size;
    const pump = (): void => {
      while (left > 0) {
        const n = Math.min(left, chunk.length);
        left -= n;
        if (!req.write(n === chunk.length ? chunk : chunk.subarray(0, n))) return void req.once("drain", pump);
      }
      req.end();
    };
    pump();
  });
}

describe("request size", () => {
  it("a 25 MB POST gets 413 with an OperationOutcome naming the limit, not a reset connection", async () => {
    const r = await postBytes("/fhir/Observation", 25 * 1024 * 1024);
    expect(r.status).toBe(413);
    expect(r.contentType).toContain("application/fhir+json");
    const o = JSON.parse(r.body) as OperationOutcome;
    expect(o.resourceType).toBe("OperationOutcome");
    expect(issueText(o)).toMatch(/larger than \d+ MB/);
  });

  it("the sandbox still answers afterwards", async () => {
    expect((await fhir(s, token, `Patient/${ALEX}`)).status).toBe(200);
  });

  it("a resource holding more than 5,000 values gets 400 too-costly before it is validated, and nothing is stored", async () => {
    const before = await observationCount();
    const components = Array.from({ length: 2000 }, (_, i) => ({ code: { text: `c${i}` }, valueQuantity: { value: i, unit: "mg" } }));
    const r = await fhir<OperationOutcome>(s, token, "Observation", { method: "POST", body: observation({ component: components }) });
    expect(r.status).toBe(400);
    expect(r.body.issue?.[0]?.code).toBe("too-costly");
    expect(issueText(r.body)).toContain("5,000");
    expect(await observationCount()).toBe(before);
  });

  it("a body nested deeper than the limit gets 400 naming the nesting", async () => {
    const deep = `{"resourceType":"Observation","status":"final","code":{"text":"x"},"subject":{"reference":"Patient/${ALEX}"},"extension":${'[{"url":"http://example.org/x","extension":'.repeat(5000)}[]${"}]".repeat(5000)}}`;
    const r = await fhir<OperationOutcome>(s, token, "Observation", { method: "POST", body: deep });
    expect(r.status).toBe(400);
    expect(issueText(r.body)).toContain("nested");
  });
});

describe("resource ids", () => {
  // FHIR R4 id: [A-Za-z0-9\-.]{1,64}. (41–64 characters is a valid R4 id; 65 is not.)
  it.each([
    ["a percent sign", "a%25b"],
    ["a semicolon", "a;b"],
    ["an asterisk", "a*b"],
    ["_history", "_history"],
    ["$everything", "$everything"],
    ["an underscore", "a_b"],
    ["65 characters", "x".repeat(65)],
  ])("PUT with an id holding %s is refused (4xx) and nothing is stored", async (_label, id) => {
    const before = await observationCount();
    const r = await fhir<OperationOutcome>(s, token, `Observation/${id}`, { method: "PUT", body: observation({ id: decodeURIComponent(id) }) });
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
    expect(r.body.resourceType).toBe("OperationOutcome");
    expect(await observationCount()).toBe(before);
  });

  it("a 64-character id is a valid R4 id and is stored", async () => {
    const id = `a${"b".repeat(62)}c`;
    const r = await fhir<Observation>(s, token, `Observation/${id}`, { method: "PUT", body: observation({ id }) });
    expect([200, 201]).toContain(r.status);
    expect(r.body.id).toBe(id);
    expect((await fhir(s, token, `Observation/${id}`)).status).toBe(200);
  });

  it("GET with an invalid id in the URL is 400 naming the id", async () => {
    const r = await fhir<OperationOutcome>(s, token, "Observation/a;b");
    expect(r.status).toBe(400);
    expect(issueText(r.body)).toContain("a;b");
  });

  it("a transaction entry with an invalid id is refused whole", async () => {
    const before = await observationCount();
    const r = await fhir<OperationOutcome>(s, token, "", {
      method: "POST",
      body: {
        resourceType: "Bundle",
        type: "transaction",
        entry: [
          { fullUrl: "urn:uuid:0b6f6a1e-1c1d-4a57-9a0e-3e1f4c5d6e01", resource: observation(), request: { method: "POST", url: "Observation" } },
          { resource: observation({ id: "bad*id" }), request: { method: "PUT", url: "Observation/bad*id" } },
        ],
      },
    });
    expect(r.status).toBe(400);
    expect(await observationCount()).toBe(before);
  });
});

describe("elements", () => {
  it.each<[string, string, string]>([
    ["value[x] twice (valueString and valueBoolean)", JSON.stringify(observation({ valueString: "a", valueBoolean: true })), "value[x]"],
    ["an element named valueOf", JSON.stringify(observation({ valueOf: "a" })), "valueOf"],
    ["an element named isPrototypeOf", JSON.stringify(observation({ isPrototypeOf: "a" })), "isPrototypeOf"],
    ["an element named constructor, nested", JSON.stringify(observation({ code: { text: "x", constructor: "y" } })), "constructor"],
    ["an element named toString in a contained resource", JSON.stringify(observation({ contained: [{ resourceType: "Patient", id: "c1", toString: "x" }] })), "toString"],
    ["an element named __proto__", JSON.stringify(observation()).replace(/}$/, ',"__proto__":{"polluted":true}}'), "__proto__"],
    ["effective[x] twice", JSON.stringify(observation({ effectiveDateTime: "2026-01-01", effectivePeriod: { start: "2026-01-01" } })), "effective[x]"],
  ])("%s is refused with 400 naming it, and nothing is stored", async (_label, body, named) => {
    const before = await observationCount();
    const r = await fhir<OperationOutcome>(s, token, "Observation", { method: "POST", body });
    expect(r.status).toBe(400);
    expect(issueText(r.body)).toContain(named);
    expect(await observationCount()).toBe(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("an unknown element inside a transaction entry is refused whole", async () => {
    const r = await fhir<OperationOutcome>(s, token, "", {
      method: "POST",
      body: { resourceType: "Bundle", type: "transaction", entry: [{ resource: observation({ hasOwnProperty: 1 }), request: { method: "POST", url: "Observation" } }] },
    });
    expect(r.status).toBe(400);
    expect(issueText(r.body)).toContain("hasOwnProperty");
  });

  it.each<[string, Record<string, unknown>]>([
    ["one value[x] with its primitive extension", { valueString: "a", _valueString: { extension: [{ url: "http://example.org/x", valueBoolean: true }] } }],
    ["a component with its own value[x]", { valueString: "a", component: [{ code: { text: "c" }, valueQuantity: { value: 1 } }] }],
    ["an extension with nested extensions", { extension: [{ url: "http://example.org/a", extension: [{ url: "b", valueCode: "x" }] }] }],
  ])("%s is stored (201)", async (_label, extra) => {
    const r = await fhir(s, token, "Observation", { method: "POST", body: observation(extra) });
    expect(r.status).toBe(201);
  });
});
