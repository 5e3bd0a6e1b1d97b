/** Table storage keeps at most 64 KiB (32 K UTF-16 characters) in one string property. */
export const CHUNK_CHARACTERS = 30_000;

/** A text too long for one property, cut into `<prefix>0`, `<prefix>1`, ... that each fit; `count` says how many. */
export function chunkText(text: string, prefix: string): { count: number; properties: Record<string, string> } {
  const properties: Record<string, string> = {};
  let count = 0;
  for (let start = 0; start < text.length; start += CHUNK_CHARACTERS) {
    properties[`${prefix}${count}`] = text.slice(start, start + CHUNK_CHARACTERS);
    count += 1;
  }
  return { count, properties };
}

/** The text that `chunkText` cut into an entity's properties. */
export function joinChunks(entity: object, prefix: string, count: number): string {
  const properties = entity as Readonly<Record<string, unknown>>;
  let text = "";
  for (let chunk = 0; chunk < count; chunk += 1) text += String(properties[`${prefix}${chunk}`] ?? "");
  return text;
}
