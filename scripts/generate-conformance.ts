// Publishes what the app asks of a FHIR server and what it writes:
//   fhir-resources/CapabilityStatement-stagewise-app.json     kind "requirements": the reads, searches and writes of
//        the app, derived from the code (the searches of src/fhir/patient-queries.ts, the scope table of
//        src/app/launch-config.ts, the requests buildPlanBundle and recordStage make), each with why;
//   fhir-resources/StructureDefinition-stagewise-careplan.json / -goal.json / -stage-observation.json: profiles of
//        what it writes, on US Core where US Core has one (see profiles below);
//   fhir-resources/StructureDefinition-stagewise-cm-reward.json + CodeSystem-cm-reward.json: the CM reward log;
//   fhir-resources/StructureDefinition-cm-schedule.json and -cm-target.json (+ their CodeSystem and ValueSet): every
//        extension the app writes;
//   fhir-resources/Questionnaire-stage-of-change.json: the stage picker and readiness ruler as a Questionnaire
//        (conformance/questionnaire.ts), whose QuestionnaireResponse the app writes with the stage Observation.
// Files: scripts/conformance/ (capability.ts, profiles.ts, extensions.ts, questionnaire.ts, common.ts). Run: npm run conformance.
// Deterministic (no clock). test/unit/conformance.test.ts checks that the committed files equal the generator's output,
// that each is valid R4, and that what the app writes meets the profiles.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { capabilityStatement } from "./conformance/capability.ts";
import { CODED_EXTENSIONS, extensionCodeSystem, extensionDefinition, extensionValueSet, PLAIN_EXTENSIONS, plainExtensionDefinition } from "./conformance/extensions.ts";
import { carePlanProfile, goalProfile, rewardObservationProfile, stageObservationProfile } from "./conformance/profiles.ts";
import { questionnaire } from "./conformance/questionnaire.ts";
import { rewardCodeSystem } from "./conformance/reward.ts";

export { appSearches, sampleWrites, scopeTable } from "./conformance/capability.ts";
export { MORE_PROFILE_IDS, PROFILE_IDS, sdUrl } from "./conformance/common.ts";
export { CODED_EXTENSIONS } from "./conformance/extensions.ts";

export const OUT_DIR = "fhir-resources";

const json = (r: object): string => `${JSON.stringify(r, null, 2)}\n`;

/** Every file this script owns, path relative to the repository root → content. */
export async function generateConformanceResources(): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  files.set(`${OUT_DIR}/CapabilityStatement-stagewise-app.json`, json(await capabilityStatement()));
  for (const sd of [carePlanProfile(), goalProfile(), stageObservationProfile(), rewardObservationProfile()]) files.set(`${OUT_DIR}/StructureDefinition-${sd.id}.json`, json(sd));
  for (const x of CODED_EXTENSIONS) {
    files.set(`${OUT_DIR}/StructureDefinition-${x.id}.json`, json(extensionDefinition(x)));
    files.set(`${OUT_DIR}/CodeSystem-${x.id}.json`, json(extensionCodeSystem(x)));
    files.set(`${OUT_DIR}/ValueSet-${x.id}.json`, json(extensionValueSet(x)));
  }
  files.set(`${OUT_DIR}/CodeSystem-cm-reward.json`, json(rewardCodeSystem()));
  files.set(`${OUT_DIR}/Questionnaire-stage-of-change.json`, json(questionnaire()));
  for (const x of PLAIN_EXTENSIONS) files.set(`${OUT_DIR}/StructureDefinition-${x.id}.json`, json(plainExtensionDefinition(x)));
  return files;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
  const files = await generateConformanceResources();
  mkdirSync(path.join(root, OUT_DIR), { recursive: true });
  for (const [file, content] of files) writeFileSync(path.join(root, file), content);
  console.log(`wrote ${files.size} files to ${OUT_DIR}/`);
}
