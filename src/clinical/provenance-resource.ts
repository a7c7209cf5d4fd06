// The Provenance of one save, as this app writes and reads it (one module for both directions).
//
// Written form (NORMATIVE: readProvenance reads it back): meta.security = the 42 CFR Part 2 labels; meta.tag
// {SAVE_TAG_SYSTEM, planId} and {SAVE_TAG_SYSTEM, saveKey}, where saveKey is unique to one save (kept across its
// retries): the conditional create "If-None-Exist: _tag=SAVE_TAG_SYSTEM|saveKey" makes a retried save find its own
// Provenance and two saves write two. target = the CarePlan and the Goals written; recorded = the save's instant;
// reason TREAT; activity CREATE or UPDATE (v3-DataOperation); agents: the signed-in person as "author" (when
// known) and the app as "assembler" (Device by identifier {SOFTWARE_ID_SYSTEM, name}, display "name version").
//
// Read forms: the above, and other systems' Provenances (any agent shape: who.reference, who.display, a Device
// reference or display; no tag): `ours` false, the agents' displays kept as written.
import type { Provenance, ProvenanceAgent } from "fhir/r4.js";
import { SAVE_TAG_SYSTEM, SECURITY_LABELS, SOFTWARE_ID_SYSTEM } from "./codes.ts";

export const PROVENANCE_PARTICIPANT_TYPE = "http://terminology.hl7.org/CodeSystem/provenance-participant-type";
const DATA_OPERATION = "http://terminology.hl7.org/CodeSystem/v3-DataOperation";
const ACT_REASON = "http://terminology.hl7.org/CodeSystem/v3-ActReason";

export interface ProvenanceWriteInput {
  planId: string;
  /** Unique to this save, the same for its retries; the planId itself for a first save. */
  saveKey: string;
  /** References of what the save wrote ("CarePlan/ID", urn:uuid fullUrls, "Goal/ID"). */
  targets: string[];
  /** ISO instant of the save. */
  now: string;
  author: string | null;
  app: { name: string; version: string };
  update: boolean;
}

export function provenanceConditionalKey(saveKey: string): string {
  return `_tag=${SAVE_TAG_SYSTEM}|${encodeURIComponent(saveKey).replace(/%2F/gi, "/").replace(/%3A/gi, ":").replace(/%40/g, "@")}`;
}

export function writeProvenance(p: ProvenanceWriteInput): Provenance {
  const app: ProvenanceAgent = {
    type: { coding: [{ system: PROVENANCE_PARTICIPANT_TYPE, code: "assembler", display: "Assembler" }] },
    who: { type: "Device", identifier: { system: SOFTWARE_ID_SYSTEM, value: p.app.name }, display: `${p.app.name} ${p.app.version}` },
  };
  const agents: ProvenanceAgent[] = p.author
    ? [{ type: { coding: [{ system: PROVENANCE_PARTICIPANT_TYPE, code: "author", display: "Author" }] }, who: { reference: p.author } }, app]
    : [app];
  const tag = [{ system: SAVE_TAG_SYSTEM, code: p.planId }];
  if (p.saveKey !== p.planId) tag.push({ system: SAVE_TAG_SYSTEM, code: p.saveKey });
  return {
    resourceType: "Provenance",
    meta: { security: SECURITY_LABELS.map((s) => ({ ...s })), tag },
    target: p.targets.map((reference) => ({ reference })),
    recorded: p.now,
    reason: [{ coding: [{ system: ACT_REASON, code: "TREAT", display: "treatment" }] }],
    activity: {
      coding: [p.update ? { system: DATA_OPERATION, code: "UPDATE", display: "revise" } : { system: DATA_OPERATION, code: "CREATE", display: "create" }],
    },
    agent: agents,
  };
}

export interface StoredProvenance {
  ref: string;
  recorded: string | null;
  targets: string[];
  /** People (who.reference of non-Device agents), as references. */
  authors: string[];
  /** What each agent is called, as written (who.display, else the reference). */
  agentLabels: string[];
  /** The software agent: our identifier's name and the display's version, or another system's display. */
  software: { name: string; version: string | null } | null;
  /** Written by this app (our software identifier). */
  ours: boolean;
  operation: string | null;
}

export function readProvenance(p: Provenance): StoredProvenance {
  const agents = Array.isArray(p.agent) ? p.agent : [];
  let software: StoredProvenance["software"] = null;
  let ours = false;
  const authors: string[] = [];
  const agentLabels: string[] = [];
  for (const a of agents) {
    const who = a?.who;
    if (!who) continue;
    const ref = typeof who.reference === "string" ? who.reference : undefined;
    const isDevice = who.type === "Device" || ref?.startsWith("Device/") === true;
    const label = who.display ?? ref ?? who.identifier?.value;
    if (typeof label === "string") agentLabels.push(label);
    if (isDevice) {
      if (who.identifier?.system === SOFTWARE_ID_SYSTEM && typeof who.identifier.value === "string") {
        ours = true;
        const name = who.identifier.value;
        const version = typeof who.display === "string" && who.display.startsWith(`${name} `) ? who.display.slice(name.length + 1) : null;
        software = { name, version };
      } else if (!software && typeof label === "string") software = { name: label, version: null };
    } else if (ref) authors.push(ref);
  }
  return {
    ref: `Provenance/${p.id ?? "?"}`,
    recorded: typeof p.recorded === "string" ? p.recorded : null,
    targets: (p.target ?? []).map((t) => t?.reference).filter((r): r is string => typeof r === "string"),
    authors,
    agentLabels,
    software,
    ours,
    operation: p.activity?.coding?.find((c) => typeof c?.code === "string")?.code ?? null,
  };
}

/** The Provenances that target `ref` ("CarePlan/ID", version-specific "…/_history/N" included), newest first. */
export function provenancesFor(ref: string, provenances: Provenance[]): StoredProvenance[] {
  return provenances
    .map(readProvenance)
    .filter((p) => p.targets.some((t) => t === ref || t.startsWith(`${ref}/_history/`)))
    .sort((a, b) => (b.recorded ?? "").localeCompare(a.recorded ?? ""));
}
