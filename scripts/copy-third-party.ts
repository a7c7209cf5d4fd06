// Copies the third-party data the project builds and tests on from ../shared (the steering folder, which a user's
// checkout does not have) into third_party/, unchanged, with the same layout:
//   third_party/vocabulary/cdc-opioid-cds-r4/  CDC Opioid CDS value sets (input of scripts/derive-vocabulary.ts)
//   third_party/fixtures/hl7-cdc-opioid-cpg/   HL7 CDC Opioid CPG example resources (test input)
// Run: npm run third-party [-- SHARED_DIR]. Each folder keeps the README that says where its files came from.
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const THIRD_PARTY = path.join(ROOT, "third_party");
export const FOLDERS = ["vocabulary/cdc-opioid-cds-r4", "fixtures/hl7-cdc-opioid-cpg"] as const;

const shared = path.resolve(process.argv[2] ?? path.join(ROOT, "..", "shared"));
let copied = 0;
for (const folder of FOLDERS) {
  const from = path.join(shared, folder);
  if (!existsSync(from)) {
    console.error(`error: ${from} does not exist (give the shared folder as the first argument)`);
    process.exit(2);
  }
  const to = path.join(THIRD_PARTY, folder);
  rmSync(to, { recursive: true, force: true });
  mkdirSync(to, { recursive: true });
  for (const name of readdirSync(from)) {
    cpSync(path.join(from, name), path.join(to, name));
    chmodSync(path.join(to, name), 0o644); // shared/ is read-only; the copies are ordinary files
    copied++;
  }
}
console.log(`copied ${copied} files from ${shared} to ${path.relative(ROOT, THIRD_PARTY)}/`);
