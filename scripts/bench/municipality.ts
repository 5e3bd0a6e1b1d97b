import type { SchoolCalendar } from "../../src/domain/calendar";
import { calendarOf, type Organisation } from "../../src/domain/organisation";
import type { Pupil } from "../../src/domain/roster";
import { readOrganisationFile } from "../../src/feeds/organisationFile";
import { readRoster } from "../../src/feeds/rosterFile";
import type { BenchData } from "./generate";

export interface BenchMunicipality {
  organisation: Organisation;
  pupils: Map<string, Pupil>;
  calendars: Map<string, SchoolCalendar>;
  rosterRejected: number;
}

/** The organisation and roster of the benchmark, read as the nightly run reads them. */
export async function readBenchMunicipality(data: BenchData): Promise<BenchMunicipality> {
  const organisation = await readOrganisationFile(data.organisation);
  const roster = await readRoster(data.roster, new Set(organisation.schools.map((school) => school.id)));
  return {
    organisation,
    pupils: new Map(roster.pupils.map((pupil) => [pupil.pupilId, pupil])),
    calendars: new Map(organisation.schools.map((school) => [school.id, calendarOf(school)])),
    rosterRejected: roster.rejected.length,
  };
}
