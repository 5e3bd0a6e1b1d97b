import type { AbsenceEvent } from "../absence";
import type { SchoolCalendar } from "../calendar";
import { weekday, type IsoDate } from "../dates";
import type { Settings } from "../settings";
import type { Rule, Window } from "./definitions";
import type { Finding } from "./finding";

/** What the rules know about one pupil: their events by school day, enrolment, and how far they were followed up. */
export interface PupilRecord {
  pupilId: string;
  days: ReadonlyMap<IsoDate, readonly AbsenceEvent[]>;
  enrolledFrom?: IsoDate | undefined;
  /** Undocumented absence on or before this day has been followed up (a case step was answered). */
  followedUpThrough?: IsoDate | undefined;
}

export interface Judging {
  calendar: SchoolCalendar;
  asOf: IsoDate;
  settings: Settings;
}

/** A rule's measurement before the threshold is applied; `value` is what the threshold is compared with. */
type Measurement = Omit<Finding, "ruleId" | "kind" | "step" | "threshold" | "inclusive" | "kinds" | "rule">;

function reaches(value: number, threshold: number, inclusive: boolean): boolean {
  return inclusive ? value >= threshold : value > threshold;
}

const round1 = (value: number) => Math.round(value * 10) / 10;

function counts(rule: Rule, event: AbsenceEvent): boolean {
  if (!rule.kinds.includes(event.kind)) return false;
  if (rule.kind === "undocumented") return event.documented === "no";
  if (rule.documented === "documented") return event.documented === "yes";
  if (rule.documented === "undocumented") return event.documented === "no";
  return true;
}

function matching(rule: Rule, pupil: PupilRecord, date: IsoDate): readonly AbsenceEvent[] {
  const events = pupil.days.get(date);
  return events ? events.filter((event) => counts(rule, event)) : [];
}

/** Whether the pupil has an event the rule counts on the day: `matching(...).length > 0`, without the list. */
function absentBy(rule: Rule, pupil: PupilRecord, date: IsoDate): boolean {
  const events = pupil.days.get(date);
  if (!events) return false;
  for (const event of events) if (counts(rule, event)) return true;
  return false;
}

/** How many of the days the pupil has an event the rule counts. */
function daysAbsentBy(rule: Rule, pupil: PupilRecord, days: readonly IsoDate[]): number {
  let count = 0;
  for (const date of days) if (absentBy(rule, pupil, date)) count += 1;
  return count;
}

function firstCountedDay(judging: Judging, pupil: PupilRecord): IsoDate {
  const { from } = judging.calendar.schoolYear;
  return pupil.enrolledFrom && pupil.enrolledFrom > from ? pupil.enrolledFrom : from;
}

/** The school days a window covers for this pupil: never before the pupil's enrolment. */
export function windowDays(window: Window, judging: Judging, pupil: PupilRecord): IsoDate[] {
  const { calendar, asOf } = judging;
  const start = firstCountedDay(judging, pupil);
  if (window.type === "rolling") {
    const days = calendar.lastSchoolDays(asOf, window.schoolDays);
    // Most pupils were enrolled before the window starts: then there is nothing to leave out.
    return days.length > 0 && (days[0] as IsoDate) >= start ? days : days.filter((date) => date >= start);
  }
  let from: IsoDate;
  if (window.period === "month") from = `${asOf.slice(0, 7)}-01`;
  else if (window.period === "term") from = asOf.slice(5) >= "08-01" ? `${asOf.slice(0, 4)}-08-01` : `${asOf.slice(0, 4)}-01-01`;
  else from = calendar.schoolYear.from;
  return calendar.schoolDaysIn(from > start ? from : start, asOf);
}

function span(days: readonly IsoDate[]): { from: IsoDate; to: IsoDate } | undefined {
  const from = days[0];
  const to = days[days.length - 1];
  return from && to ? { from, to } : undefined;
}

function enrolledEnough(judging: Judging, pupil: PupilRecord): boolean {
  const enrolled = judging.calendar.countSchoolDays(firstCountedDay(judging, pupil), judging.asOf);
  return enrolled >= judging.settings.minEnrolledSchoolDays;
}

function percentOf(rule: Rule, pupil: PupilRecord, days: readonly IsoDate[]): number {
  return days.length === 0 ? 0 : (daysAbsentBy(rule, pupil, days) / days.length) * 100;
}

