// Reward log entries for the synthetic patients (issue 10): written with the module the app uses
// (src/clinical/reward-log.ts), handed out by the care coordinator, one of them later marked entered-in-error.
import type { Observation } from "fhir/r4.js";
import { markRewardEnteredInError, writeRewardObservation, type RewardInput } from "../../src/clinical/reward-log.ts";
import { at, COORDINATOR, type Zone } from "./builders.ts";

export interface SyntheticReward {
  /** Day handed out, YYYY-MM-DD. */
  date: string;
  input: RewardInput;
  note?: string;
  /** Marked entered-in-error the next day, with this reason. */
  enteredInError?: string;
}

/** The reward Observations of a patient's CM plan; ids `${patientId}-reward-N`. */
export function rewardLog(patientId: string, carePlanId: string, zone: Zone, rewards: SyntheticReward[]): Observation[] {
  return rewards.map((r, i) => {
    const id = `${patientId}-reward-${i + 1}`;
    const obs: Observation = {
      ...writeRewardObservation(r.input, {
        patient: `Patient/${patientId}`, carePlan: `CarePlan/${carePlanId}`, author: COORDINATOR.reference!, date: r.date,
        now: at(r.date, "11:30", zone), identifier: id, ...(r.note ? { note: r.note } : {}),
      }),
      id,
    };
    obs.performer = [COORDINATOR];
    return r.enteredInError ? markRewardEnteredInError(obs, { reason: r.enteredInError, author: COORDINATOR.reference!, now: at(r.date, "16:00", zone) }) : obs;
  });
}
