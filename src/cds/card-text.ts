// Text helpers for cards: engine text made safe for Markdown, and summaries kept under the CDS Hooks length limit.

/** CDS Hooks: "One-sentence, <140-character summary". */
export const SUMMARY_MAX = 139;

/**
 * Escapes what GitHub-flavoured Markdown reads as markup inside a line (emphasis, code, inline links, HTML,
 * tables, strikethrough, entities), so engine and record text shows as written. Used only after a "- **Label:** "
 * prefix, so line-start markup (#, -, 1.) cannot occur; newlines become spaces.
 */
export function mdEscape(text: string): string {
  // Brackets stay as they are ("[62]" is a reference number): a link needs "](", which is broken up instead.
  return text
    .replace(/[\\`*_<>|~&]/g, (c) => `\\${c}`)
    .replace(/\]\(/g, "]\\(")
    .replace(/\s*\r?\n\s*/g, " ");
}

/** Cuts text to `max` characters at a word boundary, ending with "…". */
export function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(" ");
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.]+$/, "")}…`;
}
