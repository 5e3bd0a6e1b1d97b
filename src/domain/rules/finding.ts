import type { AbsenceKind } from "../absence";
import type { IsoDate } from "../dates";
import type { Rule, RuleKind } from "./definitions";

/** Why a rule fired, in numbers, so that every flag can explain itself. */
export interface Finding {
  ruleId: string;
  kind: RuleKind;
  /** The step of the routine the finding starts. */
  step: number;
  /** The window judged (school days), oldest and newest day. */
  from: IsoDate;
  to: IsoDate;
  /** The number compared with the threshold: a percentage, a count, a run length, a factor. */
  value: number;
  threshold: number;
  inclusive: boolean;
  /** Days, lessons or events counted. */
  count: number;
  /** What `count` is out of: school days, lessons, or occurrences of the weekday in the window. */
  denominator?: number | undefined;
  unit: "days" | "lessons" | "events";
  kinds: AbsenceKind[];
  weekday?: number | undefined;
  subject?: string | undefined;
  runFrom?: IsoDate | undefined;
  runTo?: IsoDate | undefined;
  previousPercent?: number | undefined;
  windowSchoolDays?: number | undefined;
  /** The rule as it was when it fired, so the finding explains itself after the settings change. */
  rule: Rule;
}

/** The highest step among findings; 0 when there are none. */
export function highestStep(findings: readonly Finding[]): number {
  return findings.reduce((highest, finding) => Math.max(highest, finding.step), 0);
}
