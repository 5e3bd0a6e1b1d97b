import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { parse, type Parser } from "csv-parse";
import ExcelJS from "exceljs";
import iconv from "iconv-lite";
import type { Problem } from "./problem";
import { FileRejected } from "./problem";

export interface CsvRow {
  /** The line the row starts on, as a text editor shows it: the header is line 1. */
  line: number;
  /** Values by reference column name, trimmed; empty values are absent. */
  values: Record<string, string>;
  /** Set when the row's shape is wrong (too many or too few fields): it cannot be read. */
  problem?: Problem;
}

export interface CsvOptions {
  /** Columns the file must have (after renaming), or it is rejected whole. */
  required: readonly string[];
  /** Other names for columns, from a column-mapping setting: the export's name (any case) -> the reference name. */
  renames?: Readonly<Record<string, string>>;
}

const SNIFF_BYTES = 64 * 1024;

export function normaliseColumnName(name: string): string {
  return name.replace(/^\uFEFF/, "").trim().toLowerCase();
}

async function sniff(path: string): Promise<Buffer> {
  let handle;
  try {
    handle = await open(path, "r");
  } catch {
    throw new FileRejected({ key: "file.notFound" });
  }
  try {
    const buffer = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** UTF-8 (with or without BOM) when the bytes are valid UTF-8; otherwise Windows-1252, which covers ISO-8859-1. */
export function detectEncoding(head: Buffer): "utf8" | "windows-1252" {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return "utf8";
  const decoder = new TextDecoder("utf-8", { fatal: true });
  // The sample may end in the middle of a character: allow up to three bytes to be cut off.
  for (let cut = 0; cut <= Math.min(3, head.length); cut += 1) {
    try {
      decoder.decode(head.subarray(0, head.length - cut));
      return "utf8";
    } catch {
      if (head.length < SNIFF_BYTES) break;
    }
  }
  return "windows-1252";
}

function detectDelimiter(headerLine: string): string {
  let best = ",";
  let bestCount = 0;
  for (const candidate of [",", ";", "\t"]) {
    const count = headerLine.split(candidate).length - 1;
    if (count > bestCount) {
      best = candidate;
      bestCount = count;
    }
  }
  return best;
}

/** The raw records of a file, each with the line (or spreadsheet row) it starts on, in batches as they are read. */
type RecordSource = AsyncIterable<{ line: number; record: string[] }[]>;

/**
 * The longest line, and the largest record, a table file may have: no field of these exports comes near it, and a
 * file with a longer one (an endless line, a quote that is never closed) is refused as soon as the limit is passed
 * instead of being held in memory whole.
 */
export const MAX_LINE_LENGTH = 64 * 1024;

/** The raw records of one text file and the lines they start on; a file that cannot be read is a `FileRejected`. */
class CsvReading {
  readonly parser: Parser;
  private records: string[][] = [];
  private endLines: number[] = [];
  private emptyLines: number[] = [];
  private previousEndLine = 0;
  private previousEmptyLines = 0;
  /** Physical lines before the current one, and the length of the current one so far. */
  private linesBefore = 0;
  private lineLength = 0;
  private failure: Error | undefined;
  private wake: (() => void) | undefined;

  constructor(
    delimiter: string,
    private readonly newline: "\n" | "\r",
  ) {
    this.parser = parse({ bom: true, delimiter, relax_column_count: true, skip_empty_lines: true, trim: true, max_record_size: MAX_LINE_LENGTH });
    // Where each record ends, read from the parser's running count as the record comes out: the same numbers as its
    // `info` option, without a copy of the count for every record (a quarter of the parsing time at a million rows).
    this.parser.on("data", (record: string[]) => {
      this.records.push(record);
      this.endLines.push(this.parser.info.lines);
      this.emptyLines.push(this.parser.info.empty_lines);
    });
    // The parser may report a failure as an event after the call that caused it has returned; no `end` follows it.
    this.parser.on("error", (error: Error) => {
      this.failure ??= error;
      this.wake?.();
    });
  }

  /** Checks a decoded chunk (no control character NUL, no line over the limit), then parses it. */
  async write(chunk: string): Promise<void> {
    const nul = chunk.indexOf("\u0000");
    const checked = nul === -1 ? chunk : chunk.slice(0, nul);
    let from = 0;
    for (;;) {
      const at = checked.indexOf(this.newline, from);
      this.lineLength += (at === -1 ? checked.length : at) - from;
      if (this.lineLength > MAX_LINE_LENGTH) throw new FileRejected({ key: "file.lineTooLong", params: { line: this.linesBefore + 1, limit: MAX_LINE_LENGTH } });
      if (at === -1) break;
      this.linesBefore += 1;
      this.lineLength = 0;
      from = at + 1;
    }
    if (nul !== -1) throw new FileRejected({ key: "file.binaryAt", params: { line: this.linesBefore + 1 } });
    if (chunk === "") return;
    await this.settled((done) => this.parser.write(chunk, done));
  }

  /** Ends the file; resolved once the parser has handed out its last record. */
  async end(): Promise<void> {
    await this.settled((done) => {
      this.parser.once("end", () => done());
      this.parser.end();
    });
  }

  /** Waits for the parser to take a chunk (or the end), and turns its failure into a rejection of the file. */
  private async settled(start: (done: (error?: Error | null) => void) => void): Promise<void> {
    await new Promise<void>((resolve) => {
      this.wake = resolve;
      start((error) => {
        if (error) this.failure ??= error;
        resolve();
      });
    });
    this.wake = undefined;
    if (this.failure) throw new FileRejected(this.problem(this.failure));
  }

  /** A parser's failure as the line of the record it stopped in, never its message (which may quote a field). */
  private problem(error: Error): Problem {
    this.take();
    const { code, lines, empty_lines: emptyLines } = error as Error & { code?: string; lines?: number; empty_lines?: number };
    if (typeof lines !== "number") return { key: "file.unparsable" };
    const start = this.previousEndLine + 1 + (typeof emptyLines === "number" ? Math.max(0, emptyLines - this.previousEmptyLines) : 0);
    const line = Math.min(start, lines);
    // Only a quoted field lets a record go on over several lines.
    if (code === "CSV_QUOTE_NOT_CLOSED" || (code === "CSV_MAX_RECORD_SIZE" && lines > line)) return { key: "file.unterminatedQuote", params: { line } };
    if (code === "CSV_MAX_RECORD_SIZE") return { key: "file.lineTooLong", params: { line, limit: MAX_LINE_LENGTH } };
    return { key: "file.unparsableAt", params: { line: lines } };
  }

  /** The records parsed since the last call, with the lines they start on. */
  take(): { line: number; record: string[] }[] {
    const batch = this.records.map((record, index) => {
      const empty = this.emptyLines[index] ?? this.previousEmptyLines;
      const line = this.previousEndLine + 1 + (empty - this.previousEmptyLines);
      this.previousEndLine = this.endLines[index] ?? this.previousEndLine;
      this.previousEmptyLines = empty;
      return { line, record };
    });
    this.records = [];
    this.endLines = [];
    this.emptyLines = [];
    return batch;
  }
}

/**
 * The parser is fed a decoded chunk at a time and its records are taken as a batch: a record at a time through
 * an async iterator costs more than parsing it. Every chunk is checked before it is parsed, so a binary file or an
 * endless line is refused where it starts, in bounded memory.
 */
async function* csvRecords(path: string): RecordSource {
  const head = await sniff(path);
  if (head.includes(0)) throw new FileRejected({ key: "file.binary" });
  const encoding = detectEncoding(head);
  const text = iconv.decode(head, encoding).replace(/^\uFEFF/, "");
  if (text.trim() === "") throw new FileRejected({ key: "file.empty" });
  const headerLine = text.split(/\r?\n/).find((line) => line.trim() !== "") ?? "";
  // Lines end in LF or CRLF; a file whose first line ends in a lone CR is read with CR line endings.
  const firstBreak = text.search(/[\r\n]/);
  const newline = firstBreak !== -1 && text[firstBreak] === "\r" && text[firstBreak + 1] !== "\n" && firstBreak + 1 < text.length ? "\r" : "\n";
  const reading = new CsvReading(detectDelimiter(headerLine), newline);
  const decoder = iconv.getDecoder(encoding);
  try {
    for await (const bytes of createReadStream(path, { highWaterMark: 256 * 1024 }) as AsyncIterable<Buffer>) {
      await reading.write(decoder.write(bytes));
      const batch = reading.take();
      if (batch.length > 0) yield batch;
    }
    const last = decoder.end();
    if (last) await reading.write(last);
    await reading.end();
  } finally {
    reading.parser.destroy();
  }
  const rest = reading.take();
  if (rest.length > 0) yield rest;
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === "object") {
    if ("result" in value) return cellText(value.result as ExcelJS.CellValue);
    if ("text" in value) return String(value.text);
    if ("richText" in value) return value.richText.map((part) => part.text).join("");
    return "";
  }
  return String(value).trim();
}

/** How far the parts of a workbook may unpack: a sheet of a million rows is some hundred megabytes at most. */
const MAX_XLSX_PART_BYTES = 1024 * 1024 * 1024;
/** The shared strings are held in memory while the sheet is read. */
const MAX_XLSX_SHARED_STRINGS_BYTES = 64 * 1024 * 1024;
/** Real sheets pack ten to twenty times; far more is one value repeated to fill memory (a zip bomb). */
const MAX_XLSX_PACKING = 100;

/**
 * Checks what a workbook's parts say they unpack to (the zip's central directory, at its end) before any is
 * unpacked: a workbook cut short, or one that unpacks to far more than an export can be, is refused at once.
 */
async function checkWorkbookParts(path: string): Promise<void> {
  const damaged = new FileRejected({ key: "file.workbookDamaged" });
  const handle = await open(path, "r");
  try {
    const { size } = await handle.stat();
    const tailLength = Math.min(size, 22 + 0xffff);
    const tail = Buffer.alloc(tailLength);
    await handle.read(tail, 0, tailLength, size - tailLength);
    const end = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    if (end === -1 || end + 22 > tail.length) throw damaged;
    const directorySize = tail.readUInt32LE(end + 12);
    const directoryOffset = tail.readUInt32LE(end + 16);
    if (directoryOffset === 0xffffffff || directorySize > 16 * 1024 * 1024) throw new FileRejected({ key: "file.workbookTooLarge" });
    if (directoryOffset + directorySize > size) throw damaged;
    const directory = Buffer.alloc(directorySize);
    await handle.read(directory, 0, directorySize, directoryOffset);
    for (let at = 0; at + 46 <= directory.length; ) {
      if (directory.readUInt32LE(at) !== 0x02014b50) throw damaged;
      const packed = directory.readUInt32LE(at + 20);
      const unpacked = directory.readUInt32LE(at + 24);
      const nameLength = directory.readUInt16LE(at + 28);
      const name = directory.toString("utf8", at + 46, at + 46 + nameLength);
      if (unpacked === 0xffffffff || unpacked > MAX_XLSX_PART_BYTES) throw new FileRejected({ key: "file.workbookTooLarge" });
      if (/sharedStrings\.xml$/i.test(name) && unpacked > MAX_XLSX_SHARED_STRINGS_BYTES) throw new FileRejected({ key: "file.workbookTooLarge" });
      if (unpacked > 1024 * 1024 && unpacked > packed * MAX_XLSX_PACKING) throw new FileRejected({ key: "file.workbookTooLarge" });
      at += 46 + nameLength + directory.readUInt16LE(at + 30) + directory.readUInt16LE(at + 32);
    }
  } finally {
    await handle.close();
  }
}

/** The rows of an Excel workbook's first sheet (or the named one), streamed; the line is the sheet's row number. */
async function* xlsxRecords(path: string, sheet: string | undefined): RecordSource {
  const head = await sniff(path);
  if (head.length === 0) throw new FileRejected({ key: "file.empty" });
  if (head[0] !== 0x50 || head[1] !== 0x4b) throw new FileRejected({ key: "file.notWorkbook" });
  await checkWorkbookParts(path);
  const workbook = new ExcelJS.stream.xlsx.WorkbookReader(path, { sharedStrings: "cache", styles: "cache", hyperlinks: "ignore", worksheets: "emit" });
  let found = false;
  for await (const worksheet of workbook) {
    const name = (worksheet as unknown as { name?: string }).name;
    if (found || (sheet !== undefined && name !== sheet)) continue;
    found = true;
    for await (const row of worksheet) {
      const values = (row.values as ExcelJS.CellValue[]).slice(1).map(cellText);
      yield [{ line: row.number, record: values }];
    }
  }
  if (!found) throw new FileRejected(sheet ? { key: "file.noSheet", params: { sheet } } : { key: "file.workbookEmpty" });
}

/**
 * Reads a table file row by row, streamed: delimited text in any of the accepted encodings and delimiters, or an
 * Excel workbook (.xlsx). The header is checked first: a file that is empty, binary or lacks a required column is
 * rejected whole before any row is returned. Rows with the wrong number of fields come with a problem instead of
 * values.
 */
export async function* readCsvTableInBatches(path: string, options: CsvOptions & { sheet?: string | undefined }): AsyncGenerator<CsvRow[]> {
  const renames = new Map(Object.entries(options.renames ?? {}).map(([from, to]) => [normaliseColumnName(from), normaliseColumnName(to)]));
  const source = path.toLowerCase().endsWith(".xlsx") ? xlsxRecords(path, options.sheet) : csvRecords(path);
  let columns: (string | undefined)[] | undefined;
  let lastRequired = 0;
  try {
    for await (const records of source) {
      const rows: CsvRow[] = [];
      for (const { line, record } of records) {
        if (!columns) {
          if (record.every((value) => value === "")) continue;
          columns = record.map((name) => {
            const normalised = normaliseColumnName(name);
            return normalised === "" ? undefined : (renames.get(normalised) ?? normalised);
          });
          const missing = options.required.filter((column) => !columns?.includes(column));
          if (missing.length > 0) throw new FileRejected({ key: "file.missingColumns", params: { columns: missing.join(", ") } });
          lastRequired = Math.max(...options.required.map((column) => columns?.indexOf(column) ?? 0));
          continue;
        }
        // A row of delimiters only is as blank as an empty line.
        if (record.every((value) => value === "")) continue;
        const named = columns.length;
        if (record.length <= lastRequired || record.slice(named).some((value) => value !== "")) {
          rows.push({ line, values: {}, problem: { key: "feed.fieldCount", params: { found: record.length, expected: named } } });
          continue;
        }
        const values: Record<string, string> = {};
        for (let index = 0; index < named; index += 1) {
          const column = columns[index];
          const value = record[index];
          if (column && value !== undefined && value !== "") values[column] = value;
        }
        rows.push({ line, values });
      }
      if (rows.length > 0) yield rows;
    }
  } catch (error) {
    if (error instanceof FileRejected) throw error;
    throw new FileRejected(parserProblem(error));
  }
  if (!columns) throw new FileRejected({ key: "file.empty" });
}

/**
 * A parser's failure without its message, which may quote the field it stopped at ("value is \"Sara ...\""): the
 * line, when the parser tells it.
 */
function parserProblem(error: unknown): Problem {
  const line = (error as { lines?: unknown }).lines;
  return typeof line === "number" && Number.isInteger(line) && line > 0 ? { key: "file.unparsableAt", params: { line } } : { key: "file.unparsable" };
}

/** `readCsvTableInBatches`, a row at a time. */
export async function* readCsvTable(path: string, options: CsvOptions & { sheet?: string | undefined }): AsyncGenerator<CsvRow> {
  for await (const rows of readCsvTableInBatches(path, options)) yield* rows;
}
