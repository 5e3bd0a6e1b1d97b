import { createHash } from "node:crypto";
import { createWriteStream, type WriteStream } from "node:fs";
import { finished } from "node:stream/promises";
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import type { AbsenceEvent } from "../domain/absence";
import type { IsoDate } from "../domain/dates";
import type { FeedRow, RowSink } from "./absenceFeed";
import { makeRunFolder } from "./runFolder";

export interface SpilledDay {
  schoolId: string;
  pupilId: string;
  date: IsoDate;
  events: AbsenceEvent[];
}

/** An event as text, the same for equal events whatever the order of their fields: for finding duplicates and changes. */
export function eventKey(event: AbsenceEvent): string {
  return JSON.stringify([event.kind, event.documented, event.lesson ?? null, event.subject ?? null, event.minutes ?? null, event.reason ?? null]);
}

/** Fields of a spilled row are separated by the unit separator; a row holding one (or a line break) is spilled as JSON. */
const SEPARATOR = "\u001f";
const JSON_LINE = "\u001e";
const needsJson = (line: string) => line.includes(SEPARATOR) || line.includes(JSON_LINE) || line.includes("\n") || line.includes("\r");

/** One accepted row as a line of the spill: its fields in a fixed order, cheap to write and to read back. */
function spilledLine(row: FeedRow): string {
  const { event } = row;
  const line = [row.schoolId, row.pupilId, row.date, event.kind, event.documented, event.lesson ?? "", event.subject ?? "", event.minutes ?? "", event.reason ?? ""].join(SEPARATOR);
  return needsJson(line) ? `${JSON_LINE}${JSON.stringify([row.schoolId, row.pupilId, row.date, event])}\n` : `${line}\n`;
}

/** A spilled line back to the row, with the event's fields as one text to find duplicates by (like `eventKey`). */
function readSpilledLine(line: string): { schoolId: string; pupilId: string; date: IsoDate; event: AbsenceEvent; eventText: string } {
  if (line.startsWith(JSON_LINE)) {
    const [schoolId, pupilId, date, event] = JSON.parse(line.slice(1)) as [string, string, IsoDate, AbsenceEvent];
    return { schoolId, pupilId, date, event, eventText: eventKey(event) };
  }
  const fields = line.split(SEPARATOR);
  const [schoolId = "", pupilId = "", date = "", kind, documented, lesson = "", subject = "", minutes = "", reason = ""] = fields;
  const event = { kind, documented } as AbsenceEvent;
  if (lesson !== "") event.lesson = Number(lesson);
  if (subject !== "") event.subject = subject;
  if (minutes !== "") event.minutes = Number(minutes);
  if (reason !== "") event.reason = reason;
  return { schoolId, pupilId, date, event, eventText: fields.slice(3).join(SEPARATOR) };
}

/**
 * Keeps a feed's accepted rows on disk instead of in memory, in buckets by pupil, so that a file of any size is
 * imported in bounded memory: each bucket holds every row of its pupils, and is grouped into pupil days on its own.
 * The files are in a run folder of the work folder (WORK_DIR); `cleanup` deletes them, and a sweep at the next start
 * deletes those of a process that died before it could.
 */
export class DaySpill implements RowSink {
  private folder: string | undefined;
  private readonly streams = new Map<number, WriteStream>();
  private readonly bucketOfPupil = new Map<string, number>();
  lastDate: IsoDate | undefined;
  firstDate: IsoDate | undefined;
  /** The last date with a registration, by school: a school missing from a combined export shows here. */
  readonly lastDateBySchool = new Map<string, IsoDate>();
  accepted = 0;

  private readonly workDir: string;
  private readonly buckets: number;
  private failure: Error | undefined;

  constructor(options: { workDir: string; buckets?: number }) {
    this.workDir = options.workDir;
    this.buckets = options.buckets ?? 32;
  }

  private open(bucket: number): WriteStream {
    this.folder ??= makeRunFolder(this.workDir, "spill");
    let stream = this.streams.get(bucket);
    if (!stream) {
      stream = createWriteStream(join(this.folder, `${bucket}.ndjson`));
      // A disk error is the run's failure, raised when the rows are read back, never an uncaught error of the process.
      stream.on("error", (error) => {
        this.failure ??= error;
      });
      this.streams.set(bucket, stream);
    }
    return stream;
  }

  add(row: FeedRow): void {
    this.accepted += 1;
    if (!this.lastDate || row.date > this.lastDate) this.lastDate = row.date;
    if (!this.firstDate || row.date < this.firstDate) this.firstDate = row.date;
    const schoolLast = this.lastDateBySchool.get(row.schoolId);
    if (!schoolLast || row.date > schoolLast) this.lastDateBySchool.set(row.schoolId, row.date);
    let bucket = this.bucketOfPupil.get(row.pupilId);
    if (bucket === undefined) {
      bucket = createHash("sha1").update(row.pupilId).digest().readUInt32BE(0) % this.buckets;
      this.bucketOfPupil.set(row.pupilId, bucket);
    }
    this.open(bucket).write(spilledLine(row));
  }

  /** Waits until every bucket's buffer is written out: memory stays bounded however fast rows come. */
  async flush(): Promise<void> {
    await Promise.all(
      [...this.streams.values()].filter((stream) => stream.writableNeedDrain).map((stream) => new Promise<void>((resolve) => stream.once("drain", () => resolve()))),
    );
  }

  /** The rows as pupil days, a bucket at a time; a row identical to another of the same day counts as duplicated. */
  async *days(): AsyncGenerator<{ days: SpilledDay[]; duplicated: number }> {
    await this.closeStreams();
    if (this.failure) throw this.failure;
    for (const bucket of [...this.streams.keys()].sort((a, b) => a - b)) {
      const text = await readFile(join(this.folder as string, `${bucket}.ndjson`), "utf8");
      const days = new Map<string, SpilledDay & { keys: Set<string> }>();
      let duplicated = 0;
      for (const line of text.split("\n")) {
        if (line === "") continue;
        const { schoolId, pupilId, date, event, eventText } = readSpilledLine(line);
        const key = `${pupilId}\u0000${date}`;
        const day = days.get(key) ?? { schoolId, pupilId, date, events: [], keys: new Set<string>() };
        if (day.keys.has(eventText)) duplicated += 1;
        else {
          day.keys.add(eventText);
          day.events.push(event);
        }
        days.set(key, day);
      }
      yield { days: [...days.values()].map(({ keys: _keys, ...day }) => day), duplicated };
    }
  }

  /** Ends every bucket's file and waits until it is closed: a file still being written is not cut off mid-write. */
  private async closeStreams(): Promise<void> {
    await Promise.all([...this.streams.values()].map((stream) => (stream.closed ? undefined : finished(stream.end()).catch(() => undefined))));
  }

  async cleanup(): Promise<void> {
    await this.closeStreams();
    this.streams.clear();
    if (this.folder) await rm(this.folder, { recursive: true, force: true });
    this.folder = undefined;
  }
}
