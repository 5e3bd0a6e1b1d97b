import type { AbsenceCase, Notice, RoutineClock } from "./cases";
import { isIsoDate, type IsoDate } from "./dates";
import { nextSchoolDay } from "./delivery";

/** Why a contact teacher puts a task off; labels are in the message catalogues (`snooze.reason.<id>`). */
export const SNOOZE_REASONS = ["following-up", "meeting-booked", "documented", "other"] as const;
export type SnoozeReason = (typeof SNOOZE_REASONS)[number];

/**
 * "I am already following this up; remind me on <date>": the current task rests until a school day. No reminder
 * and no escalation while it rests; on the day the card comes again, and the deadline counts from that day.
 */
export interface Snooze {
  /** The school day the card comes again. */
  until: IsoDate;
  reason: SnoozeReason;
  by: string;
  at: string;
  /** The step and task (serial) that were put off. */
  step: number;
  serial: number;
  /** Set when the absence got worse before the day: a higher step fired and the teacher was asked at once. */
  woken?: { on: IsoDate; step: number; why: "higher-step" } | undefined;
}

export type SnoozeProblem =
  | { field: "snoozeReason"; problem: "required" | "invalid-option" }
  | { field: "snoozeUntil"; problem: "required" | "invalid-date" | "not-after-today" | "beyond-period" }
  | { field: "task"; problem: "no-task" | "already-snoozed" | "past-deadline" };

/** The snooze of the current task on `day`, if it is still resting (not woken, not answered, the day not reached). */
export function activeSnooze(absenceCase: AbsenceCase, day: IsoDate): Snooze | undefined {
  const snoozed = absenceCase.snoozed;
  const task = absenceCase.current;
  if (!snoozed || !task || absenceCase.stage !== "awaiting-answer") return undefined;
  return snoozed.serial === task.serial && !snoozed.woken && day < snoozed.until ? snoozed : undefined;
}

/** The last day a task may be put off to: the routine's evaluation period, in school days from today. */
export function latestSnoozeDay(today: IsoDate, routine: RoutineClock): IsoDate {
  return routine.calendar.addSchoolDays(today, routine.evaluationAfterSchoolDays);
}

/**
 * Why the current task cannot be put off at all: there is none, it was put off once already (once per task, so
 * a task cannot be put off for ever), or its deadline has passed (the leaders have been told; answer instead).
 */
export function whyNotSnoozable(absenceCase: AbsenceCase, today: IsoDate): SnoozeProblem | undefined {
  const task = absenceCase.current;
  if (absenceCase.stage !== "awaiting-answer" || !task) return { field: "task", problem: "no-task" };
  if (absenceCase.snoozed?.serial === task.serial) return { field: "task", problem: "already-snoozed" };
  if (task.escalatedAt || task.dueOn < today) return { field: "task", problem: "past-deadline" };
  return undefined;
}

/**
 * Puts the current task off until a date after today and within the routine's evaluation period. A date that is
 * not a school day becomes the next school day. The deadline moves to that day plus the task's deadline; the card
 * on that day (a `snooze-ended` notice, in the delivery hours) takes the place of the gentle reminder.
 */
export function snooze(
  absenceCase: AbsenceCase,
  input: { until: string; reason: string; by: string; now: Date; today: IsoDate; routine: RoutineClock; deliverFrom?: (date: IsoDate) => string },
): { ok: true; absenceCase: AbsenceCase } | { ok: false; problems: SnoozeProblem[] } {
  const refused = whyNotSnoozable(absenceCase, input.today);
  const task = absenceCase.current;
  if (refused || !task) return { ok: false, problems: [refused ?? { field: "task", problem: "no-task" }] };

  const problems: SnoozeProblem[] = [];
  const reason = input.reason.trim();
  if (reason === "") problems.push({ field: "snoozeReason", problem: "required" });
  else if (!(SNOOZE_REASONS as readonly string[]).includes(reason)) problems.push({ field: "snoozeReason", problem: "invalid-option" });
  const until = input.until.trim();
  if (until === "") problems.push({ field: "snoozeUntil", problem: "required" });
  else if (!isIsoDate(until)) problems.push({ field: "snoozeUntil", problem: "invalid-date" });
  else if (until <= input.today) problems.push({ field: "snoozeUntil", problem: "not-after-today" });
  else if (until > latestSnoozeDay(input.today, input.routine)) problems.push({ field: "snoozeUntil", problem: "beyond-period" });
  if (problems.length > 0) return { ok: false, problems };

  const { calendar, deadlines } = input.routine;
  const day = nextSchoolDay(calendar, until);
  const deliverFrom = input.deliverFrom?.(day);
  return {
    ok: true,
    absenceCase: {
      ...absenceCase,
      snoozed: { until: day, reason: reason as SnoozeReason, by: input.by, at: input.now.toISOString(), step: task.step, serial: task.serial },
      current: { ...task, dueOn: calendar.addSchoolDays(day, deadlines[task.task]), remindersSent: [...new Set([...task.remindersSent, "half" as const])] },
      pendingNotices: [...absenceCase.pendingNotices, ...absenceCase.teacherIds.map((recipientId): Notice => ({ kind: "snooze-ended", recipientId, serial: task.serial, deliverFrom }))],
    },
  };
}

/** A higher step fired on `on`: a snooze of the task it replaces ends early, and says so. */
export function wakeSnooze(absenceCase: AbsenceCase, on: IsoDate, step: number): AbsenceCase {
  const resting = activeSnooze(absenceCase, on);
  return resting ? { ...absenceCase, snoozed: { ...resting, woken: { on, step, why: "higher-step" } } } : absenceCase;
}
