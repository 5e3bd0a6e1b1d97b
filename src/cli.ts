import { readFile, writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { systemClock } from "./clock";
import { loadDotEnv, readConfig } from "./config";
import { parseDate } from "./domain/dates";
import { settingsFromOrganisation } from "./domain/settings";
import { toLocale, translator, type Translate } from "./i18n";
import { runNightlyWithin } from "./jobs/runDeadline";
import { causeOf, errorKind, FAILURE_CAUSES, type FailureCause } from "./jobs/runFailure";
import { summaryText, whatIfText } from "./jobs/summaryText";
import { runWhatIf } from "./jobs/whatIf";
import { exportPupil } from "./jobs/pupilData";
import { sweepRunFolders } from "./feeds/runFolder";
import { createLogger } from "./log";
import { describeConfiguredStorage, openConfiguredStore } from "./store/open";
import { exitWith } from "./exitWith";

const USAGE = `Usage:
  npm run nightly -- --feed FEED --roster FILE --org FILE [--as-of YYYY-MM-DD] [--dry-run] [--json] [--lang nb|nn|en]
  npm run what-if -- --settings FILE [--as-of YYYY-MM-DD] [--json] [--lang nb|nn|en]
  npm run export -- --pupil ID [--out FILE]

nightly: runs the nightly job once: reads the organisation file, the roster and the absence feed, stores what is
new, checks every pupil against the rules, opens and advances cases, escalates unanswered ones and queues the
messages.
  --feed      a file, a folder (its newest file matching FEED_PATTERN), an https:// URL (FEED_BEARER_TOKEN),
              or blob:<container>[/<pattern>]; a feed already processed is not imported again
  --as-of     the last day to judge (default: yesterday in the organisation's time zone)
  --dry-run   read and evaluate, but store nothing and queue nothing
what-if: judges what is stored with the settings in FILE (the "settings" object of the organisation file: a
preset, rules, per-school overrides) and reports what would change, without changing anything.
export: writes everything stored about one pupil, at every school they are or were stored under, as JSON (a
right-of-access request) to FILE or standard output.
  --json      end the output with one line of JSON
  --lang      language of the text (default: DEFAULT_LOCALE, bokmål)
Each command first names the storage it works on (the embedded emulator and its folder, or the Azure account) in
one line on standard error, so that standard output stays the report or the export.
Exit status: 0 done; 2 a person must fix the input: wrong arguments, a file rejected whole (nothing changed) or no
such pupil; 3 skipped, another run was in progress; 1 failure (the storage, the disk, the environment or the
program; also: export from a storage that holds no pupils at all). nightly always ends with its summary, also when
it fails (with --json: "ok": false and "failure": {"code": ...}).`;

const OPTIONS = {
  feed: { type: "string" },
  roster: { type: "string" },
  org: { type: "string" },
  settings: { type: "string" },
  pupil: { type: "string" },
  out: { type: "string" },
  "as-of": { type: "string" },
  "dry-run": { type: "boolean", default: false },
  json: { type: "boolean", default: false },
  lang: { type: "string" },
  help: { type: "boolean", default: false },
} as const;

class UsageError extends Error {}

class ConfigurationError extends Error {}

function failureOf(error: unknown): FailureCause {
  return error instanceof ConfigurationError ? "configuration" : causeOf(error);
}

/**
 * A nightly run that failed still ends with a summary: one line for a person and, with --json, an object with
 * `ok: false` and the failure's code. Standard error gets the error's kind, never its message or stack, which may
 * quote what was stored about a pupil; a wrong environment is explained, as it names settings only.
 */
function printFailure(failure: FailureCause, error: unknown, t: Translate, json: boolean): void {
  if (error instanceof ConfigurationError) console.error(error.message);
  else if (error !== undefined) console.error(`nightly run failed (${failure}): ${errorKind(error)}`);
  console.log(t("run.failed", { reason: t(FAILURE_CAUSES[failure]) }));
  if (json) console.log(JSON.stringify({ ok: false, failure: { code: failure }, resources: { peakMemoryMb: Math.round(process.resourceUsage().maxRSS / 1024) } }));
}

export async function main(argv: string[]): Promise<number> {
  const command = argv[0] === "what-if" || argv[0] === "nightly" || argv[0] === "export" ? argv[0] : "nightly";
  const rest = argv[0] === command ? argv.slice(1) : argv;
  let t = translator(toLocale(process.env.DEFAULT_LOCALE));
  let json = false;
  // Should the run wait on something that never comes, the process would end with status 0 and nothing said.
  let ended = false;
  const stalled = () => {
    if (ended) return;
    ended = true;
    printFailure("stalled", undefined, t, json);
    process.exitCode = 1;
  };
  if (command === "nightly") process.once("beforeExit", stalled);
  try {
    const args = parseArgs({ args: rest, options: OPTIONS }).values;
    json = args.json;
    if (args.help) {
      console.log(USAGE);
      return 0;
    }
    const asOf = args["as-of"] === undefined ? undefined : parseDate(args["as-of"]);
    if (args["as-of"] !== undefined && asOf === undefined) throw new UsageError(`--as-of must be a date such as 2026-11-20, not '${args["as-of"]}'.`);
    if (command === "nightly" && (!args.feed || !args.roster || !args.org)) throw new UsageError("--feed, --roster and --org are required.");
    if (command === "what-if" && !args.settings) throw new UsageError("--settings is required.");
    if (command === "export" && !args.pupil) throw new UsageError("--pupil is required.");

    loadDotEnv();
    t = translator(toLocale(args.lang ?? process.env.DEFAULT_LOCALE));
    let config;
    try {
      config = readConfig();
    } catch (error) {
      if (command !== "nightly") throw error;
      throw new ConfigurationError((error as Error).message);
    }
    t = translator(toLocale(args.lang ?? config.DEFAULT_LOCALE));
    const logger = createLogger({ level: config.LOG_LEVEL, destination: 2 });
    console.error(describeConfiguredStorage(config));
    const opened = await openConfiguredStore(config, logger);
    try {
      if (command === "export") {
        const data = await exportPupil(opened.store, systemClock, args.pupil as string);
        if (!data) {
          if (!(await opened.store.pupils.any())) {
            // Answering "nothing is stored about this pupil" from the wrong (empty) storage would be a false answer.
            const where = opened.store.storage.account.kind === "emulator" ? "The emulator" : "This storage account";
            console.error(`${where} holds no pupils at all (tables ${config.TABLE_PREFIX}*), so it cannot tell whether '${args.pupil}' is stored. Point STORAGE_CONNECTION_STRING (and TABLE_PREFIX) at the storage the bot uses.`);
            return 1;
          }
          console.error(`No pupil '${args.pupil}' is stored.`);
          return 2;
        }
        const text = `${JSON.stringify(data, null, 2)}\n`;
        if (args.out) await writeFile(args.out, text, { mode: 0o600 });
        else process.stdout.write(text);
        return 0;
      }
      if (command === "what-if") {
        let proposed;
        try {
          proposed = settingsFromOrganisation(JSON.parse(await readFile(args.settings as string, "utf8")));
        } catch (error) {
          throw new UsageError(`${args.settings}: ${(error as Error).message}`);
        }
        const report = await runWhatIf({ store: opened.store, clock: systemClock }, { proposed, asOf });
        const organisation = await opened.store.organisation.get();
        if (!report || !organisation) {
          console.log(t("whatIf.noData"));
          return 2;
        }
        for (const line of whatIfText(report, t, new Map(organisation.schools.map((school) => [school.id, school.name])))) console.log(line);
        if (args.json) console.log(JSON.stringify(report));
        return 0;
      }
      const started = performance.now();
      // Stopped in the middle (Ctrl-C, a scheduler's SIGTERM), the run's temporary files go with the process.
      for (const signal of ["SIGINT", "SIGTERM"] as const) {
        process.once(signal, () => {
          void sweepRunFolders(config.WORK_DIR, { ownToo: true }).finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
        });
      }
      const summary = await runNightlyWithin(
        { store: opened.store, clock: systemClock, logger, t },
        {
          feedPath: args.feed as string,
          rosterPath: args.roster as string,
          organisationPath: args.org as string,
          asOf,
          dryRun: args["dry-run"],
          feedSource: { connectionString: opened.connectionString, bearerToken: config.FEED_BEARER_TOKEN, pattern: config.FEED_PATTERN },
          workDir: config.WORK_DIR,
        },
        { deadlineMs: config.NIGHTLY_DEADLINE_MINUTES * 60_000 },
      );
      for (const line of summaryText(summary, t)) console.log(line);
      // What the run cost this process: the figure to watch for a large feed.
      const resources = { seconds: Math.round(performance.now() - started) / 1000, peakMemoryMb: Math.round(process.resourceUsage().maxRSS / 1024) };
      if (args.json) console.log(JSON.stringify({ ...summary, resources }));
      if (summary.failure) return 1;
      if (summary.fileRejected) return 2;
      if (summary.skipped) return 3;
      return 0;
    } finally {
      await opened.close();
    }
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS") === true) {
      console.error(`${(error as Error).message}\n\n${USAGE}`);
      return 2;
    }
    if (command !== "nightly") throw error;
    printFailure(failureOf(error), error, t, json);
    return 1;
  } finally {
    ended = true;
    process.off("beforeExit", stalled);
  }
}

if (require.main === module) exitWith(main);
