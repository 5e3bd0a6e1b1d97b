/**
 * A long text kept in one entity over several string properties. Table storage keeps at most 64 KiB (32 K UTF-16
 * characters) in one string property and 1 MiB in one entity: a text is cut where a property must end, and a text
 * too long for one entity is refused before the storage would.
 */
export const CHUNK_CHARACTERS = 30_000;
/** An entity holds 1 MiB, strings count two bytes a character: the keys and other properties need the rest. */
export const MAX_CHUNKED_CHARACTERS = 450_000;

/** The properties `<prefix>0`, `<prefix>1`, ... holding the text, and how many there are. */
export function splitText(text: string, prefix: string): { chunks: number; properties: Record<string, string> } {
  if (text.length > MAX_CHUNKED_CHARACTERS) throw new Error(`a text of ${text.length} characters does not fit in one entity (at most ${MAX_CHUNKED_CHARACTERS})`);
  const properties: Record<string, string> = {};
  let chunks = 0;
  for (let start = 0; start < text.length; start += CHUNK_CHARACTERS) {
    properties[`${prefix}${chunks}`] = text.slice(start, start + CHUNK_CHARACTERS);
    chunks += 1;
  }
  return { chunks, properties };
}

/** The text split by `splitText`, read back from the entity's properties. */
export function joinText(entity: object, prefix: string, chunks: number): string {
  let text = "";
  for (let chunk = 0; chunk < chunks; chunk += 1) {
    const part = (entity as Record<string, unknown>)[`${prefix}${chunk}`];
    text += typeof part === "string" ? part : "";
  }
  return text;
}
