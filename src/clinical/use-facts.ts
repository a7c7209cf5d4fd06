// Use facts derived from the urine drug screens and the stage (clinical-spec §2): ongoing opioid use, stimulant use,
// return to use, and preliminary illicit-opioid positives awaiting confirmation (§7.2, never counted). Only tests dated on or before `now` are considered (a record read "as of" a past day must not see
// later tests). Pure.
import { addDays, datePart } from "./dates.ts";
import { ILLICIT_OPIOID_ANALYTES, STIMULANT_ANALYTES } from "./types.ts";
import type { AnalyteReading, Ref, StageFact, UdsTest, UseFacts } from "./types.ts";

export type { UseFacts };

/** "Within the last 30 days": a test dated on or after now − 30 days counts. */
export const RECENT_USE_DAYS = 30;
/** A preliminary illicit-opioid positive dated on or after now − 14 days is awaiting confirmation (§7.2). */
export const PRELIMINARY_DAYS = 14;


const ILLICIT = new Set(ILLICIT_OPIOID_ANALYTES);
const STIMULANT = new Set(STIMULANT_ANALYTES);

/** A counted, positive reading that no prescription explains. */
function illicitPositive(a: AnalyteReading): boolean {
  return a.counted && a.result === "positive" && !a.prescribed;
}

function pushUnique(out: Ref[], seen: Set<Ref>, ref: Ref): void {
  if (seen.has(ref)) return;
  seen.add(ref);
  out.push(ref);
}

/** Refs of the illicit-opioid-positive readings of an opioid-positive test. */
function opioidRefs(test: UdsTest, out: Ref[], seen: Set<Ref>): void {
  for (const a of test.analytes) if (ILLICIT.has(a.analyte) && illicitPositive(a)) pushUnique(out, seen, a.source);
}

export function useFacts(tests: UdsTest[], stage: StageFact, now: string): UseFacts {
  const from = addDays(now, -RECENT_USE_DAYS);
  const ongoingOpioidUseRefs: Ref[] = [];
  const ongoingSeen = new Set<Ref>();
  const stimulantUseRefs: Ref[] = [];
  const stimulantSeen = new Set<Ref>();
  const returnRefs: Ref[] = [];
  const returnSeen = new Set<Ref>();
  const preliminary: UseFacts["preliminaryOpioidPositives"] = [];
  const preliminaryFrom = addDays(now, -PRELIMINARY_DAYS);

  const stageDate = stage.observedAt ? datePart(stage.observedAt) : null;
  const changedStage = (stage.value === "action" || stage.value === "maintenance") && stageDate !== null;

  for (const test of tests) {
    if (test.date > now) continue;
    const recent = test.date >= from;
    if (recent && test.opioid === "positive") opioidRefs(test, ongoingOpioidUseRefs, ongoingSeen);
    if (recent) {
      for (const a of test.analytes) if (STIMULANT.has(a.analyte) && illicitPositive(a)) pushUnique(stimulantUseRefs, stimulantSeen, a.source);
    }
    if (changedStage && test.opioid === "positive" && test.date > stageDate) opioidRefs(test, returnRefs, returnSeen);
    if (test.date >= preliminaryFrom) {
      for (const a of test.analytes)
        if (a.preliminary && ILLICIT.has(a.analyte) && a.result === "positive" && !a.prescribed)
          preliminary.push({ date: test.date, analyte: a.analyte, source: a.source });
    }
  }

  const returnToUse = returnRefs.length > 0;
  if (returnToUse && stage.source) returnRefs.unshift(stage.source);
  return {
    ongoingOpioidUse: ongoingOpioidUseRefs.length > 0,
    ongoingOpioidUseRefs,
    stimulantUse: stimulantUseRefs.length > 0,
    stimulantUseRefs,
    returnToUse,
    returnToUseRefs: returnRefs,
    preliminaryOpioidPositives: preliminary,
  };
}
