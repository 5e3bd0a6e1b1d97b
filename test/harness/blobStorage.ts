import { spawn } from "node:child_process";
import { join } from "node:path";
import { freePort } from "../../scripts/freePort";
import { developmentConnectionString } from "../../src/store/embeddedAzurite";

/**
 * Azurite's Blob service for tests of feeds from a blob container. It runs in a process of its own: restify,
 * loaded by the bot in the test process, changes Node's HTTP request prototypes, which the Blob service cannot
 * work with.
 */
export async function startBlobStorage(): Promise<{ connectionString: string; close(): Promise<void> }> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [join(__dirname, "..", "..", "..", "node_modules", "azurite", "dist", "src", "blob", "main.js"), "--blobHost", "127.0.0.1", "--blobPort", String(port), "--inMemoryPersistence", "--skipApiVersionCheck", "--disableTelemetry", "--silent"],
    { stdio: "ignore" },
  );
  const deadline = Date.now() + 15_000;
  for (;;) {
    const listening = await fetch(`http://127.0.0.1:${port}/`).then(() => true, () => false);
    if (listening) break;
    if (Date.now() > deadline || child.exitCode !== null) throw new Error("Azurite's Blob service did not start");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    connectionString: developmentConnectionString(`http://127.0.0.1:${port}`).replace("TableEndpoint", "BlobEndpoint"),
    close: async () => {
      child.kill("SIGTERM");
      await new Promise((resolve) => (child.exitCode !== null ? resolve(undefined) : child.once("exit", resolve)));
    },
  };
}
