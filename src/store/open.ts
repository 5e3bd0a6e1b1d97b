import { resolve } from "node:path";
import type { Config } from "../config";
import type { Logger } from "../log";
import { startEmbeddedAzurite } from "./embeddedAzurite";
import { openStore, type Store, type StoreOptions } from "./index";
import { storageAccountOf } from "./storage";

type StorageConfig = Pick<Config, "STORAGE_CONNECTION_STRING" | "LOCAL_DATA_DIR" | "TABLE_PREFIX">;

/**
 * Which storage the configuration points at, in one line for an operator: the embedded emulator with its folder,
 * another emulator with its address, or the Azure account's name (never its key).
 */
export function describeConfiguredStorage(config: StorageConfig): string {
  const tables = `tables ${config.TABLE_PREFIX}*`;
  if (!config.STORAGE_CONNECTION_STRING) {
    return `Storage: the embedded emulator (Azurite, local use only) with its data in ${resolve(config.LOCAL_DATA_DIR)}, ${tables}. STORAGE_CONNECTION_STRING is empty.`;
  }
  const account = storageAccountOf(config.STORAGE_CONNECTION_STRING);
  if (account.kind === "emulator") return `Storage: an emulator (Azurite, local use only) at ${account.endpoint ?? "an address in STORAGE_CONNECTION_STRING"}, ${tables}.`;
  return `Storage: the Azure Storage account '${account.account}', ${tables}.`;
}

export interface OpenedStore {
  store: Store;
  /** The storage account's connection string, the embedded Azurite's when none is configured (its Blob service too). */
  connectionString: string;
  close(): Promise<void>;
}

/** Opens the configured storage account, or starts the embedded Azurite when none is configured. */
export async function openConfiguredStore(config: Config, logger: Logger): Promise<OpenedStore> {
  const options = (connectionString: string): StoreOptions => ({
    connectionString,
    tablePrefix: config.TABLE_PREFIX,
    outboxQueue: config.OUTBOX_QUEUE === "auto",
    nightlyLeaseSeconds: config.NIGHTLY_LEASE_SECONDS,
  });
  if (config.STORAGE_CONNECTION_STRING) {
    const connectionString = config.STORAGE_CONNECTION_STRING;
    return { store: await openStore(options(connectionString)), connectionString, close: async () => {} };
  }
  const azurite = await startEmbeddedAzurite({ folder: config.LOCAL_DATA_DIR, port: config.LOCAL_STORAGE_PORT });
  logger.info(
    { folder: config.LOCAL_DATA_DIR, port: config.LOCAL_STORAGE_PORT, startedHere: azurite.startedHere },
    azurite.startedHere ? "no STORAGE_CONNECTION_STRING: started the embedded Azurite" : "no STORAGE_CONNECTION_STRING: using the embedded Azurite already running",
  );
  const store = await openStore(options(azurite.connectionString));
  return { store, connectionString: azurite.connectionString, close: () => azurite.close() };
}
