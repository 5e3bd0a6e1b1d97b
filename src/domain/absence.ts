import type { IsoDate } from "./dates";

export const ABSENCE_KINDS = ["day", "lesson", "late", "left_early", "present_not_participating", "present"] as const;
export type AbsenceKind = (typeof ABSENCE_KINDS)[number];

export const DOCUMENTED_VALUES = ["yes", "no", "pending"] as const;
export type Documented = (typeof DOCUMENTED_VALUES)[number];

/** One registration in the feed: a pupil, a school day, and what happened (optionally in one lesson). */
export interface AbsenceEvent {
  kind: AbsenceKind;
  documented: Documented;
  lesson?: number | undefined;
  subject?: string | undefined;
  minutes?: number | undefined;
  reason?: string | undefined;
}

/** Everything known about one pupil on one school day; a later feed replaces it whole (a correction). */
export interface PupilDay {
  pupilId: string;
  date: IsoDate;
  events: AbsenceEvent[];
}

export function isAbsentWholeDay(day: PupilDay): boolean {
  return day.events.some((event) => event.kind === "day");
}
