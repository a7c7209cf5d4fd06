// Flesch–Kincaid grade level of an English text, and the abbreviations a patient handout must not use.
// FK grade = 0.39 × (words / sentences) + 11.8 × (syllables / words) − 15.59 (Kincaid et al., 1975).
// Syllables are counted by vowel groups, with a silent final "e" dropped ("take" 1, "medicine" 3) and a
// consonant + "le" ending kept ("people" 2); numbers count as one word of one syllable per digit group.

export function syllables(word: string): number {
  const w = word.toLowerCase().replace(/[^a-z]/g, "");
  if (w === "") return 1;
  if (w.length <= 3) return 1;
  let core = w.replace(/(?:[^laeiouy]es|ed|[^laeiouy]e)$/, "");
  core = core.replace(/^y/, "");
  const groups = core.match(/[aeiouy]{1,2}/g)?.length ?? 0;
  const le = /[^aeiouy]le$/.test(w) ? 1 : 0;
  return Math.max(1, groups + (le && !/le$/.test(core) ? 1 : 0));
}

export function sentencesOf(text: string): string[] {
  return text
    .split(/(?<=[.!?:])\s+|\n+/)
    .map((s) => s.trim())
    .filter((s) => /[A-Za-z0-9]/.test(s));
}

export function wordsOf(text: string): string[] {
  return text.match(/[A-Za-z0-9][A-Za-z0-9'’-]*/g) ?? [];
}

export function fleschKincaidGrade(text: string): { grade: number; words: number; sentences: number; syllables: number } {
  const sentences = sentencesOf(text).length;
  const words = wordsOf(text);
  const syl = words.reduce((n, w) => n + (/^\d/.test(w) ? 1 : syllables(w)), 0);
  const grade = 0.39 * (words.length / Math.max(1, sentences)) + 11.8 * (syl / Math.max(1, words.length)) - 15.59;
  return { grade, words: words.length, sentences, syllables: syl };
}

/** Abbreviations the handout must not use (clinical shorthand a patient may not know). */
export const BANNED_ABBREVIATIONS = ["MOUD", "MAT", "UDS", "CM", "OUD", "SUD", "OTP", "CBT", "MI", "CRA", "CRAFT", "NA", "AA", "SMART", "EV", "USD", "PRN", "ER", "ED"];

/** The banned abbreviations found in a text (as whole words, in capitals). */
export function bannedAbbreviations(text: string): string[] {
  return BANNED_ABBREVIATIONS.filter((a) => new RegExp(`(^|[^A-Za-z])${a}([^A-Za-z]|$)`).test(text));
}
