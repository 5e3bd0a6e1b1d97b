import type { AbsenceCase } from "./cases";
import type { SchoolCalendar } from "./calendar";
import type { IsoDate } from "./dates";

export type SeverityLevel = "high" | "medium" | "low";

/** A fact behind a severity, in numbers: what a leader needs to see to agree with the order of a list. */
export type SeverityFact =
  | { kind: "percent"; percent: number; schoolDays: number }
  | { kind: "rising" }
  | { kind: "streak"; days: number }
  | { kind: "step"; step: number }
  | { kind: "overdue"; schoolDays: number }
  | { kind: "open-long"; schoolDays: number }
  | { kind: "escalated" };

export interface Severity {
  level: SeverityLevel;
  /** Orders cases of the same level: higher is more urgent. */
  score: number;
  /** The facts that weigh most, most telling first. */
  facts: SeverityFact[];
}

/** How much each fact weighs; a case at step 1 with 10 % absence and nothing else is "low". */
const WEIGHT = { step: 15, percentPoint: 1, streakDay: 4, rising: 10, overdueDay: 6, openDay: 0.5, escalated: 10 } as const;
const OPEN_DAYS_COUNTED = 40;
const LEVEL_AT = { high: 60, medium: 35 } as const;
/** Any of these alone makes a case high, whatever the score. */
const HIGH_ALONE = { step: 3, percent: 50, streak: 10 } as const;
/** A case open this long has been a concern for a while (about four weeks). */
const OPEN_LONG = 20;

/**
 * How urgent an open case is, from what fired (step, percentage, streak, trend), how long it has been open and
 * whether answers are overdue: lists, digests and escalations are ordered by it, and it explains itself in one line.
 */
export function severityOf(absenceCase: AbsenceCase, context: { today: IsoDate; calendar: SchoolCalendar }): Severity {
  const facts: SeverityFact[] = [];
  let score = absenceCase.step * WEIGHT.step;

  const percentages = absenceCase.findings.filter((finding) => finding.kind === "percentage" && finding.unit === "days");
  const percent = percentages.sort((a, b) => b.value - a.value)[0];
  if (percent) {
    score += percent.value * WEIGHT.percentPoint;
    facts.push({ kind: "percent", percent: Math.round(percent.value), schoolDays: percent.denominator ?? 0 });
  }
  if (absenceCase.findings.some((finding) => finding.kind === "trend")) {
    score += WEIGHT.rising;
    facts.push({ kind: "rising" });
  }
  const streak = Math.max(0, ...absenceCase.findings.filter((finding) => finding.kind === "consecutive").map((finding) => finding.value));
  if (streak > 0) {
    score += streak * WEIGHT.streakDay;
    facts.push({ kind: "streak", days: streak });
  }
  if (absenceCase.step >= 2) facts.push({ kind: "step", step: absenceCase.step });
  const task = absenceCase.current;
  const overdue = task && task.dueOn < context.today ? context.calendar.schoolDaysBetween(task.dueOn, context.today) : 0;
  if (overdue > 0) {
    score += overdue * WEIGHT.overdueDay;
    facts.push({ kind: "overdue", schoolDays: overdue });
  }
  if (task?.escalatedAt) {
    score += WEIGHT.escalated;
    facts.push({ kind: "escalated" });
  }
  const open = absenceCase.openedOn < context.today ? context.calendar.schoolDaysBetween(absenceCase.openedOn, context.today) : 0;
  score += Math.min(open, OPEN_DAYS_COUNTED) * WEIGHT.openDay;
  if (open >= OPEN_LONG) facts.push({ kind: "open-long", schoolDays: open });

  const high = score >= LEVEL_AT.high || absenceCase.step >= HIGH_ALONE.step || (percent?.value ?? 0) >= HIGH_ALONE.percent || streak >= HIGH_ALONE.streak;
  const level: SeverityLevel = high ? "high" : score >= LEVEL_AT.medium ? "medium" : "low";
  return { level, score: Math.round(score * 10) / 10, facts };
}

const RANK: Record<SeverityLevel, number> = { high: 2, medium: 1, low: 0 };

/** Most urgent first: by level, then score; ties keep their order. */
export function bySeverity(a: Severity, b: Severity): number {
  return RANK[b.level] - RANK[a.level] || b.score - a.score;
}

/** Sorts cases most urgent first, computing each case's severity once. */
export function sortBySeverity<T>(items: readonly T[], severity: (item: T) => Severity): T[] {
  return items
    .map((item) => ({ item, severity: severity(item) }))
    .sort((a, b) => bySeverity(a.severity, b.severity))
    .map(({ item }) => item);
}
