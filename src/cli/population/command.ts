// `cli population …` as a function (argv → exit code), like run.ts for evaluate; main.ts loads it without the
// engine (the workers load it).
import { POPULATION_USAGE, runPopulation } from "./run.ts";

export async function run(argv: string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const rest = argv[0] === "population" ? argv.slice(1) : argv;
  if (rest.includes("--help")) {
    out(`Usage:\n${POPULATION_USAGE}\n`);
    return 0;
  }
  return runPopulation(rest, err);
}
