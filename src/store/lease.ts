import { isConflict, isNotFound, isPreconditionFailed, type Storage } from "./storage";

const PARTITION = "lease";

/** A named lease in storage: only one holder at a time across processes and instances; it expires if the holder dies. */
export interface Lease {
  /** True when `owner` now holds the lease, for `forMs` at most. */
  acquire(owner: string, now: Date, forMs: number): Promise<boolean>;
  release(owner: string): Promise<void>;
}

/** A lease as a Table entity with an expiry, for a storage account without a Blob service. */
export class TableLease implements Lease {
  constructor(
    private readonly storage: Storage,
    private readonly name: string,
  ) {}

  private get table() {
    return this.storage.table("leases");
  }

  /** True when `owner` now holds the lease until `now + forMs`. */
  async acquire(owner: string, now: Date, forMs: number): Promise<boolean> {
    const entity = { partitionKey: PARTITION, rowKey: this.name, owner, until: new Date(now.getTime() + forMs).toISOString() };
    try {
      await this.table.createEntity(entity);
      return true;
    } catch (error) {
      if (!isConflict(error)) throw error;
    }
    try {
      const current = await this.table.getEntity<{ owner: string; until: string }>(PARTITION, this.name);
      if (current.owner !== owner && current.until > now.toISOString()) return false;
      await this.table.updateEntity(entity, "Replace", { etag: current.etag });
      return true;
    } catch (error) {
      if (isPreconditionFailed(error) || isNotFound(error)) return false;
      throw error;
    }
  }

  async release(owner: string): Promise<void> {
    try {
      const current = await this.table.getEntity<{ owner: string }>(PARTITION, this.name);
      if (current.owner === owner) await this.table.deleteEntity(PARTITION, this.name, { etag: current.etag });
    } catch (error) {
      if (!isNotFound(error) && !isPreconditionFailed(error)) throw error;
    }
  }
}
