import { findSchool } from "../domain/organisation";
import type { Locale } from "../i18n";
import type { Store } from "../store";
import type { StoredCase } from "../store/caseRepository";
import type { CaseView } from "./cards";

/** Gathers what a card about a case shows: the case, the pupil as the roster has them now, and the school. */
export async function loadCaseView(store: Store, stored: StoredCase, locale: Locale): Promise<CaseView | undefined> {
  const absenceCase = stored.value;
  const [pupil, organisation] = await Promise.all([store.pupils.get(absenceCase.schoolId, absenceCase.pupilId), store.organisation.get()]);
  const school = organisation && findSchool(organisation, absenceCase.schoolId);
  if (!pupil || !organisation || !school) return undefined;
  return { absenceCase, pupil, school, timeZone: organisation.timeZone, locale };
}
