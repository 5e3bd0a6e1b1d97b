import { isConflict, isNotFound, type Storage } from "./storage";

const PARTITION = "feed";
/** The last school day a feed covered, by school: the days after it are unknown, never present. */
const COVERAGE = "coverage";

/** The feeds already processed, by the hash of their content: the same file is never imported twice. */
export class FeedRepository {
  constructor(private readonly storage: Storage) {}

  private get table() {
    return this.storage.table("feeds");
  }

  async wasProcessed(hash: string): Promise<boolean> {
    try {
      await this.table.getEntity(PARTITION, hash);
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  async remember(hash: string, input: { name: string; processedAt: string; lastDate?: string | undefined }): Promise<void> {
    try {
      await this.table.createEntity({ partitionKey: PARTITION, rowKey: hash, name: input.name.slice(-200), processedAt: input.processedAt, lastDate: input.lastDate ?? "" });
    } catch (error) {
      if (!isConflict(error)) throw error;
    }
  }

  /** Up to which day the feeds read so far covered each school. */
  async coverage(): Promise<Map<string, string>> {
    const covered = new Map<string, string>();
    for await (const entity of this.table.listEntities<{ coveredThrough?: unknown }>({ queryOptions: { filter: `PartitionKey eq '${COVERAGE}'` } })) {
      if (typeof entity.rowKey === "string" && typeof entity.coveredThrough === "string") covered.set(entity.rowKey, entity.coveredThrough);
    }
    return covered;
  }

  /** Records that a feed covered these schools through these days; a school's coverage never moves back. */
  async cover(coveredThrough: ReadonlyMap<string, string>): Promise<void> {
    const known = await this.coverage();
    for (const [schoolId, date] of coveredThrough) {
      if ((known.get(schoolId) ?? "") >= date) continue;
      await this.table.upsertEntity({ partitionKey: COVERAGE, rowKey: schoolId, coveredThrough: date }, "Replace");
    }
  }
}
