// npm run test:load [-- --seconds 60 --workers 20 --fault-rate 0.05 --seed 42 --hang 1000]
// The sandbox and the CLI's --server mode under bounded load on the loopback (see load.ts). Prints throughput,
// the errors surfaced and the store check; exit status 1 when the store does not hold exactly what was
// acknowledged, 2 on a bad option.
import { describeLoad, LOAD_LIMITS, runLoad } from "./load.ts";
import type { LoadOptions } from "./load.ts";

const USAGE = `usage: npm run test:load [-- --seconds N (${LOAD_LIMITS.seconds.join("–")}, default 60) --workers N (${LOAD_LIMITS.workers.join("–")}, default 20)
  --fault-rate R (0–1, default 0.05) --seed N (default 42) --hang MS (timeout faults, 0–10000, default 1000)]`;

function parse(argv: string[]): LoadOptions {
  const o: LoadOptions = { seconds: 60, workers: 20, faultRate: 0.05, seed: 42, hangMs: 1000 };
  const [minS, maxS] = LOAD_LIMITS.seconds;
  const [minW, maxW] = LOAD_LIMITS.workers;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const n = Number(argv[++i]);
    const check = (ok: boolean, range: string): void => {
      if (!ok) throw new Error(`${flag} must be ${range}`);
    };
    if (flag === "--seconds") {
      check(Number.isInteger(n) && n >= minS && n <= maxS, `a whole number ${minS}–${maxS}`);
      o.seconds = n;
    } else if (flag === "--workers") {
      check(Number.isInteger(n) && n >= minW && n <= maxW, `a whole number ${minW}–${maxW}`);
      o.workers = n;
    } else if (flag === "--fault-rate") {
      check(n >= 0 && n <= 1, "a number 0–1");
      o.faultRate = n;
    } else if (flag === "--seed") {
      check(Number.isInteger(n) && n >= 0, "a whole number ≥ 0");
      o.seed = n;
    } else if (flag === "--hang") {
      check(Number.isInteger(n) && n >= 0 && n <= 10_000, "a whole number of ms 0–10000");
      o.hangMs = n;
    } else throw new Error(`unknown option ${flag}`);
  }
  return o;
}

let options: LoadOptions;
try {
  options = parse(process.argv.slice(2));
} catch (err) {
  console.error(`error: ${(err as Error).message}\n${USAGE}`);
  process.exit(2);
}
const report = await runLoad(options);
for (const line of describeLoad(report)) console.log(line);
process.exit(report.verification.ok ? 0 : 1);
