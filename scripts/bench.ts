/**
 * The benchmark of the nightly run at a municipality's scale, each figure next to its baseline measured in the
 * same run:
 *   npm run bench -- --pupils 10000[,100000] [--days D] [--seed S] [--instances 1,2,4] [--cards 1000]
 *                    [--only import,evaluation,storage,nightly,delivery] [--json] [--keep]
 *   npm run bench -- --from report.json     (a report saved with --json, as text)
 * Progress goes to standard error; the report (or with --json, one line of JSON) to standard output.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { benchDelivery, type DeliveryBenchReport } from "./bench/deliveryBench";
import { benchEvaluation } from "./bench/evaluationBench";
import { generateBenchData, type BenchData } from "./bench/generate";
import { benchImport } from "./bench/importBench";
import { benchNightly } from "./bench/nightlyBench";
import { benchStorage } from "./bench/storageBench";

const PARTS = ["import", "evaluation", "storage", "nightly", "delivery"] as const;
type Part = (typeof PARTS)[number];

export interface SizeReport {
  pupils: number;
  data: Pick<BenchData, "pupils" | "schools" | "schoolDays" | "rows" | "deltaRows" | "feedBytes" | "asOf"> & { generateSeconds: number };
  import?: Awaited<ReturnType<typeof benchImport>>;
  evaluation?: Awaited<ReturnType<typeof benchEvaluation>>;
  storage?: Awaited<ReturnType<typeof benchStorage>>;
  nightly?: Awaited<ReturnType<typeof benchNightly>>;
}

export interface BenchReport {
  startedAt: string;
  machine: { cpus: number; memoryGb: number; node: string };
  sizes: SizeReport[];
  delivery: DeliveryBenchReport[];
  goals: Goal[];
}

interface Goal {
  goal: string;
  measured: string;
  met: boolean;
}

function progress(text: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${text}\n`);
}

const number = (value: number) => Math.round(value).toLocaleString("en-GB");
const fixed = (value: number, digits = 2) => value.toFixed(digits);

async function benchSize(pupils: number, options: { days?: number | undefined; seed: number; parts: ReadonlySet<Part>; keep: boolean }): Promise<SizeReport> {
  const dir = await mkdtemp(join(tmpdir(), `tidlig-bench-${pupils}-`));
  try {
    progress(`${number(pupils)} pupils: generating a school year of absence`);
    const started = performance.now();
    const data = await generateBenchData({ pupils, days: options.days, seed: options.seed, dir });
    const generateSeconds = Math.round((performance.now() - started) / 100) / 10;
    const facts = { pupils: data.pupils, schools: data.schools, schoolDays: data.schoolDays, rows: data.rows, deltaRows: data.deltaRows, feedBytes: data.feedBytes, asOf: data.asOf, generateSeconds };
    const report: SizeReport = { pupils, data: facts };
    progress(`${number(pupils)} pupils: ${number(data.rows)} rows (${fixed(data.feedBytes / 1e6, 1)} MB), ${data.schools} schools, ${data.schoolDays} school days, in ${generateSeconds} s`);
    if (options.parts.has("import")) {
      progress(`${number(pupils)} pupils: import (whole year, one-day delta, csv-parse alone)`);
      report.import = await benchImport(data);
    }
    if (options.parts.has("evaluation")) {
      progress(`${number(pupils)} pupils: evaluation (the default rules, and DuckDB)`);
      report.evaluation = await benchEvaluation(data);
    }
    if (options.parts.has("storage")) {
      progress(`${number(pupils)} pupils: storage (the product's writes, and a bare batch loop)`);
      // An entity a day takes half an hour at 100 000 pupils in the emulator: measured up to 20 000 pupils.
      report.storage = await benchStorage(data, { entityPerDay: pupils <= 20_000 });
    }
    if (options.parts.has("nightly")) {
      progress(`${number(pupils)} pupils: the nightly run end to end (a whole year, then a one-day delta)`);
      report.nightly = await benchNightly(data);
    }
    return report;
  } finally {
    if (options.keep) progress(`kept the data in ${dir}`);
    else await rm(dir, { recursive: true, force: true });
  }
}

/** The goals, each with what this run measured. */
function judgeGoals(sizes: SizeReport[], delivery: BenchReport["delivery"]): Goal[] {
  const goals: Goal[] = [];
  for (const size of sizes) {
    const label = `${number(size.pupils)} pupils`;
    if (size.evaluation) {
      goals.push({ goal: `${label}: the days-percent rule within 2x of DuckDB's time`, measured: `${fixed(size.evaluation.ratioToDuckdb)}x`, met: size.evaluation.ratioToDuckdb <= 2 });
    }
    if (size.import) {
      goals.push({ goal: `${label}: import at least half the speed of bare parsing`, measured: `${fixed(size.import.ratioToBaseline)}`, met: size.import.ratioToBaseline >= 0.5 });
    }
    // The product's processes: the import and the nightly run. (The evaluation bench holds every pupil at once to
    // time the rules alone; the nightly run judges a school at a time.)
    const peaks = [size.import?.whole.peakRssMb, size.nightly?.wholeYear.peakRssMb, size.nightly?.delta.peakRssMb].filter((peak): peak is number => peak !== undefined);
    if (size.pupils >= 100_000 && peaks.length > 0) {
      goals.push({ goal: `${label}: peak memory (RSS) of the import and the nightly run under 1 GB`, measured: `${number(Math.max(...peaks))} MB`, met: Math.max(...peaks) < 1024 });
    }
  }
  for (const run of delivery) {
    goals.push({ goal: `delivery, ${run.instances} instance(s): within 10 % of the rate-limit floor, no 429 storm`, measured: `${fixed(run.ratioToFloor)}x the floor, ${run.throttled} x 429`, met: run.ratioToFloor <= 1.1 && run.throttled <= run.cards * 0.01 });
  }
  const timed = sizes.filter((size) => size.nightly).sort((a, b) => a.pupils - b.pupils);
  const [smallest, largest] = [timed[0], timed[timed.length - 1]];
  if (smallest?.nightly && largest?.nightly && largest !== smallest) {
    const growth = largest.nightly.wholeYear.seconds / smallest.nightly.wholeYear.seconds / (largest.pupils / smallest.pupils);
    goals.push({ goal: "cost grows linearly with pupils (nightly run, whole year)", measured: `${fixed(growth)}x linear`, met: growth <= 1.25 });
  }
  return goals;
}

