// Where the launch opens (landing.ts): at once when no role is needed; otherwise once the user's role is read
// (landing-read.ts, started by main.ts with the first screen's reads).
import { useEffect, useState } from "react";
import type { Launch } from "../session.ts";
import { landingRead, landingWithoutRole } from "./landing-read.ts";
import type { Landing } from "./landing.ts";

export function useLanding(launch: Launch): Landing | null {
  const [landing, setLanding] = useState<Landing | null>(() => landingWithoutRole(launch));
  useEffect(() => {
    const read = landingRead(launch);
    if (!read) return;
    let current = true;
    void read.then((l) => current && setLanding(l));
    return () => {
      current = false;
    };
  }, [launch]);
  return landing;
}
