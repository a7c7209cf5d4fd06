// Medication for OUD: on the first screen, what is active (or on hold), the latest adherence flag, buprenorphine
// for pain (never MOUD) and the naloxone kit; below it, every adherence flag and the other opioid prescriptions.
import type { MoudFlag, MoudFlagCode } from "../../clinical/types.ts";
import { useEvaluationContext } from "../EvaluationContext.tsx";
import { formatDate } from "../format.ts";
import { EngineText, RefLink, RefList } from "./RefLink.tsx";

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

/** The latest flag of each kind, warnings first (what the first screen shows). */
function latestFlags(flags: MoudFlag[]): MoudFlag[] {
  const byCode = new Map<MoudFlagCode, MoudFlag>();
  for (const f of flags) {
    const seen = byCode.get(f.code);
    if (!seen || (f.date ?? "") > (seen.date ?? "")) byCode.set(f.code, f);
  }
  return [...byCode.values()].sort((a, b) => Number(FLAG_CLASS[a.code] === "flag-ok") - Number(FLAG_CLASS[b.code] === "flag-ok"));
}

export function MoudCard() {
  const { evaluation } = useEvaluationContext();
  const { moud, medications } = evaluation;
  const forPain = medications.filter((m) => m.buprenorphineForPain && (m.status === "active" || m.status === "on-hold"));
  const kit = evaluation.recentNaloxoneKit;
  const kitDate = medications.find((m) => m.request === kit)?.authoredOn;
  return (
    <section className="card glance-card moud-status" aria-labelledby="moud-title">
      <div className="card-head">
        <h3 id="moud-title">Medication for OUD</h3>
      </div>
      <p className="big-value">{moud.active.length ? [...new Set(moud.active.map((a) => MED_NAMES[a.medication]))].join(", ") : "No active MOUD"}</p>
      <ul className="card-list">
        {moud.active.map((a) => (
          <li key={a.request}>
            <RefLink value={a.request} />
          </li>
        ))}
        {moud.onHold.map((a) => (
          <li key={a.request}>
            <strong>On hold:</strong> <RefLink value={a.request} />
          </li>
        ))}
        {latestFlags(moud.flags).map((f) => (
          <li key={f.code} className={FLAG_CLASS[f.code]}>
            <span className="flag-label">{FLAG_LABEL[f.code]}</span>
            {f.date && ` (urine test ${formatDate(f.date)})`}
          </li>
        ))}
        {forPain.map((m) => (
          <li key={m.request}>
            Buprenorphine for pain (not MOUD): <RefLink value={m.request} />
          </li>
        ))}
        {kit && (
          <li>
            Naloxone kit: <RefLink value={kit}>{kitDate ? formatDate(kitDate) : "on record"}</RefLink>
          </li>
        )}
      </ul>
    </section>
  );
}

/** Every adherence flag and the other opioid prescriptions (below the first screen). */
export function MoudDetails() {
  const { evaluation } = useEvaluationContext();
  const { moud, medications } = evaluation;
  const others = medications.filter((m) => !m.moud && (m.buprenorphineForPain || m.explains.length > 0) && !m.naloxoneKit);
  if (!moud.flags.length && !others.length) return null;
  return (
    <section className="moud-details" aria-labelledby="moud-details-title">
      <h2 id="moud-details-title">Medication details</h2>
      {moud.flags.length > 0 && (
        <ul className="flags">
          {moud.flags.map((f, i) => (
            <li key={`${f.code}-${f.date ?? ""}-${i}`} className={FLAG_CLASS[f.code]}>
              <span className="flag-label">{FLAG_LABEL[f.code]}</span>
              {f.date && <span className="muted"> {formatDate(f.date)}</span>}: <EngineText text={f.message} />
              <RefList refs={f.refs} />
            </li>
          ))}
        </ul>
      )}
      {others.length > 0 && (
        <>
          <h3>Other opioid prescriptions</h3>
          <ul className="plain">
            {others.map((m) => (
              <li key={m.request}>
                <RefLink value={m.request} />
                {": "}
                {[m.buprenorphineForPain ? "buprenorphine for pain, not MOUD" : "", m.explains.length ? `explains a positive ${m.explains.join(", ")} test` : ""]
                  .filter(Boolean)
                  .join("; ")}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
