import type { SchoolCalendar } from "./calendar";
import { addDays, weekday, type IsoDate } from "./dates";

/** Whole-day attendance over some school days. */
export interface Attendance {
  schoolDays: number;
  absentDays: number;
  /** Percentages to one decimal; 0 of 0 days is 0 % absent. */
  absentPercent: number;
  presentPercent: number;
}

/** One school week (or the part of it before or since the measures started). */
export interface WeekOfAttendance extends Attendance {
  monday: IsoDate;
  sinceMeasures: boolean;
}

/** Attendance before and since the measures started, for the evaluation. */
export interface MeasuresEffect {
  since: IsoDate;
  before: Attendance;
  after: Attendance;
  /** Oldest first; the week the measures started in is split in two. */
  weeks: WeekOfAttendance[];
}

/** At most this many weeks on each side of the start of the measures, so the line fits on a phone. */
export const WEEKS_SHOWN = { before: 8, after: 12 } as const;
const BARS = "▁▂▃▄▅▆▇█";
const round1 = (value: number) => Math.round(value * 10) / 10;

function attendance(days: readonly IsoDate[], absentDays: ReadonlySet<IsoDate>): Attendance {
  const absent = days.filter((date) => absentDays.has(date)).length;
  const absentPercent = days.length === 0 ? 0 : round1((absent / days.length) * 100);
  return { schoolDays: days.length, absentDays: absent, absentPercent, presentPercent: round1(100 - absentPercent) };
}

const mondayOf = (date: IsoDate) => addDays(date, -((weekday(date) + 6) % 7));

function byWeek(days: readonly IsoDate[], absentDays: ReadonlySet<IsoDate>, sinceMeasures: boolean): WeekOfAttendance[] {
  const weeks = new Map<IsoDate, IsoDate[]>();
  for (const date of days) weeks.set(mondayOf(date), [...(weeks.get(mondayOf(date)) ?? []), date]);
  return [...weeks.entries()].map(([monday, dates]) => ({ monday, sinceMeasures, ...attendance(dates, absentDays) }));
}

/**
 * Whole-day attendance since the measures started (up to `until`), and before them over as many school days (at
 * least a week) so that like is compared with like; and the same, week by week. Days before the pupil's enrolment
 * are left out.
 */
export function measuresEffect(input: { calendar: SchoolCalendar; since: IsoDate; until: IsoDate; absentDays: ReadonlySet<IsoDate>; enrolledFrom?: IsoDate | undefined }): MeasuresEffect {
  const { calendar, since, absentDays } = input;
  const enrolled = (date: IsoDate) => !input.enrolledFrom || date >= input.enrolledFrom;
  const after = calendar.schoolDaysIn(since, input.until).filter(enrolled);
  const before = calendar.lastSchoolDays(addDays(since, -1), Math.max(after.length, 5)).filter(enrolled);
  return {
    since,
    before: attendance(before, absentDays),
    after: attendance(after, absentDays),
    weeks: [...byWeek(before, absentDays, false).slice(-WEEKS_SHOWN.before), ...byWeek(after, absentDays, true).slice(-WEEKS_SHOWN.after)],
  };
}

/** The weeks as a line of bars, one a week (higher is better attendance), with `|` where the measures started. */
export function attendanceBars(weeks: readonly WeekOfAttendance[]): string {
  return weeks
    .map((week, index) => {
      const bar = BARS[Math.round((week.presentPercent / 100) * (BARS.length - 1))] ?? "";
      const startsMeasures = week.sinceMeasures && (index === 0 || !weeks[index - 1]?.sinceMeasures);
      return startsMeasures && index > 0 ? `|${bar}` : bar;
    })
    .join("");
}
