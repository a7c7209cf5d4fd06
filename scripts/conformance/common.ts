// Shared by the conformance generators: the canonical URLs, the version, the publisher, the narrative.
import type { ElementDefinition } from "fhir/r4.js";
import pkg from "../../package.json" with { type: "json" };
import { STAGEWISE_BASE } from "../../src/clinical/codes.ts";

export const VERSION: string = pkg.version;
export const PUBLISHER = "Stagewise";
export const US_CORE = "http://hl7.org/fhir/us/core/StructureDefinition";

export const sdUrl = (id: string): string => `${STAGEWISE_BASE}/StructureDefinition/${id}`;
export const PROFILE_IDS = { CarePlan: "stagewise-careplan", Goal: "stagewise-goal", Observation: "stagewise-stage-observation" } as const;
/** Further profiles of a type the app writes in more than one form (the reward log is an Observation too). */
export const MORE_PROFILE_IDS: Readonly<Record<string, readonly string[]>> = { Observation: ["stagewise-cm-reward"] };

export function narrative(...paragraphs: string[]): { status: "generated"; div: string } {
  const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  return { status: "generated", div: `<div xmlns="http://www.w3.org/1999/xhtml">${paragraphs.map((p) => `<p>${esc(p)}</p>`).join("")}</div>` };
}

/** A differential element: its path is its id without slice names. */
export const el = (id: string, rest: Omit<ElementDefinition, "id" | "path"> = {}): ElementDefinition => ({ id, path: id.replace(/:[^.]+/g, ""), ...rest });
