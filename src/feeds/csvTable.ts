import { open } from "node:fs/promises";
import { createReadStream } from "node:fs";
import { parse } from "csv-parse";
import { FileRejected } from "./problem";

export interface CsvRow {
  /** The line the row starts on, as a text editor shows it: the header is line 1. */
  line: number;
  /** Values by lower-case column name, trimmed; columns the row lacks are absent. */
  values: Record<string, string>;
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

function detectDelimiter(headerLine: string): string {
  const candidates = [",", ";", "\t"];
  let best = ",";
  let bestCount = 0;
  for (const candidate of candidates) {
    const count = headerLine.split(candidate).length - 1;
    if (count > bestCount) {
      best = candidate;
      bestCount = count;
    }
  }
  return best;
}

/**
 * Reads a delimited text file row by row (streamed), checking the header first: a file that is empty, binary
 * or lacks a required column is rejected whole before any row is returned.
 */
export async function* readCsvTable(path: string, requiredColumns: readonly string[]): AsyncGenerator<CsvRow> {
  const head = await sniff(path);
  if (head.includes(0)) throw new FileRejected({ key: "file.binary" });
  const text = head.toString("utf8").replace(/^\uFEFF/, "");
  if (text.trim() === "") throw new FileRejected({ key: "file.empty" });
  const headerLine = text.split(/\r?\n/).find((line) => line.trim() !== "") ?? "";
  const delimiter = detectDelimiter(headerLine);

  const parser = createReadStream(path).pipe(
    parse({
      bom: true,
      delimiter,
      columns: (header: string[]) => {
        const names = header.map(normaliseColumnName);
        const missing = requiredColumns.filter((column) => !names.includes(column));
        if (missing.length > 0) throw new FileRejected({ key: "file.missingColumns", params: { columns: missing.join(", ") } });
        return names.map((name) => (name === "" ? false : name));
      },
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
      info: true,
    }),
  );

  let previousEndLine = 1;
  let previousEmptyLines = 0;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number; empty_lines: number } }>) {
      const line = previousEndLine + 1 + (info.empty_lines - previousEmptyLines);
      previousEndLine = info.lines;
      previousEmptyLines = info.empty_lines;
      const values: Record<string, string> = {};
      for (const [column, value] of Object.entries(record)) {
        if (typeof value === "string" && value !== "") values[column] = value;
      }
      // A row of delimiters only is as blank as an empty line.
      if (Object.keys(values).length > 0) yield { line, values };
    }
  } catch (error) {
    if (error instanceof FileRejected) throw error;
    const cause = (error as { cause?: unknown }).cause;
    if (cause instanceof FileRejected) throw cause;
    throw new FileRejected({ key: "file.unreadable", params: { detail: (error as Error).message } });
  }
}
