import type { AbsenceEvent, AbsenceKind, Documented } from "../domain/absence";
import type { SchoolCalendar } from "../domain/calendar";
import { parseDate, type IsoDate } from "../domain/dates";
import type { Pupil } from "../domain/roster";
import { readCsvTableInBatches } from "./csvTable";
import { looksLikeJson, readEdFiRows } from "./edFi";
import { mapped, type FeedMapping } from "./mapping";
import { badValue, fieldProblem, FileRejected, keepRejection, type Problem, type RowRejection } from "./problem";
import { FIELD_LIMITS, idFault } from "../domain/fieldLimits";
import { open } from "node:fs/promises";

export const ABSENCE_FEED_COLUMNS = ["pupil_id", "date", "kind", "documented"] as const;

const KIND_CODES: Record<string, AbsenceKind> = {
  day: "day",
  dag: "day",
  lesson: "lesson",
  time: "lesson",
  late: "late",
  sen: "late",
  left_early: "left_early",
  "gått": "left_early",
  present_not_participating: "present_not_participating",
  til_stede_uten_deltakelse: "present_not_participating",
  present: "present",
  til_stede: "present",
};

const DOCUMENTED_CODES: Record<string, Documented> = {
  yes: "yes",
  ja: "yes",
  true: "yes",
  g: "yes",
  no: "no",
  nei: "no",
  false: "no",
  ig: "no",
  pending: "pending",
  ubehandlet: "pending",
  r: "pending",
};

export interface FeedRow {
  line: number;
  pupilId: string;
  schoolId: string;
  date: IsoDate;
  event: AbsenceEvent;
}

export interface AbsenceFeed {
  rows: number;
  /** The accepted rows, unless they were handed to a sink as they were read (then empty). */
  accepted: FeedRow[];
  acceptedCount: number;
  /** The first rejected rows (at most REJECTED_KEPT); `rejectedTotal` counts them all. */
  rejected: RowRejection[];
  rejectedTotal: number;
}

export interface FeedContext {
  pupils: ReadonlyMap<string, Pupil>;
  calendars: ReadonlyMap<string, SchoolCalendar>;
  mapping?: FeedMapping | undefined;
  /** Where accepted rows go as they are read (a file of any size in bounded memory); kept in `accepted` without. */
  sink?: RowSink;
}

/** Takes rows as they are read; `flush` is awaited between batches, so that a slow sink holds the reading back. */
export interface RowSink {
  add(row: FeedRow): void;
  flush(): Promise<void>;
}

function accept(feed: AbsenceFeed, row: FeedRow, context: FeedContext): void {
  feed.acceptedCount += 1;
  if (context.sink) context.sink.add(row);
  else feed.accepted.push(row);
}

function wholeNumber(text: string | undefined, column: string, min: number, max: number): number | undefined | Problem {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) return { key: "feed.invalidNumber", params: { column, min, max } };
  return value;
}

function isProblem(value: unknown): value is Problem {
  return typeof value === "object" && value !== null && "key" in value;
}

const parsedDates = new Map<string, IsoDate | undefined>();

/** `parseDate`, remembered: a feed has millions of rows but only a few hundred different dates. */
function parseDateOnce(text: string): IsoDate | undefined {
  if (parsedDates.has(text)) return parsedDates.get(text);
  const date = parseDate(text);
  if (parsedDates.size >= 10_000) parsedDates.clear();
  parsedDates.set(text, date);
  return date;
}

/** One feed row to an event, or the reason it cannot be imported. */
export function readFeedRow(values: Record<string, string>, context: FeedContext): Omit<FeedRow, "line"> | Problem {
  for (const column of ABSENCE_FEED_COLUMNS) {
    if (values[column] === undefined) return { key: "feed.missingValue", params: { column } };
  }
  const pupilId = values.pupil_id as string;
  const pupil = context.pupils.get(pupilId);
  if (!pupil) {
    // The roster's ids are checked: an id storage cannot take is no pupil's, and is said to be wrong as an id.
    const fault = idFault(pupilId);
    return fault ? fieldProblem("pupil_id", fault, FIELD_LIMITS.id) : { key: "feed.unknownPupil" };
  }

  const rawDate = values.date as string;
  const date = parseDateOnce(rawDate);
  if (!date) return badValue("feed.invalidDate", "date", rawDate, "date");
  const calendar = context.calendars.get(pupil.schoolId);
  const why = calendar ? calendar.whyNotASchoolDay(date) : "outside-school-year";
  if (why) return { key: "feed.notSchoolDay", params: { date, why } };

  const kind = mapped(context.mapping?.values.kind, values.kind as string) ?? KIND_CODES[(values.kind as string).toLowerCase()];
  if (!kind) return badValue("feed.invalidKind", "kind", values.kind as string, "code");
  const documented = mapped(context.mapping?.values.documented, values.documented as string) ?? DOCUMENTED_CODES[(values.documented as string).toLowerCase()];
  if (!documented) return badValue("feed.invalidDocumented", "documented", values.documented as string, "code");

  const lesson = wholeNumber(values.lesson, "lesson", 1, 10);
  if (isProblem(lesson)) return lesson;
  const minutes = wholeNumber(values.minutes, "minutes", 0, 600);
  if (isProblem(minutes)) return minutes;

  const event: AbsenceEvent = { kind, documented };
  if (lesson !== undefined) event.lesson = lesson;
  if (values.subject !== undefined) event.subject = values.subject.slice(0, 20);
  if (values.minutes !== undefined) event.minutes = minutes;
  if (values.reason !== undefined) event.reason = values.reason.slice(0, 20);
  return { pupilId, schoolId: pupil.schoolId, date, event };
}

/** Reads an absence feed: every readable row is accepted, every other row is rejected with its line and reason. */
export async function readAbsenceFeed(path: string, context: FeedContext): Promise<AbsenceFeed> {
  const feed: AbsenceFeed = { rows: 0, accepted: [], acceptedCount: 0, rejected: [], rejectedTotal: 0 };
  const head = await firstCharacters(path);
  if (looksLikeJson(path, head)) {
    for await (const rows of readEdFiRows(path, head)) {
      for (const row of rows) {
        feed.rows += 1;
        const read = row.problem ?? readFeedRow({ ...row.values, kind: row.event?.kind ?? "", documented: row.event?.documented ?? "" }, context);
        if (isProblem(read)) {
          keepRejection(feed, { line: row.line, problem: read });
          continue;
        }
        if (row.event?.subject) read.event.subject = row.event.subject.slice(0, 20);
        if (row.event?.reason) read.event.reason = row.event.reason;
        accept(feed, { line: row.line, ...read }, context);
      }
      await context.sink?.flush();
    }
    return feed;
  }
  for await (const rows of readCsvTableInBatches(path, { required: ABSENCE_FEED_COLUMNS, renames: context.mapping?.columns, sheet: context.mapping?.sheet })) {
    for (const { line, values, problem } of rows) {
      feed.rows += 1;
      const row = problem ?? readFeedRow(values, context);
      if (isProblem(row)) keepRejection(feed, { line, problem: row });
      else accept(feed, { line, ...row }, context);
    }
    await context.sink?.flush();
  }
  return feed;
}

async function firstCharacters(path: string): Promise<string> {
  try {
    const handle = await open(path, "r");
    try {
      const buffer = Buffer.alloc(64);
      const { bytesRead } = await handle.read(buffer, 0, 64, 0);
      return buffer.subarray(0, bytesRead).toString("utf8").replace(/^\uFEFF/, "");
    } finally {
      await handle.close();
    }
  } catch {
    throw new FileRejected({ key: "file.notFound" });
  }
}
