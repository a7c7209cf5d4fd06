// The patient's stored plans for the Plan tab: the CarePlans and Goals read with the record, then the Provenances of
// those plans (who wrote each and when), and everything read again after a save. Listed by plan-continue.ts.
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { Bundle, CarePlan, Goal, Provenance } from "fhir/r4.js";
import { listPlans, type StoredPlanView } from "../clinical/plan-continue.ts";
import type { FhirApi } from "./fhir-api.ts";

export interface StoredPlans {
  views: StoredPlanView[];
  /** Raw CarePlans by "CarePlan/ID" (a replaced plan is sent back as stored, everything kept). */
  carePlans: Map<string, CarePlan>;
  /** Labels of people and software named in the plans (reference → display), where the record gives one. */
  names: Map<string, string>;
  /** A read that failed (the list still shows what was read). */
  error: unknown;
  reload(): Promise<void>;
}

async function all<T>(api: FhirApi, url: string, type: string): Promise<T[]> {
  const out: T[] = [];
  let next: string | undefined = url;
  for (let page = 0; next && page < 20; page++) {
    const body = (await api.request(next)).body as Bundle;
    for (const e of body.entry ?? []) if (e.resource?.resourceType === type && e.search?.mode !== "outcome") out.push(e.resource as T);
    next = body.link?.find((l) => l.relation === "next")?.url;
  }
  return out;
}

function namesIn(carePlans: CarePlan[], goals: Goal[], provenances: Provenance[]): Map<string, string> {
  const names = new Map<string, string>();
  const add = (r: { reference?: string; display?: string } | undefined) => {
    if (r?.reference && r.display) names.set(r.reference, r.display);
  };
  for (const c of carePlans) add(c.author);
  for (const g of goals) add(g.expressedBy);
  for (const p of provenances) for (const a of p.agent ?? []) add(a.who);
  return names;
}

export function useStoredPlans(api: FhirApi, patientId: string, initial: { carePlans: CarePlan[]; goals: Goal[] }): StoredPlans {
  const [data, setData] = useState({ carePlans: initial.carePlans, goals: initial.goals, provenances: [] as Provenance[] });
  const [error, setError] = useState<unknown>(null);
  const alive = useRef(true);

  const readProvenances = useCallback(
    async (carePlans: CarePlan[]) => {
      const ids = carePlans.map((c) => c.id).filter((id): id is string => !!id);
      if (!ids.length) return [];
      return all<Provenance>(api, `Provenance?target=${ids.map((id) => `CarePlan/${encodeURIComponent(id)}`).join(",")}&_count=1000`, "Provenance");
    },
    [api],
  );

  const reload = useCallback(async () => {
    const p = encodeURIComponent(patientId);
    try {
      const [carePlans, goals] = await Promise.all([
        all<CarePlan>(api, `CarePlan?patient=${p}&_count=1000`, "CarePlan"),
        all<Goal>(api, `Goal?patient=${p}&_count=1000`, "Goal"),
      ]);
      const provenances = await readProvenances(carePlans);
      if (alive.current) {
        setData({ carePlans, goals, provenances });
        setError(null);
      }
    } catch (e) {
      if (alive.current) setError(e);
    }
  }, [api, patientId, readProvenances]);

  useEffect(() => {
    alive.current = true;
    readProvenances(initial.carePlans).then(
      (provenances) => alive.current && setData((d) => ({ ...d, provenances })),
      (e: unknown) => alive.current && setError(e),
    );
    return () => {
      alive.current = false;
    };
    // Once per launch: the record's plans are read with the first screen.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  return useMemo(
    () => ({
      views: listPlans(data.carePlans, data.goals, data.provenances),
      carePlans: new Map(data.carePlans.filter((c) => c.id).map((c) => [`CarePlan/${c.id}`, c])),
      names: namesIn(data.carePlans, data.goals, data.provenances),
      error,
      reload,
    }),
    [data, error, reload],
  );
}
