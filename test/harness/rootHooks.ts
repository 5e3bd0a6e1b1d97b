import { startEmbeddedAzurite, type EmbeddedAzurite } from "../../src/store/embeddedAzurite";

let azurite: EmbeddedAzurite | undefined;

/** The Azurite every test talks to: started once per test run, in memory, on a free port. */
export function azuriteConnectionString(): string {
  if (!azurite) throw new Error("Azurite is not running: the root hook did not start it");
  return azurite.connectionString;
}

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(30_000);
    azurite = await startEmbeddedAzurite();
  },
  async afterAll() {
    await azurite?.close();
  },
};