/** How each kind of rule measures a pupil. Undefined means the rule has nothing to judge. */
const measures: { [K in Rule["kind"]]: (rule: Extract<Rule, { kind: K }>, judging: Judging, pupil: PupilRecord) => Measurement | undefined } = {
  percentage(rule, judging, pupil) {
    if (!enrolledEnough(judging, pupil)) return undefined;
    const days = windowDays(rule.window, judging, pupil);
    const window = span(days);
    if (!window) return undefined;
    if (rule.unit === "days") {
      const count = daysAbsentBy(rule, pupil, days);
      return { from: window.from, to: window.to, value: round1((count / days.length) * 100), count, denominator: days.length, unit: "days" };
    }
    const perDay = judging.settings.lessonsPerDay;
    let count = 0;
    for (const date of days) {
      const events = matching(rule, pupil, date);
      if (events.some((event) => event.kind === "day")) count += perDay;
      else count += Math.min(perDay, new Set(events.map((event, index) => event.lesson ?? `n${index}`)).size);
    }
    const denominator = days.length * perDay;
    return { from: window.from, to: window.to, value: round1((count / denominator) * 100), count, denominator, unit: "lessons" };
  },

  count(rule, judging, pupil) {
    const days = windowDays(rule.window, judging, pupil);
    const window = span(days);
    if (!window) return undefined;
    const count = days.reduce((sum, date) => sum + matching(rule, pupil, date).length, 0);
    return { from: window.from, to: window.to, value: count, count, unit: "events" };
  },

  consecutive(rule, judging, pupil) {
    const days = windowDays(rule.window, judging, pupil);
    const window = span(days);
    if (!window) return undefined;
    let best = { length: 0, from: window.from, to: window.from };
    let run = 0;
    days.forEach((date, index) => {
      run = absentBy(rule, pupil, date) ? run + 1 : 0;
      if (run > best.length) best = { length: run, from: days[index - run + 1] as IsoDate, to: date };
    });
    return { from: window.from, to: window.to, value: best.length, count: best.length, unit: "days", runFrom: best.from, runTo: best.to };
  },

  weekday(rule, judging, pupil) {
    const days = windowDays(rule.window, judging, pupil);
    const window = span(days);
    if (!window) return undefined;
    let best: Measurement = { from: window.from, to: window.to, value: 0, count: 0, unit: "days" };
    for (let day = 1; day <= 5; day += 1) {
      const occurrences = days.filter((date) => weekday(date) === day);
      const count = daysAbsentBy(rule, pupil, occurrences);
      if (count > best.value) best = { from: window.from, to: window.to, value: count, count, denominator: occurrences.length, unit: "days", weekday: day };
    }
    return best;
  },

  subject(rule, judging, pupil) {
    const days = windowDays(rule.window, judging, pupil);
    const window = span(days);
    if (!window) return undefined;
    const bySubject = new Map<string, number>();
    for (const date of days) {
      for (const event of matching(rule, pupil, date)) {
        if (event.subject) bySubject.set(event.subject, (bySubject.get(event.subject) ?? 0) + 1);
      }
    }
    let best: Measurement = { from: window.from, to: window.to, value: 0, count: 0, unit: "events" };
    for (const [subject, count] of [...bySubject.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      if (count > best.value) best = { from: window.from, to: window.to, value: count, count, unit: "events", subject };
    }
    return best;
  },

  undocumented(rule, judging, pupil) {
    const days = windowDays(rule.window, judging, pupil);
    const window = span(days);
    if (!window) return undefined;
    const open = days.filter((date) => pupil.followedUpThrough === undefined || date > pupil.followedUpThrough);
    const count = open.reduce((sum, date) => sum + matching(rule, pupil, date).length, 0);
    return { from: window.from, to: window.to, value: count, count, unit: "events" };
  },

  trend(rule, judging, pupil) {
    if (!enrolledEnough(judging, pupil)) return undefined;
    const both = windowDays({ type: "rolling", schoolDays: rule.schoolDays * 2 }, judging, pupil);
    if (both.length < rule.schoolDays * 2) return undefined;
    const previous = both.slice(0, rule.schoolDays);
    const current = both.slice(rule.schoolDays);
    const window = span(current);
    if (!window) return undefined;
    const currentPercent = percentOf(rule, pupil, current);
    const previousPercent = percentOf(rule, pupil, previous);
    const count = daysAbsentBy(rule, pupil, current);
    if (currentPercent < rule.floorPercent) return { from: window.from, to: window.to, value: 0, count, unit: "days" };
    // From no absence at all, any rise above the floor counts; 100 stands for "from nothing".
    const factor = previousPercent === 0 ? 100 : Math.min(100, round1(currentPercent / previousPercent));
    return {
      from: window.from,
      to: window.to,
      value: factor,
      count,
      denominator: current.length,
      unit: "days",
      previousPercent: round1(previousPercent),
      windowSchoolDays: rule.schoolDays,
    };
  },
};

/** Measures a pupil by one rule, whether or not the threshold is reached (for what-if and tests). */
export function measure(rule: Rule, judging: Judging, pupil: PupilRecord): Measurement | undefined {
  return (measures[rule.kind] as (rule: Rule, judging: Judging, pupil: PupilRecord) => Measurement | undefined)(rule, judging, pupil);
}

function thresholdOf(rule: Rule): number {
  switch (rule.kind) {
    case "percentage":
      return rule.minPercent;
    case "count":
    case "undocumented":
      return rule.min;
    case "consecutive":
      return rule.minDays;
    case "weekday":
    case "subject":
      return rule.minTimes;
    case "trend":
      return rule.factor;
  }
}

/** One rule: a finding when the pupil reaches its threshold. Nothing fires without any counted absence. */
export function judgeRule(rule: Rule, judging: Judging, pupil: PupilRecord): Finding | undefined {
  if (!rule.enabled) return undefined;
  const measured = measure(rule, judging, pupil);
  if (!measured || measured.count === 0) return undefined;
  const threshold = thresholdOf(rule);
  if (!reaches(measured.value, threshold, rule.inclusive)) return undefined;
  // Object.assign, not spread: V8 (Node 20) copies a spread with more properties after it on a slow path, microseconds each.
  return Object.assign({ ruleId: rule.id, kind: rule.kind, step: rule.step, threshold, inclusive: rule.inclusive, kinds: [...rule.kinds] }, measured, { rule });
}

/** Every rule of the rule set that the pupil reaches, highest step first. */
export function judgePupil(judging: Judging, pupil: PupilRecord): Finding[] {
  const findings: Finding[] = [];
  for (const rule of judging.settings.rules) {
    const finding = judgeRule(rule, judging, pupil);
    if (finding) findings.push(finding);
  }
  return findings.sort((a, b) => b.step - a.step || a.ruleId.localeCompare(b.ruleId));
}
