import { parseDate } from "../domain/dates";
import { FIELD_LIMITS, idFault, textFault } from "../domain/fieldLimits";
import type { Pupil } from "../domain/roster";
import { readCsvTable } from "./csvTable";
import { badValue, fieldProblem, keepRejection, type Problem, type Rejections } from "./problem";

export const ROSTER_COLUMNS = ["pupil_id", "pupil_name", "school_id", "group", "contact_teacher_id"] as const;

/** The roster as read: its pupils, and the first rejected rows (at most REJECTED_KEPT) with how many in all. */
export interface Roster extends Rejections {
  rows: number;
  pupils: Pupil[];
}

/** Why a field cannot be stored or shown as it is, said without its value. */
function fieldLimitProblem(values: Record<string, string>): Problem | undefined {
  const checks: [column: string, fault: ReturnType<typeof idFault>, max: number][] = [
    ["pupil_id", idFault(values.pupil_id as string), FIELD_LIMITS.id],
    ["pupil_name", textFault(values.pupil_name as string, FIELD_LIMITS.name), FIELD_LIMITS.name],
    ["school_id", idFault(values.school_id as string), FIELD_LIMITS.id],
    ["group", textFault(values.group as string, FIELD_LIMITS.group), FIELD_LIMITS.group],
  ];
  for (const [column, fault, max] of checks) if (fault) return fieldProblem(column, fault, max);
  return undefined;
}

function readRosterRow(values: Record<string, string>, schoolIds: ReadonlySet<string>): Pupil | Problem {
  for (const column of ROSTER_COLUMNS) {
    if (values[column] === undefined) return { key: "feed.missingValue", params: { column } };
  }
  const limit = fieldLimitProblem(values);
  if (limit) return limit;
  const schoolId = values.school_id as string;
  if (!schoolIds.has(schoolId)) return badValue("roster.unknownSchool", "school_id", schoolId, "id");
  const contactTeacherIds = (values.contact_teacher_id as string)
    .split("|")
    .map((id) => id.trim())
    .filter((id) => id !== "");
  if (contactTeacherIds.length === 0) return { key: "feed.missingValue", params: { column: "contact_teacher_id" } };
  if (contactTeacherIds.length > FIELD_LIMITS.contactTeachers) {
    return { key: "roster.tooManyContactTeachers", params: { count: contactTeacherIds.length, max: FIELD_LIMITS.contactTeachers } };
  }
  for (const id of contactTeacherIds) {
    const fault = idFault(id);
    if (fault) return fieldProblem("contact_teacher_id", fault, FIELD_LIMITS.id);
  }

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
  const roster: Roster = { rows: 0, pupils: [], rejected: [], rejectedTotal: 0 };
  const firstLine = new Map<string, number>();
  for await (const { line, values, problem } of readCsvTable(path, { required: ROSTER_COLUMNS })) {
    roster.rows += 1;
    const pupil = problem ?? readRosterRow(values, schoolIds);
    if ("key" in pupil) {
      keepRejection(roster, { line, problem: pupil });
      continue;
    }
    const first = firstLine.get(pupil.pupilId);
    if (first !== undefined) {
      keepRejection(roster, { line, problem: { key: "roster.duplicatePupil", params: { first } } });
      continue;
    }
    firstLine.set(pupil.pupilId, line);
    roster.pupils.push(pupil);
  }
  return roster;
}
