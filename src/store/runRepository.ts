import { isNotFound, type Storage } from "./storage";

export interface RunRecord {
  startedAt: string;
  finishedAt: string;
  asOf: string;
  summary: Record<string, unknown>;
}

const PARTITION = "nightly";
const LATEST = "latest";

/** The nightly runs: the latest for the health check, and a history by start time. */
export class RunRepository {
  constructor(private readonly storage: Storage) {}

  private get table() {
    return this.storage.table("runs");
  }

  async record(run: RunRecord): Promise<void> {
    const entity = { partitionKey: PARTITION, startedAt: run.startedAt, finishedAt: run.finishedAt, asOf: run.asOf, summary: JSON.stringify(run.summary) };
    await this.table.upsertEntity({ ...entity, rowKey: LATEST }, "Replace");
    await this.table.upsertEntity({ ...entity, rowKey: run.startedAt }, "Replace");
  }

  async latest(): Promise<RunRecord | undefined> {
    try {
      const entity = await this.table.getEntity<{ startedAt: string; finishedAt: string; asOf: string; summary: string }>(PARTITION, LATEST);
      return { startedAt: entity.startedAt, finishedAt: entity.finishedAt, asOf: entity.asOf, summary: JSON.parse(entity.summary) as Record<string, unknown> };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }
}
