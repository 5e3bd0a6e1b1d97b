import { OrganisationSchema, type Organisation } from "../domain/organisation";
import { Recent } from "./recent";
import { joinText, splitText } from "./chunkedText";
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
    const { chunks: count, properties } = splitText(JSON.stringify(organisation), "part");
    await this.table.upsertEntity({ partitionKey: PARTITION, rowKey: CURRENT, parts: count, ...properties }, "Replace");
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
      const json = joinText(entity, "part", Number(entity.parts));
      const stored = JSON.parse(json) as Organisation;
      // Checked as it was read from the file: limits tightened since then must not make the stored one unreadable.
      const parsed = OrganisationSchema.safeParse(stored);
      return parsed.success ? parsed.data : stored;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }
}
