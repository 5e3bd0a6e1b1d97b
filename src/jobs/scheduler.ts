import cron from "node-cron";
import type { Logger } from "../log";

export interface NightlySchedule {
  stop(): void;
  nextRun(): Date | undefined;
}

/** Runs a job (the nightly run, the digests) on its cron schedule in the organisation's time zone, never two at once in this process. */
export function scheduleNightly(options: { expression: string; timeZone: string; logger: Logger; run: () => Promise<void>; name?: string }): NightlySchedule {
  const { expression, timeZone, logger, run } = options;
  const name = options.name ?? "nightly";
  if (!cron.validate(expression)) throw new Error(`The ${name} schedule '${expression}' is not a cron expression (e.g. '0 7 * * 1-5')`);
  const task = cron.schedule(
    expression,
    async () => {
      try {
        await run();
      } catch (error) {
        logger.error({ err: { message: (error as Error).message }, job: name }, "scheduled run failed");
      }
    },
    { timezone: timeZone, noOverlap: true, name },
  );
  logger.info({ expression, timeZone, job: name }, "run scheduled");
  return { stop: () => void task.stop(), nextRun: () => task.getNextRun() ?? undefined };
}

/** A day and then some: the nightly run is daily at most, so a gap this long means a run was missed. */
const MISSED_AFTER_MS = 25 * 60 * 60 * 1000;
/** A run that is this close anyway is left to the schedule. */
const SOON_MS = 60 * 60 * 1000;

/**
 * Whether the nightly run was missed while the process was down (a restart, a deployment, a machine that slept):
 * then it is caught up once, at start, unless the schedule is about to run it anyway.
 */
export function missedRun(input: { lastStartedAt: Date | undefined; now: Date; nextRun: Date | undefined }): boolean {
  const { lastStartedAt, now, nextRun } = input;
  if (nextRun && nextRun.getTime() - now.getTime() < SOON_MS) return false;
  return lastStartedAt === undefined || now.getTime() - lastStartedAt.getTime() > MISSED_AFTER_MS;
}
