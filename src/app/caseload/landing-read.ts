// Where a launch lands, read once per launch and started as soon as the session is there (main.ts), alongside the
// first screen's reads, not once React has loaded and rendered: useLanding picks up the same promise. null: no
// role is needed (no patient in context, or no caseload), and landingFor decides at once.
import { readUserRoles } from "../../fhir/user-role.ts";
import type { Launch } from "../session.ts";
import { landingFor, roleFrom, type Landing } from "./landing.ts";

const started = new WeakMap<Launch, Promise<Landing>>();

/** Whether the landing waits for the user's role: a patient in context and a caseload to choose between. */
export function needsRole(launch: Launch): boolean {
  return launch.patient !== null && launch.caseload !== null && launch.fhirUser !== null;
}

/** The landing when no role is needed; else null (see landingRead). */
export function landingWithoutRole(launch: Launch): Landing | null {
  if (needsRole(launch)) return null;
  return landingFor({ patientInContext: launch.patient !== null, caseload: launch.caseload !== null && launch.fhirUser !== null, role: "unknown" });
}

/**
 * The landing after one read of the user's PractitionerRoles (a coordinator lands on the caseload); a failed read
 * leaves the role unknown, which opens the patient. Read once per launch, whoever asks first.
 */
export function landingRead(launch: Launch): Promise<Landing> | null {
  if (!needsRole(launch) || !launch.caseload || !launch.fhirUser) return null;
  let read = started.get(launch);
  if (!read) {
    read = readUserRoles(launch.caseload.api, launch.fhirUser).then(
      (texts) => landingFor({ patientInContext: true, caseload: true, role: roleFrom(texts) }),
      () => landingFor({ patientInContext: true, caseload: true, role: "unknown" }),
    );
    started.set(launch, read);
  }
  return read;
}
