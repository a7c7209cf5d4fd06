// The parts of a population run that must be exact: the top-level scan that routes a line (it must agree with
// JSON.parse), reading a file in byte ranges (every line once, whatever the split), file names and the hashing
// that places patients in shards and buckets.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bucketCount, bucketOf, idHash, ranges, shardOf, typeOfFileName } from "../../src/cli/population/layout.ts";
import { evaluateBucket, LARGE_BUCKET_BYTES } from "../../src/cli/population/evaluate-bucket.ts";
import { jsonParts, MAX_PATIENT_BYTES, patientLine } from "../../src/cli/population/patient-line.ts";
import { forEachLine, SpillReader, SpillWriter, type SpillRecord } from "../../src/cli/population/lines.ts";
import { ownerOf, route, spill } from "../../src/cli/population/partition.ts";
import { topLevelFields } from "../../src/cli/population/scan.ts";
import { javascriptCopy } from "../../src/cli/js-copy.mjs";

const dir = mkdtempSync(join(tmpdir(), "population-parts-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What routing must give: the type and owner JSON.parse sees. */
function expected(line: string): { type: string; owner: string | undefined } | null {
  try {
    const r = JSON.parse(line) as Record<string, unknown>;
    if (typeof r !== "object" || r === null || Array.isArray(r) || typeof r.resourceType !== "string") return null;
    return { type: r.resourceType, owner: ownerOf(r) };
  } catch {
    return null;
  }
}

describe("routing a line by its top-level fields", () => {
  it.each([
    ["subject first", `{"resourceType":"Observation","subject":{"reference":"Patient/p1"},"status":"final"}`],
    ["subject last", `{"resourceType":"Observation","status":"final","code":{"text":"x"},"subject":{"reference":"Patient/p1"}}`],
    ["an absolute reference", `{"resourceType":"Condition","subject":{"reference":"https://ehr.test/fhir/Patient/p-2"}}`],
    ["a contained resource with its own subject, before the top-level one", `{"resourceType":"Observation","contained":[{"resourceType":"Observation","subject":{"reference":"Patient/other"}}],"subject":{"reference":"Patient/p1"}}`],
    ["quotes and braces inside strings", `{"resourceType":"Observation","note":[{"text":"say \\"}{\\" and \\\\"}],"subject":{"reference":"Patient/p1"}}`],
    ["a repeated key: the last one counts, as in JSON.parse", `{"resourceType":"Observation","subject":{"reference":"Patient/a"},"subject":{"reference":"Patient/b"}}`],
    ["whitespace everywhere", ` { "resourceType" : "Goal" ,\t"subject" : { "reference" : "Patient/p1" } } `],
    ["patient instead of subject", `{"resourceType":"CarePlan","patient":{"reference":"Patient/p9"}}`],
    ["subject null, patient given", `{"resourceType":"CarePlan","subject":null,"patient":{"reference":"Patient/p9"}}`],
    ["a Group subject: no patient", `{"resourceType":"Observation","subject":{"reference":"Group/g1"}}`],
    ["a versioned reference", `{"resourceType":"Observation","subject":{"reference":"Patient/p1/_history/3"}}`],
    ["an id of 64 characters", `{"resourceType":"Observation","subject":{"reference":"Patient/${"a".repeat(64)}"}}`],
    ["an id of 65 characters: no patient", `{"resourceType":"Observation","subject":{"reference":"Patient/${"a".repeat(65)}"}}`],
    ["an id with a space: no patient", `{"resourceType":"Observation","subject":{"reference":"Patient/p 1"}}`],
    ["an escaped character in the reference", `{"resourceType":"Observation","subject":{"reference":"Patient/p\u0031"}}`],
    ["an escaped character in the type", `{"resourceType":"Obs\u0065rvation","subject":{"reference":"Patient/p1"}}`],
    ["a type the engine does not read", `{"resourceType":"Encounter","subject":{"reference":"Patient/p1"}}`],
    ["a type that is not text", `{"resourceType":7,"subject":{"reference":"Patient/p1"}}`],
    ["Patient/ with no id", `{"resourceType":"Observation","subject":{"reference":"Patient/"}}`],
    ["a Patient", `{"resourceType":"Patient","id":"p1","name":[{"family":"O'Neill"}]}`],
    ["a Patient whose id is not a FHIR id", `{"resourceType":"Patient","id":"has space"}`],
    ["a MedicationRequest (parsed whole)", `{"resourceType":"MedicationRequest","subject":{"reference":"Patient/p1"},"medicationReference":{"reference":"Medication/m1"}}`],
    ["numbers, booleans and null values", `{"resourceType":"Observation","valueBoolean":true,"valueInteger":-1.5e3,"x":null,"subject":{"reference":"Patient/p1"}}`],
    ["an escaped key", `{"resourceType":"Observation","sub\\u006aect":{"reference":"Patient/p1"}}`],
    ["non-ASCII text", `{"resourceType":"Observation","code":{"text":"Tomás – 5 µg"},"subject":{"reference":"Patient/p1"}}`],
    ["a line cut short", `{"resourceType":"Observation","subject":{"reference":"Patient/p1"`],
    ["two objects on one line", `{"resourceType":"Observation","subject":{"reference":"Patient/p1"}},{"resourceType":"Goal","subject":{"reference":"Patient/p1"}}`],
    ["text after the object", `{"resourceType":"Observation","subject":{"reference":"Patient/p1"}} x`],
    ["not an object", `["resourceType","Observation"]`],
    ["not JSON", `resourceType: Observation`],
    ["no resourceType", `{"subject":{"reference":"Patient/p1"}}`],
  ])("%s", (_name, line) => {
    const r = route(line);
    const want = expected(line);
    if (want === null && r !== null) {
      // The scan may route a line that JSON.parse refuses (its patient's reader finds it out): only for lines that are not JSON.
      expect(() => JSON.parse(line)).toThrow();
      return;
    }
    expect(r && { type: r.type, owner: r.owner }).toEqual(want);
  });

  it("agrees with JSON.parse on every line of generated resources with shuffled keys", () => {
    let x = 5;
    const rand = (n: number) => ((x = (x * 1103515245 + 12345) % 2147483648) % n);
    const shuffle = (o: Record<string, unknown>): Record<string, unknown> =>
      Object.fromEntries(Object.entries(o).sort(() => rand(3) - 1));
    const disagreements: string[] = [];
    for (let i = 0; i < 2000; i++) {
      const r = shuffle({
        resourceType: ["Observation", "Condition", "Goal", "CarePlan", "Patient"][rand(5)],
        id: `r-${i}`,
        status: "final",
        note: [{ text: `he said "stop" \\ {${i}}` }],
        contained: rand(2) ? [{ resourceType: "Observation", subject: { reference: `Patient/inner-${i}` } }] : undefined,
        subject: rand(5) ? { reference: rand(2) ? `Patient/p${rand(50)}` : `https://x.test/fhir/Patient/p${rand(50)}` } : undefined,
      });
      const line = JSON.stringify(r, null, rand(2) ? 1 : undefined).replace(/\n/g, " ");
      const got = route(line);
      const want = expected(line);
      if (JSON.stringify(got && { type: got.type, owner: got.owner }) !== JSON.stringify(want)) disagreements.push(line);
    }
    expect(disagreements.slice(0, 3)).toEqual([]);
  });

  it("the scanner reads only the top level", () => {
    expect(topLevelFields(`{"a":{"b":1},"b":"x"}`, ["b"])).toEqual({ b: `"x"` });
    expect(topLevelFields(`{}`, ["a"])).toEqual({});
    expect(topLevelFields(`{"a":1,}`, ["a"])).toBeNull();
    expect(topLevelFields(`{"a":1} \t`, ["a"])).toEqual({ a: "1" });
    expect(topLevelFields(`{"a":1} {"a":2}`, ["a"])).toBeNull();
  });

  const nested = (depth: number, inner = "1") => `${"[".repeat(depth)}${inner}${"]".repeat(depth)}`;
  it.each([
    ["nested 100 levels deep (the top object is one more): routed", nested(99), true],
    ["nested 101 levels deep: passed by, not parsed", nested(101), false],
    ["brackets inside a string do not count", nested(5, `"${"[".repeat(500)}"`), true],
  ])("a resource %s", (_name, value, routed) => {
    const line = `{"resourceType":"Observation","x":${value},"subject":{"reference":"Patient/p1"}}`;
    expect(route(line)).toEqual(routed ? { type: "Observation", owner: "p1", medId: undefined } : null);
  });

  it("a line of millions of nested arrays is passed by at once, with little memory, wherever it is", () => {
    const deep = nested(3_000_000);
    for (const line of [deep, `{"resourceType":"MedicationRequest","x":${deep},"subject":{"reference":"Patient/p1"}}`]) {
      const before = process.memoryUsage().heapUsed;
      const t0 = performance.now();
      expect(route(line)).toBeNull();
      expect(performance.now() - t0).toBeLessThan(2000);
      expect(process.memoryUsage().heapUsed - before).toBeLessThan(64 * 1024 * 1024);
    }
  });
});

describe("reading a file in byte ranges", () => {
  // Lines of every length, some longer than the read chunk, blank lines and CRLF.
  const lines: string[] = [];
  let text = "";
  for (let i = 0; i < 400; i++) {
    const line = i % 50 === 7 ? "" : `{"i":${i},"pad":"${"x".repeat((i * 37) % 300)}"}`;
    lines.push(line);
    text += line + (i % 3 === 0 ? "\r\n" : "\n");
  }
  text += `{"i":"last, no newline"}`;
  const file = join(dir, "lines.ndjson");
  writeFileSync(file, text);
  const all = [...lines.filter((l) => l !== ""), `{"i":"last, no newline"}`];

  /** Every line of `file` read in ranges of `size` bytes and chunks of `chunk`, and the lines too long to deliver. */
  function readInRanges(file: string, bytes: number, size: number, chunk: number, maxLine?: number) {
    const seen: { line: string; offset: number }[] = [];
    const longs: { offset: number; bytes: number }[] = [];
    for (const [start, end] of ranges(bytes, size)) {
      forEachLine(file, start, end, (buf, from, to, offset) => seen.push({ line: buf.toString("utf8", from, to), offset }), chunk, (offset, n) => longs.push({ offset, bytes: n }), maxLine);
    }
    return { seen, longs };
  }

  it.each([
    ["one range", [text.length], 1 << 20],
    ["ranges of 1,000 bytes, chunks of 64", [1000], 64],
    ["ranges of 7 bytes, chunks of 16 (every line crosses both)", [7], 16],
    ["ranges of 333 bytes, chunks of 4,096", [333], 4096],
  ])("%s: every line once, with its byte offset", (_name, [size], chunk) => {
    const { seen } = readInRanges(file, Buffer.byteLength(text), size!, chunk);
    expect(seen.map((s) => s.line)).toEqual(all);
    for (const s of seen) expect(text.slice(s.offset, s.offset + s.line.length)).toBe(s.line);
  });

  it.each([
    ["one range, chunks of 1 MB (the long line within one chunk)", [1 << 20], 1 << 20],
    ["ranges of 1,000 bytes, chunks of 64 (the long line over many chunks)", [1000], 64],
    ["ranges of 7 bytes, chunks of 16", [7], 16],
  ])("a line longer than the limit, %s: reported with its offset and length, never delivered, the others are", (_name, [size], chunk) => {
    const file = join(dir, "long.ndjson");
    const long = `{"text":"${"x".repeat(500)}"}`;
    const text = `{"a":1}\n${long}\n{"b":2}\n${long}`; // the last one without a newline
    writeFileSync(file, text);
    const { seen, longs } = readInRanges(file, Buffer.byteLength(text), size!, chunk, 100);
    expect(seen).toEqual([
      { line: '{"a":1}', offset: 0 },
      { line: '{"b":2}', offset: 8 + long.length + 1 },
    ]);
    expect(longs).toEqual([
      { offset: 8, bytes: long.length },
      { offset: 8 + long.length + 1 + 8, bytes: long.length },
    ]);
  });

  it.each([
    ["one range", [1 << 20], 1 << 20],
    ["ranges of 2 bytes (the mark spans the first two)", [2], 16],
    ["ranges of 5 bytes, chunks of 16", [5], 16],
  ])("a file that starts with a UTF-8 byte order mark, %s: the first line without it, at byte 3", (_name, [size], chunk) => {
    const file = join(dir, "bom.ndjson");
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":1}\n{"b":2}\n')]);
    writeFileSync(file, bytes);
    const { seen } = readInRanges(file, bytes.length, size!, chunk);
    expect(seen).toEqual([
      { line: '{"a":1}', offset: 3 },
      { line: '{"b":2}', offset: 11 },
    ]);
  });
});

describe("layout", () => {
  it.each([
    ["Observation.ndjson", "Observation"],
    ["Observation.2.ndjson", "Observation"],
    ["Observation_1.ndjson", "Observation"],
    ["1.MedicationRequest.ndjson", "MedicationRequest"],
    ["export-Patient-000.ndjson", "Patient"],
    ["data.ndjson", null],
  ])("%s names %s", (name, type) => {
    expect(typeOfFileName(name)).toBe(type);
  });

  it("hashes ids the same way everywhere (FNV-1a, 32 bits)", () => {
    expect(idHash("")).toBe(0x811c9dc5);
    expect(idHash("a")).toBe(0xe40c292c);
    expect(idHash("foobar")).toBe(0xbf9cf968);
  });

  it("spreads patients evenly over shards and buckets", () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 40_000; i++) {
      const id = `patient-${i}`;
      const key = `${shardOf(id, 4)}/${bucketOf(id, 4, 5)}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(20);
    for (const n of counts.values()) expect(Math.abs(n - 2000)).toBeLessThan(200);
  });

  it.each([
    [0, 1, 1],
    [8 * 1024 * 1024, 1, 1],
    [8 * 1024 * 1024 + 1, 1, 2],
    [10 * 1024 ** 3, 1, 1280],
    [10 * 1024 ** 3, 10, 128],
  ])("%i bytes over %i shard(s): %i bucket(s) of at most 8 MB", (bytes, shards, expected) => {
    expect(bucketCount(bytes, shards)).toBe(expected);
  });
});

describe("one patient's line", () => {
  const rec = (key: number, json: string): SpillRecord => {
    const buf = Buffer.from(json);
    return { key, id: "p1", buf, from: 0, to: buf.length };
  };
  const patient = `{"resourceType":"Patient","id":"p1"}`;

  it("is the evaluation, with the resources put back in export order", () => {
    const obs = (id: string, date: string) =>
      `{"resourceType":"Observation","id":"${id}","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"59673-4"}]},"subject":{"reference":"Patient/p1"},"effectiveDateTime":"${date}","valueString":"positive"}`;
    const line = patientLine("p1", [rec(30, obs("b", "2026-11-10")), rec(10, patient), rec(20, obs("a", "2026-11-01"))], new Map(), "2026-11-23");
    expect(line.error).toBe(false);
    const out = JSON.parse(line.parts.join("")) as { patient: string; uds: { tests: { date: string }[] } };
    expect(out.patient).toBe("Patient/p1");
    expect(out.uds.tests.map((t) => t.date)).toEqual(["2026-11-01", "2026-11-10"]);
  });

  it("passes by a line that is not JSON and counts it", () => {
    const line = patientLine("p1", [rec(1, patient), rec(2, `{"resourceType":"Observation",`)], new Map(), "2026-11-23");
    expect(line).toMatchObject({ error: false, unreadable: 1 });
  });

  it.each([
    ["every line JSON", -1],
    ["a line that is not JSON in the first 64 KB", 3],
    ["a line that is not JSON past the first 64 KB", 150],
  ])("reads a record of more than 64 KB of lines (parsed in parts) as line by line: %s", (_name, bad) => {
    const lines = [rec(0, patient)];
    for (let i = 1; i <= 200; i++) {
      const day = `2026-${String(1 + (i % 10)).padStart(2, "0")}-${String(1 + (i % 28)).padStart(2, "0")}`;
      const json =
        i === bad
          ? `{"resourceType":"Observation","id":"cut-${i}","status":"final",`
          : `{"resourceType":"Observation","id":"o${i}","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"59673-4"}]},"subject":{"reference":"Patient/p1"},"effectiveDateTime":"${day}","valueString":"positive","note":[{"text":"${"x".repeat(300)}"}]}`;
      lines.push(rec(i, json));
    }
    expect(lines.reduce((n, l) => n + l.to - l.from, 0)).toBeGreaterThan(64 * 1024);
    const line = patientLine("p1", lines, new Map(), "2026-11-23");
    const analytes = (JSON.parse(line.parts.join("")) as { uds: { tests: { analytes: { source: string }[] }[] } }).uds.tests.flatMap((t) => t.analytes.map((a) => a.source));
    expect({ error: line.error, unreadable: line.unreadable, analytes: analytes.length }).toEqual({ error: false, unreadable: bad > 0 ? 1 : 0, analytes: bad > 0 ? 199 : 200 });
  });

  it("is an error line, without reading it, for a record larger than a worker may hold", () => {
    const big: SpillRecord = { key: 2, id: "p1", buf: Buffer.alloc(MAX_PATIENT_BYTES + 1, 32), from: 0, to: MAX_PATIENT_BYTES + 1 };
    const line = patientLine("p1", [rec(1, patient), big], new Map(), "2026-11-23");
    expect(line.error).toBe(true);
    expect(JSON.parse(line.parts.join(""))).toEqual({
      patient: "Patient/p1",
      error: "the record holds 8.0 MB of resources, more than a population run reads for one patient (8 MB); evaluate it alone with evaluate --bundle",
    });
  });

  it("is an error line for resources with no Patient", () => {
    const line = patientLine("p1", [rec(1, `{"resourceType":"Condition","id":"c","code":{"text":"x"},"subject":{"reference":"Patient/p1"}}`)], new Map(), "2026-11-23");
    expect(JSON.parse(line.parts.join(""))).toEqual({ patient: "Patient/p1", error: 'no Patient with id "p1" in the input' });
  });
});

describe("a bucket larger than a worker holds at once", () => {
  it("is read in groups of patients: every patient's line as patientLine gives it, in order of id, the oversized one an error", () => {
    const now = "2026-11-23";
    const tmp = mkdtempSync(join(dir, "large-bucket-"));
    const shape = { tmp, shardIndex: 0, shardCount: 1, buckets: 1, medPartitions: 1 };
    // Twelve patients of about 4 MB (48 MB in all, past LARGE_BUCKET_BYTES) and one of 9 MB (over MAX_PATIENT_BYTES),
    // their records interleaved as phase 1 spills them.
    const note = "n".repeat(1024 * 1024);
    const ids = [...Array.from({ length: 12 }, (_, i) => `p${String(i).padStart(2, "0")}`), "p05-big"];
    const records: { key: number; id: string; json: string }[] = [];
    let key = 0;
    for (const id of ids) {
      records.push({ key: key++, id, json: `{"resourceType":"Patient","id":"${id}"}` });
      const notes = id.endsWith("big") ? 9 : 4;
      for (let i = 0; i < notes; i++)
        records.push({ key: key++, id, json: `{"resourceType":"Condition","id":"${id}-c${i}","code":{"text":"x"},"subject":{"reference":"Patient/${id}"},"note":[{"text":"${note}"}]}` });
    }
    records.sort((a, b) => (a.key * 7919) % 101 - (b.key * 7919) % 101 || a.key - b.key);
    const spilled = records.map((r) => `${r.key}\t${r.id}\t${r.json}\n`).join("");
    expect(Buffer.byteLength(spilled)).toBeGreaterThan(LARGE_BUCKET_BYTES);
    writeFileSync(spill.patients(tmp, 0, 0), spilled);
    const result = evaluateBucket({ kind: "bucket", bucket: 0, writers: 1, now }, shape);
    const got = Buffer.concat(result.output).toString("utf8").split("\n").filter(Boolean);
    const want = [...ids].sort().map((id) => {
      const mine = records.filter((r) => r.id === id).sort((a, b) => a.key - b.key);
      const lines = mine.map((r): SpillRecord => ({ key: r.key, id, buf: Buffer.from(r.json), from: 0, to: Buffer.byteLength(r.json) }));
      return patientLine(id, lines, new Map(), now).parts.join("");
    });
    expect(got.map((l) => (JSON.parse(l) as { patient: string }).patient)).toEqual([...ids].sort().map((id) => `Patient/${id}`));
    expect(got).toEqual(want);
    expect(JSON.parse(got[[...ids].sort().indexOf("p05-big")]!)).toMatchObject({ error: expect.stringMatching(/^the record holds 9\.0 MB/) });
    expect(result.counts).toEqual({ patients: 13, errors: 1, unreadable: 0 });
  }, 60_000);
});

describe("a bucket whose Medications are larger than a worker holds at once", () => {
  it("reads each Medication when a request asks for it, the same lines as from memory, and counts it in the patient's 8 MB", () => {
    const now = "2026-11-23";
    const tmp = mkdtempSync(join(dir, "large-meds-"));
    const shape = { tmp, shardIndex: 0, shardCount: 1, buckets: 1, medPartitions: 1 };
    const text = "m".repeat(5 * 1024 * 1024);
    const meds = Array.from({ length: 7 }, (_, i) => ({ key: 1000 + i, id: `m${i}`, json: `{"resourceType":"Medication","id":"m${i}","code":{"text":"${text}"}}` }));
    const request = (p: string, m: string, n: number) =>
      `{"resourceType":"MedicationRequest","id":"${p}-r${n}","status":"active","intent":"order","subject":{"reference":"Patient/${p}"},"medicationReference":{"reference":"Medication/${m}"}}`;
    // p0…p5 each take one Medication; p6 takes two (10 MB with its own lines: over the 8 MB a run reads for a patient).
    const records: { key: number; id: string; json: string }[] = [];
    for (let i = 0; i < 7; i++) {
      const p = `p${i}`;
      records.push({ key: 10 * i, id: p, json: `{"resourceType":"Patient","id":"${p}"}` });
      records.push({ key: 10 * i + 1, id: p, json: request(p, `m${i === 6 ? 5 : i}`, 1) });
      if (i === 6) records.push({ key: 10 * i + 2, id: p, json: request(p, "m6", 2) });
    }
    const joined = meds.map((m) => `${m.key}\t${m.id}\t${m.json}\n`).join("");
    expect(Buffer.byteLength(joined)).toBeGreaterThan(LARGE_BUCKET_BYTES);
    writeFileSync(spill.joined(tmp, 0, 0), joined);
    writeFileSync(spill.patients(tmp, 0, 0), records.map((r) => `${r.key}\t${r.id}\t${r.json}\n`).join(""));
    const result = evaluateBucket({ kind: "bucket", bucket: 0, writers: 1, now }, shape);
    const got = Buffer.concat(result.output).toString("utf8").split("\n").filter(Boolean);
    const inMemory = new Map(meds.map((m): [string, SpillRecord] => [m.id, { key: m.key, id: m.id, buf: Buffer.from(m.json), from: 0, to: Buffer.byteLength(m.json) }]));
    const want = Array.from({ length: 7 }, (_, i) => {
      const lines = records.filter((r) => r.id === `p${i}`).map((r): SpillRecord => ({ key: r.key, id: r.id, buf: Buffer.from(r.json), from: 0, to: Buffer.byteLength(r.json) }));
      return patientLine(`p${i}`, lines, inMemory, now).parts.join("");
    });
    expect(got).toEqual(want);
    expect(JSON.parse(got[0]!)).not.toHaveProperty("error");
    expect(JSON.parse(got[6]!)).toMatchObject({ patient: "Patient/p6", error: expect.stringMatching(/^the record holds 10\.0 MB of resources/) });
    expect(result.counts).toEqual({ patients: 7, errors: 1, unreadable: 0 });
  }, 60_000);
});

describe("spill files", () => {
  // Records spread over many files with little buffer memory: buffers are handed between files, more files are written
  // than are kept open, and some records are longer than a buffer. Every file must read back whole and in order.
  it.each([
    ["every file has its own buffer", 8, 64 * 1024],
    ["more files than buffers fit in the limit", 40, 64 * 1024],
    ["more files than are kept open (256)", 300, 256 * 1024],
  ])("%s: every record back, in order, in its file", (_name, files, limit) => {
    const sub = mkdtempSync(join(dir, "spill-"));
    const paths = Array.from({ length: files }, (_, f) => join(sub, `f-${f}.tsv`));
    const writer = new SpillWriter(limit);
    writer.plan(files);
    const want: string[][] = paths.map(() => []);
    let x = 7;
    const rand = (n: number) => ((x = (x * 1103515245 + 12345) % 2147483648) % n);
    for (let i = 0; i < 6000; i++) {
      const f = (i * 37) % files; // every file, interleaved
      const json = `{"i":${i},"pad":"${"é".repeat(rand(i % 97 === 0 ? 40_000 : 300))}"}`; // now and then longer than a buffer
      const bytes = Buffer.from(`--${json}--`);
      writer.write(paths[f]!, `${i}\tid-${f}\t`, bytes, 2, bytes.length - 2);
      want[f]!.push(`${i} id-${f} ${json}`);
    }
    writer.flush();
    const reader = new SpillReader();
    paths.forEach((path, f) => {
      const got: string[] = [];
      reader.read([path], (r) => got.push(`${r.key} ${r.id} ${r.buf.toString("utf8", r.from, r.to)}`));
      expect(got).toEqual(want[f]);
    });
  });
});

describe("a spilled record written from bytes", () => {
  it.each([
    ["key 0", 0, 64 * 1024],
    ["a one-digit key", 7, 64 * 1024],
    ["key 10", 10, 64 * 1024],
    ["a key past 2^32 (file 3, byte 12,345)", 3 * 2 ** 40 + 12_345, 64 * 1024],
    ["a record longer than a buffer", 2 ** 40 + 99, 16 * 1024],
  ])("%s: the same bytes as the head written as text", (_name, key, limit) => {
    const sub = mkdtempSync(join(dir, "record-"));
    const [a, b] = [join(sub, "a.tsv"), join(sub, "b.tsv")];
    const line = Buffer.from(`xx{"resourceType":"Observation","note":"${"é".repeat(limit === 16 * 1024 ? 20_000 : 10)}","subject":{"reference":"Patient/pt-7"}}yy`);
    const id = Buffer.from("..pt-7..");
    const writer = new SpillWriter(limit);
    writer.plan(2);
    writer.writeRecord(a, key, id, 2, 6, line, 2, line.length - 2);
    writer.write(b, `${key}\tpt-7\t`, line, 2, line.length - 2);
    writer.flush();
    expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
    const got: string[] = [];
    new SpillReader().read([a], (r) => got.push(`${r.key} ${r.id}`));
    expect(got).toEqual([`${key} pt-7`]);
  });
});

describe("an output line in parts", () => {
  it.each([
    ["members of every JSON type", { a: "x", b: 1.5, c: true, d: null, e: [1, "two", { three: 3 }], f: { g: { h: "–" } } }],
    ["undefined, functions and symbols left out, as JSON.stringify does", { a: undefined, b: () => 1, c: Symbol("s"), d: [undefined, () => 1], e: "kept" }],
    ["nothing but left-out members", { a: undefined }],
    ["an empty object", {}],
    ["names that need escaping", { 'say "hi"': 1, "tab\there": 2, "dash – and é": "é" }],
    ["a value with toJSON", { when: new Date(Date.UTC(2026, 10, 23)), n: -0, x: Number.NaN }],
    ["text outside Latin-1 in one member only", { uds: "plain", recommendations: ["[44–49]"], warnings: [] }],
    // The member heads (`{"a":`, `,"a":`) are kept from line to line: names seen before, in other places.
    ["names seen before, in another order", { b: 1, a: "x", uds: "y" }],
    ["a name that came later before, first", { e: 1, uds: 2, 'say "hi"': 3 }],
  ])("%s: the parts joined are JSON.stringify's text", (_name, o) => {
    expect(jsonParts(o as Record<string, unknown>).join("")).toBe(JSON.stringify(o));
  });

  it("an object with its own toJSON is stringified whole", () => {
    const o = { a: 1, toJSON: () => ({ b: 2 }) };
    expect(jsonParts(o).join("")).toBe(`{"b":2}`);
  });
});

describe("the workers' code as JavaScript", () => {
  it("is the same code: a patient's line from the copy equals the TypeScript module's", async () => {
    const out = join(dir, "js");
    const url = javascriptCopy(new URL("../../src/cli/population/patient-line.ts", import.meta.url), { cache: out });
    expect(url.pathname.endsWith("/cli/population/patient-line.js")).toBe(true);
    const copy = (await import(url.href)) as { patientLine: typeof patientLine };
    const lines = [
      `{"resourceType":"Patient","id":"p1"}`,
      `{"resourceType":"Observation","id":"o1","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"59673-4"}]},"subject":{"reference":"Patient/p1"},"effectiveDateTime":"2026-11-10","valueString":"positive"}`,
    ].map((json, key): SpillRecord => ({ key, id: "p1", buf: Buffer.from(json), from: 0, to: Buffer.byteLength(json) }));
    const fromCopy = copy.patientLine("p1", lines, new Map(), "2026-11-23");
    expect(fromCopy.parts.join("")).toBe(patientLine("p1", lines, new Map(), "2026-11-23").parts.join(""));
    expect(fromCopy.parts.join("")).toContain(`"recommendations":[{`);
    // Plain JavaScript: no TypeScript file among the copies, and the engine's vocabulary came along.
    const files = readdirSync(out, { recursive: true }) as string[];
    expect(files.filter((f) => f.endsWith(".ts"))).toEqual([]);
    expect(files.some((f) => f.endsWith(join("clinical", "vocabulary.generated.json")))).toBe(true);
  });
});
