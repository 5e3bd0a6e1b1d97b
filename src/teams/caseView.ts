import { isAbsentWholeDay } from "../domain/absence";
import type { AbsenceCase } from "../domain/cases";
import { dateInZone, type IsoDate } from "../domain/dates";
import { measuresEffect as effectOfMeasures, type MeasuresEffect } from "../domain/measuresEffect";
import { calendarOf, findSchool, type Organisation, type School } from "../domain/organisation";
import type { Pupil } from "../domain/roster";
import { severityOf, type Severity } from "../domain/severity";
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
  /** The card was opened from a teacher's list of pupils (the bundled card): it offers the way back. */
  backToList?: boolean | undefined;
  /** How urgent the case is tonight, for the one line at the top of its cards. */
  severity: Severity;
  /** Attendance before and since the measures started, for the evaluation card. */
  measuresEffect?: MeasuresEffect | undefined;
}

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
    const until = today < absenceCase.current.openedOn ? today : absenceCase.current.openedOn;
    const days = await store.absence.listPupil(absenceCase.schoolId, absenceCase.pupilId);
    const absentDays = new Set(days.filter(isAbsentWholeDay).map((day) => day.date));
    measuresEffect = effectOfMeasures({ calendar: calendarOf(school), since, until, absentDays, enrolledFrom: pupil.enrolledFrom });
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
    severity: severityOf(absenceCase, { today, calendar: calendarOf(school) }),
    measuresEffect,
  };
}
