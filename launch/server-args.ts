// The sandbox's command line (npm run sandbox, npm start): argv → SandboxOptions, or an Error naming what is wrong.
import { resolve } from "node:path";
import { checkFaultSettings, FAULT_KINDS, parseFaultSpec } from "./faults.ts";
import { LOG_MODES } from "./request-log.ts";
import type { LogMode } from "./request-log.ts";
import type { SandboxOptions } from "./server.ts";

export const SANDBOX_USAGE = `Options: --port N, --no-shift, --data DIR, --app-launch-url URL, --token-ttl SECONDS, --log off|lines|json,
  --faults RATE[,KIND…] (KIND: ${FAULT_KINDS.join(", ")}), --fault-seed N, --fault-hang MS, --graphql`;

function wholeNumber(flag: string, text: string, min: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) throw new Error(`${flag} must be a whole number ≥ ${min} (got "${text}")`);
  return n;
}

export function parseSandboxArgs(argv: string[]): SandboxOptions {
  const opts: SandboxOptions = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith("--")) throw new Error(`${a} needs a value`);
      return v;
    };
    const fault = (f: () => SandboxOptions["faults"]): void => {
      try {
        opts.faults = { ...opts.faults, ...f() };
      } catch (err) {
        throw new Error(`${a}: ${(err as Error).message}`);
      }
    };
    if (a === "--port") {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error("--port must be a whole number 0–65535");
      opts.port = n;
    } else if (a === "--no-shift") opts.shiftDates = false;
    else if (a === "--data") (opts.dataDirs ??= []).push(resolve(value()));
    else if (a === "--app-launch-url") opts.appLaunchUrl = value();
    else if (a === "--token-ttl") {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 1) throw new Error("--token-ttl must be a whole number of seconds ≥ 1");
      opts.tokenTtlSeconds = n;
    } else if (a === "--log") {
      const mode = value();
      if (!(LOG_MODES as readonly string[]).includes(mode)) throw new Error(`--log must be one of ${LOG_MODES.join(", ")} (got "${mode}")`);
      opts.log = mode as LogMode;
    } else if (a === "--faults") {
      const spec = value();
      fault(() => parseFaultSpec(spec));
    } else if (a === "--fault-seed") {
      const text = value();
      fault(() => checkFaultSettings({ seed: wholeNumber("the seed", text, 0) }));
    } else if (a === "--fault-hang") {
      const text = value();
      fault(() => checkFaultSettings({ hangMs: wholeNumber("the hang", text, 0) }));
    } else if (a === "--graphql") opts.graphql = true;
    else throw new Error(`Unknown option ${a}. ${SANDBOX_USAGE}`);
  }
  return opts;
}
