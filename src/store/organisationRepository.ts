import { OrganisationSchema, type Organisation } from "../domain/organisation";
import { Recent } from "./recent";
import { isNotFound, type Storage } from "./storage";

const PARTITION = "organisation";
const CURRENT = "current";

/**
 * The organisation file as last read by the nightly job, so that the bot (possibly another process) knows the
 * schools, leaders and calendars. Stored in chunks: a table property holds at most 64 KiB.
 */
export class OrganisationRepository {
  private readonly recent = new Recent<Organisation | undefined>(5_000);

  constructor(private readonly storage: Storage) {}

  private get table() {
    return this.storage.table("organisation");
  }

  async save(organisation: Organisation): Promise<void> {
    const json = JSON.stringify(organisation);
    const chunks: Record<string, string> = {};
    const size = 30_000;
    for (let index = 0; index * size < json.length; index += 1) chunks[`part${index}`] = json.slice(index * size, (index + 1) * size);
    await this.table.upsertEntity({ partitionKey: PARTITION, rowKey: CURRENT, parts: Object.keys(chunks).length, ...chunks }, "Replace");
    this.recent.forget();
  }

  get(): Promise<Organisation | undefined> {
    return this.recent.get(() => this.read());
  }

  /**
   * Read now, not kept: for a school the kept organisation does not know. Another instance's nightly run may have
   * saved a new organisation, and queued messages about it, within the seconds this one keeps the old.
   */
  fresh(): Promise<Organisation | undefined> {
    this.recent.forget();
    return this.get();
  }

  private async read(): Promise<Organisation | undefined> {
    try {
      const entity = await this.table.getEntity<Record<string, unknown>>(PARTITION, CURRENT);
      const parts = Number(entity.parts);
      let json = "";
      for (let index = 0; index < parts; index += 1) json += String(entity[`part${index}`] ?? "");
      return OrganisationSchema.parse(JSON.parse(json));
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }
}
