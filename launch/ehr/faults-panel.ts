// The simulator's fault control (served as /ehr/faults.js after type stripping): shows and sets the share of FHIR
// requests that fail and how, through /ehr/api/faults. Server text goes on the page with textContent only.

interface FaultState {
  rate: number;
  kinds: string[];
  seed: number;
  available: string[];
}

const faultsForm = document.getElementById("faults-form") as HTMLFormElement | null;
const faultRate = document.getElementById("fault-rate") as HTMLInputElement | null;
const faultsStatus = document.getElementById("faults-status") as HTMLParagraphElement | null;

function kindBoxes(): HTMLInputElement[] {
  return [...document.querySelectorAll<HTMLInputElement>('input[name="fault-kind"]')];
}

function showFaults(state: FaultState): void {
  if (faultRate) faultRate.value = String(Math.round(state.rate * 1000) / 10);
  for (const box of kindBoxes()) box.checked = state.kinds.includes(box.value);
  if (faultsStatus) {
    faultsStatus.textContent =
      state.rate > 0 ? `${Math.round(state.rate * 1000) / 10}% of FHIR requests fail (${state.kinds.join(", ")}; seed ${state.seed}).` : "No faults: every FHIR request is answered normally.";
  }
}

async function faultsApi(body?: unknown): Promise<FaultState> {
  const res = await fetch("/ehr/api/faults", body === undefined ? {} : { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  const json = (await res.json()) as FaultState & { error?: string };
  if (!res.ok) throw new Error(json.error ?? `HTTP ${res.status}`);
  return json;
}

faultsForm?.addEventListener("submit", (event) => {
  event.preventDefault();
  const kinds = kindBoxes().filter((b) => b.checked).map((b) => b.value);
  const rate = Number(faultRate?.value ?? "0") / 100;
  if (rate > 0 && kinds.length === 0) {
    if (faultsStatus) faultsStatus.textContent = "Faults not changed: pick at least one way to fail.";
    return;
  }
  void faultsApi({ rate, ...(kinds.length > 0 ? { kinds } : {}) })
    .then(showFaults)
    .catch((e: Error) => {
      if (faultsStatus) faultsStatus.textContent = `Faults not changed: ${e.message}`;
    });
});

void faultsApi()
  .then(showFaults)
  .catch(() => undefined);

export {};
