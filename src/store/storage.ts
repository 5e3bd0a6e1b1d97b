import { TableClient, TableServiceClient, type TableEntity, type TableTransaction } from "@azure/data-tables";

export const TABLES = ["pupils", "pupilabsence", "cases", "outbox", "conversations", "runs", "audit", "leases", "organisation", "settings", "feeds"] as const;
export type TableName = (typeof TABLES)[number];

export interface StorageOptions {
  connectionString: string;
  /** Prepended to every table name, so that several installations (or test runs) can share one account. */
  tablePrefix: string;
}

/**
 * Which services besides Table storage a connection string reaches. An account's usual string (account name and
 * key, or the development shortcut) reaches them all; a string with explicit endpoints only those it names.
 */
export function servicesOf(connectionString: string): { blob: boolean; queue: boolean } {
  const has = (name: string) => new RegExp(`(?:^|;)\\s*${name}=`, "i").test(connectionString);
  if (/(?:^|;)\s*UseDevelopmentStorage=true/i.test(connectionString)) return { blob: true, queue: true };
  const explicit = ["TableEndpoint", "BlobEndpoint", "QueueEndpoint", "FileEndpoint"].some(has);
  if (!explicit) return { blob: has("AccountName"), queue: has("AccountName") };
  return { blob: has("BlobEndpoint"), queue: has("QueueEndpoint") };
}

/** Which storage a connection string points at: an emulator (Azurite's public development account) or an Azure account. */
export type StorageAccount = { kind: "emulator"; endpoint?: string } | { kind: "azure"; account: string };

/** Azurite's well-known development account; it is public and grants nothing outside the emulator. */
export const DEV_ACCOUNT = "devstoreaccount1";

/** The kind of storage and its account name, read from a connection string without ever keeping its key. */
export function storageAccountOf(connectionString: string): StorageAccount {
  const field = (name: string) => new RegExp(`(?:^|;)\\s*${name}=([^;]*)`, "i").exec(connectionString)?.[1]?.trim();
  const endpoint = field("TableEndpoint");
  if (/^true$/i.test(field("UseDevelopmentStorage") ?? "")) return { kind: "emulator", endpoint: field("DevelopmentStorageProxyUri") ?? "http://127.0.0.1:10002" };
  const account = field("AccountName");
  if (account === DEV_ACCOUNT) return { kind: "emulator", ...(endpoint ? { endpoint: endpoint.replace(new RegExp(`/${DEV_ACCOUNT}/?$`), "") } : {}) };
  if (account) return { kind: "azure", account };
  // A connection string with a shared access signature names endpoints only: the account is the host's first label.
  const host = /^https?:\/\/([^/:]+)/i.exec(endpoint ?? field("BlobEndpoint") ?? field("QueueEndpoint") ?? "")?.[1] ?? "";
  return { kind: "azure", account: /\.core\./i.test(host) ? (host.split(".")[0] ?? host) : host };
}

/**
 * A blob container or queue name from the table prefix and a purpose: lowercase letters, digits and single
 * hyphens, 3-63 characters (table prefixes are letters and digits, at most 31).
 */
export function resourceName(tablePrefix: string, purpose: string): string {
  return `${tablePrefix.toLowerCase()}-${purpose}`.slice(0, 63);
}

/** The product's Azure Table storage: one table per aggregate, all behind one prefix. */
export class Storage {
  private readonly clients = new Map<TableName, TableClient>();

  /** Whether this is an emulator or an Azure account, and which account (for the health check and the CLI). */
  readonly account: StorageAccount;

  constructor(private readonly options: StorageOptions) {
    this.account = storageAccountOf(options.connectionString);
  }

  private clientOptions() {
    return { allowInsecureConnection: /^(?:.*;)?\s*(?:DefaultEndpointsProtocol=http;|UseDevelopmentStorage=true)|TableEndpoint=http:/i.test(this.options.connectionString) };
  }

  table(name: TableName): TableClient {
    let client = this.clients.get(name);
    if (!client) {
      client = TableClient.fromConnectionString(this.options.connectionString, `${this.options.tablePrefix}${name}`, this.clientOptions());
      this.clients.set(name, client);
    }
    return client;
  }

  /** Creates the tables that do not exist yet. */
  async ensureTables(): Promise<void> {
    await Promise.all(TABLES.map((name) => this.table(name).createTable()));
  }

  /** Whether the storage account answers; used by the health check. */
  async ping(): Promise<boolean> {
    try {
      const service = TableServiceClient.fromConnectionString(this.options.connectionString, this.clientOptions());
      const tables = service.listTables({ queryOptions: { filter: `TableName eq '${this.options.tablePrefix}runs'` } });
      await tables.next();
      return true;
    } catch {
      return false;
    }
  }
}

function statusOf(error: unknown): number | undefined {
  return (error as { statusCode?: number }).statusCode;
}

export function isConflict(error: unknown): boolean {
  return statusOf(error) === 409;
}

export function isPreconditionFailed(error: unknown): boolean {
  return statusOf(error) === 412;
}

export function isNotFound(error: unknown): boolean {
  return statusOf(error) === 404;
}

/** Encodes a value for a partition or row key (keys may not contain / \ # ? or control characters). */
export function keyOf(value: string): string {
  return encodeURIComponent(value);
}

/** Deletes entities by key, with batch transactions of one partition and 100 entities at most. */
export async function deleteInBatches(table: TableClient, keys: readonly { partitionKey: string; rowKey: string }[]): Promise<void> {
  const byPartition = new Map<string, string[]>();
  for (const { partitionKey, rowKey } of keys) byPartition.set(partitionKey, [...(byPartition.get(partitionKey) ?? []), rowKey]);
  for (const [partitionKey, rowKeys] of byPartition) {
    for (let start = 0; start < rowKeys.length; start += 100) {
      await table.submitTransaction(rowKeys.slice(start, start + 100).map((rowKey): TableTransaction["actions"][number] => ["delete", { partitionKey, rowKey }]));
    }
  }
}

/** Writes entities with batch transactions: one per partition and 100 entities at most, as Table storage requires. */
export async function upsertInBatches(table: TableClient, entities: TableEntity[], mode: "Replace" | "Merge" = "Replace"): Promise<void> {
  const byPartition = new Map<string, TableEntity[]>();
  for (const entity of entities) {
    const list = byPartition.get(entity.partitionKey) ?? [];
    list.push(entity);
    byPartition.set(entity.partitionKey, list);
  }
  for (const list of byPartition.values()) {
    for (let start = 0; start < list.length; start += 100) {
      const actions: TableTransaction["actions"] = list.slice(start, start + 100).map((entity) => ["upsert", entity, mode]);
      await table.submitTransaction(actions);
    }
  }
}
