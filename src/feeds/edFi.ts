import { readFile } from "node:fs/promises";
import { z } from "zod";
import type { AbsenceEvent, AbsenceKind, Documented } from "../domain/absence";
import type { Problem } from "./problem";
import { FileRejected } from "./problem";

/**
 * Ed-Fi attendance events: StudentSchoolAttendanceEvent (a whole day) and StudentSectionAttendanceEvent (one
 * class section), as the Ed-Fi API returns them: a JSON array of resources.
 */
const ReferenceSchema = z.object({ studentUniqueId: z.string().min(1) }).passthrough();
const EventSchema = z
  .object({
    studentReference: ReferenceSchema,
    sectionReference: z.object({ localCourseCode: z.string().optional(), sectionIdentifier: z.string().optional() }).passthrough().optional(),
    eventDate: z.string(),
    attendanceEventCategoryDescriptor: z.string(),
    attendanceEventReason: z.string().optional(),
  })
  .passthrough();

/** The category descriptors of Ed-Fi, by the part after '#', and what they mean here (day or lesson level). */
const CATEGORIES: Record<string, { school: AbsenceKind; section: AbsenceKind; documented: Documented }> = {
  "in attendance": { school: "present", section: "present", documented: "yes" },
  "excused absence": { school: "day", section: "lesson", documented: "yes" },
  "unexcused absence": { school: "day", section: "lesson", documented: "no" },
  tardy: { school: "late", section: "late", documented: "pending" },
  "early departure": { school: "left_early", section: "left_early", documented: "pending" },
  partial: { school: "lesson", section: "lesson", documented: "pending" },
};

export interface EdFiRow {
  /** The resource's position in the array (1 for the first), reported as its "line". */
  line: number;
  values: Record<string, string>;
  event?: Pick<AbsenceEvent, "kind" | "documented"> & { subject?: string | undefined; reason?: string | undefined };
  problem?: Problem;
}

export function looksLikeJson(path: string, head: string): boolean {
  return path.toLowerCase().endsWith(".json") || /^\s*[[{]/.test(head);
}

/** Reads an Ed-Fi array into rows of the reference feed; an element that is not an attendance event is a bad row. */
export async function readEdFiRows(path: string): Promise<EdFiRow[]> {
  let json: unknown;
  try {
    json = JSON.parse((await readFile(path, "utf8")).replace(/^\uFEFF/, ""));
  } catch (error) {
    throw new FileRejected({ key: "file.unreadable", params: { detail: (error as Error).message } });
  }
  const items = Array.isArray(json) ? json : Array.isArray((json as { value?: unknown }).value) ? (json as { value: unknown[] }).value : undefined;
  if (!items) throw new FileRejected({ key: "file.unreadable", params: { detail: "expected a JSON array of Ed-Fi attendance events" } });
  return items.map((item, index): EdFiRow => {
    const line = index + 1;
    const parsed = EventSchema.safeParse(item);
    if (!parsed.success) return { line, values: {}, problem: { key: "feed.edFiInvalid", params: { detail: parsed.error.issues.map((issue) => issue.path.join(".") || issue.message).join(", ") } } };
    const event = parsed.data;
    const category = CATEGORIES[(event.attendanceEventCategoryDescriptor.split("#").pop() ?? "").trim().toLowerCase()];
    const values = { pupil_id: event.studentReference.studentUniqueId, date: event.eventDate.slice(0, 10), kind: "", documented: "" };
    if (!category) return { line, values, problem: { key: "feed.invalidKind", params: { value: event.attendanceEventCategoryDescriptor } } };
    const section = event.sectionReference !== undefined;
    return {
      line,
      values,
      event: {
        kind: section ? category.section : category.school,
        documented: category.documented,
        subject: event.sectionReference?.localCourseCode ?? event.sectionReference?.sectionIdentifier,
        reason: event.attendanceEventReason?.slice(0, 20),
      },
    };
  });
}
