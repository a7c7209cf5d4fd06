// The JSON shapes of CDS Hooks 2.0 (https://cds-hooks.hl7.org/2.0/), written out from the specification's tables:
// each function lists what an object gets wrong ([] when it conforms). Used by the contract tests on what the service
// sends (discovery, cards) and what the sandbox EHR sends (the hook request, feedback).
// General rule of the spec: JSON elements SHALL NOT be null or empty ("", [], {}) unless stated otherwise.

type Json = Record<string, unknown>;

const isObject = (x: unknown): x is Json => typeof x === "object" && x !== null && !Array.isArray(x);
const isUrl = (x: unknown): boolean => {
  if (typeof x !== "string") return false;
  try {
    return /^https?:$/.test(new URL(x).protocol);
  } catch {
    return false;
  }
};

/** Problems with null/empty values anywhere under `x` (the spec's "Null and empty JSON elements"). */
export function emptyValues(x: unknown, at = "$"): string[] {
  if (x === null) return [`${at} is null`];
  if (x === "") return [`${at} is an empty string`];
  if (Array.isArray(x)) return x.length === 0 ? [`${at} is an empty array`] : x.flatMap((v, i) => emptyValues(v, `${at}[${i}]`));
  if (isObject(x)) {
    const keys = Object.keys(x);
    return keys.length === 0 ? [`${at} is an empty object`] : keys.flatMap((k) => emptyValues(x[k], `${at}.${k}`));
  }
  return [];
}

function field(o: Json, name: string, type: "string" | "number" | "boolean" | "object" | "array", required: boolean, at: string): string[] {
  const v = o[name];
  if (v === undefined) return required ? [`${at}.${name} is REQUIRED`] : [];
  const ok = type === "array" ? Array.isArray(v) : type === "object" ? isObject(v) : typeof v === type;
  return ok ? [] : [`${at}.${name} must be ${type === "array" || type === "object" ? `an ${type}` : `a ${type}`}`];
}

function coding(x: unknown, at: string, needDisplay: boolean): string[] {
  if (!isObject(x)) return [`${at} must be a Coding`];
  return [...field(x, "code", "string", true, at), ...field(x, "system", "string", false, at), ...field(x, "display", "string", needDisplay, at)];
}

export function checkDiscovery(x: unknown): string[] {
  if (!isObject(x) || !Array.isArray(x.services)) return ["discovery must be { services: [...] }"];
  return x.services.flatMap((s: unknown, i): string[] => {
    const at = `services[${i}]`;
    if (!isObject(s)) return [`${at} must be an object`];
    const problems = [
      ...field(s, "hook", "string", true, at),
      ...field(s, "title", "string", false, at),
      ...field(s, "description", "string", true, at),
      ...field(s, "id", "string", true, at),
      ...field(s, "prefetch", "object", false, at),
      ...field(s, "usageRequirements", "string", false, at),
    ];
    if (isObject(s.prefetch))
      for (const [k, v] of Object.entries(s.prefetch)) if (typeof v !== "string") problems.push(`${at}.prefetch.${k} must be a query string`);
    return [...problems, ...emptyValues(s, at)];
  });
}

export function checkLink(x: unknown, at: string): string[] {
  if (!isObject(x)) return [`${at} must be an object`];
  const problems = [...field(x, "label", "string", true, at), ...field(x, "type", "string", true, at), ...field(x, "appContext", "string", false, at)];
  if (!isUrl(x.url)) problems.push(`${at}.url must be an absolute URL`);
  if (x.type !== "absolute" && x.type !== "smart") problems.push(`${at}.type must be "absolute" or "smart"`);
  if (x.appContext !== undefined && x.type !== "smart") problems.push(`${at}.appContext is only valid on smart links`);
  return problems;
}

export function checkCard(x: unknown, at = "card"): string[] {
  if (!isObject(x)) return [`${at} must be an object`];
  const problems = [
    ...field(x, "uuid", "string", false, at),
    ...field(x, "summary", "string", true, at),
    ...field(x, "detail", "string", false, at),
    ...field(x, "indicator", "string", true, at),
    ...field(x, "source", "object", true, at),
    ...field(x, "suggestions", "array", false, at),
    ...field(x, "selectionBehavior", "string", false, at),
    ...field(x, "overrideReasons", "array", false, at),
    ...field(x, "links", "array", false, at),
  ];
  if (typeof x.summary === "string" && x.summary.length >= 140) problems.push(`${at}.summary must be under 140 characters (${x.summary.length})`);
  if (typeof x.summary === "string" && /\n/.test(x.summary)) problems.push(`${at}.summary must be one sentence on one line`);
  if (!["info", "warning", "critical"].includes(String(x.indicator))) problems.push(`${at}.indicator must be info, warning or critical`);
  if (isObject(x.source)) {
    problems.push(...field(x.source, "label", "string", true, `${at}.source`));
    if (x.source.url !== undefined && !isUrl(x.source.url)) problems.push(`${at}.source.url must be an absolute URL`);
    if (x.source.icon !== undefined && !isUrl(x.source.icon)) problems.push(`${at}.source.icon must be an absolute URL`);
    if (x.source.topic !== undefined) problems.push(...coding(x.source.topic, `${at}.source.topic`, false));
  }
  if (Array.isArray(x.suggestions) && !["at-most-one", "any"].includes(String(x.selectionBehavior)))
    problems.push(`${at}.selectionBehavior must be at-most-one or any when suggestions are present`);
  if (Array.isArray(x.overrideReasons)) x.overrideReasons.forEach((r, i) => problems.push(...coding(r, `${at}.overrideReasons[${i}]`, true)));
  if (Array.isArray(x.links)) x.links.forEach((l, i) => problems.push(...checkLink(l, `${at}.links[${i}]`)));
  return [...problems, ...emptyValues(x, at)];
}

