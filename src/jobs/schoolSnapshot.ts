import { followedUpThrough, hasPendingWork, isOpen, type AbsenceCase } from "../domain/cases";
import type { SchoolCalendar } from "../domain/calendar";
import type { PupilDay } from "../domain/absence";
import { calendarOf, type School } from "../domain/organisation";
import type { Pupil } from "../domain/roster";
import type { PupilRecord } from "../domain/rules/engine";
import type { Store } from "../store";
import type { StoredCase } from "../store/caseRepository";

/** What is stored about one school's pupils, ready for the rules: their days and their cases. */
export interface SchoolSnapshot {
  calendar: SchoolCalendar;
  daysByPupil: Map<string, PupilDay[]>;
  openByPupil: Map<string, StoredCase>;
  lastClosedByPupil: Map<string, AbsenceCase>;
  /** Closed cases with audit entries or notices still to write (a run stopped before it wrote them). */
  unfinished: StoredCase[];
  recordOf(pupil: Pupil): PupilRecord;
}

export async function loadSchoolSnapshot(store: Store, school: School): Promise<SchoolSnapshot> {
  const [daysByPupil, cases] = await Promise.all([store.absence.listSchool(school.id), store.cases.listSchool(school.id)]);
  const openByPupil = new Map<string, StoredCase>();
  const lastClosedByPupil = new Map<string, AbsenceCase>();
  const unfinished: StoredCase[] = [];
  for (const stored of cases) {
    const { value } = stored;
    if (isOpen(value)) {
      openByPupil.set(value.pupilId, stored);
      continue;
    }
    if (hasPendingWork(value)) unfinished.push(stored);
    if ((lastClosedByPupil.get(value.pupilId)?.closedOn ?? "") < (value.closedOn ?? "")) lastClosedByPupil.set(value.pupilId, value);
  }
  return {
    calendar: calendarOf(school),
    daysByPupil,
    openByPupil,
    lastClosedByPupil,
    unfinished,
    recordOf: (pupil) => ({
      pupilId: pupil.pupilId,
      days: new Map((daysByPupil.get(pupil.pupilId) ?? []).map((day) => [day.date, day.events])),
      enrolledFrom: pupil.enrolledFrom,
      followedUpThrough: followedUpThrough(openByPupil.get(pupil.pupilId)?.value ?? lastClosedByPupil.get(pupil.pupilId)),
    }),
  };
}
