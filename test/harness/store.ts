import { openStore, type Store } from "../../src/store";
import { azuriteConnectionString } from "./rootHooks";

let counter = 0;

/** A store of its own for one test: same Azurite, tables under a fresh prefix. */
export async function freshStore(options: { outboxQueue?: boolean } = {}): Promise<Store & { tablePrefix: string }> {
  counter += 1;
  const tablePrefix = `t${process.pid}x${counter}x${Date.now().toString(36)}`;
  const store = await openStore({ connectionString: azuriteConnectionString(), tablePrefix, outboxQueue: options.outboxQueue });
  return { ...store, tablePrefix };
}