export function checkResponse(x: unknown): string[] {
  if (!isObject(x) || !Array.isArray(x.cards)) return ["response must be { cards: [...] }"];
  // An empty cards array is how the spec says "no decision support": allowed here only.
  return [...x.cards.flatMap((c, i) => checkCard(c, `cards[${i}]`)), ...field(x, "systemActions", "array", false, "response")];
}

export function checkRequest(x: unknown): string[] {
  if (!isObject(x)) return ["request must be an object"];
  const problems = [
    ...field(x, "hook", "string", true, "request"),
    ...field(x, "hookInstance", "string", true, "request"),
    ...field(x, "fhirAuthorization", "object", false, "request"),
    ...field(x, "context", "object", true, "request"),
    ...field(x, "prefetch", "object", false, "request"),
  ];
  if (x.fhirServer !== undefined && !isUrl(x.fhirServer)) problems.push("request.fhirServer must be a URL");
  if (x.fhirAuthorization !== undefined && x.fhirServer === undefined) problems.push("request.fhirServer is REQUIRED with fhirAuthorization");
  if (isObject(x.fhirAuthorization)) {
    const a = x.fhirAuthorization;
    const at = "request.fhirAuthorization";
    problems.push(
      ...field(a, "access_token", "string", true, at),
      ...field(a, "token_type", "string", true, at),
      ...field(a, "expires_in", "number", true, at),
      ...field(a, "scope", "string", true, at),
      ...field(a, "subject", "string", true, at),
      ...field(a, "patient", "string", false, at),
    );
    if (a.token_type !== "Bearer") problems.push(`${at}.token_type must be "Bearer"`);
    if (typeof a.scope === "string" && /(^|\s)patient\//.test(a.scope) && a.patient === undefined) problems.push(`${at}.patient SHOULD be given with patient/ scopes`);
  }
  if (x.hook === "patient-view" && isObject(x.context)) {
    problems.push(...field(x.context, "userId", "string", true, "request.context"), ...field(x.context, "patientId", "string", true, "request.context"));
    problems.push(...field(x.context, "encounterId", "string", false, "request.context"));
  }
  if (typeof x.hookInstance === "string" && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(x.hookInstance))
    problems.push("request.hookInstance must be a UUID");
  // prefetch values may be null (no data): check the rest only.
  const { prefetch: _prefetch, ...rest } = x;
  return [...problems, ...emptyValues(rest, "request")];
}

export function checkFeedback(x: unknown): string[] {
  if (!isObject(x) || !Array.isArray(x.feedback)) return ["feedback must be { feedback: [...] }"];
  return x.feedback.flatMap((f: unknown, i): string[] => {
    const at = `feedback[${i}]`;
    if (!isObject(f)) return [`${at} must be an object`];
    const problems = [...field(f, "card", "string", true, at), ...field(f, "outcomeTimestamp", "string", true, at)];
    if (f.outcome !== "accepted" && f.outcome !== "overridden") problems.push(`${at}.outcome must be accepted or overridden`);
    if (f.outcome === "accepted" && !Array.isArray(f.acceptedSuggestions)) problems.push(`${at}.acceptedSuggestions is REQUIRED when accepted`);
    return problems;
  });
}

/** The registered claims CDS Hooks requires of the EHR's JWT, and its header fields. */
export function checkEhrJwt(header: Json, payload: Json, audience: string): string[] {
  const problems: string[] = [];
  if (typeof header.alg !== "string" || header.alg === "none" || /^HS/.test(header.alg)) problems.push("header.alg must be an asymmetric algorithm");
  if (typeof header.kid !== "string") problems.push("header.kid is REQUIRED");
  if (header.typ !== "JWT") problems.push('header.typ must be "JWT"');
  for (const c of ["iss", "jti"]) if (typeof payload[c] !== "string") problems.push(`${c} is REQUIRED`);
  for (const c of ["exp", "iat"]) if (typeof payload[c] !== "number") problems.push(`${c} is REQUIRED`);
  if (![payload.aud].flat().includes(audience)) problems.push(`aud must be ${audience}`);
  return problems;
}
