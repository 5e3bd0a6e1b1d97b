import { odata } from "@azure/data-tables";
import { isNotFound, type Storage } from "./storage";

const PARTITION = "instance";

/**
 * The bot's running instances, each a heartbeat in the leases table with an expiry: what they share (Teams' rate
 * limit for the app in the tenant) is divided by how many are alive. A killed instance drops out when its
 * heartbeat expires.
 */
export class InstanceRegistry {
  constructor(private readonly storage: Storage) {}

  private get table() {
    return this.storage.table("leases");
  }

  /**
   * Records that `instanceId` is alive until `now + forMs`; returns how many instances are alive now, and this
   * one's place among them (by id), so that they can take turns.
   */
  async beat(instanceId: string, now: Date, forMs: number): Promise<{ alive: number; index: number }> {
    await this.table.upsertEntity({ partitionKey: PARTITION, rowKey: instanceId, until: new Date(now.getTime() + forMs).toISOString() }, "Replace");
    const alive = await this.listAlive(now);
    return { alive: alive.length, index: Math.max(0, alive.indexOf(instanceId)) };
  }

  async countAlive(now: Date): Promise<number> {
    return (await this.listAlive(now)).length;
  }

  private async listAlive(now: Date): Promise<string[]> {
    const at = now.toISOString();
    const alive: string[] = [];
    for await (const entity of this.table.listEntities<{ until: string }>({ queryOptions: { filter: odata`PartitionKey eq ${PARTITION}` } })) {
      if (entity.partitionKey === PARTITION && entity.until > at) alive.push(entity.rowKey as string);
    }
    return alive.sort();
  }

  async leave(instanceId: string): Promise<void> {
    try {
      await this.table.deleteEntity(PARTITION, instanceId);
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
}
