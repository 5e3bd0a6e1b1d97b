import { Recent } from "./recent";
import { SettingsDocumentSchema, type SettingsDocument } from "../domain/settings";
import { CHUNK_CHARACTERS, joinText, splitText } from "./chunkedText";
import { isConflict, type Storage } from "./storage";

export interface SettingsVersion {
  version: number;
  document: SettingsDocument;
  changedBy: string;
  changedAt: string;
  /** What changed, in a line, for the history. */
  change: string;
}

interface SettingsEntity {
  partitionKey: string;
  rowKey: string;
  version: number;
  /** The document's JSON; a long one (many schools' overrides) is in `documentParts` chunks `document0`, ... instead. */
  document?: string;
  documentParts?: number;
  changedBy: string;
  changedAt: string;
  change: string;
}

const PARTITION = "settings";

export class StaleSettingsError extends Error {
  constructor(readonly expectedVersion: number) {
    super(`the settings changed since version ${expectedVersion}`);
  }
}

const rowKey = (version: number) => String(version).padStart(8, "0");

/** Every version of the settings is kept: who changed what, when. The highest version is in force. */
export class SettingsRepository {
  private readonly recent = new Recent<SettingsVersion[]>(5_000);

  constructor(private readonly storage: Storage) {}

  private get table() {
    return this.storage.table("settings");
  }

  /** Every version, oldest first. */
  async history(): Promise<SettingsVersion[]> {
    return [...(await this.recent.get(() => this.read()))];
  }

  private async read(): Promise<SettingsVersion[]> {
    const versions: SettingsVersion[] = [];
    for await (const entity of this.table.listEntities<SettingsEntity>({ queryOptions: { filter: `PartitionKey eq '${PARTITION}'` } })) {
      if (entity.partitionKey !== PARTITION) continue;
      versions.push({
        version: entity.version,
        document: SettingsDocumentSchema.parse(JSON.parse(entity.documentParts === undefined ? (entity.document ?? "{}") : joinText(entity, "document", entity.documentParts))),
        changedBy: entity.changedBy,
        changedAt: entity.changedAt,
        change: entity.change,
      });
    }
    return versions.sort((a, b) => a.version - b.version);
  }

  async current(): Promise<SettingsVersion | undefined> {
    return (await this.history()).pop();
  }

  /**
   * Stores a new version on top of `expectedVersion` (0 for the first). Two changes made on the same version: the
   * second fails with StaleSettingsError and changes nothing.
   */
  async save(input: { document: SettingsDocument; changedBy: string; change: string; expectedVersion: number; now: Date }): Promise<SettingsVersion> {
    const version = input.expectedVersion + 1;
    const document = SettingsDocumentSchema.parse(input.document);
    const json = JSON.stringify(document);
    // A table property holds 32 K characters: a longer document is cut into chunks (a short one is written as always).
    const chunks = json.length > CHUNK_CHARACTERS ? splitText(json, "document") : undefined;
    const entity: SettingsEntity = {
      partitionKey: PARTITION,
      rowKey: rowKey(version),
      version,
      ...(chunks ? { documentParts: chunks.chunks, ...chunks.properties } : { document: json }),
      changedBy: input.changedBy,
      changedAt: input.now.toISOString(),
      change: input.change,
    };
    try {
      await this.table.createEntity(entity);
      this.recent.forget();
    } catch (error) {
      this.recent.forget();
      if (isConflict(error)) throw new StaleSettingsError(input.expectedVersion);
      throw error;
    }
    return { version, document, changedBy: input.changedBy, changedAt: entity.changedAt, change: input.change };
  }
}
