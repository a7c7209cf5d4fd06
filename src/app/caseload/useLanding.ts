// Where the launch opens (landing.ts): at once when no role is needed; otherwise after one read of the user's
// PractitionerRoles (a patient in context and a caseload: a coordinator lands on the caseload). A failed read
// leaves the role unknown, which opens the patient.
import { useEffect, useState } from "react";
import { readUserRoles } from "../../fhir/user-role.ts";
import type { Launch } from "../session.ts";
import { landingFor, roleFrom, type Landing, type Role } from "./landing.ts";

export function useLanding(launch: Launch): Landing | null {
  const needsRole = launch.patient !== null && launch.caseload !== null && launch.fhirUser !== null;
  const [landing, setLanding] = useState<Landing | null>(() =>
    needsRole ? null : landingFor({ patientInContext: launch.patient !== null, caseload: launch.caseload !== null && launch.fhirUser !== null, role: "unknown" }),
  );
  useEffect(() => {
    if (!needsRole || !launch.caseload || !launch.fhirUser) return;
    let current = true;
    readUserRoles(launch.caseload.api, launch.fhirUser).then(
      (texts) => current && setLanding(landingFor({ patientInContext: true, caseload: true, role: roleFrom(texts) })),
      () => current && setLanding(landingFor({ patientInContext: true, caseload: true, role: "unknown" as Role })),
    );
    return () => {
      current = false;
    };
  }, [launch, needsRole]);
  return landing;
}
