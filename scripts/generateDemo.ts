/**
 * Writes the demo municipality under demo/: an organisation file, a roster and an absence feed. Everything is
 * synthetic and generated from a fixed seed, so the files are the same on every machine.
 *   node dist/scripts/generateDemo.js
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { SchoolCalendar } from "../src/domain/calendar";
import { addDays, weekday, type IsoDate } from "../src/domain/dates";
import { PRESETS } from "../src/domain/rules/presets";
import { seededRandom } from "./seededRandom";

const SEED = 20261120;
const FIRST_DAY = "2026-08-17";
const LAST_DAY = "2026-11-20";


const random = seededRandom(SEED);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
const guid = (n: number) => `d0000000-0000-4000-8000-${n.toString().padStart(12, "0")}`;

const FIRST_NAMES = ["Emma", "Nora", "Sofie", "Ella", "Maja", "Olivia", "Ingrid", "Leah", "Sara", "Frida", "Jakob", "Emil", "Noah", "Oliver", "Filip", "William", "Lucas", "Liam", "Henrik", "Aksel", "Tobias", "Johannes", "Ida", "Selma"];
const LAST_NAMES = ["Fjellvik", "Strandli", "Bakketun", "Nesheim", "Lioskog", "Myrvang", "Haugland", "Sjøberg", "Åsheim", "Dalsrud", "Vikhammer", "Brekkeli"];

export const DEMO_TEACHERS = [
  { id: guid(101), name: "Demo Kontaktlærer 5A" },
  { id: guid(102), name: "Demo Kontaktlærer 5B" },
  { id: guid(103), name: "Demo Kontaktlærer 9A" },
  { id: guid(104), name: "Demo Kontaktlærer 9B" },
];
const LEADERS = { FJS: [guid(201), guid(202)], FUS: [guid(203)] };
const COORDINATOR = guid(301);

const organisation = {
  municipality: "Fjordvik kommune (demo)",
  timeZone: "Europe/Oslo",
  schools: [
    {
      id: "FJS",
      name: "Fjordvik barneskole",
      leaders: LEADERS.FJS,
      resourceTeam: { teamId: "demo-team-fjs", channelId: "19:demo-ressursteam-fjs@thread.tacv2" },
      calendar: {
        schoolYear: { from: "2026-08-17", to: "2027-06-18" },
        closed: [
          { from: "2026-10-05", to: "2026-10-09", name: "Høstferie" },
          { from: "2026-11-13", to: "2026-11-13", name: "Planleggingsdag" },
          { from: "2026-12-21", to: "2027-01-01", name: "Juleferie" },
        ],
      },
    },
    {
      id: "FUS",
      name: "Fjordvik ungdomsskole",
      leaders: LEADERS.FUS,
      resourceTeam: { teamId: "demo-team-fus", channelId: "19:demo-ressursteam-fus@thread.tacv2" },
      calendar: {
        schoolYear: { from: "2026-08-17", to: "2027-06-18" },
        closed: [
          { from: "2026-10-05", to: "2026-10-09", name: "Høstferie" },
          { from: "2026-12-21", to: "2027-01-01", name: "Juleferie" },
        ],
      },
    },
  ],
  coordinators: [COORDINATOR],
  // The standard rules and one rule of every other kind, so that the demo shows each kind firing.
  settings: {
    rules: [
      ...PRESETS.standard.rules,
      { id: "lessons-percent", kind: "percentage", step: 1, unit: "lessons", minPercent: 12, window: { type: "rolling", schoolDays: 20 }, kinds: ["day", "lesson"] },
      { id: "late-or-early", kind: "count", step: 1, min: 4, window: { type: "rolling", schoolDays: 20 }, kinds: ["late", "left_early"] },
      { id: "same-weekday", kind: "weekday", step: 1, minTimes: 3, window: { type: "rolling", schoolDays: 25 }, kinds: ["day"] },
      { id: "same-subject", kind: "subject", step: 1, minTimes: 3, window: { type: "rolling", schoolDays: 20 }, kinds: ["lesson"] },
      { id: "undocumented", kind: "undocumented", step: 1, min: 2, window: { type: "rolling", schoolDays: 10 }, kinds: ["day", "lesson", "left_early"] },
      { id: "rising", kind: "trend", step: 1, schoolDays: 10, factor: 2, floorPercent: 10, kinds: ["day"] },
    ],
  },
};

type Profile = "steady" | "recent-rise" | "long-absence" | "scattered" | "late-starter" | "mondays" | "maths" | "late-comer";

interface DemoPupil {
  id: string;
  name: string;
  schoolId: "FJS" | "FUS";
  group: string;
  grade: number;
  teacherId: string;
  enrolledFrom?: IsoDate;
  profile: Profile;
}

const GROUPS = [
  { schoolId: "FJS" as const, group: "5A", grade: 5, teacher: DEMO_TEACHERS[0] },
  { schoolId: "FJS" as const, group: "5B", grade: 5, teacher: DEMO_TEACHERS[1] },
  { schoolId: "FUS" as const, group: "9A", grade: 9, teacher: DEMO_TEACHERS[2] },
  { schoolId: "FUS" as const, group: "9B", grade: 9, teacher: DEMO_TEACHERS[3] },
];
const PROFILES: Profile[] = ["steady", "steady", "steady", "mondays", "maths", "late-comer", "scattered", "recent-rise", "long-absence", "late-starter"];

const pupils: DemoPupil[] = [];
let number = 1;
for (const group of GROUPS) {
  for (let index = 0; index < 10; index += 1) {
    const profile = PROFILES[index] as Profile;
    pupils.push({
      id: `DEMO${String(number).padStart(4, "0")}`,
      name: `${pick(FIRST_NAMES)} ${pick(LAST_NAMES)}`,
      schoolId: group.schoolId,
      group: group.group,
      grade: group.grade,
      teacherId: group.teacher?.id ?? "",
      enrolledFrom: profile === "late-starter" ? "2026-11-02" : undefined,
      profile,
    });
    number += 1;
  }
}

const calendars = new Map(organisation.schools.map((school) => [school.id, new SchoolCalendar(school.calendar)]));
const rows: string[] = ["pupil_id,date,kind,documented,lesson,subject,minutes,reason"];
const SUBJECTS = ["NOR", "MAT", "ENG", "NAT", "KRØ", "KRO", "SAF", "MUS"];
for (const pupil of pupils) {
  const calendar = calendars.get(pupil.schoolId) as SchoolCalendar;
  const recentFrom = addDays(LAST_DAY, -27);
  for (let date = FIRST_DAY; date <= LAST_DAY; date = addDays(date, 1)) {
    if (!calendar.isSchoolDay(date) || (pupil.enrolledFrom && date < pupil.enrolledFrom)) continue;
    const recent = date >= recentFrom;
    // Patterns that only some rule kinds see: Mondays away, maths lessons missed, arriving late.
    if (pupil.profile === "mondays" && recent && weekday(date) === 1 && random() < 0.8) {
      rows.push(`${pupil.id},${date},day,${pick(["no", "pending"])},,,,`);
      continue;
    }
    if (pupil.profile === "maths" && recent && random() < 0.25) {
      rows.push(`${pupil.id},${date},lesson,no,${2 + Math.floor(random() * 3)},MAT,,`);
      continue;
    }
    if (pupil.profile === "late-comer" && recent && random() < 0.3) {
      rows.push(`${pupil.id},${date},late,no,1,${pick(SUBJECTS)},${10 + Math.floor(random() * 20)},`);
      continue;
    }
    const chance = {
      steady: 0.012,
      mondays: 0.012,
      maths: 0.012,
      "late-comer": 0.012,
      scattered: 0.045,
      "recent-rise": recent ? 0.22 : 0.02,
      "long-absence": date >= "2026-11-09" ? 0.95 : 0.04,
      "late-starter": 0.2,
    }[pupil.profile];
    const documented = pick(["yes", "yes", "no", "pending"]);
    const roll = random();
    if (roll < chance) {
      rows.push(`${pupil.id},${date},day,${documented},,,,${documented === "yes" ? "SYK" : ""}`);
    } else if (roll < chance + 0.03) {
      rows.push(`${pupil.id},${date},late,${pick(["yes", "no"])},1,${pick(SUBJECTS)},${5 + Math.floor(random() * 30)},`);
    } else if (roll < chance + 0.06) {
      rows.push(`${pupil.id},${date},lesson,${pick(["yes", "no"])},${1 + Math.floor(random() * 6)},${pick(SUBJECTS)},,`);
    }
  }
}

// Two rows that a real export could contain by mistake, to show how a bad row is reported and the rest imported.
rows.push("DEMO9999,2026-11-19,day,no,,,,", "DEMO0003,31.02.2026,day,no,,,,");

const roster = [
  "pupil_id,pupil_name,school_id,group,grade,contact_teacher_id,enrolled_from",
  ...pupils.map((pupil) => [pupil.id, pupil.name, pupil.schoolId, pupil.group, pupil.grade, pupil.teacherId, pupil.enrolledFrom ?? ""].join(",")),
];

async function main() {
  const folder = join(__dirname, "..", "..", "demo");
  await mkdir(folder, { recursive: true });
  await writeFile(join(folder, "organisation.json"), `${JSON.stringify(organisation, null, 2)}\n`);
  await writeFile(join(folder, "roster.csv"), `${roster.join("\n")}\n`);
  await writeFile(join(folder, "feed.csv"), `${rows.join("\n")}\n`);
  console.log(`demo/: ${pupils.length} pupils, ${rows.length - 1} feed rows, as of ${LAST_DAY}`);
}

if (require.main === module) void main();
