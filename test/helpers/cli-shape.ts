// The shape of the CLI's output object (clinical-spec §6): the fixed field names and their types. Returns one line
// per problem ("stage.value: \"x\" is not one of …"), so a failing property says exactly what broke.

type Check = (value: unknown, path: string, problems: string[]) => void;

const show = (v: unknown) => {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 80 ? `${s.slice(0, 80)}…` : s;
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

const string: Check = (v, p, out) => {
  if (typeof v !== "string") out.push(`${p}: ${show(v)} is not a string`);
};
const nonEmpty: Check = (v, p, out) => {
  if (typeof v !== "string" || v.length === 0) out.push(`${p}: ${show(v)} is not a non-empty string`);
};
const boolean: Check = (v, p, out) => {
  if (typeof v !== "boolean") out.push(`${p}: ${show(v)} is not a boolean`);
};
const finite: Check = (v, p, out) => {
  if (typeof v !== "number" || !Number.isFinite(v)) out.push(`${p}: ${show(v)} is not a finite number`);
};
const integer: Check = (v, p, out) => {
  if (!Number.isInteger(v)) out.push(`${p}: ${show(v)} is not an integer`);
};
const date: Check = (v, p, out) => {
  if (typeof v !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(v)) out.push(`${p}: ${show(v)} is not a YYYY-MM-DD date`);
};
const oneOf =
  (...values: unknown[]): Check =>
  (v, p, out) => {
    if (!values.includes(v)) out.push(`${p}: ${show(v)} is not one of ${values.map(show).join(", ")}`);
  };
const nullable =
  (check: Check): Check =>
  (v, p, out) => {
    if (v !== null) check(v, p, out);
  };
const arrayOf =
  (check: Check): Check =>
  (v, p, out) => {
    if (!Array.isArray(v)) out.push(`${p}: ${show(v)} is not an array`);
    else v.forEach((x, i) => check(x, `${p}[${i}]`, out));
  };
const object =
  (fields: Record<string, Check>): Check =>
  (v, p, out) => {
    if (!isObject(v)) {
      out.push(`${p}: ${show(v)} is not an object`);
      return;
    }
    for (const [k, check] of Object.entries(fields)) {
      if (!(k in v)) out.push(`${p ? `${p}.` : ""}${k}: missing`);
      else check(v[k], `${p ? `${p}.` : ""}${k}`, out);
    }
  };

const ref: Check = (v, p, out) => {
  if (typeof v !== "string" || !/^[A-Z][A-Za-z]+\/\S+$|^input:/.test(v)) out.push(`${p}: ${show(v)} is not a reference`);
};

/** clinical-spec §6, field by field (README: opioid may also be "indeterminate"). */
const CLI_OUTPUT: Check = object({
  patient: (v, p, out) => {
    if (typeof v !== "string" || !/^Patient\/[A-Za-z0-9\-.]{1,64}$/.test(v)) out.push(`${p}: ${show(v)} is not "Patient/ID"`);
  },
  stage: object({
    value: oneOf("precontemplation", "contemplation", "preparation", "action", "maintenance", "unknown"),
    observedAt: nullable(string),
    stale: boolean,
    source: nullable(ref),
  }),
  moud: object({
    active: arrayOf(object({ medication: oneOf("buprenorphine", "methadone", "naltrexone"), request: ref })),
  }),
  uds: object({
    tests: arrayOf(
      object({
        date,
        opioid: oneOf("positive", "negative", "indeterminate", "none"),
        analytes: arrayOf(
          object({
            analyte: nonEmpty,
            result: oneOf("positive", "negative", "indeterminate"),
            prescribed: boolean,
            source: ref,
          }),
        ),
      }),
    ),
  }),
  ongoingOpioidUse: boolean,
  returnToUse: boolean,
  contingencyManagement: object({
    enrolled: boolean,
    schedule: oneOf("escalating", "prize", "fixed"),
    startDate: nullable(date),
    currentWeek: nullable(integer),
    weeks: arrayOf(object({ week: integer, outcome: oneOf("negative", "positive", "missed", "pending"), earned: finite })),
    currentStreak: integer,
    longestStreak: integer,
    earnedTotal: finite,
    nextIfNegative: nullable(finite),
    capRemaining: finite,
  }),
  recommendations: arrayOf(
    object({
      id: nonEmpty,
      tier: oneOf("primary", "consider"),
      reasons: arrayOf(nonEmpty),
      evidence: arrayOf(nonEmpty),
    }),
  ),
  warnings: arrayOf(object({ code: nonEmpty, message: nonEmpty })),
});

/** Problems with a parsed CLI output object; [] when it has the §6 shape. */
export function cliShapeProblems(output: unknown): string[] {
  const problems: string[] = [];
  CLI_OUTPUT(output, "", problems);
  return problems;
}
