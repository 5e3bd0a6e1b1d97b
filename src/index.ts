import { systemClock } from "./clock";
import { loadDotEnv, readConfig } from "./config";
import { readOrganisationFile } from "./feeds/organisationFile";
import { sweepRunFolders } from "./feeds/runFolder";
import { translator } from "./i18n";
import { queueDigests } from "./jobs/digests";
import { runNightlyWithin, runsLeftBehind } from "./jobs/runDeadline";
import { missedRun, scheduleNightly, type NightlySchedule } from "./jobs/scheduler";
import { createLogger } from "./log";
import { startApplicationInsights } from "./telemetry/applicationInsights";
import { openConfiguredStore } from "./store/open";
import { startBotServer } from "./teams/botServer";

/** The composition root: configuration, storage, the bot server, and the nightly schedule. */
async function main(): Promise<void> {
  loadDotEnv();
  const config = readConfig();
  const telemetry = config.APPLICATIONINSIGHTS_CONNECTION_STRING ? startApplicationInsights(config.APPLICATIONINSIGHTS_CONNECTION_STRING) : undefined;
  const logger = createLogger({ level: config.LOG_LEVEL, pseudonymKey: config.LOG_PSEUDONYM_KEY, sink: telemetry?.sink });
  // What a process killed in the middle of a nightly run left on disk (pupil ids and absence) goes first.
  const swept = await sweepRunFolders(config.WORK_DIR);
  if (swept > 0) logger.warn({ removed: swept }, "removed the temporary files of runs that were stopped before they ended");
  const opened = await openConfiguredStore(config, logger);
  const { store } = opened;
  let schedule: NightlySchedule | undefined;
  // Stopping the process stops a nightly run in it: recorded as stopped, and run again at the next start.
  const stopRuns = new AbortController();
  const deadlineMs = config.NIGHTLY_DEADLINE_MINUTES * 60_000;
  let nightlyRun: Promise<void> | undefined;
  const { ORGANISATION_FILE, ROSTER_FILE, FEED_FILE } = config;
  const feedSource = { connectionString: opened.connectionString, bearerToken: config.FEED_BEARER_TOKEN, pattern: config.FEED_PATTERN };
  const nightlyFiles = ORGANISATION_FILE && ROSTER_FILE && FEED_FILE ? { organisationPath: ORGANISATION_FILE, rosterPath: ROSTER_FILE, feedPath: FEED_FILE, feedSource, workDir: config.WORK_DIR } : undefined;
  const bot = await startBotServer({ config, store, clock: systemClock, logger, nightlyFiles, nextNightlyRun: () => schedule?.nextRun(), onRequest: telemetry?.trackRequest });

  if (ORGANISATION_FILE && ROSTER_FILE && FEED_FILE) {
    // A missing or broken organisation file must not keep the bot down: the nightly run reports it to the coordinators.
    const timeZone = await readOrganisationFile(ORGANISATION_FILE).then(
      (organisation) => organisation.timeZone,
      async (error: unknown) => {
        logger.error({ err: { message: (error as Error).message } }, "the organisation file cannot be read: the nightly run will report it");
        return (await store.organisation.get())?.timeZone ?? "Europe/Oslo";
      },
    );
    // Every instance schedules the run: the lease lets one work, and the others skip a night already run.
    // The run ends by its deadline at the latest, so the schedule's guard against overlapping runs never holds for good.
    const run = async () => {
      nightlyRun = runNightlyWithin(
        { store, clock: systemClock, logger, t: translator(config.DEFAULT_LOCALE) },
        { feedPath: FEED_FILE, rosterPath: ROSTER_FILE, organisationPath: ORGANISATION_FILE, feedSource, workDir: config.WORK_DIR, oncePerNight: true },
        { deadlineMs, stop: stopRuns.signal },
      ).then(() => undefined);
      try {
        await nightlyRun;
      } finally {
        nightlyRun = undefined;
      }
      if (!stopRuns.signal.aborted) await bot.sender.drain();
    };
    schedule = scheduleNightly({ expression: config.NIGHTLY_SCHEDULE, timeZone, logger, run });
    const last = await store.runs.latest();
    // A run that failed (or was stopped with the process) is caught up as one that never ran.
    const lastGood = last && last.summary.failure === undefined ? new Date(last.startedAt) : undefined;
    if (missedRun({ lastStartedAt: lastGood, now: systemClock.now(), nextRun: schedule.nextRun() })) {
      logger.warn({ lastRun: last?.startedAt ?? null }, "the nightly run was missed while the bot was stopped: catching up once now");
      run().catch((error: unknown) => logger.error({ err: { message: (error as Error).message } }, "catch-up run failed"));
    }
  } else {
    logger.warn("ORGANISATION_FILE, ROSTER_FILE or FEED_FILE is not set: the nightly run is not scheduled in this process");
  }
  const organisation = await store.organisation.get();
  const digests = scheduleNightly({
    expression: config.DIGEST_SCHEDULE,
    timeZone: organisation?.timeZone ?? "Europe/Oslo",
    logger,
    name: "digest",
    run: async () => {
      await queueDigests({ store, clock: systemClock });
      await bot.sender.drain();
    },
  });

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    logger.info("stopping");
    schedule?.stop();
    digests.stop();
    // Both runs (scheduled, and from Teams) are told to stop at once; each is waited for a few seconds at most.
    stopRuns.abort();
    await Promise.all([nightlyRun?.catch(() => undefined), bot.close()]);
    // A run still going stops with the process: its temporary files go now, not at the next start.
    await sweepRunFolders(config.WORK_DIR, { ownToo: true }).catch(() => 0);
    await opened.close();
    await telemetry?.flush();
    if (runsLeftBehind() > 0) {
      // A step that never returns (a read blocked in the operating system) would hold process.exit for ever.
      logger.warn("a stopped nightly run has a step that did not return: the process ends without it");
      process.removeAllListeners("SIGTERM");
      process.kill(process.pid, "SIGTERM");
      return;
    }
    process.exit(0);
  };
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
