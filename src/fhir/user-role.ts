// Who the signed-in user is to the EHR: the roles of their PractitionerRoles. Its own file so that the app's first
// chunk (which decides where a launch opens) does not pull in the caseload's reads and the engine.
import { queryUrl, type PatientQuery } from "./patient-queries.ts";
import { searchAllPages } from "./search.ts";
import type { FhirTransport } from "./transport.ts";

/** The PractitionerRoles of a practitioner ("Practitioner/x"). */
export function practitionerRoleQuery(practitioner: string): PatientQuery {
  return { resourceType: "PractitionerRole", label: "The user's roles", params: { practitioner, _count: "50" } };
}

/**
 * The signed-in user's roles, as the EHR states them: the code texts (or displays) of the PractitionerRoles of
 * `fhirUser` ("Practitioner/x"). One request. An EHR without PractitionerRoles gives [] (no role known).
 */
export async function readUserRoles(transport: FhirTransport, fhirUser: string): Promise<string[]> {
  const entries = await searchAllPages(transport, queryUrl(practitionerRoleQuery(fhirUser)));
  const out: string[] = [];
  for (const { resource } of entries) {
    const r = resource as { resourceType?: string; active?: boolean; code?: { text?: string; coding?: { display?: string }[] }[] };
    if (r.resourceType !== "PractitionerRole" || r.active === false) continue;
    for (const c of r.code ?? []) {
      const text = c?.text ?? c?.coding?.find((x) => x?.display)?.display;
      if (typeof text === "string" && text.trim()) out.push(text.trim());
    }
  }
  return out;
}
