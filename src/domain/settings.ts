import { z } from "zod";

/**
 * Every setting is defined once, here: type, default and description. The engine, the chat commands, the
 * help text and the docs read this definition.
 */
export const AbsencePercentageRuleSchema = z
  .object({
    enabled: z.boolean().default(true).describe("Whether the rule is checked at all."),
    minPercent: z
      .number()
      .gt(0)
      .max(100)
      .default(10)
      .describe("Whole days absent, documented or not, as a percentage of the school days in the window (inclusive)."),
    windowSchoolDays: z
      .number()
      .int()
      .min(1)
      .max(200)
      .default(20)
      .describe("How many of the most recent school days the percentage is taken over."),
  })
  .strict();

export const RoutineSettingsSchema = z
  .object({
    answerDeadlineSchoolDays: z
      .number()
      .int()
      .min(1)
      .max(30)
      .default(3)
      .describe("School days the contact teacher has to answer before the school's leaders are told."),
  })
  .strict();

export const SettingsSchema = z
  .object({
    rules: z
      .object({ absencePercentage: AbsencePercentageRuleSchema.default({}) })
      .strict()
      .default({}),
    routine: RoutineSettingsSchema.default({}),
  })
  .strict();

export type Settings = z.infer<typeof SettingsSchema>;
export type AbsencePercentageRule = z.infer<typeof AbsencePercentageRuleSchema>;

export const DEFAULT_SETTINGS: Settings = SettingsSchema.parse({});
