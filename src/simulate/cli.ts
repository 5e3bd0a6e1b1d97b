/**
 * `npm run simulate -- --scenario FILE [--out DIR]`: a term of the product on a simulated clock. Prints a line per
 * week, then a summary; exits 1 when an invariant broke (naming the day, the person and the message), 2 when the
 * scenario cannot be run.
 */
import { simulate } from "./engine";
import { loadScenario } from "./scenario";

const USAGE = "usage: npm run simulate -- --scenario FILE [--out DIR]";

function option(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

async function main(): Promise<number> {
  const scenarioPath = option("--scenario");
  if (!scenarioPath) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const outDir = option("--out") ?? "simulation";
  const loaded = await loadScenario(scenarioPath);
  const started = performance.now();
  const result = await simulate({
    loaded,
    outDir,
    onDay: (date, violations) => {
      if (new Date(`${date}T00:00:00Z`).getUTCDay() === 0) process.stdout.write(`${date}: ${violations} broken invariant(s) so far\n`);
    },
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  process.stdout.write(`Simulated ${result.days} days in ${seconds} s; checked ${result.invariants.join(", ")}; transcripts and events.json in ${outDir}\n`);
  for (const violation of result.violations.slice(0, 20)) process.stdout.write(`BROKEN ${violation.invariant} on ${violation.day} for ${violation.person}: ${violation.message}\n`);
  if (result.violations.length > 20) process.stdout.write(`... and ${result.violations.length - 20} more in events.json\n`);
  if (result.violations.length === 0) process.stdout.write("All invariants held.\n");
  return result.violations.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
