import Holidays from "date-holidays";
import { addDays, isWeekend, type IsoDate } from "./dates";

export interface ClosedPeriod {
  from: IsoDate;
  to: IsoDate;
  name?: string | undefined;
}

export interface SchoolCalendarDefinition {
  schoolYear: { from: IsoDate; to: IsoDate };
  closed: ClosedPeriod[];
}

export type NotASchoolDayReason = "weekend" | "public-holiday" | "closed" | "outside-school-year";

const norwegianHolidays = new Holidays("NO");
const publicHolidaysByYear = new Map<number, Set<IsoDate>>();

function publicHolidays(year: number): Set<IsoDate> {
  let dates = publicHolidaysByYear.get(year);
  if (!dates) {
    dates = new Set(
      norwegianHolidays
        .getHolidays(year)
        .filter((holiday) => holiday.type === "public")
        .map((holiday) => holiday.date.slice(0, 10)),
    );
    publicHolidaysByYear.set(year, dates);
  }
  return dates;
}

export function isNorwegianPublicHoliday(date: IsoDate): boolean {
  return publicHolidays(Number(date.slice(0, 4))).has(date);
}

/** Which days a school is open: weekdays of the school year that are neither public holidays nor closed days. */
export class SchoolCalendar {
  private schoolDays: IsoDate[] | undefined;
  private readonly verdicts = new Map<IsoDate, NotASchoolDayReason | undefined>();

  constructor(private readonly definition: SchoolCalendarDefinition) {}

  get schoolYear(): { from: IsoDate; to: IsoDate } {
    return this.definition.schoolYear;
  }

  /** Every school day of the school year, oldest first (computed once). */
  private allSchoolDays(): IsoDate[] {
    if (!this.schoolDays) {
      const days: IsoDate[] = [];
      for (let date = this.definition.schoolYear.from; date <= this.definition.schoolYear.to; date = addDays(date, 1)) {
        if (this.isSchoolDay(date)) days.push(date);
      }
      this.schoolDays = days;
    }
    return this.schoolDays;
  }

  /** Index of the first school day on or after `date`. */
  private indexFrom(date: IsoDate): number {
    const days = this.allSchoolDays();
    let low = 0;
    let high = days.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((days[middle] as IsoDate) < date) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** Index of the first school day after `date` (the same as on or after the next day, without making that day). */
  private indexAfter(date: IsoDate): number {
    const days = this.allSchoolDays();
    let low = 0;
    let high = days.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((days[middle] as IsoDate) <= date) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** The school days from `from` to `to`, both included, oldest first. */
  schoolDaysIn(from: IsoDate, to: IsoDate): IsoDate[] {
    if (from > to) return [];
    return this.allSchoolDays().slice(this.indexFrom(from), this.indexAfter(to));
  }

  /** How many school days there are from `from` to `to`, both included: `schoolDaysIn(from, to).length`, without the list. */
  countSchoolDays(from: IsoDate, to: IsoDate): number {
    if (from > to) return 0;
    return this.indexAfter(to) - this.indexFrom(from);
  }

  whyNotASchoolDay(date: IsoDate): NotASchoolDayReason | undefined {
    // A feed asks about the same few hundred dates millions of times.
    if (this.verdicts.has(date)) return this.verdicts.get(date);
    const verdict = this.judgeDate(date);
    if (this.verdicts.size < 5_000) this.verdicts.set(date, verdict);
    return verdict;
  }

  private judgeDate(date: IsoDate): NotASchoolDayReason | undefined {
    const { schoolYear, closed } = this.definition;
    if (date < schoolYear.from || date > schoolYear.to) return "outside-school-year";
    if (isWeekend(date)) return "weekend";
    if (isNorwegianPublicHoliday(date)) return "public-holiday";
    if (closed.some((period) => date >= period.from && date <= period.to)) return "closed";
    return undefined;
  }

  isSchoolDay(date: IsoDate): boolean {
    return this.whyNotASchoolDay(date) === undefined;
  }

  /** The last `count` school days on or before `asOf`, oldest first (fewer at the start of the school year). */
  lastSchoolDays(asOf: IsoDate, count: number): IsoDate[] {
    const end = this.indexAfter(asOf);
    return this.allSchoolDays().slice(Math.max(0, end - count), end);
  }

  /** The `count`-th school day after `date` (a deadline of 3 school days from Friday is Wednesday). */
  addSchoolDays(date: IsoDate, count: number): IsoDate {
    let result = date;
    let remaining = count;
    // A school year has fewer than 400 days; the bound keeps a broken calendar from looping forever.
    for (let guard = 0; remaining > 0 && guard < 800; guard += 1) {
      result = addDays(result, 1);
      if (this.isSchoolDay(result) || result > this.definition.schoolYear.to) remaining -= 1;
    }
    return result;
  }

  /** School days after `from` up to and including `to`. */
  schoolDaysBetween(from: IsoDate, to: IsoDate): number {
    return this.countSchoolDays(addDays(from, 1), to);
  }
}
