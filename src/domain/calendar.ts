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
  constructor(private readonly definition: SchoolCalendarDefinition) {}

  whyNotASchoolDay(date: IsoDate): NotASchoolDayReason | undefined {
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
    const days: IsoDate[] = [];
    let date = asOf > this.definition.schoolYear.to ? this.definition.schoolYear.to : asOf;
    while (days.length < count && date >= this.definition.schoolYear.from) {
      if (this.isSchoolDay(date)) days.push(date);
      date = addDays(date, -1);
    }
    return days.reverse();
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
    let count = 0;
    for (let date = addDays(from, 1); date <= to; date = addDays(date, 1)) {
      if (this.isSchoolDay(date)) count += 1;
    }
    return count;
  }
}
