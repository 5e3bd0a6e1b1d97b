import { joinText, splitText } from "./chunkedText";
import { isNotFound, type Storage } from "./storage";

export interface RunRecord {
  startedAt: string;
  finishedAt: string;
  asOf: string;
  summary: Record<string, unknown>;
}

const PARTITION = "nightly";
const LATEST = "latest";
/**
 * The longest summary stored, as JSON: an entity holds at most 1 MiB (two bytes a character). The nightly job caps
 * its lists well below this; a summary that still does not fit is cut here, never refused by the storage.
 */
export const SUMMARY_MAX_CHARACTERS = 400_000;
const PREFIX = "summary";

interface RunEntity {
  startedAt: string;
  finishedAt: string;
  asOf: string;
  /** How many `summary<n>` chunks hold the summary's JSON; absent in records written as one `summary` property. */
  summaryParts?: number;
  summary?: string;
}

/** The nightly runs: the latest for the health check, and a history by start time. */
export class RunRepository {
  constructor(private readonly storage: Storage) {}

  private get table() {
    return this.storage.table("runs");
  }

  async record(run: RunRecord): Promise<void> {
    const { chunks: count, properties } = splitText(fittedSummary(run.summary), PREFIX);
    const entity = { partitionKey: PARTITION, startedAt: run.startedAt, finishedAt: run.finishedAt, asOf: run.asOf, summaryParts: count, ...properties };
    await this.table.upsertEntity({ ...entity, rowKey: LATEST }, "Replace");
    await this.table.upsertEntity({ ...entity, rowKey: run.startedAt }, "Replace");
  }

  async latest(): Promise<RunRecord | undefined> {
    try {
      const entity = await this.table.getEntity<RunEntity>(PARTITION, LATEST);
      const json = entity.summaryParts === undefined ? (entity.summary ?? "{}") : joinText(entity, PREFIX, entity.summaryParts);
      return { startedAt: entity.startedAt, finishedAt: entity.finishedAt, asOf: entity.asOf, summary: JSON.parse(json) as Record<string, unknown> };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }
}

/**
 * The summary as JSON of at most SUMMARY_MAX_CHARACTERS: when too long, its longest lists are halved until it fits
 * (their totals still count every row), and it is marked `truncated`; at worst its lists are emptied.
 */
export function fittedSummary(summary: Record<string, unknown>): string {
  let text = JSON.stringify(summary);
  if (text.length <= SUMMARY_MAX_CHARACTERS) return text;
  const copy: Record<string, unknown> = { ...(JSON.parse(text) as Record<string, unknown>), truncated: true };
  for (let list = longestList(copy); list && list.length > 0; list = longestList(copy)) {
    list.splice(Math.floor(list.length / 2));
    text = JSON.stringify(copy);
    if (text.length <= SUMMARY_MAX_CHARACTERS) return text;
  }
  return JSON.stringify(countsOnly(copy));
}

/** The summary's shape with every list emptied and long texts cut: what is left when even halved lists do not fit. */
function countsOnly(value: unknown): unknown {
  if (Array.isArray(value)) return [];
  if (typeof value === "string") return value.slice(0, 1_000);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, countsOnly(inner)]));
}

/** The longest non-empty list in the summary or one level below (the feed's and the roster's rejected rows). */
function longestList(summary: Record<string, unknown>): unknown[] | undefined {
  const lists: unknown[][] = [];
  for (const value of Object.values(summary)) {
    if (Array.isArray(value)) lists.push(value);
    else if (value !== null && typeof value === "object") lists.push(...Object.values(value).filter((inner): inner is unknown[] => Array.isArray(inner)));
  }
  const length = (list: unknown[]) => JSON.stringify(list).length;
  return lists.filter((list) => list.length > 0).sort((a, b) => length(b) - length(a))[0];
}
