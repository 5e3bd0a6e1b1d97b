import type { IsoDate } from "../dates";

/** Why a rule fired, in numbers, so that a card can explain itself. */
export interface Finding {
  ruleId: string;
  /** The step of the routine the finding starts. */
  step: number;
  daysAbsent: number;
  /** School days in the denominator. */
  schoolDays: number;
  percent: number;
  from: IsoDate;
  to: IsoDate;
  thresholdPercent: number;
  windowSchoolDays: number;
}
