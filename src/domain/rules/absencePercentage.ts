import type { SchoolCalendar } from "../calendar";
import type { IsoDate } from "../dates";
import { isAbsentWholeDay, type PupilDay } from "../absence";
import type { AbsencePercentageRule } from "../settings";
import type { Finding } from "./finding";

export const ABSENCE_PERCENTAGE_RULE_ID = "absence-percentage";

/**
 * Whole days absent (documented or not) of at least N % of the last M school days up to `asOf`. Days before the
 * pupil's enrolment are not school days for that pupil.
 */
export function evaluateAbsencePercentage(input: {
  rule: AbsencePercentageRule;
  calendar: SchoolCalendar;
  asOf: IsoDate;
  days: readonly PupilDay[];
  enrolledFrom?: IsoDate | undefined;
}): Finding | undefined {
  const { rule, calendar, asOf, days, enrolledFrom } = input;
  if (!rule.enabled) return undefined;
  const window = calendar
    .lastSchoolDays(asOf, rule.windowSchoolDays)
    .filter((date) => enrolledFrom === undefined || date >= enrolledFrom);
  const first = window[0];
  const last = window[window.length - 1];
  if (first === undefined || last === undefined) return undefined;

  const inWindow = new Set(window);
  const daysAbsent = days.filter((day) => inWindow.has(day.date) && isAbsentWholeDay(day)).length;
  const percent = (daysAbsent / window.length) * 100;
  if (daysAbsent === 0 || percent < rule.minPercent) return undefined;

  return {
    ruleId: ABSENCE_PERCENTAGE_RULE_ID,
    step: 1,
    daysAbsent,
    schoolDays: window.length,
    percent: Math.round(percent * 10) / 10,
    from: first,
    to: last,
    thresholdPercent: rule.minPercent,
    windowSchoolDays: rule.windowSchoolDays,
  };
}
