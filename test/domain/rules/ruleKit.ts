import type { AbsenceEvent, AbsenceKind, Documented } from "../../../src/domain/absence";
import { SchoolCalendar } from "../../../src/domain/calendar";
import type { IsoDate } from "../../../src/domain/dates";
import { RuleSchema, type Rule } from "../../../src/domain/rules/definitions";
import { judgeRule, type Judging, type PupilRecord } from "../../../src/domain/rules/engine";
import { SettingsSchema } from "../../../src/domain/settings";

/** School year 2026/27 with the autumn break 5-9 October; the day judged is Friday 20 November 2026. */
export const calendar = new SchoolCalendar({
  schoolYear: { from: "2026-08-17", to: "2027-06-18" },
  closed: [{ from: "2026-10-05", to: "2026-10-09", name: "Høstferie" }],
});
export const AS_OF = "2026-11-20";

export function rule(definition: Record<string, unknown>): Rule {
  return RuleSchema.parse({ id: "rule-under-test", step: 1, ...definition });
}

export function judging(rules: Rule[], overrides: Record<string, unknown> = {}, asOf: IsoDate = AS_OF): Judging {
  return { calendar, asOf, settings: SettingsSchema.parse({ rules, ...overrides }) };
}

export interface EventSpec {
  date: IsoDate;
  kind?: AbsenceKind;
  documented?: Documented;
  lesson?: number;
  subject?: string;
}

export function pupil(events: EventSpec[], extra: Partial<PupilRecord> = {}): PupilRecord {
  const days = new Map<IsoDate, AbsenceEvent[]>();
  for (const { date, kind = "day", documented = "no", lesson, subject } of events) {
    const list = days.get(date) ?? [];
    list.push({ kind, documented, ...(lesson ? { lesson } : {}), ...(subject ? { subject } : {}) });
    days.set(date, list);
  }
  return { pupilId: "P", days, ...extra };
}

export const absentDays = (...dates: IsoDate[]): EventSpec[] => dates.map((date) => ({ date }));

/** Judges one rule for one pupil. */
export function judge(ruleUnderTest: Rule, events: EventSpec[], extra: Partial<PupilRecord> = {}, overrides: Record<string, unknown> = {}, asOf: IsoDate = AS_OF) {
  return judgeRule(ruleUnderTest, judging([ruleUnderTest], overrides, asOf), pupil(events, extra));
}
