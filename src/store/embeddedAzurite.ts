import { fork } from "node:child_process";
import { resolve } from "node:path";
import type { AzuriteProcessMessage, AzuriteProcessOptions } from "./azuriteProcess";
import { DEV_ACCOUNT } from "./storage";

/** The development account's key: public, like the account. */
const DEV_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

export interface EmbeddedAzurite {
  /** One connection string for Tables, Blobs and Queues. */
  connectionString: string;
  /** False when another process of ours already served this folder and port, and we connected to it. */
  startedHere: boolean;
  close(): Promise<void>;
}

export interface ServiceEndpoints {
  table: string;
  blob?: string;
  queue?: string;
}

export function developmentConnectionString(endpoints: ServiceEndpoints | string): string {
  const { table, blob, queue } = typeof endpoints === "string" ? { table: endpoints, blob: undefined, queue: undefined } : endpoints;
  return [
    "DefaultEndpointsProtocol=http",
    `AccountName=${DEV_ACCOUNT}`,
    `AccountKey=${DEV_KEY}`,
    `TableEndpoint=${table}/${DEV_ACCOUNT}`,
    ...(blob ? [`BlobEndpoint=${blob}/${DEV_ACCOUNT}`] : []),
    ...(queue ? [`QueueEndpoint=${queue}/${DEV_ACCOUNT}`] : []),
  ].join(";") + ";";
}

/**
 * Starts Azurite (Table, Blob and Queue) in a child process that ends with this one. With a folder, data is kept
 * there between runs; without one, it lives in memory. A fixed port is the Table service's; Blob and Queue take
 * the two ports below it, as in Azurite's own defaults (10000, 10001, 10002). When that port is taken (the bot and
 * a terminal run share one folder), we use the emulator that is already listening there.
 */
export async function startEmbeddedAzurite(options: { folder?: string; port?: number; host?: string } = {}): Promise<EmbeddedAzurite> {
  const host = options.host ?? "127.0.0.1";
  const port = options.port ?? 0;
  const processOptions: AzuriteProcessOptions = {
    host,
    tablePort: port,
    blobPort: port >= 2 ? port - 2 : 0,
    queuePort: port >= 2 ? port - 1 : 0,
    folder: options.folder === undefined ? undefined : resolve(options.folder),
  };
  const child = fork(resolve(__dirname, "azuriteProcess.js"), [JSON.stringify(processOptions)], {
    stdio: ["ignore", "ignore", "inherit", "ipc"],
    execArgv: [],
  });
  const message = await new Promise<AzuriteProcessMessage>((settle, fail) => {
    child.once("message", (reply) => settle(reply as AzuriteProcessMessage));
    child.once("error", fail);
    child.once("exit", (code) => fail(new Error(`the embedded Azurite stopped while starting (exit ${code})`)));
  });
  child.removeAllListeners("exit");
  if (message.type === "failed") {
    if (message.service === "table" && message.code === "EADDRINUSE" && port !== 0) {
      const existing = { table: `http://${host}:${processOptions.tablePort}`, blob: `http://${host}:${processOptions.blobPort}`, queue: `http://${host}:${processOptions.queuePort}` };
      return { connectionString: developmentConnectionString(existing), startedHere: false, close: async () => {} };
    }
    throw new Error(`the embedded Azurite's ${message.service} service could not start: ${message.message}`);
  }
  // The bot keeps running for as long as it likes; the emulator must not keep it alive on its own.
  child.unref();
  child.channel?.unref();
  return {
    connectionString: developmentConnectionString(message),
    startedHere: true,
    close: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((settle) => child.once("exit", settle));
      child.ref(); // wait for it: flushing the data folder must finish before this process ends
      child.disconnect();
      await exited;
    },
  };
}
