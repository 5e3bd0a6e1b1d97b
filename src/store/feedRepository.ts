import { isConflict, isNotFound, type Storage } from "./storage";

const PARTITION = "feed";

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
}
