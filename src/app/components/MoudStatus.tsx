// Medication for OUD: what is active, what is on hold, adherence flags from urine tests, other relevant
// prescriptions (buprenorphine for pain is shown but never counted as MOUD) and the latest naloxone kit.
import type { PatientRecord } from "../../clinical/record.ts";
import type { Evaluation, MoudFlagCode } from "../../clinical/types.ts";
import { RefLink } from "./RefLink.tsx";

const MED_NAMES: Record<string, string> = { buprenorphine: "Buprenorphine", methadone: "Methadone", naltrexone: "Naltrexone" };
const FLAG_CLASS: Record<MoudFlagCode, string> = {
  "adherence-confirmed": "flag-ok",
  "absent-while-prescribed": "flag-warn",
  "non-prescribed-use": "flag-warn",
  "on-hold": "flag-warn",
};
const FLAG_LABEL: Record<MoudFlagCode, string> = {
  "adherence-confirmed": "Adherence confirmed",
  "absent-while-prescribed": "Absent while prescribed",
  "non-prescribed-use": "Not prescribed",
  "on-hold": "On hold",
};

export function MoudStatus({ evaluation, record }: { evaluation: Evaluation; record: PatientRecord }) {
  const { moud, medications } = evaluation;
  const others = medications.filter((m) => !m.moud && (m.buprenorphineForPain || m.explains.length > 0) && !m.naloxoneKit);
  return (
    <div className="moud-status">
      <p className="big-value">{moud.active.length ? moud.active.map((a) => MED_NAMES[a.medication]).join(", ") : "No active MOUD"}</p>
      {moud.active.length > 0 && (
        <ul className="plain">
          {moud.active.map((a) => (
            <li key={a.request}>
              {MED_NAMES[a.medication]}: active — <RefLink value={a.request} evaluation={evaluation} record={record} />
            </li>
          ))}
        </ul>
      )}
      {moud.onHold.length > 0 && (
        <ul className="plain">
          {moud.onHold.map((a) => (
            <li key={a.request}>
              {MED_NAMES[a.medication]}: <strong>on hold</strong> — <RefLink value={a.request} evaluation={evaluation} record={record} />
            </li>
          ))}
        </ul>
      )}
      {moud.flags.length > 0 && (
        <>
          <h3>Adherence flags</h3>
          <ul className="flags">
            {moud.flags.map((f, i) => (
              <li key={`${f.code}-${f.date ?? ""}-${i}`} className={FLAG_CLASS[f.code]}>
                <span className="flag-label">{FLAG_LABEL[f.code]}</span>
                {f.date && <span className="muted"> {f.date}</span>}: {f.message}
                {f.refs.length > 0 && (
                  <span className="refs">
                    {" "}
                    Based on:{" "}
                    {[...new Set(f.refs)].map((r, i) => (
                      <span key={r}>
                        {i > 0 && ", "}
                        <RefLink value={r} evaluation={evaluation} record={record} />
                      </span>
                    ))}
                  </span>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
      {others.length > 0 && (
        <>
          <h3>Other opioid prescriptions</h3>
          <ul className="plain">
            {others.map((m) => (
              <li key={m.request}>
                <RefLink value={m.request} evaluation={evaluation} record={record} />
                {m.buprenorphineForPain && " — buprenorphine for pain, not MOUD"}
                {m.explains.length > 0 && ` — explains a positive ${m.explains.join(", ")} test`}
              </li>
            ))}
          </ul>
        </>
      )}
      <p>
        Naloxone rescue kit in the last 12 months:{" "}
        {evaluation.recentNaloxoneKit ? <RefLink value={evaluation.recentNaloxoneKit} evaluation={evaluation} record={record} /> : <strong>none found</strong>}
      </p>
    </div>
  );
}
