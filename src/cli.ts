import { parseArgs } from "node:util";
import { systemClock } from "./clock";
import { loadDotEnv, readConfig } from "./config";
import { parseDate } from "./domain/dates";
import { toLocale, translator } from "./i18n";
import { runNightly } from "./jobs/nightly";
import { summaryText } from "./jobs/summaryText";
import { createLogger } from "./log";
import { openConfiguredStore } from "./store/open";

const USAGE = `Usage: npm run nightly -- --feed FILE --roster FILE --org FILE [--as-of YYYY-MM-DD] [--dry-run] [--json] [--lang nb|nn|en]

Runs the nightly job once: reads the organisation file, the roster and the absence feed, stores what is new,
checks every pupil against the thresholds, opens cases, escalates unanswered ones and queues the messages.
  --as-of     the last day to judge (default: yesterday in the organisation's time zone)
  --dry-run   read and evaluate, but store nothing and queue nothing
  --json      end the output with one line of JSON (the run summary)
  --lang      language of the summary (default: DEFAULT_LOCALE, bokmål)
Exit status: 0 done, 2 wrong arguments or a file rejected whole, 3 another run was in progress, 1 failure.`;

export async function main(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv[0] === "nightly" ? argv.slice(1) : argv,
      options: {
        feed: { type: "string" },
        roster: { type: "string" },
        org: { type: "string" },
        "as-of": { type: "string" },
        "dry-run": { type: "boolean", default: false },
        json: { type: "boolean", default: false },
        lang: { type: "string" },
        help: { type: "boolean", default: false },
      },
    }).values;
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  if (!args.feed || !args.roster || !args.org) {
    console.error(`--feed, --roster and --org are required.\n\n${USAGE}`);
    return 2;
  }
  const asOf = args["as-of"] === undefined ? undefined : parseDate(args["as-of"]);
  if (args["as-of"] !== undefined && asOf === undefined) {
    console.error(`--as-of must be a date such as 2026-11-20, not '${args["as-of"]}'.`);
    return 2;
  }

  loadDotEnv();
  const config = readConfig();
  const lang = toLocale(args.lang ?? config.DEFAULT_LOCALE);
  const logger = createLogger({ level: config.LOG_LEVEL, destination: 2 });
  const opened = await openConfiguredStore(config, logger);
  try {
    const summary = await runNightly(
      { store: opened.store, clock: systemClock, logger, t: translator(lang) },
      { feedPath: args.feed, rosterPath: args.roster, organisationPath: args.org, asOf, dryRun: args["dry-run"] },
    );
    for (const line of summaryText(summary, translator(lang))) console.log(line);
    if (args.json) console.log(JSON.stringify(summary));
    if (summary.fileRejected) return 2;
    if (summary.skipped) return 3;
    return 0;
  } finally {
    await opened.close();
  }
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
