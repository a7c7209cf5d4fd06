// The top-level fields of a one-line JSON object, found in its bytes without decoding the line or building the
// object: phase 1 of a population run needs only a resource's type and the patient it belongs to, and parsing (or
// even decoding) every line whole would cost as much as the rest of the run. One pass over the bytes; a line this
// scanner cannot follow gives null, and the caller parses it whole. Every occurrence of a key is seen, so a repeated
// key gives its last value, as in JSON.parse. (A line that looks well formed here but is not JSON is found out when
// its patient is read.) JSON's structure and the keys are ASCII, so UTF-8 text inside strings is passed over as it is.
const QUOTE = 34;
const BACKSLASH = 92;
const LBRACE = 123;
const RBRACE = 125;
const LBRACK = 91;
const RBRACK = 93;
const COMMA = 44;
const COLON = 58;

/**
 * The deepest nesting of arrays and objects a population run reads. FHIR resources nest a few dozen levels at most;
 * a hostile line of a few megabytes of "[" would make JSON.parse build millions of arrays and take a worker's whole
 * heap (one line ended the run). Such a line is not followed here, and withinDepth() keeps it from JSON.parse.
 */
export const MAX_DEPTH = 100;

/** Whether no array or object in b[from, to) nests deeper than `max` (strings are passed over). */
export function withinDepth(b: Uint8Array, from: number, to: number, max = MAX_DEPTH): boolean {
  let depth = 0;
  for (let i = from; i < to; i++) {
    const c = b[i]!;
    if (c === QUOTE) {
      i = skipString(b, i, to);
      if (i < 0) return true; // not JSON: JSON.parse refuses it at once
      i--;
    } else if (c === LBRACE || c === LBRACK) {
      if (++depth > max) return false;
    } else if (c === RBRACE || c === RBRACK) depth--;
  }
  return true;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

function skipSpace(b: Uint8Array, i: number, end: number): number {
  while (i < end && isSpace(b[i]!)) i++;
  return i;
}

/** b[i] is a quote: the index after the closing quote, or -1. */
function skipString(b: Uint8Array, i: number, end: number): number {
  for (i++; i < end; i++) {
    const c = b[i]!;
    if (c === QUOTE) return i + 1;
    if (c === BACKSLASH) i++;
  }
  return -1;
}

/** The index after the value that starts at i, or -1. */
function skipValue(b: Uint8Array, i: number, end: number): number {
  const c = b[i]!;
  if (c === QUOTE) return skipString(b, i, end);
  if (c === LBRACE || c === LBRACK) {
    let depth = 0;
    while (i < end) {
      const d = b[i]!;
      if (d === QUOTE) {
        i = skipString(b, i, end);
        if (i < 0) return -1;
        continue;
      }
      if (d === LBRACE || d === LBRACK) {
        if (++depth > MAX_DEPTH) return -1; // not followed (withinDepth)
      } else if (d === RBRACE || d === RBRACK) {
        depth--;
        if (depth === 0) return i + 1;
      }
      i++;
    }
    return -1;
  }
  // number, true, false, null
  while (i < end) {
    const d = b[i]!;
    if (d === COMMA || d === RBRACE || d === RBRACK || isSpace(d)) break;
    i++;
  }
  return i;
}

/** Whether b[from, to) holds the ASCII text `key`. */
function sameKey(b: Uint8Array, from: number, to: number, key: string): boolean {
  if (to - from !== key.length) return false;
  for (let k = 0; k < key.length; k++) if (b[from + k] !== key.charCodeAt(k)) return false;
  return true;
}

/**
 * Where the wanted top-level keys' values lie in b[from, to) (last occurrence): `spans[2k]`, `spans[2k + 1]` are the
 * start and end of wanted[k]'s raw JSON value, −1 when the key is absent. False when the bytes are not an object this
 * scanner can follow, or when anything but whitespace follows the object.
 */
export function topLevelSpans(b: Uint8Array, from: number, to: number, wanted: readonly string[], spans: Int32Array): boolean {
  spans.fill(-1, 0, 2 * wanted.length);
  let i = skipSpace(b, from, to);
  if (b[i] !== LBRACE || i >= to) return false;
  i = skipSpace(b, i + 1, to);
  if (i < to && b[i] === RBRACE) return skipSpace(b, i + 1, to) === to;
  for (;;) {
    if (i >= to || b[i] !== QUOTE) return false;
    const keyEnd = skipString(b, i, to);
    if (keyEnd < 0) return false;
    for (let k = i + 1; k < keyEnd - 1; k++) if (b[k] === BACKSLASH) return false; // an escaped key: leave it to JSON.parse
    const keyStart = i + 1;
    i = skipSpace(b, keyEnd, to);
    if (i >= to || b[i] !== COLON) return false;
    const valueStart = skipSpace(b, i + 1, to);
    if (valueStart >= to) return false;
    const valueEnd = skipValue(b, valueStart, to);
    if (valueEnd < 0 || valueEnd === valueStart) return false;
    for (let w = 0; w < wanted.length; w++) {
      if (sameKey(b, keyStart, keyEnd - 1, wanted[w]!)) {
        spans[2 * w] = valueStart;
        spans[2 * w + 1] = valueEnd;
      }
    }
    i = skipSpace(b, valueEnd, to);
    if (i >= to) return false;
    const c = b[i];
    // The object ends the text: nothing but whitespace after it (so a line that passes is exactly one JSON value's
    // text, or no JSON at all).
    if (c === RBRACE) return skipSpace(b, i + 1, to) === to;
    if (c !== COMMA) return false;
    i = skipSpace(b, i + 1, to);
  }
}

/** The raw JSON text of the wanted top-level keys' values (last occurrence), or null when the line is not an object this scanner can follow. */
export function topLevelFields(line: string, wanted: readonly string[]): Record<string, string> | null {
  const b = Buffer.from(line, "utf8");
  const spans = new Int32Array(2 * wanted.length);
  if (!topLevelSpans(b, 0, b.length, wanted, spans)) return null;
  const out: Record<string, string> = {};
  wanted.forEach((key, w) => {
    if (spans[2 * w]! >= 0) out[key] = b.toString("utf8", spans[2 * w], spans[2 * w + 1]);
  });
  return out;
}
