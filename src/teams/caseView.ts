import type { AbsenceCase } from "../domain/cases";
import { addDays, dateInZone, type IsoDate } from "../domain/dates";
import { calendarOf, findSchool, type Organisation, type School } from "../domain/organisation";
import type { Pupil } from "../domain/roster";
import { DEFAULT_SETTINGS_DOCUMENT, settingsForSchool, type Settings } from "../domain/settings";
import type { Locale } from "../i18n";
import type { Store } from "../store";
import type { StoredCase } from "../store/caseRepository";

/** Everything a card about a case may show; names come from the roster and go nowhere but the card. */
export interface CaseView {
  absenceCase: AbsenceCase;
  pupil: Pupil;
  school: School;
  organisation: Organisation;
  settings: Settings;
  timeZone: string;
  locale: Locale;
  today: IsoDate;
  /** Display names of the contact teachers, where the bot knows them. */
  teacherNames: string[];
  /** Attendance before and since the measures started, for the evaluation card. */
  measuresEffect?: { since: IsoDate; before: number; beforeDays: number; after: number; afterDays: number } | undefined;
}

const percent = (absent: number, days: number) => (days === 0 ? 0 : Math.round((absent / days) * 1000) / 10);

/** Gathers what a card about a case shows: the case, the pupil as the roster has them now, and the school. */
export async function loadCaseView(store: Store, stored: StoredCase, locale: Locale, now: Date): Promise<CaseView | undefined> {
  const absenceCase = stored.value;
  const [pupil, kept, settings] = await Promise.all([
    store.pupils.get(absenceCase.schoolId, absenceCase.pupilId),
    store.organisation.get(),
    store.settings.current(),
  ]);
  const organisation = kept && findSchool(kept, absenceCase.schoolId) ? kept : await store.organisation.fresh();
  const school = organisation && findSchool(organisation, absenceCase.schoolId);
  if (!pupil || !organisation || !school) return undefined;
  const today = dateInZone(now, organisation.timeZone);
  const teacherNames = (await Promise.all(absenceCase.teacherIds.map((id) => store.conversations.get(id)))).flatMap((conversation) => (conversation?.name ? [conversation.name] : []));

  let measuresEffect: CaseView["measuresEffect"];
  const since = absenceCase.measuresStartedOn;
  if (since && absenceCase.current?.task === "evaluation") {
    const calendar = calendarOf(school);
    const after = calendar.schoolDaysIn(since, today < absenceCase.current.openedOn ? today : absenceCase.current.openedOn);
    // Compare like with like: as many school days before the measures as since, and at least a week.
    const before = calendar.lastSchoolDays(addDays(since, -1), Math.max(after.length, 5));
    const absentDays = new Set((await store.absence.listPupil(absenceCase.schoolId, absenceCase.pupilId)).filter((day) => day.events.some((event) => event.kind === "day")).map((day) => day.date));
    const count = (days: IsoDate[]) => days.filter((date) => absentDays.has(date)).length;
    measuresEffect = { since, before: percent(count(before), before.length), beforeDays: before.length, after: percent(count(after), after.length), afterDays: after.length };
  }
  return {
    absenceCase,
    pupil,
    school,
    organisation,
    settings: settingsForSchool(settings?.document ?? DEFAULT_SETTINGS_DOCUMENT, school.id),
    timeZone: organisation.timeZone,
    locale,
    today,
    teacherNames,
    measuresEffect,
  };
}
