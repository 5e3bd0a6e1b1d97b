import { TABLES } from "../../src/store/storage";
import type { Store } from "../../src/store";

/** Azure Table storage's limits, which the emulator does not all enforce: a key of 1 KiB, a string of 64 KiB, an entity of 1 MiB. */
const KEY_CHARACTERS = 512;
const STRING_CHARACTERS = 32 * 1024;
const ENTITY_BYTES = 1024 * 1024;

/** What in a store Azure Table storage would have refused: each entity over a limit, by table and what is too big. */
export async function overTableLimits(store: Store): Promise<string[]> {
  const over: string[] = [];
  for (const name of TABLES) {
    for await (const entity of store.storage.table(name).listEntities<Record<string, unknown>>()) {
      const keys = [entity.partitionKey, entity.rowKey].map(String);
      if (keys.some((key) => key.length > KEY_CHARACTERS)) over.push(`${name}: a key of ${Math.max(...keys.map((key) => key.length))} characters`);
      let bytes = 0;
      for (const [property, value] of Object.entries(entity)) {
        if (typeof value !== "string") continue;
        bytes += 2 * (property.length + value.length);
        if (value.length > STRING_CHARACTERS) over.push(`${name}: ${property} of ${value.length} characters`);
      }
      if (bytes > ENTITY_BYTES) over.push(`${name}: an entity of ${bytes} bytes`);
    }
  }
  return over;
}
