import type { Rule } from "./definitions";

/**
 * Rule sets modelled on real routines (see docs/rules.md). They count documented and undocumented absence together
 * unless a rule says otherwise. Each is a starting point: every number can be changed by the coordinators.
 */
export const PRESET_NAMES = ["standard", "kristiansand", "oslo-ladder", "us-chronic"] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

const rule = <T extends Rule>(value: Omit<T, "enabled" | "inclusive" | "documented"> & Partial<Rule>): Rule =>
  ({ enabled: true, inclusive: true, documented: "both", ...value }) as Rule;

const rolling = (schoolDays: number) => ({ type: "rolling" as const, schoolDays });
const period = (value: "month" | "term" | "school-year") => ({ type: "calendar" as const, period: value });

export const PRESETS: Record<PresetName, { rules: Rule[]; minEnrolledSchoolDays?: number }> = {
  /** The default: 10 % of the last 20 school days, a streak of 5 days, and a meeting at 25 %. */
  standard: {
    rules: [
      rule({ id: "days-percent", kind: "percentage", step: 1, unit: "days", minPercent: 10, window: rolling(20), kinds: ["day"] }),
      rule({ id: "days-in-a-row", kind: "consecutive", step: 1, minDays: 5, window: rolling(20), kinds: ["day"] }),
      rule({ id: "days-percent-high", kind: "percentage", step: 2, unit: "days", minPercent: 25, window: rolling(20), kinds: ["day"] }),
    ],
  },
  /** Kristiansand: 10 % in a month, 10 single lessons in a half-year, repeated late arrival or leaving early. */
  kristiansand: {
    rules: [
      rule({ id: "month-percent", kind: "percentage", step: 1, unit: "days", minPercent: 10, window: period("month"), kinds: ["day"] }),
      rule({ id: "lessons-term", kind: "count", step: 1, kinds: ["lesson"], min: 10, window: period("term") }),
      rule({ id: "late-or-early", kind: "count", step: 1, kinds: ["late", "left_early"], min: 3, window: rolling(20) }),
      rule({ id: "days-term", kind: "count", step: 2, kinds: ["day"], min: 10, window: period("term") }),
      rule({ id: "rising", kind: "trend", step: 1, schoolDays: 10, factor: 2, floorPercent: 10, kinds: ["day"] }),
    ],
  },
  /** An Oslo school's ladder: 4 days or 6 lessons, then 8 or 12, then 13 or 18; Monday and subject patterns. */
  "oslo-ladder": {
    rules: [
      rule({ id: "days-4", kind: "count", step: 1, kinds: ["day"], min: 4, window: period("school-year") }),
      rule({ id: "lessons-6", kind: "count", step: 1, kinds: ["lesson"], min: 6, window: period("school-year") }),
      rule({ id: "days-8", kind: "count", step: 2, kinds: ["day"], min: 8, window: period("school-year") }),
      rule({ id: "lessons-12", kind: "count", step: 2, kinds: ["lesson"], min: 12, window: period("school-year") }),
      rule({ id: "days-13", kind: "count", step: 3, kinds: ["day"], min: 13, window: period("school-year") }),
      rule({ id: "lessons-18", kind: "count", step: 3, kinds: ["lesson"], min: 18, window: period("school-year") }),
      rule({ id: "same-weekday", kind: "weekday", step: 1, minTimes: 3, window: rolling(25), kinds: ["day"] }),
      rule({ id: "same-subject", kind: "subject", step: 1, minTimes: 3, window: rolling(20), kinds: ["lesson"] }),
      rule({ id: "undocumented", kind: "undocumented", step: 1, min: 1, window: rolling(5), kinds: ["day", "lesson", "left_early"] }),
    ],
  },
  /** US practice (Attendance Works): chronic absence at 10 % of the school year so far, severe at 20 %. */
  "us-chronic": {
    minEnrolledSchoolDays: 10,
    rules: [
      rule({ id: "chronic", kind: "percentage", step: 1, unit: "days", minPercent: 10, window: period("school-year"), kinds: ["day"] }),
      rule({ id: "severe", kind: "percentage", step: 2, unit: "days", minPercent: 20, window: period("school-year"), kinds: ["day"] }),
    ],
  },
};
