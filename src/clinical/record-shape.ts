// The structural check at the door of the engine: every element the engine (and the app's labels) read, with the
// JSON type it must have. A resource whose element has the wrong type (`code.coding` an object, `coding: [null]`,
// `contained: {}`, an activity's `detail.code.coding` a string…) is skipped with a warning that names the element
// ("code.coding is not an array"), so the readers behind it can rely on the shapes FHIR promises. Elements the
// engine does not read are not checked. The Patient is never skipped for its demographics: a malformed name,
// birth date, gender or identifier is left out (with a warning) and the rest of the Patient is used. Pure.

type Shape =
  | "string"
  | "number"
  | "boolean"
  /** A contained resource: an object with a resourceType, checked by its own type's shape. */
  | "resource"
  | { array: Shape }
  | { fields: ReadonlyMap<string, Shape>; required: readonly string[] };

const S: Shape = "string";
const N: Shape = "number";
const B: Shape = "boolean";
const arrayOf = (item: Shape): Shape => ({ array: item });
const object = (fields: Record<string, Shape>, required: readonly string[] = []): Shape => ({ fields: new Map(Object.entries(fields)), required });

const Coding = object({ system: S, code: S, display: S });
const CodeableConcept = object({ coding: arrayOf(Coding), text: S });
const Reference = object({ reference: S, display: S });
const Period = object({ start: S, end: S });
const Quantity = object({ value: N, unit: S, code: S, system: S, comparator: S });
const Identifier = object({ use: S, system: S, value: S, type: CodeableConcept });
const Meta = object({ versionId: S, lastUpdated: S });

/** The parts of an Observation or a component that carry a result (uds-result.ts, stage.ts). */
const RESULT: Record<string, Shape> = {
  valueCodeableConcept: CodeableConcept,
  valueString: S,
  valueBoolean: B,
  valueQuantity: Quantity,
  valueInteger: N,
  interpretation: arrayOf(CodeableConcept),
  referenceRange: arrayOf(object({ low: Quantity, high: Quantity })),
  dataAbsentReason: CodeableConcept,
};

const COMMON: Record<string, Shape> = { id: S, meta: Meta, contained: arrayOf("resource"), subject: Reference, patient: Reference };

const RESOURCES: Record<string, Shape> = {
  Observation: object(
    {
      ...COMMON,
      status: S,
      code: CodeableConcept,
      category: arrayOf(CodeableConcept),
      effectiveDateTime: S,
      effectivePeriod: Period,
      effectiveInstant: S,
      issued: S,
      performer: arrayOf(Reference),
      hasMember: arrayOf(Reference),
      component: arrayOf(object({ code: CodeableConcept, ...RESULT }, ["code"])),
      ...RESULT,
    },
    ["status", "code"],
  ),
  MedicationRequest: object(
    {
      ...COMMON,
      status: S,
      intent: S,
      medicationCodeableConcept: CodeableConcept,
      medicationReference: Reference,
      authoredOn: S,
      dispenseRequest: object({ validityPeriod: Period }),
    },
    ["status"],
  ),
  Medication: object({ ...COMMON, code: CodeableConcept }),
  Condition: object(
    {
      ...COMMON,
      code: CodeableConcept,
      clinicalStatus: CodeableConcept,
      verificationStatus: CodeableConcept,
      category: arrayOf(CodeableConcept),
      onsetDateTime: S,
      onsetPeriod: Period,
      recordedDate: S,
    },
    ["code"],
  ),
  CarePlan: object(
    {
      ...COMMON,
      status: S,
      intent: S,
      title: S,
      identifier: arrayOf(Identifier),
      period: Period,
      author: Reference,
      addresses: arrayOf(Reference),
      goal: arrayOf(Reference),
      activity: arrayOf(
        object({
          detail: object({
            status: S,
            code: CodeableConcept,
            description: S,
            scheduledTiming: object({ repeat: object({ boundsPeriod: Period }) }),
            scheduledPeriod: Period,
            extension: arrayOf(object({ url: S, valueCode: S })),
          }),
        }),
      ),
    },
    ["status"],
  ),
  Goal: object(
    { ...COMMON, lifecycleStatus: S, description: CodeableConcept, target: arrayOf(object({ dueDate: S })) },
    ["lifecycleStatus"],
  ),
};

/** Patient elements that may be left out one by one (the Patient itself stays). */
const PATIENT_ELEMENTS: Record<string, Shape> = {
  name: arrayOf(object({ use: S, text: S, family: S, given: arrayOf(S), prefix: arrayOf(S), suffix: arrayOf(S) })),
  birthDate: S,
  gender: S,
  identifier: arrayOf(Identifier),
};

export const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;

/**
 * FHIR_ID.test(value), read character by character: it runs for every resource, and the regular expression cost
 * more than the rest of a valid resource's check (test/unit/record-shape.test.ts checks the two agree).
 */
export function isFhirId(value: string): boolean {
  const n = value.length;
  if (n === 0 || n > 64) return false;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    // A–Z, a–z, 0–9, "-", "."
    if (!((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 45 || c === 46)) return false;
  }
  return true;
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  if (typeof value === "string") return "text";
  return `a ${typeof value}`;
}

const EXPECTED: Record<string, string> = { string: "text", number: "a number", boolean: "true or false" };

/** A problem found deep inside a value: the keys to it (innermost first, added on the way out) and what is wrong. */
interface Problem {
  keys: (string | number)[];
  text: string;
}

