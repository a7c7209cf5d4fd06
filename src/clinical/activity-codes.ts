// Verified codes for plan activities (../shared/reference/fhir-vocabulary.md §5, ✅ rows only). Interventions with
// no verified code (MI, CM, peer support, CRAFT, network therapy, community reinforcement, wraparound services,
// stage assessment, the non-medication program) carry only our own recommendation code and code.text.
import type { Coding } from "fhir/r4.js";
import { RECOMMENDATION_SYSTEM, SNOMED } from "./codes.ts";
import type { RecommendationId } from "./types.ts";

const VERIFIED: Partial<Record<RecommendationId, Coding>> = {
  "addiction-counseling": { system: SNOMED, code: "60112009", display: "Drug addiction counseling (procedure)" },
  cbt: { system: SNOMED, code: "228557008", display: "Cognitive and behavioral therapy (regime/therapy)" },
  "family-therapy": { system: SNOMED, code: "108313002", display: "Family psychotherapy procedure (regime/therapy)" },
  "mutual-help": { system: SNOMED, code: "711281004", display: "Referral to support group (procedure)" },
  naloxone: { system: SNOMED, code: "460831000124102", display: "Counseling about opioid safety (procedure)" },
};

/** The codings for a recommendation's plan activity: a verified standard code where one exists, then ours. */
export function activityCodings(id: RecommendationId, title: string): Coding[] {
  const ours: Coding = { system: RECOMMENDATION_SYSTEM, code: id, display: title };
  const verified = VERIFIED[id];
  return verified ? [verified, ours] : [ours];
}