function printReport(report: BenchReport): void {
  const lines: string[] = [];
  lines.push(`Tidlig benchmark, ${report.startedAt} (${report.machine.cpus} cores, ${report.machine.memoryGb} GB, Node ${report.machine.node})`);
  for (const size of report.sizes) {
    const { data } = size;
    lines.push("", `${number(size.pupils)} pupils, ${data.schools} schools, ${data.schoolDays} school days: ${number(data.rows)} rows, ${fixed(data.feedBytes / 1e6, 1)} MB (generated in ${data.generateSeconds} s)`);
    if (size.import) {
      const { whole, delta, csvParseBaseline, ratioToBaseline } = size.import;
      lines.push(`  import, whole year     ${number(whole.rowsPerSecond)} rows/s (${whole.seconds} s), peak ${number(whole.peakRssMb)} MB; csv-parse alone ${number(csvParseBaseline.rowsPerSecond)} rows/s: ratio ${fixed(ratioToBaseline)}`);
      lines.push(`  import, one-day delta  ${number(delta.rows)} rows in ${delta.seconds} s, peak ${number(delta.peakRssMb)} MB`);
    }
    if (size.evaluation) {
      const evaluation = size.evaluation;
      lines.push(`  evaluation, all rules  ${evaluation.fullRuleSet.seconds} s (${fixed(evaluation.fullRuleSet.perPupilMicros, 1)} µs a pupil), ${number(evaluation.fullRuleSet.findings)} findings`);
      lines.push(
        `  evaluation, ${evaluation.percentRule.ruleId}  ${evaluation.percentRule.seconds} s; DuckDB ${evaluation.duckdb.fromTableSeconds} s from a loaded table (${evaluation.duckdb.fromFileSeconds} s from the file): ratio ${fixed(evaluation.ratioToDuckdb)}; ` +
          `flagged ${number(evaluation.percentRule.flagged)}, same as DuckDB for ${number(evaluation.agreement.both)} (only ours ${evaluation.agreement.onlyOurs}, only DuckDB ${evaluation.agreement.onlyDuckdb})`,
      );
    }
    if (size.storage) {
      const { product, bareSameEntities, bareEntityPerDay, ratioToBare, daysRatioToEntityPerDay } = size.storage;
      lines.push(
        `  storage (Azurite)      ${number(product.days)} pupil days as ${number(product.entities)} entities in ${product.seconds} s: ${number(product.entitiesPerSecond)} entities/s, ${number(product.daysPerSecond)} days/s (reads included)`,
        `                         bare batch loop, same entities: ${number(bareSameEntities.entitiesPerSecond)} entities/s: ratio ${fixed(ratioToBare)}`,
      );
      if (bareEntityPerDay.days > 0) lines.push(`                         bare batch loop, an entity a day: ${number(bareEntityPerDay.daysPerSecond)} days/s: the product stores days ${fixed(daysRatioToEntityPerDay)}x as fast`);
    }
    if (size.nightly) {
      const { wholeYear, delta } = size.nightly;
      lines.push(`  nightly, whole year    ${wholeYear.seconds} s, peak ${number(wholeYear.peakRssMb)} MB, ${number(wholeYear.casesOpened)} cases opened, ${number(wholeYear.notificationsQueued)} messages queued`);
      lines.push(`  nightly, one-day delta ${delta.seconds} s, peak ${number(delta.peakRssMb)} MB, ${number(delta.casesOpened)} opened, ${number(delta.casesAdvanced)} advanced, ${number(delta.casesEscalated)} escalated`);
    }
  }
  if (report.delivery.length > 0) {
    lines.push("", "Delivery through the outbox to a connector that enforces Teams' limits (30/s a tenant, 7/s a conversation)");
    for (const run of report.delivery) {
      const answers = run.answers ? `; answers ${fixed(run.answers.perSecond, 1)}/s, p95 ${number(run.answers.p95Ms)} ms` : "";
      lines.push(`  ${run.instances} instance(s)  ${number(run.cards)} cards in ${run.seconds} s, floor ${run.floorSeconds} s: ratio ${fixed(run.ratioToFloor)}; ${run.throttled} x 429, ${run.duplicates} duplicates; per instance ${run.perInstance.join("/")}${answers}`);
    }
  }
  lines.push("", "Goals");
  for (const goal of report.goals) lines.push(`  ${goal.met ? "met    " : "not yet"}  ${goal.goal}: ${goal.measured}`);
  console.log(lines.join("\n"));
}

