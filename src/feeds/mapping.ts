import { z } from "zod";
import { ABSENCE_KINDS, DOCUMENTED_VALUES } from "../domain/absence";

/**
 * The column-mapping setting, for exports whose column names and codes differ from the reference feed: which
 * column is which, and what the export's codes mean. Everything not mapped is read as in the reference.
 */
export const FeedMappingSchema = z
  .object({
    columns: z
      .record(z.string(), z.enum(["pupil_id", "date", "kind", "documented", "lesson", "subject", "minutes", "reason"]))
      .default({})
      .describe("the export's column name -> the reference column, e.g. \"Elev-ID\": \"pupil_id\""),
    values: z
      .object({
        kind: z.record(z.string(), z.enum(ABSENCE_KINDS)).default({}).describe("the export's code -> a kind, e.g. \"D\": \"day\""),
        documented: z.record(z.string(), z.enum(DOCUMENTED_VALUES)).default({}).describe("the export's code -> yes, no or pending"),
      })
      .strict()
      .default({}),
    sheet: z.string().optional().describe("for Excel files: the sheet to read (default: the first)"),
  })
  .strict();

export type FeedMapping = z.infer<typeof FeedMappingSchema>;

/** Looks a code up in a mapping, ignoring case and surrounding spaces. */
export function mapped<T extends string>(table: Readonly<Record<string, T>> | undefined, code: string): T | undefined {
  if (!table) return undefined;
  const wanted = code.trim().toLowerCase();
  for (const [key, value] of Object.entries(table)) if (key.trim().toLowerCase() === wanted) return value;
  return undefined;
}
