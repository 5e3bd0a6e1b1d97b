/**
 * The embedded Azurite's own process: Table, Blob and Queue services on loopback. It is started by
 * `startEmbeddedAzurite` with an IPC channel, reports its addresses over it, and stops when that channel closes
 * (its parent ended, however it ended), so it never outlives the bot or the nightly run that started it.
 *
 * Azurite cannot share a process with the bot: restify replaces `query` on Node's request prototype, after which
 * Azurite no longer sees query parameters (`$filter`, continuation keys) and pages a large partition forever.
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";

export interface AzuriteProcessOptions {
  host: string;
  /** 0 for any free port. */
  tablePort: number;
  blobPort: number;
  queuePort: number;
  /** Where data is kept between runs; without it, everything lives in memory. */
  folder?: string;
}

export type AzuriteProcessMessage =
  | { type: "listening"; table: string; blob: string; queue: string }
  | { type: "failed"; service: "table" | "blob" | "queue"; code?: string; message: string };

interface AzuriteServer {
  start(): Promise<void>;
  close(): Promise<void>;
  getHttpServerAddress(): string;
}

/* eslint-disable @typescript-eslint/no-require-imports -- Azurite ships no type declarations, and its package entry point is the editor extension. */
function servers(options: AzuriteProcessOptions): [table: AzuriteServer, blob: AzuriteServer, queue: AzuriteServer] {
  const TableServer = require("azurite/dist/src/table/TableServer").default;
  const TableConfiguration = require("azurite/dist/src/table/TableConfiguration").default;
  const BlobServer = require("azurite/dist/src/blob/BlobServer").default;
  const BlobConfiguration = require("azurite/dist/src/blob/BlobConfiguration").default;
  const QueueServer = require("azurite/dist/src/queue/QueueServer").default;
  const QueueConfiguration = require("azurite/dist/src/queue/QueueConfiguration").default;
  const inMemory = options.folder === undefined;
  const folder = options.folder ?? process.cwd();
  const extents = (name: string) => [{ locationId: "Default", locationPath: join(folder, name), maxConcurrency: 1 }];
  // Positional arguments as Azurite's own command line passes them: host, port, keep-alive, database paths, logs
  // off, loose off, API version check skipped, no TLS, no OAuth, product-style URLs off, in-memory persistence.
  const table = new TableConfiguration(options.host, options.tablePort, 5, join(folder, "tables.json"), false, false, undefined, undefined, false, true,
    "", "", "", undefined, false, inMemory);
  const blob = new BlobConfiguration(options.host, options.blobPort, 5, join(folder, "blobs.json"), join(folder, "blob-extents.json"), extents("blobs"),
    false, undefined, false, undefined, false, true, "", "", "", undefined, false, inMemory);
  const queue = new QueueConfiguration(options.host, options.queuePort, 5, join(folder, "queues.json"), join(folder, "queue-extents.json"), extents("queues"),
    false, undefined, false, undefined, false, true, "", "", "", undefined, false, inMemory);
  return [new TableServer(table), new BlobServer(blob), new QueueServer(queue)];
}
/* eslint-enable @typescript-eslint/no-require-imports */

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? "{}") as AzuriteProcessOptions;
  const send = (message: AzuriteProcessMessage) => process.send?.(message);
  if (options.folder) await mkdir(options.folder, { recursive: true });
  const [table, blob, queue] = servers(options);
  for (const [service, server] of [["table", table], ["blob", blob], ["queue", queue]] as const) {
    try {
      await server.start();
    } catch (error) {
      send({ type: "failed", service, code: (error as { code?: string }).code, message: error instanceof Error ? error.message : String(error) });
      process.exit(1);
    }
  }
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    // Closing flushes Loki's databases to the folder; an emulator that will not close in time is not waited for.
    setTimeout(() => process.exit(0), 5_000).unref();
    for (const server of [table, blob, queue]) await server.close().catch(() => undefined);
    process.exit(0);
  };
  process.on("disconnect", () => void stop());
  process.on("SIGTERM", () => void stop());
  process.on("SIGINT", () => void stop());
  send({ type: "listening", table: table.getHttpServerAddress(), blob: blob.getHttpServerAddress(), queue: queue.getHttpServerAddress() });
}

if (require.main === module) void main();
