import { parseDate } from "../domain/dates";
import type { Pupil } from "../domain/roster";
import { readCsvTable } from "./csvTable";
import { badValue, type Problem, type RowRejection } from "./problem";

export const ROSTER_COLUMNS = ["pupil_id", "pupil_name", "school_id", "group", "contact_teacher_id"] as const;

export interface Roster {
  rows: number;
  pupils: Pupil[];
  rejected: RowRejection[];
}

function readRosterRow(values: Record<string, string>, schoolIds: ReadonlySet<string>): Pupil | Problem {
  for (const column of ROSTER_COLUMNS) {
    if (values[column] === undefined) return { key: "feed.missingValue", params: { column } };
  }
  const schoolId = values.school_id as string;
  if (!schoolIds.has(schoolId)) return badValue("roster.unknownSchool", "school_id", schoolId, "id");
  const contactTeacherIds = (values.contact_teacher_id as string)
    .split("|")
    .map((id) => id.trim())
    .filter((id) => id !== "");
  if (contactTeacherIds.length === 0) return { key: "feed.missingValue", params: { column: "contact_teacher_id" } };

  let grade: number | undefined;
  if (values.grade !== undefined) {
    grade = Number(values.grade);
    if (!/^\d+$/.test(values.grade) || grade < 1 || grade > 13) {
      return { key: "feed.invalidNumber", params: { column: "grade", min: 1, max: 13 } };
    }
  }
  let enrolledFrom: string | undefined;
  if (values.enrolled_from !== undefined) {
    enrolledFrom = parseDate(values.enrolled_from);
    if (!enrolledFrom) return badValue("feed.invalidDate", "enrolled_from", values.enrolled_from, "date");
  }
  return {
    pupilId: values.pupil_id as string,
    name: values.pupil_name as string,
    schoolId,
    group: values.group as string,
    grade,
    contactTeacherIds,
    enrolledFrom,
  };
}

/** Reads the roster: one row per pupil. A pupil listed twice keeps the first row; the second is rejected. */
export async function readRoster(path: string, schoolIds: ReadonlySet<string>): Promise<Roster> {
  const roster: Roster = { rows: 0, pupils: [], rejected: [] };
  const firstLine = new Map<string, number>();
  for await (const { line, values, problem } of readCsvTable(path, { required: ROSTER_COLUMNS })) {
    roster.rows += 1;
    const pupil = problem ?? readRosterRow(values, schoolIds);
    if ("key" in pupil) {
      roster.rejected.push({ line, problem: pupil });
      continue;
    }
    const first = firstLine.get(pupil.pupilId);
    if (first !== undefined) {
      roster.rejected.push({ line, problem: { key: "roster.duplicatePupil", params: { first } } });
      continue;
    }
    firstLine.set(pupil.pupilId, line);
    roster.pupils.push(pupil);
  }
  return roster;
}
