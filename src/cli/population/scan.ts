// The top-level fields of a one-line JSON object, found without building the object: phase 1 of a population
// run needs only a resource's type and the patient it belongs to, and parsing every line whole would cost as much
// as the rest of the run. Strings are skipped with indexOf; a line this scanner cannot follow gives null, and the
// caller parses it whole. Every occurrence of a key is seen, so a repeated key gives its last value, as in
// JSON.parse. (A line that looks well formed here but is not JSON is found out when its patient is read.)
const QUOTE = 34;
const BACKSLASH = 92;
const LBRACE = 123;
const RBRACE = 125;
const LBRACK = 91;
const RBRACK = 93;
const COMMA = 44;
const COLON = 58;

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

function skipSpace(s: string, i: number): number {
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  return i;
}

/** s[i] is a quote: the index after the closing quote, or -1. */
function skipString(s: string, i: number): number {
  let from = i + 1;
  for (;;) {
    const k = s.indexOf('"', from);
    if (k < 0) return -1;
    let backslashes = 0;
    for (let m = k - 1; s.charCodeAt(m) === BACKSLASH; m--) backslashes++;
    if (backslashes % 2 === 0) return k + 1;
    from = k + 1;
  }
}

/** The index after the value that starts at i, or -1. */
function skipValue(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c === QUOTE) return skipString(s, i);
  if (c === LBRACE || c === LBRACK) {
    let depth = 0;
    while (i < s.length) {
      const d = s.charCodeAt(i);
      if (d === QUOTE) {
        i = skipString(s, i);
        if (i < 0) return -1;
        continue;
      }
      if (d === LBRACE || d === LBRACK) depth++;
      else if (d === RBRACE || d === RBRACK) {
        depth--;
        if (depth === 0) return i + 1;
      }
      i++;
    }
    return -1;
  }
  // number, true, false, null
  while (i < s.length) {
    const d = s.charCodeAt(i);
    if (d === COMMA || d === RBRACE || d === RBRACK || isSpace(d)) break;
    i++;
  }
  return i;
}

/** The raw JSON text of the wanted top-level keys' values (last occurrence), or null when the line is not an object this scanner can follow. */
export function topLevelFields(line: string, wanted: readonly string[]): Record<string, string> | null {
  const out: Record<string, string> = {};
  let i = skipSpace(line, 0);
  if (line.charCodeAt(i) !== LBRACE) return null;
  i = skipSpace(line, i + 1);
  if (line.charCodeAt(i) === RBRACE) return out;
  for (;;) {
    if (line.charCodeAt(i) !== QUOTE) return null;
    const keyEnd = skipString(line, i);
    if (keyEnd < 0) return null;
    const key = line.slice(i + 1, keyEnd - 1);
    if (key.includes("\\")) return null; // an escaped key: leave it to JSON.parse
    i = skipSpace(line, keyEnd);
    if (line.charCodeAt(i) !== COLON) return null;
    const valueStart = skipSpace(line, i + 1);
    const valueEnd = skipValue(line, valueStart);
    if (valueEnd < 0 || valueEnd === valueStart) return null;
    if (wanted.includes(key)) out[key] = line.slice(valueStart, valueEnd);
    i = skipSpace(line, valueEnd);
    const c = line.charCodeAt(i);
    if (c === RBRACE) return out;
    if (c !== COMMA) return null;
    i = skipSpace(line, i + 1);
  }
}