function listOf(text: string, what: string): number[] {
  const values = text.split(",").map((part) => Number(part.trim().replace(/_/g, "")));
  if (values.some((value) => !Number.isInteger(value) || value <= 0)) throw new Error(`${what} must be whole numbers above 0, separated by commas, not '${text}'`);
  return values;
}

export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      pupils: { type: "string", default: "10000" },
      days: { type: "string" },
      seed: { type: "string", default: "1" },
      instances: { type: "string", default: "1,2,4" },
      cards: { type: "string", default: "1000" },
      only: { type: "string" },
      json: { type: "boolean", default: false },
      keep: { type: "boolean", default: false },
      from: { type: "string" },
    },
  });
  if (values.from) {
    // A report saved with --json, printed again as text.
    printReport(JSON.parse(await readFile(values.from, "utf8")) as BenchReport);
    return 0;
  }
  const parts = new Set<Part>(values.only ? (values.only.split(",").map((part) => part.trim()) as Part[]) : PARTS);
  const unknown = [...parts].filter((part) => !PARTS.includes(part));
  if (unknown.length > 0) throw new Error(`--only knows ${PARTS.join(", ")}, not ${unknown.join(", ")}`);
  const pupils = listOf(values.pupils, "--pupils");
  const days = values.days === undefined ? undefined : listOf(values.days, "--days")[0];
  const { cpus, totalmem } = await import("node:os");
  const report: BenchReport = {
    startedAt: new Date().toISOString(),
    machine: { cpus: cpus().length, memoryGb: Math.round(totalmem() / 2 ** 30), node: process.versions.node },
    sizes: [],
    delivery: [],
    goals: [],
  };
  for (const count of pupils) report.sizes.push(await benchSize(count, { days, seed: Number(values.seed), parts, keep: values.keep }));
  if (parts.has("delivery")) {
    for (const instances of listOf(values.instances, "--instances")) {
      progress(`delivery: ${values.cards} cards through ${instances} instance(s)`);
      report.delivery.push(await benchDelivery({ cards: Number(values.cards), instances }));
    }
  }
  report.goals = judgeGoals(report.sizes, report.delivery);
  if (values.json) console.log(JSON.stringify(report));
  else printReport(report);
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
