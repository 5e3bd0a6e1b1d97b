import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";

/** Azurite's well-known development account; it is public and grants nothing outside the emulator. */
const DEV_ACCOUNT = "devstoreaccount1";
const DEV_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

export interface EmbeddedAzurite {
  connectionString: string;
  /** False when another process of ours already served this folder and port, and we connected to it. */
  startedHere: boolean;
  close(): Promise<void>;
}

interface AzuriteServer {
  start(): Promise<void>;
  close(): Promise<void>;
  getHttpServerAddress(): string;
}

export function developmentConnectionString(tableEndpoint: string): string {
  return `DefaultEndpointsProtocol=http;AccountName=${DEV_ACCOUNT};AccountKey=${DEV_KEY};TableEndpoint=${tableEndpoint}/${DEV_ACCOUNT};`;
}

/**
 * Starts Azurite's Table service inside this process. With a folder, data is kept there between runs; without
 * one, it lives in memory. When the port is taken (the bot and a terminal run share one folder), we use the
 * emulator that is already listening there.
 */
export async function startEmbeddedAzurite(options: { folder?: string; port?: number; host?: string } = {}): Promise<EmbeddedAzurite> {
  // Azurite ships no type declarations and its package entry point is the editor extension.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const TableServer = require("azurite/dist/src/table/TableServer").default;
  const TableConfiguration = require("azurite/dist/src/table/TableConfiguration").default;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const host = options.host ?? "127.0.0.1";
  const port = options.port ?? 0;
  let dbPath = join(process.cwd(), "__tidlig_unused__.json");
  if (options.folder) {
    const folder = resolve(options.folder);
    await mkdir(folder, { recursive: true });
    dbPath = join(folder, "tables.json");
  }
  const configuration = new TableConfiguration(host, port, 5, dbPath, false, false, undefined, undefined, false, true,
    "", "", "", undefined, false, options.folder === undefined);
  const server: AzuriteServer = new TableServer(configuration);
  try {
    await server.start();
  } catch (error) {
    if ((error as { code?: string }).code === "EADDRINUSE" && port !== 0) {
      return { connectionString: developmentConnectionString(`http://${host}:${port}`), startedHere: false, close: async () => {} };
    }
    throw error;
  }
  return {
    connectionString: developmentConnectionString(server.getHttpServerAddress()),
    startedHere: true,
    close: () => server.close(),
  };
}

