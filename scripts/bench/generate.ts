/**
 * Synthetic data for the benchmark: a municipality of schools of about 450 pupils with a real school calendar, its
 * roster, and an absence feed in the reference CSV of FEEDS.md, the same for the same seed on every machine. The
 * feed is written as it is generated, so that a municipality of 100 000 pupils never sits in memory.
 */
import { once } from "node:events";
import { createWriteStream, type WriteStream } from "node:fs";
import { mkdir, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { SchoolCalendar, type ClosedPeriod } from "../../src/domain/calendar";
import { weekday, type IsoDate } from "../../src/domain/dates";
import { seededRandom } from "../seededRandom";

export interface BenchData {
  dir: string;
  organisation: string;
  roster: string;
  feed: string;
  /** A feed of the last school day only, as a nightly delta export looks. */
  delta: string;
  pupils: number;
  schools: number;
  /** School days the feed covers (a school with a planning day among them has one fewer). */
  schoolDays: number;
  rows: number;
  deltaRows: number;
  feedBytes: number;
  /** The last day in the feed. */
  asOf: IsoDate;
  /** The first day in the feed. */
  firstDay: IsoDate;
  seed: number;
}

export interface BenchDataOptions {
  pupils: number;
  /** The first `days` school days of the school year (default: the whole year). */
  days?: number;
  seed?: number;
  dir: string;
}

export const PUPILS_PER_SCHOOL = 450;
export const DEFAULT_SEED = 20250818;

/** School year 2025-26 as Oslo has it; public holidays (Ascension, Whit Monday, Easter) come from the calendar library. */
export const SCHOOL_YEAR = { from: "2025-08-18", to: "2026-06-19" } as const;
export const MUNICIPALITY_CLOSED: readonly ClosedPeriod[] = [
  { from: "2025-09-29", to: "2025-10-03", name: "Høstferie" },
  { from: "2025-12-22", to: "2026-01-02", name: "Juleferie" },
  { from: "2026-02-16", to: "2026-02-20", name: "Vinterferie" },
  { from: "2026-03-30", to: "2026-04-01", name: "Påskeferie" },
  { from: "2026-05-15", to: "2026-05-15", name: "Fridag etter Kristi himmelfartsdag" },
];
/** Each school sets some planning days of its own: a school has one of these, or none. */
const PLANNING_DAYS: readonly (IsoDate | undefined)[] = [undefined, "2025-11-14", "2026-01-05", "2026-03-13"];

export const SUBJECTS = ["NOR", "MAT", "ENG", "NAT", "SAF", "KRLE", "KRØ", "MUS", "KHV", "MHE"] as const;

const FIRST_NAMES = ["Emma", "Nora", "Sofie", "Ella", "Maja", "Olivia", "Ingrid", "Leah", "Sara", "Frida", "Jakob", "Emil", "Noah", "Oliver", "Filip", "William", "Lucas", "Liam", "Henrik", "Aksel", "Tobias", "Johannes", "Ida", "Selma", "Aisha", "Mohammed", "Yusuf", "Zainab", "Mikkel", "Åse"];
const LAST_NAMES = ["Fjellvik", "Strandli", "Bakketun", "Nesheim", "Lioskog", "Myrvang", "Haugland", "Sjøberg", "Åsheim", "Dalsrud", "Vikhammer", "Brekkeli", "Ødegård", "Berg", "Hansen", "Ali", "Nguyen", "Johansen"];
const SCHOOL_NAMES = ["Bekkeli", "Furuset", "Grorud", "Haugen", "Kampen", "Lindeberg", "Majorstuen", "Nordstrand", "Ris", "Sagene", "Tåsen", "Ullevål", "Vahl", "Årvoll"];

export { seededRandom };

type Random = () => number;

const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
const integer = (random: Random, min: number, max: number) => min + Math.floor(random() * (max - min + 1));

/** A standard normal draw (Box-Muller). */
function gaussian(random: Random): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** An Entra object id: a version 4 GUID, from the seeded generator. */
function entraId(random: Random): string {
  const hex = (digits: number) => Array.from({ length: digits }, () => Math.floor(random() * 16).toString(16)).join("");
  return `${hex(8)}-${hex(4)}-4${hex(3)}-${pick(random, ["8", "9", "a", "b"])}${hex(3)}-${hex(12)}`;
}

/** The school days of the municipality's calendar (without any school's own planning days), oldest first. */
export function municipalitySchoolDays(): IsoDate[] {
  return new SchoolCalendar({ schoolYear: { ...SCHOOL_YEAR }, closed: [...MUNICIPALITY_CLOSED] }).schoolDaysIn(SCHOOL_YEAR.from, SCHOOL_YEAR.to);
}

/** Writes text to a stream in large pieces, waiting when the stream asks to. */
class ChunkedWriter {
  private pending = "";
  constructor(private readonly stream: WriteStream) {}

  async add(text: string): Promise<void> {
    this.pending += text;
    if (this.pending.length >= 1 << 20) await this.drain();
  }

  private async drain(): Promise<void> {
    const text = this.pending;
    this.pending = "";
    if (!this.stream.write(text)) await once(this.stream, "drain");
  }

  async close(): Promise<void> {
    if (this.pending !== "") await this.drain();
    await new Promise<void>((resolve, reject) => this.stream.end((error?: Error | null) => (error ? reject(error) : resolve())));
  }
}

interface SchoolPlan {
  id: string;
  days: IsoDate[];
  /** 1 = Monday ... 5 = Friday, for each of `days`. */
  weekdays: number[];
  pupils: number;
  barneskole: boolean;
}

/** How often and in which ways one pupil is away; most are rarely away, a tail often, some in a pattern. */
interface PupilProfile {
  /** Share of school days away, before patterns. */
  rate: number;
  /** From this day index on, away most days (a pupil who vanishes), or -1. */
  vanishesFrom: number;
  /** From this day index on, away four times as often (a rising trend), or -1. */
  risesFrom: number;
  /** Away on this weekday far more often (1 = Monday), or 0. */
  weekday: number;
  /** Skips this subject's lessons, or undefined. */
  subject: string | undefined;
  lateRate: number;
  startIndex: number;
}

function profileOf(random: Random, schoolDays: number): PupilProfile {
  const rate = Math.min(0.6, 0.022 * Math.exp(0.95 * gaussian(random)));
  const roll = random();
  return {
    rate,
    vanishesFrom: roll < 0.007 ? integer(random, Math.floor(schoolDays * 0.3), schoolDays - 1) : -1,
    risesFrom: roll >= 0.007 && roll < 0.027 ? Math.max(0, schoolDays - integer(random, 15, 40)) : -1,
    weekday: random() < 0.04 ? (random() < 0.6 ? 1 : 5) : 0,
    subject: random() < 0.04 ? pick(random, SUBJECTS) : undefined,
    lateRate: random() < 0.05 ? 0.12 : 0.012,
    startIndex: 0,
  };
}

/** A day's documentation: mostly documented; the last days of the feed are often not yet processed. */
function documentation(random: Random, recent: boolean): { documented: string; reason: string } {
  const roll = random();
  if (recent && roll < 0.5) return { documented: "pending", reason: "" };
  if (roll < 0.55) return { documented: "yes", reason: pick(random, ["SYK", "SYK", "SYK", "LEGE", "PERM"]) };
  if (roll < 0.82) return { documented: "no", reason: "" };
  return { documented: "pending", reason: "" };
}

/** How long an absence lasts once it starts: mostly one day, sometimes an illness of a week. */
function episodeLength(random: Random): number {
  const roll = random();
  if (roll < 0.6) return 1;
  if (roll < 0.8) return 2;
  if (roll < 0.9) return 3;
  return integer(random, 4, 8);
}
const MEAN_EPISODE = 0.6 + 0.4 + 0.3 + 0.1 * 6;

/** The chance that an absence starts on a day not already absent, so that about `rate` of the days are absent. */
const startChance = (rate: number) => Math.min(1, rate / (MEAN_EPISODE - rate * (MEAN_EPISODE - 1)));

/**
 * Writes organisation.json, roster.csv, feed.csv and delta.csv under `dir`. The feed has one row per event, pupil
 * by pupil, and covers the first `days` school days of 2025-26.
 */
export async function generateBenchData(options: BenchDataOptions): Promise<BenchData> {
  const seed = options.seed ?? DEFAULT_SEED;
  const random = seededRandom(seed);
  const allDays = municipalitySchoolDays();
  const covered = allDays.slice(0, Math.max(1, Math.min(options.days ?? allDays.length, allDays.length)));
  const asOf = covered[covered.length - 1] as IsoDate;
  const firstDay = covered[0] as IsoDate;
  const schoolCount = Math.max(1, Math.round(options.pupils / PUPILS_PER_SCHOOL));
  await mkdir(options.dir, { recursive: true });

  const schools = Array.from({ length: schoolCount }, (_, index) => {
    const id = `S${String(index + 1).padStart(3, "0")}`;
    const planning = PLANNING_DAYS[index % PLANNING_DAYS.length];
    // A planning day on the last day of the feed would leave that school without a last day: it moves to none.
    const closed = planning && planning !== asOf ? [...MUNICIPALITY_CLOSED, { from: planning, to: planning, name: "Planleggingsdag" }] : [...MUNICIPALITY_CLOSED];
    return {
      id,
      name: `${SCHOOL_NAMES[index % SCHOOL_NAMES.length]} skole${index >= SCHOOL_NAMES.length ? ` ${Math.floor(index / SCHOOL_NAMES.length) + 1}` : ""}`,
      leaders: Array.from({ length: integer(random, 2, 3) }, () => entraId(random)),
      resourceTeam: { teamId: entraId(random), channelId: `19:${entraId(random).replace(/-/g, "")}@thread.tacv2` },
      calendar: { schoolYear: { ...SCHOOL_YEAR }, closed },
    };
  });
  const organisation = {
    municipality: "Benkvik kommune (synthetic)",
    timeZone: "Europe/Oslo",
    schools,
    coordinators: [entraId(random), entraId(random)],
  };
  const organisationPath = join(options.dir, "organisation.json");
  await writeFile(organisationPath, `${JSON.stringify(organisation, null, 2)}\n`);

  const plans: SchoolPlan[] = schools.map((school, index) => {
    const calendar = new SchoolCalendar(school.calendar);
    const days = calendar.schoolDaysIn(firstDay, asOf);
    const share = Math.floor(options.pupils / schoolCount) + (index < options.pupils % schoolCount ? 1 : 0);
    return { id: school.id, days, weekdays: days.map(weekday), pupils: share, barneskole: index % 3 !== 2 };
  });

  const rosterPath = join(options.dir, "roster.csv");
  const feedPath = join(options.dir, "feed.csv");
  const deltaPath = join(options.dir, "delta.csv");
  const roster = new ChunkedWriter(createWriteStream(rosterPath));
  const feed = new ChunkedWriter(createWriteStream(feedPath));
  const delta = new ChunkedWriter(createWriteStream(deltaPath));
  const header = "pupil_id,date,kind,documented,lesson,subject,minutes,reason\n";
  await roster.add("pupil_id,pupil_name,school_id,group,grade,contact_teacher_id,enrolled_from\n");
  await feed.add(header);
  await delta.add(header);

  let rows = 0;
  let deltaRows = 0;
  let pupilNumber = 0;
  for (const plan of plans) {
    const grades = plan.barneskole ? [1, 2, 3, 4, 5, 6, 7] : [8, 9, 10];
    const perGrade = Math.ceil(plan.pupils / grades.length);
    const groupsPerGrade = Math.max(1, Math.round(perGrade / 25));
    const perGroup = Math.ceil(perGrade / groupsPerGrade);
    const lastIndex = plan.days.length - 1;
    let placed = 0;
    for (const grade of grades) {
      for (let group = 0; group < groupsPerGrade && placed < plan.pupils; group += 1) {
        const groupName = `${grade}${String.fromCharCode(65 + group)}`;
        const teachers = Array.from({ length: random() < 0.3 ? 2 : 1 }, () => entraId(random)).join("|");
        const lessonsPerDay = grade <= 4 ? 5 : grade <= 7 ? 6 : 7;
        // The group's timetable: the subject of each lesson of each weekday.
        const timetable = Array.from({ length: 6 }, () => Array.from({ length: lessonsPerDay + 1 }, () => pick(random, SUBJECTS)));
        for (let seat = 0; seat < perGroup && placed < plan.pupils; seat += 1) {
          placed += 1;
          pupilNumber += 1;
          const pupilId = `B${String(pupilNumber).padStart(7, "0")}`;
          const profile = profileOf(random, plan.days.length);
          let enrolledFrom = "";
          if (random() < 0.02) {
            // A pupil who moved here during the year: absence counts from the first day at this school.
            const start = allDays[integer(random, 10, allDays.length - 20)] as IsoDate;
            enrolledFrom = start;
            profile.startIndex = plan.days.findIndex((date) => date >= start);
            if (profile.startIndex < 0) profile.startIndex = plan.days.length;
          }
          await roster.add(`${pupilId},${pick(random, FIRST_NAMES)} ${pick(random, LAST_NAMES)},${plan.id},${groupName},${grade},${teachers},${enrolledFrom}\n`);

          let text = "";
          let lastDayText = "";
          let episodeLeft = 0;
          let episode = { documented: "", reason: "" };
          for (let index = profile.startIndex; index <= lastIndex; index += 1) {
            const date = plan.days[index] as IsoDate;
            const day = plan.weekdays[index] as number;
            const recent = index >= lastIndex - 2;
            let rate = profile.rate;
            if (profile.vanishesFrom >= 0 && index >= profile.vanishesFrom) rate = 0.85;
            else if (profile.risesFrom >= 0 && index >= profile.risesFrom) rate = Math.min(0.6, rate * 4 + 0.05);
            let row = "";
            if (episodeLeft === 0 && (random() < startChance(rate) || (day === profile.weekday && random() < 0.35))) {
              episodeLeft = day === profile.weekday ? 1 : episodeLength(random);
              episode = documentation(random, recent);
            }
            if (episodeLeft > 0) {
              episodeLeft -= 1;
              const { documented, reason } = recent && episode.documented !== "pending" && random() < 0.5 ? { documented: "pending", reason: "" } : episode;
              row = `${pupilId},${date},day,${documented},,,,${reason}\n`;
            } else {
              const subjects = timetable[day] as string[];
              if (profile.subject !== undefined && random() < 0.4) {
                const lesson = subjects.indexOf(profile.subject, 1);
                if (lesson > 0) row += `${pupilId},${date},lesson,${pick(random, ["no", "no", "pending", "yes"])},${lesson},${profile.subject},,\n`;
              }
              const roll = random();
              if (roll < profile.lateRate) {
                row += `${pupilId},${date},late,${pick(random, ["yes", "no", "no", "pending"])},1,${subjects[1]},${integer(random, 3, 45)},\n`;
              } else if (roll < profile.lateRate + 0.02) {
                const lesson = integer(random, 1, lessonsPerDay);
                const { documented, reason } = documentation(random, recent);
                row += `${pupilId},${date},lesson,${documented},${lesson},${subjects[lesson]},,${reason}\n`;
              } else if (roll < profile.lateRate + 0.025) {
                const lesson = integer(random, 3, lessonsPerDay);
                row += `${pupilId},${date},left_early,${pick(random, ["yes", "yes", "no", "pending"])},${lesson},${subjects[lesson]},${integer(random, 45, 180)},${pick(random, ["LEGE", "SYK", ""])}\n`;
              } else if (roll < profile.lateRate + 0.029) {
                row += `${pupilId},${date},present_not_participating,${pick(random, ["yes", "no"])},${integer(random, 1, lessonsPerDay)},KRØ,,\n`;
              }
            }
            if (row === "") continue;
            rows += countLines(row);
            text += row;
            if (index === lastIndex) lastDayText = row;
          }
          if (text !== "") await feed.add(text);
          if (lastDayText !== "") {
            deltaRows += countLines(lastDayText);
            await delta.add(lastDayText);
          }
        }
      }
    }
  }
  await Promise.all([roster.close(), feed.close(), delta.close()]);

  return {
    dir: options.dir,
    organisation: organisationPath,
    roster: rosterPath,
    feed: feedPath,
    delta: deltaPath,
    pupils: pupilNumber,
    schools: schoolCount,
    schoolDays: covered.length,
    rows,
    deltaRows,
    feedBytes: (await stat(feedPath)).size,
    asOf,
    firstDay,
    seed,
  };
}

function countLines(text: string): number {
  let count = 0;
  for (let index = text.indexOf("\n"); index >= 0; index = text.indexOf("\n", index + 1)) count += 1;
  return count;
}
