import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TeamsUser } from "./activities";

/** A small synthetic municipality for tests: one school, two teachers, two leaders, four pupils. */
export const TEACHER: TeamsUser = { aadObjectId: "11111111-1111-4111-8111-111111111111", name: "Kari Kontaktlærer" };
export const OTHER_TEACHER: TeamsUser = { aadObjectId: "22222222-2222-4222-8222-222222222222", name: "Ola Annenlærer" };
export const LEADER: TeamsUser = { aadObjectId: "33333333-3333-4333-8333-333333333333", name: "Rita Rektor" };
export const DEPUTY: TeamsUser = { aadObjectId: "44444444-4444-4444-8444-444444444444", name: "Arne Avdelingsleder" };
export const COORDINATOR: TeamsUser = { aadObjectId: "55555555-5555-4555-8555-555555555555", name: "Kim Koordinator" };

export const ORGANISATION = {
  municipality: "Testvik kommune",
  timeZone: "Europe/Oslo",
  schools: [
    {
      id: "S1",
      name: "Testvik skole",
      leaders: [LEADER.aadObjectId, DEPUTY.aadObjectId],
      resourceTeam: { teamId: "team-1", channelId: "19:channel-1" },
      calendar: {
        schoolYear: { from: "2026-08-17", to: "2027-06-18" },
        closed: [{ from: "2026-10-05", to: "2026-10-09", name: "Høstferie" }],
      },
    },
  ],
  coordinators: [COORDINATOR.aadObjectId],
};

export const ROSTER_CSV = [
  "pupil_id,pupil_name,school_id,group,grade,contact_teacher_id,enrolled_from",
  `P1,Emma Eksempel,S1,7B,7,${TEACHER.aadObjectId},`,
  `P2,Noah Nordmann,S1,7B,7,${TEACHER.aadObjectId},`,
  `P3,Sara Solberg,S1,7A,7,${OTHER_TEACHER.aadObjectId},`,
  `P4,Liam Lund,S1,7A,7,${OTHER_TEACHER.aadObjectId}|${TEACHER.aadObjectId},2026-11-16`,
].join("\n");

/**
 * As of Friday 2026-11-20 the last 20 school days are 2026-10-26 to 2026-11-20. P1 is absent 2 of them (10 %, at
 * the threshold); P2 1 (5 %); P3 2, but one before the window; P4 enrolled 2026-11-16, absent 1 of 5 days (20 %).
 */
export const FEED_CSV = [
  "pupil_id,date,kind,documented,lesson,subject,minutes,reason",
  "P1,2026-11-02,day,no,,,,",
  "P1,2026-11-19,day,yes,,,,SYK",
  "P2,2026-11-10,day,pending,,,,",
  "P2,2026-11-11,late,no,,,15,",
  "P3,2026-10-23,day,no,,,,",
  "P3,2026-11-18,day,no,,,,",
  "P4,2026-11-17,day,yes,,,,",
].join("\n");

export interface MunicipalityFiles {
  folder: string;
  organisation: string;
  roster: string;
  feed: string;
  /** Writes another feed in place of the first, as the next night's export would. */
  replaceFeed(text: string): Promise<void>;
}

/** Writes the files to a fresh folder; any of them can be replaced by the test's own text. */
export async function writeMunicipality(overrides: { organisation?: unknown; roster?: string; feed?: string | Buffer } = {}): Promise<MunicipalityFiles> {
  const folder = await mkdtemp(join(tmpdir(), "tidlig-test-"));
  const feed = join(folder, "feed.csv");
  const files = {
    folder,
    organisation: join(folder, "organisation.json"),
    roster: join(folder, "roster.csv"),
    feed,
    replaceFeed: (text: string) => writeFile(feed, text),
  };
  await writeFile(files.organisation, JSON.stringify(overrides.organisation ?? ORGANISATION, null, 2));
  await writeFile(files.roster, overrides.roster ?? ROSTER_CSV);
  await writeFile(files.feed, overrides.feed ?? FEED_CSV);
  return files;
}
