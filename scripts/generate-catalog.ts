// Publishes the recommendation catalog (src/clinical/catalog.ts) as FHIR R4 knowledge artifacts:
//   fhir-resources/CodeSystem-recommendation.json        one concept per recommendation id
//   fhir-resources/ActivityDefinition-<id>.json          one per recommendation, with its evidence citations (the
//                                                        source review by title, section and reference number)
//   fhir-resources/PlanDefinition-stagewise-psychosocial.json  the eca-rule plan: one action per recommendation,
//                                                        its description = the rule text, pointing at the definition
// Run: npm run catalog. Output is deterministic (no dates); test/unit/catalog.test.ts checks that the committed files
// equal generateCatalogResources() and that each one validates as R4.
import { readdirSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { ActivityDefinition, CodeSystem, PlanDefinition, RelatedArtifact } from "fhir/r4.js";
import pkg from "../package.json" with { type: "json" };
import { CATALOG, type CatalogEntry } from "../src/clinical/catalog.ts";
import { RECOMMENDATION_SYSTEM, STAGEWISE_BASE } from "../src/clinical/codes.ts";
import {
  cite,
  citeOther,
  evidenceCitation,
  OTHER_SOURCES,
  SOURCE_REFERENCES,
  SOURCE_REVIEW,
  SOURCE_TITLE,
  type OtherSourceId,
} from "../src/clinical/references.ts";

export const OUT_DIR = "fhir-resources";
export const PLAN_DEFINITION_ID = "stagewise-psychosocial";
const PUBLISHER = "Stagewise";
const VERSION: string = pkg.version;

export const activityDefinitionUrl = (id: string): string => `${STAGEWISE_BASE}/ActivityDefinition/${id}`;

function pascal(id: string): string {
  return id
    .split("-")
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join("");
}

function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function narrative(...paragraphs: string[]): { status: "generated"; div: string } {
  const body = paragraphs.map((p) => `<p>${escapeXml(p)}</p>`).join("");
  return { status: "generated", div: `<div xmlns="http://www.w3.org/1999/xhtml">${body}</div>` };
}

/** The source review itself, as a citation. */
const SOURCE_ARTIFACT: RelatedArtifact = { type: "citation", label: "Source review", display: SOURCE_TITLE, citation: SOURCE_REVIEW };

function otherSourceArtifact(id: OtherSourceId): RelatedArtifact {
  return { type: "citation", label: OTHER_SOURCES[id].short, citation: OTHER_SOURCES[id].citation };
}

function relatedArtifacts(entry: CatalogEntry): RelatedArtifact[] {
  const out: RelatedArtifact[] = [];
  // One justification per evidence line: our summary, labelled with its citation (section and reference numbers of
  // the source review, or the other source), the full references in `citation`.
  for (const line of entry.evidence) {
    const cited = line.otherSource
      ? OTHER_SOURCES[line.otherSource].citation
      : [
          `${SOURCE_TITLE}, section "${line.section ?? ""}".`,
          ...line.refs.map((n) => `[${n}] ${SOURCE_REFERENCES[n] ?? ""}`),
        ].join("\n\n");
    out.push({ type: "justification", label: evidenceCitation(line, "short"), display: line.text, citation: cited });
  }
  // One citation per reference number, as printed in the review's reference list, naming the review.
  const numbers = [...new Set(entry.evidence.flatMap((l) => l.refs))].sort((a, b) => a - b);
  for (const n of numbers) {
    out.push({
      type: "citation",
      label: `[${n}]`,
      display: `${SOURCE_TITLE}, reference ${n}`,
      citation: SOURCE_REFERENCES[n] ?? "",
    });
  }
  const others = [...new Set(entry.evidence.flatMap((l) => (l.otherSource ? [l.otherSource] : [])))];
  out.push(SOURCE_ARTIFACT, ...others.map(otherSourceArtifact));
  return out;
}

function codeSystem(): CodeSystem {
  return {
    resourceType: "CodeSystem",
    id: "recommendation",
    text: narrative("Stagewise psychosocial recommendation catalog: one code per recommendation."),
    url: RECOMMENDATION_SYSTEM,
    version: VERSION,
    name: "StagewiseRecommendation",
    title: "Stagewise psychosocial recommendations",
    status: "active",
    experimental: false,
    publisher: PUBLISHER,
    description:
      "One code per recommendation of the Stagewise catalog of stage-matched psychosocial care for opioid use " +
      "disorder. Used on CarePlan activities where no verified standard code exists, and alongside one where it does.",
    caseSensitive: true,
    content: "complete",
    count: CATALOG.length,
    concept: CATALOG.map((e) => ({ code: e.id, display: e.title, definition: e.summary })),
  };
}

function activityDefinition(entry: CatalogEntry): ActivityDefinition {
  return {
    resourceType: "ActivityDefinition",
    id: entry.id,
    text: narrative(entry.title, entry.summary, `Plan activity: ${entry.activity}`),
    url: activityDefinitionUrl(entry.id),
    version: VERSION,
    name: pascal(entry.id),
    title: entry.title,
    status: "active",
    experimental: false,
    publisher: PUBLISHER,
    description: entry.summary,
    usage: entry.activity,
    relatedArtifact: relatedArtifacts(entry),
    code: { coding: entry.codes.map((c) => ({ ...c })), text: entry.title },
  };
}

function planDefinition(): PlanDefinition {
  const withGoal = CATALOG.filter((e) => e.goal);
  return {
    resourceType: "PlanDefinition",
    id: PLAN_DEFINITION_ID,
    text: narrative(
      "Stage-matched psychosocial care for opioid use disorder: which recommendation fires when, as applied by " +
        "the Stagewise engine (src/clinical/rules.ts).",
    ),
    url: `${STAGEWISE_BASE}/PlanDefinition/${PLAN_DEFINITION_ID}`,
    version: VERSION,
    name: "StagewisePsychosocial",
    title: "Stage-matched psychosocial care for opioid use disorder",
    type: {
      coding: [
        { system: "http://terminology.hl7.org/CodeSystem/plan-definition-type", code: "eca-rule", display: "ECA Rule" },
      ],
    },
    status: "active",
    experimental: false,
    publisher: PUBLISHER,
    description:
      "Recommendations matched to the patient's stage of change, urine drug test results, medication for opioid " +
      "use disorder (MOUD) and clinician input. Each action is 'do now' (primary) or 'consider'; when several " +
      `rules fire for one recommendation the higher tier wins. MOUD is first-line care ${cite("Overview")}; ` +
      `declining psychosocial care never delays medication ${citeOther("asam-2020")}. Citations name the source ` +
      `review, ${SOURCE_TITLE} (literature through Jan 2024), with its section and reference numbers, or another ` +
      "source where the review does not make the claim.",
    relatedArtifact: [SOURCE_ARTIFACT, ...(Object.keys(OTHER_SOURCES) as OtherSourceId[]).map(otherSourceArtifact)],
    goal: withGoal.map((e) => ({ id: `${e.id}-goal`, description: { text: e.goal ?? "" } })),
    action: CATALOG.map((e) => ({
      id: e.id,
      title: e.title,
      description: e.ruleText,
      code: [{ coding: e.codes.map((c) => ({ ...c })), text: e.title }],
      ...(e.goal ? { goalId: [`${e.id}-goal`] } : {}),
      definitionCanonical: activityDefinitionUrl(e.id),
    })),
  };
}

const json = (r: object): string => `${JSON.stringify(r, null, 2)}\n`;

/** Every file this script owns, path relative to the repository root → content. Pure. */
export function generateCatalogResources(): Map<string, string> {
  const files = new Map<string, string>();
  files.set(`${OUT_DIR}/CodeSystem-recommendation.json`, json(codeSystem()));
  for (const entry of CATALOG) files.set(`${OUT_DIR}/ActivityDefinition-${entry.id}.json`, json(activityDefinition(entry)));
  files.set(`${OUT_DIR}/PlanDefinition-${PLAN_DEFINITION_ID}.json`, json(planDefinition()));
  return files;
}

/** True for files in OUT_DIR that this script owns (so stale ones can be removed). */
export function isCatalogFile(name: string): boolean {
  return (
    name === "CodeSystem-recommendation.json" ||
    name === `PlanDefinition-${PLAN_DEFINITION_ID}.json` ||
    /^ActivityDefinition-.+\.json$/.test(name)
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
  const files = generateCatalogResources();
  mkdirSync(path.join(root, OUT_DIR), { recursive: true });
  for (const name of readdirSync(path.join(root, OUT_DIR))) {
    if (isCatalogFile(name) && !files.has(`${OUT_DIR}/${name}`)) {
      rmSync(path.join(root, OUT_DIR, name));
      console.log(`removed ${OUT_DIR}/${name}`);
    }
  }
  for (const [file, content] of files) writeFileSync(path.join(root, file), content);
  console.log(`wrote ${files.size} files to ${OUT_DIR}/`);
}
