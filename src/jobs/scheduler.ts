import cron from "node-cron";
import type { Logger } from "../log";

export interface NightlySchedule {
  stop(): void;
}

/** Runs the nightly job on its cron schedule in the organisation's time zone, never two at once in this process. */
export function scheduleNightly(options: { expression: string; timeZone: string; logger: Logger; run: () => Promise<void> }): NightlySchedule {
  const { expression, timeZone, logger, run } = options;
  if (!cron.validate(expression)) throw new Error(`NIGHTLY_SCHEDULE '${expression}' is not a cron expression (e.g. '30 5 * * *')`);
  const task = cron.schedule(
    expression,
    async () => {
      try {
        await run();
      } catch (error) {
        logger.error({ err: { message: (error as Error).message } }, "scheduled nightly run failed");
      }
    },
    { timezone: timeZone, noOverlap: true, name: "nightly" },
  );
  logger.info({ expression, timeZone }, "nightly run scheduled");
  return { stop: () => void task.stop() };
}
