import type { Clock } from "../clock";
import { addDays, dateInZone, type IsoDate } from "../domain/dates";
import { judgePupil } from "../domain/rules/engine";
import { highestStep } from "../domain/rules/finding";
import { DEFAULT_SETTINGS_DOCUMENT, settingsForSchool, type SettingsDocument } from "../domain/settings";
import { compareFlags, type Flag, type WhatIfReport } from "../domain/whatIf";
import type { Store } from "../store";
import { loadSchoolSnapshot } from "./schoolSnapshot";

/**
 * What a proposed rule set would do, judged on what is stored today, without changing anything: flags per school
 * and step under today's settings and under the proposal, and the pupils that come and go.
 */
export async function runWhatIf(deps: { store: Store; clock: Clock }, input: { proposed: SettingsDocument; asOf?: IsoDate | undefined }): Promise<WhatIfReport | undefined> {
  const { store, clock } = deps;
  const organisation = await store.organisation.get();
  if (!organisation) return undefined;
  const [currentVersion, pupils, lastRun] = await Promise.all([store.settings.current(), store.pupils.listAll(), store.runs.latest()]);
  const current = currentVersion?.document ?? DEFAULT_SETTINGS_DOCUMENT;
  const asOf = input.asOf ?? lastRun?.asOf ?? addDays(dateInZone(clock.now(), organisation.timeZone), -1);

  const flags = { current: [] as Flag[], proposed: [] as Flag[] };
  for (const school of organisation.schools) {
    const snapshot = await loadSchoolSnapshot(store, school);
    const judgings = {
      current: { calendar: snapshot.calendar, asOf, settings: settingsForSchool(current, school.id) },
      proposed: { calendar: snapshot.calendar, asOf, settings: settingsForSchool(input.proposed, school.id) },
    };
    for (const pupil of pupils.filter((candidate) => candidate.schoolId === school.id)) {
      const record = snapshot.recordOf(pupil);
      for (const which of ["current", "proposed"] as const) {
        const step = highestStep(judgePupil(judgings[which], record));
        if (step > 0) flags[which].push({ schoolId: school.id, pupilId: pupil.pupilId, step });
      }
    }
  }
  return compareFlags({ asOf, schoolIds: organisation.schools.map((school) => school.id), ...flags });
}
