import { DateTime } from "luxon";
import type { SchoolCalendar } from "./calendar";
import { addDays, dateInZone, type IsoDate } from "./dates";

/** The next school day on or after `date`. */
export function nextSchoolDay(calendar: SchoolCalendar, date: IsoDate): IsoDate {
  let day = date;
  for (let guard = 0; guard < 400 && !calendar.isSchoolDay(day); guard += 1) day = addDays(day, 1);
  return day;
}

/** A local wall-clock time on a date in a time zone, as an instant (daylight saving time handled). */
export function localInstant(date: IsoDate, time: string, timeZone: string): Date {
  return DateTime.fromISO(`${date}T${time}`, { zone: timeZone }).toJSDate();
}

/**
 * The earliest instant at or after `now` within the delivery hours of a school day: messages that can wait
 * (reminders, escalations, digests) are never delivered at night or on a day the school is closed.
 */
export function nextDeliveryTime(input: { now: Date; calendar: SchoolCalendar; timeZone: string; hours: { from: string; to: string } }): Date {
  const { now, calendar, timeZone, hours } = input;
  let day = nextSchoolDay(calendar, dateInZone(now, timeZone));
  for (let guard = 0; guard < 400; guard += 1) {
    const opens = localInstant(day, hours.from, timeZone);
    const closes = localInstant(day, hours.to, timeZone);
    if (now < closes) return now > opens ? now : opens;
    day = nextSchoolDay(calendar, addDays(day, 1));
  }
  return now;
}
