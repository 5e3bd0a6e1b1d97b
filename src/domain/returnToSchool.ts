import type { AbsenceEvent } from "./absence";
import type { SchoolCalendar } from "./calendar";
import { addDays, type IsoDate } from "./dates";
import type { ReturnToSchoolSettings } from "./settings";

/** The long absence before a return, as the card shows it. */
export interface AbsenceStretch {
  /** The first and the last school day of the stretch; the last is the school day before the return. */
  from: IsoDate;
  to: IsoDate;
  /** Whole school days absent from `from` to `to`. */
  schoolDaysAbsent: number;
  /** School days from `from` to `to`, both included. */
  schoolDays: number;
}

/** A pupil back at school after a long absence: the day of the return and the stretch before it. */
export interface ReturnToSchool {
  on: IsoDate;
  stretch: AbsenceStretch;
}

/** "The last four weeks": the window of `percentOverFourWeeks`, and its denominator. */
export const FOUR_WEEKS_SCHOOL_DAYS = 20;

const absentWholeDay = (events: readonly AbsenceEvent[] | undefined) => events?.some((event) => event.kind === "day") ?? false;

/**
 * Whether the pupil came back to school on a school day judged: present that day (no whole-day absence) after a long
 * absence that ended the school day before (closed days in between do not count). A long absence is
 * `absentSchoolDaysInARow` whole days in a row, or `percentOverFourWeeks` % of the last 20 school days. Days before
 * the pupil's enrolment count as not absent. `asOf` is the last day a feed covered (later days are unknown, never
 * present); the days judged are the school days after `judgedThrough` up to it (a feed that comes a day late still
 * shows the return), or the last school day alone (also when a corrected feed is read again for a day judged).
 */
export function detectReturn(input: {
  calendar: SchoolCalendar;
  asOf: IsoDate;
  judgedThrough?: IsoDate | undefined;
  days: ReadonlyMap<IsoDate, readonly AbsenceEvent[]>;
  enrolledFrom?: IsoDate | undefined;
  settings: ReturnToSchoolSettings;
}): ReturnToSchool | undefined {
  const recent = input.calendar.lastSchoolDays(input.asOf, FOUR_WEEKS_SCHOOL_DAYS);
  const judgedThrough = input.judgedThrough;
  const candidates = judgedThrough === undefined ? recent.slice(-1) : recent.filter((date) => date > judgedThrough);
  for (const on of candidates.length > 0 ? candidates : recent.slice(-1)) {
    const returned = returnOn(on, input);
    if (returned) return returned;
  }
  return undefined;
}

function returnOn(on: IsoDate, input: { calendar: SchoolCalendar; days: ReadonlyMap<IsoDate, readonly AbsenceEvent[]>; enrolledFrom?: IsoDate | undefined; settings: ReturnToSchoolSettings }): ReturnToSchool | undefined {
  const { calendar, days, settings } = input;
  const absent = (date: IsoDate) => absentWholeDay(days.get(date));
  if (absent(on) || (input.enrolledFrom && on < input.enrolledFrom)) return undefined;
  const enrolledFrom = input.enrolledFrom ?? "";
  const before = calendar.lastSchoolDays(addDays(on, -1), Math.max(settings.absentSchoolDaysInARow, FOUR_WEEKS_SCHOOL_DAYS)).filter((date) => date >= enrolledFrom);
  let run = 0;
  while (run < before.length && absent(before[before.length - 1 - run] as IsoDate)) run += 1;
  const to = before[before.length - 1];
  if (run === 0 || !to) return undefined;
  if (run >= settings.absentSchoolDaysInARow) {
    return { on, stretch: { from: before[before.length - run] as IsoDate, to, schoolDaysAbsent: run, schoolDays: run } };
  }

  const fourWeeks = before.slice(-FOUR_WEEKS_SCHOOL_DAYS);
  const absentDays = fourWeeks.filter(absent);
  const from = absentDays[0];
  if (!from || (absentDays.length / FOUR_WEEKS_SCHOOL_DAYS) * 100 < settings.percentOverFourWeeks) return undefined;
  return { on, stretch: { from, to, schoolDaysAbsent: absentDays.length, schoolDays: fourWeeks.length - fourWeeks.indexOf(from) } };
}
