// The last urine test in a few words for the first screen: its date, the illicit-opioid result (as the engine
// judged it: counted results only, prescribed positives are not illicit), what else was found, results still
// preliminary, and the last final illicit-opioid result when the latest test has none. Pure.
import { ILLICIT_OPIOID_ANALYTES, type Analyte, type AnalyteReading, type Ref, type UdsTest } from "../clinical/types.ts";

export interface LastTest {
  date: string;
  opioid: UdsTest["opioid"];
  /** Illicit opioids found (counted, positive, not explained by a prescription). */
  illicit: string[];
  fentanylTested: boolean;
  /** Everything else found (counted positives): "buprenorphine (prescribed)", "cocaine". */
  alsoFound: string[];
  /** Results that are not final yet: "fentanyl positive". */
  preliminary: string[];
  /** When the latest test has no counted illicit-opioid result: the latest test that has one. */
  lastJudged: { date: string; opioid: UdsTest["opioid"] } | null;
  refs: Ref[];
}

export function analyteName(a: Analyte): string {
  return a === "other" ? "other substance" : a.replace(/-/g, " ");
}

const isPreliminary = (r: AnalyteReading) => r.status === "preliminary" || (r as AnalyteReading & { preliminary?: boolean }).preliminary === true;

export function lastTest(tests: readonly UdsTest[]): LastTest | null {
  if (!tests.length) return null;
  const sorted = [...tests].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  const t = sorted[sorted.length - 1]!;
  const counted = t.analytes.filter((r) => r.counted);
  const illicitReadings = counted.filter((r) => r.result === "positive" && !r.prescribed && ILLICIT_OPIOID_ANALYTES.includes(r.analyte));
  const illicit = [...new Set(illicitReadings.map((r) => analyteName(r.analyte)))];
  const alsoFound = [
    ...new Set(
      counted
        .filter((r) => r.result === "positive" && !illicitReadings.includes(r))
        .map((r) => `${analyteName(r.analyte)}${r.prescribed ? " (prescribed)" : ""}`),
    ),
  ];
  const preliminary = [...new Set(t.analytes.filter((r) => !r.counted && isPreliminary(r)).map((r) => `${analyteName(r.analyte)} ${r.result}`))];
  const judged = t.opioid === "none" ? [...sorted].reverse().find((x) => x.opioid !== "none") : undefined;
  return {
    date: t.date,
    opioid: t.opioid,
    illicit,
    fentanylTested: t.fentanylTested,
    alsoFound,
    preliminary,
    lastJudged: judged ? { date: judged.date, opioid: judged.opioid } : null,
    refs: [...new Set(t.analytes.map((r) => r.source))],
  };
}
