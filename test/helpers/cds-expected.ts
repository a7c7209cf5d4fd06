// What the patient-view card says for each synthetic patient (stage, MOUD, contingency management this week), as
// fhir-resources/patients/README.md describes them. A CDS call carries no clinician input, so no README flags apply.
export const EXPECTED_CARDS: [file: string, stage: string, moud: string, cm: string][] = [
  ["pw-maria-precontemplation.json", "precontemplation", "none active", "CM: not enrolled"],
  ["pw-james-contemplation.json", "contemplation", "buprenorphine", "CM: not enrolled"],
  ["pw-aisha-preparation-naltrexone.json", "preparation", "naltrexone", "CM: not enrolled"],
  ["pw-robert-action-methadone-otp.json", "action", "methadone", "CM: not enrolled"],
  ["pw-linda-maintenance-sublocade.json", "maintenance", "buprenorphine", "CM: not enrolled"],
  ["pw-derek-return-to-use.json", "action", "buprenorphine", "CM: not enrolled"],
  ["pw-tomas-unknown-stage-overdose.json", "unknown", "none active", "CM: not enrolled"],
  ["pw-grace-stale-stage-pain-patch.json", "preparation (stale)", "none active", "CM: not enrolled"],
  ["pw-kevin-free-text-no-medication.json", "contemplation", "none active", "CM: not enrolled"],
  ["pw-sofia-readiness-ruler-cm-prize.json", "contemplation", "none active", "CM week 7/12: negative"],
  ["pw-andre-cm-escalating.json", "preparation", "buprenorphine", "CM week 7/12: pending"],
  ["pw-marcus-cm-fixed-stimulants.json", "action", "buprenorphine", "CM week 6/12: pending"],
  ["pw-helen-five-year-history.json", "maintenance", "buprenorphine", "CM: not enrolled"],
];

