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
