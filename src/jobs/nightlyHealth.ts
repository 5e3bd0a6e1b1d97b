import type { RunRecord } from "../store/runRepository";
import type { NightlySummary } from "./nightly";

/** How the last nightly run went, as the health check reports it. */
export type RunOutcome = "ok" | "failed" | "rejected-file";

/**
 * The nightly runs as the health check sees them: the last run's outcome, `missing` when no run has been recorded for
 * too long, `waiting` for the first run of a new installation, `not-scheduled` when this process schedules none.
 */
export type NightlyState = RunOutcome | "missing" | "waiting" | "not-scheduled";

/**
 * No run for this many hours, not counting Saturdays and Sundays (UTC), is a missed run: a day and a half, so a
 * weekday run that is late or slow (up to its deadline) is not missing yet, and a weekend without runs never is.
 */
export const MISSING_AFTER_WEEKDAY_HOURS = 36;

export interface NightlyHealth {
  nightly: NightlyState;
  lastNightlyRun: { startedAt: string; finishedAt: string; asOf: string; outcome: RunOutcome; ageHours: number } | null;
}

export function outcomeOf(run: RunRecord): RunOutcome {
  const summary = run.summary as Partial<NightlySummary>;
  if (summary.failure) return "failed";
  if (summary.fileRejected) return "rejected-file";
  return "ok";
}

/**
 * What the health check says of the nightly runs. `upSince` is when this process started: without any run recorded,
 * the time without one counts from there.
 */
export function nightlyHealth(input: { latest: RunRecord | undefined; now: Date; upSince: Date; scheduled: boolean }): NightlyHealth {
  const { latest, now, upSince, scheduled } = input;
  const lastNightlyRun = latest
    ? { startedAt: latest.startedAt, finishedAt: latest.finishedAt, asOf: latest.asOf, outcome: outcomeOf(latest), ageHours: Math.round((now.getTime() - Date.parse(latest.finishedAt)) / 360_000) / 10 }
    : null;
  if (lastNightlyRun && lastNightlyRun.outcome !== "ok") return { nightly: lastNightlyRun.outcome, lastNightlyRun };
  if (!scheduled) return { nightly: lastNightlyRun ? "ok" : "not-scheduled", lastNightlyRun };
  const since = latest ? new Date(latest.startedAt) : upSince;
  if (weekdayHoursBetween(since, now) > MISSING_AFTER_WEEKDAY_HOURS) return { nightly: "missing", lastNightlyRun };
  return { nightly: lastNightlyRun ? "ok" : "waiting", lastNightlyRun };
}

/** Hours from `from` to `to` that fall on Monday to Friday (UTC); counting stops a little past the limit that matters. */
export function weekdayHoursBetween(from: Date, to: Date): number {
  const HOUR = 3_600_000;
  let hours = 0;
  for (let at = from.getTime(); at < to.getTime() && hours <= MISSING_AFTER_WEEKDAY_HOURS + 1; at += HOUR) {
    const day = new Date(at).getUTCDay();
    if (day !== 0 && day !== 6) hours += Math.min(HOUR, to.getTime() - at) / HOUR;
  }
  return hours;
}
