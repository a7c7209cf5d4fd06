// The request inspector's cost when it is off (issue 13): the app's FHIR transport sends through inspectorFetch
// (src/app/inspector/hook.ts), which, off, is one test before fetch. Compares it with calling fetch
// directly, against a stub fetch that answers at once (so only the wrapper is timed), 200,000 calls, three rounds.
//   node bench/inspector-off.ts
import { inspectorFetch } from "../src/app/inspector/hook.ts";

const answer = new Response("{}");
globalThis.fetch = async () => answer;
const N = 200_000;

async function perCall(f: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  for (let i = 0; i < N; i++) await f();
  return ((performance.now() - t) / N) * 1e6;
}

for (let round = 1; round <= 3; round++) {
  const direct = await perCall(() => fetch("http://127.0.0.1/fhir/Patient/1"));
  const off = await perCall(() => inspectorFetch("http://127.0.0.1/fhir/Patient/1"));
  console.log(`round ${round}: fetch ${direct.toFixed(0)} ns/call, through the inspector (off) ${off.toFixed(0)} ns/call`);
}
