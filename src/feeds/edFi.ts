import { createReadStream } from "node:fs";
import { Transform } from "node:stream";
import iconv from "iconv-lite";
import { parser } from "stream-json";
import { pick } from "stream-json/filters/Pick";
import { streamArray } from "stream-json/streamers/StreamArray";
import { z } from "zod";
import type { AbsenceEvent, AbsenceKind, Documented } from "../domain/absence";
import { badValue, FileRejected, type Problem } from "./problem";

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

/** One array element to a row of the reference feed; an element that is not an attendance event is a bad row. */
function edFiRow(item: unknown, line: number): EdFiRow {
  const parsed = EventSchema.safeParse(item);
  if (!parsed.success) return { line, values: {}, problem: { key: "feed.edFiInvalid", params: { detail: parsed.error.issues.map((issue) => issue.path.join(".") || issue.message).join(", ") } } };
  const event = parsed.data;
  const categoryName = (event.attendanceEventCategoryDescriptor.split("#").pop() ?? "").trim();
  const category = CATEGORIES[categoryName.toLowerCase()];
  const values = { pupil_id: event.studentReference.studentUniqueId, date: event.eventDate.slice(0, 10), kind: "", documented: "" };
  if (!category) return { line, values, problem: badValue("feed.invalidKind", "attendanceEventCategoryDescriptor", categoryName, "code") };
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
}

const BATCH = 1_000;

/**
 * The longest string, key or number, the most tokens in one element and the deepest nesting an Ed-Fi file may
 * have: a real attendance event is a few hundred characters, so a file beyond these is refused where it passes
 * them, before the parser or the assembler holds it whole.
 */
export const MAX_JSON_VALUE_LENGTH = 64 * 1024;
const MAX_ELEMENT_TOKENS = 10_000;
const MAX_DEPTH = 32;

/** Refuses a JSON token stream whose values, elements or nesting go beyond the limits above. */
function boundedTokens(elementDepth: number): Transform {
  let depth = 0;
  let valueLength = 0;
  let elementTokens = 0;
  const tooLong = () => new FileRejected({ key: "file.valueTooLong", params: { limit: MAX_JSON_VALUE_LENGTH } });
  return new Transform({
    objectMode: true,
    transform(token: { name: string; value?: unknown }, _encoding, done) {
      switch (token.name) {
        case "startObject":
        case "startArray":
          depth += 1;
          if (depth > MAX_DEPTH) return done(tooLong());
          break;
        case "endObject":
        case "endArray":
          depth -= 1;
          break;
        case "startString":
        case "startKey":
        case "startNumber":
          valueLength = 0;
          break;
        case "stringChunk":
        case "keyChunk":
        case "numberChunk":
          valueLength += typeof token.value === "string" ? token.value.length : 0;
          if (valueLength > MAX_JSON_VALUE_LENGTH) return done(tooLong());
          break;
      }
      elementTokens = depth >= elementDepth ? elementTokens + 1 : 0;
      if (elementTokens > MAX_ELEMENT_TOKENS) return done(tooLong());
      done(null, token);
    },
  });
}

/**
 * Reads an Ed-Fi export, streamed, in batches of rows: a JSON array of attendance events, or an object that holds
 * the array under `value` (as an OData-style API answers). Anything else is rejected whole.
 */
export async function* readEdFiRows(path: string, head: string): AsyncGenerator<EdFiRow[]> {
  const wrapped = head.trimStart().startsWith("{");
  let sawArray = false;
  // iconv-lite's decoder (it drops a byte order mark) is a Transform; its declared type is the looser ReadWriteStream.
  const stages: Transform[] = [iconv.decodeStream("utf8") as unknown as Transform, parser(), boundedTokens(wrapped ? 3 : 2)];
  if (wrapped) stages.push(pick({ filter: "value" }));
  stages.push(
    new Transform({
      objectMode: true,
      transform(token: { name: string }, _encoding, done) {
        if (token.name === "startArray") sawArray = true;
        done(null, token);
      },
    }),
    streamArray(),
  );
  const items = stages.reduce<NodeJS.ReadableStream>((source, stage) => source.pipe(stage), createReadStream(path)) as Transform;
  // A pipe does not pass errors on: the last stage is destroyed with the first error of any.
  for (const stage of stages) stage.on("error", (error) => items.destroy(error));
  let batch: EdFiRow[] = [];
  try {
    for await (const { key, value } of items as AsyncIterable<{ key: number; value: unknown }>) {
      batch.push(edFiRow(value, key + 1));
      if (batch.length >= BATCH) {
        yield batch;
        batch = [];
      }
    }
  } catch (error) {
    if (error instanceof FileRejected) throw error;
    // The parser's message may quote the text it stopped at: the summary says only that the JSON is broken.
    throw new FileRejected({ key: "file.unparsable" });
  }
  if (!sawArray) throw new FileRejected({ key: "file.notEdFi" });
  if (batch.length > 0) yield batch;
}