const fail = (text: string, keys: (string | number)[] = []): Problem => ({ keys, text });

/** A contained resource: an object with a resourceType and a FHIR id, checked by its own type's shape. */
function checkContained(value: unknown): Problem | null {
  if (!isObject(value)) return fail(`is ${describe(value)}, not a resource`);
  const type = value.resourceType;
  if (typeof type !== "string" || type === "") return fail("has no resourceType");
  if (value.id !== undefined && (typeof value.id !== "string" || !isFhirId(value.id)))
    return fail(`${JSON.stringify(value.id)?.slice(0, 70) ?? "?"} is not a FHIR id`, ["id"]);
  // FHIR dom-2: a contained resource contains no resources (which also bounds the depth of this check).
  if (value.contained !== undefined) return fail("is not allowed in a contained resource", ["contained"]);
  const inner = RESOURCES[type];
  return inner ? check(value, inner) : null;
}

/** Finds the first part of a value that does not have its shape, or null. */
type Check = (value: unknown) => Problem | null;

const compiled = new Map<Shape, Check>();

/**
 * The check for a shape, compiled once into plain closures (a switch over the shape for every element of every
 * resource cost a fifth of the engine's time on a 20-year record). Recursive, but only as deep as the shapes above
 * (contained resources contain none), whatever the depth of the input.
 */
function checker(shape: Shape): Check {
  let c = compiled.get(shape);
  if (!c) compiled.set(shape, (c = compile(shape)));
  return c;
}

function compile(shape: Shape): Check {
  if (shape === "resource") return checkContained;
  if (shape === "number")
    return (v) => (typeof v === "number" && Number.isFinite(v) ? null : fail(`is ${describe(v)}, not ${EXPECTED.number}`));
  if (typeof shape === "string") {
    const expected = EXPECTED[shape];
    return (v) => (typeof v === shape ? null : fail(`is ${describe(v)}, not ${expected}`));
  }
  if ("array" in shape) {
    const item = checker(shape.array);
    return (v) => {
      if (!Array.isArray(v)) return fail("is not an array");
      for (let i = 0; i < v.length; i++) {
        const p = item(v[i]);
        if (p) return p.keys.push(i), p;
      }
      return null;
    };
  }
  const fields: Record<string, Check | undefined> = Object.create(null);
  for (const [key, inner] of shape.fields) fields[key] = checker(inner);
  const required = shape.required;
  const isText = checker("string");
  return (v) => {
    if (!isObject(v)) return fail(`is ${describe(v)}, not an object`);
    for (let i = 0; i < required.length; i++) if (v[required[i]!] === undefined) return fail("is missing", [required[i]!]);
    // The value's own keys in document order (a resource has far fewer than its shape lists; parsed JSON has no
    // inherited enumerable keys).
    for (const key in v) {
      const inner = fields[key];
      if (inner === undefined) continue;
      const x = v[key];
      if (x === undefined) continue;
      // Most elements are text: checked here rather than by a call (the call then words the problem).
      if (inner === isText && typeof x === "string") continue;
      const p = inner(x);
      if (p) return p.keys.push(key), p;
    }
    return null;
  };
}

function check(value: unknown, shape: Shape): Problem | null {
  return checker(shape)(value);
}

/** "code.coding[0] is null, not an object". */
function firstProblem(value: unknown, shape: Shape, root: string): string | null {
  const p = check(value, shape);
  if (!p) return null;
  let path = root;
  for (let i = p.keys.length - 1; i >= 0; i--) {
    const k = p.keys[i]!;
    path = typeof k === "number" ? `${path}[${k}]` : path ? `${path}.${k}` : k;
  }
  return `${path} ${p.text}`;
}

/**
 * Why the engine cannot use this resource (e.g. "code.coding is not an array", "status is missing"), or null when it
 * can. Types the engine does not read are only checked for a resourceType and an id.
 */
export function resourceProblem(resource: Record<string, unknown>): string | null {
  const type = resource.resourceType;
  if (typeof type !== "string" || type.length === 0) return "no resourceType";
  if (resource.id !== undefined && (typeof resource.id !== "string" || !isFhirId(resource.id)))
    return `id ${JSON.stringify(resource.id)?.slice(0, 70) ?? "?"} is not a FHIR id`;
  if (type === "Patient") return null;
  if (type === "MedicationRequest" && resource.medicationCodeableConcept === undefined && resource.medicationReference === undefined)
    return "medication[x] is missing";
  const shape = RESOURCES[type];
  return shape ? firstProblem(resource, shape, "") : null;
}

/**
 * The Patient with every malformed demographic element left out, and one problem per element left out
 * ("name is not an array"). The same object when nothing is wrong.
 */
/** PATIENT_ELEMENTS as a list, made once (every record has a Patient). */
const PATIENT_ELEMENT_LIST: readonly (readonly [string, Shape])[] = Object.entries(PATIENT_ELEMENTS);

export function usablePatient<T extends Record<string, unknown>>(patient: T): { patient: T; problems: string[] } {
  const problems: string[] = [];
  let out = patient;
  for (const [key, shape] of PATIENT_ELEMENT_LIST) {
    if (patient[key] === undefined) continue;
    const problem = firstProblem(patient[key], shape, key);
    if (!problem) continue;
    problems.push(problem);
    if (out === patient) out = { ...patient };
    delete out[key];
  }
  return { patient: out, problems };
}
