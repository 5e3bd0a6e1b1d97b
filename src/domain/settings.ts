import { z } from "zod";
import { RuleSchema, schemaOfKind, type Rule } from "./rules/definitions";
import { PRESETS, PRESET_NAMES } from "./rules/presets";
import type { TaskId } from "./routine";

/**
 * The thresholds and the routine's numbers, defined once with their defaults and descriptions. A school's
 * settings are the municipality's, with the school's overrides applied.
 */
const schoolDays = (fallback: number, description: string) => z.number().int().min(1).max(60).default(fallback).describe(description);
const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "a time such as 08:00");

export const RoutineSettingsSchema = z
  .object({
    answerDeadlineSchoolDays: schoolDays(3, "school days the contact teacher has to answer the first follow-up before the school's leaders are told"),
    meetingDeadlineSchoolDays: schoolDays(5, "school days to hold the meeting with guardians and pupil and record it"),
    evaluationAfterSchoolDays: schoolDays(10, "school days from the meeting to the evaluation, when the card does not say (about two weeks)"),
    evaluationDeadlineSchoolDays: schoolDays(3, "school days to record the evaluation after its date"),
    referralDeadlineSchoolDays: schoolDays(5, "school days to record the guardians' consent and the referral to the resource team"),
    dailyNudgeCap: z
      .number()
      .int()
      .min(1)
      .max(50)
      .default(10)
      .describe("new cases a contact teacher is asked about per school day at most; the rest are asked the next school days, most severe first"),
    returnDeadlineSchoolDays: schoolDays(3, "school days to record the plan for a pupil back after a long absence (welcome talk, timetable, daily check-in)"),
    deliveryHours: z
      .object({ from: clockTime.default("08:00"), to: clockTime.default("16:00") })
      .strict()
      .default({})
      .describe("reminders, escalations and digests go out on school days between these local times only"),
  })
  .strict();
export type RoutineSettings = z.infer<typeof RoutineSettingsSchema>;

/** The deadlines of the routine's tasks, in school days, from the settings. */
export function taskDeadlines(routine: RoutineSettings): Record<TaskId, number> {
  return {
    "follow-up": routine.answerDeadlineSchoolDays,
    meeting: routine.meetingDeadlineSchoolDays,
    evaluation: routine.evaluationDeadlineSchoolDays,
    referral: routine.referralDeadlineSchoolDays,
    return: routine.returnDeadlineSchoolDays,
  };
}

/** When a pupil counts as back at school after a long absence: either stretch, and present on the day judged. */
export const ReturnToSchoolSchema = z
  .object({
    absentSchoolDaysInARow: z
      .number()
      .int()
      .min(2)
      .max(100)
      .default(10)
      .describe("whole school days absent in a row that count as a long absence (closed days in between do not break the row)"),
    percentOverFourWeeks: z
      .number()
      .min(1)
      .max(100)
      .default(50)
      .describe("or: this percentage of the last 20 school days absent whole days, the last of them the school day before the return"),
  })
  .strict();
export type ReturnToSchoolSettings = z.infer<typeof ReturnToSchoolSchema>;

const uniqueIds = (rules: readonly Rule[], ctx: z.RefinementCtx) => {
  const seen = new Set<string>();
  rules.forEach((rule, index) => {
    if (seen.has(rule.id)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [index, "id"], message: `rule id '${rule.id}' is used twice` });
    seen.add(rule.id);
  });
};

export const SettingsSchema = z
  .object({
    rules: z.array(RuleSchema).superRefine(uniqueIds).describe("the rule set: every rule that can flag a pupil"),
    minEnrolledSchoolDays: z
      .number()
      .int()
      .min(0)
      .max(100)
      .default(5)
      .describe("school days a pupil must have been enrolled before percentage and trend rules judge them"),
    lessonsPerDay: z.number().int().min(1).max(12).default(6).describe("lessons in a school day, the denominator of lesson percentages"),
    cooldownSchoolDays: z
      .number()
      .int()
      .min(0)
      .max(200)
      .default(10)
      .describe("school days after a case is closed before a new case can open for the same pupil"),
    routine: RoutineSettingsSchema.default({}),
    returnToSchool: ReturnToSchoolSchema.default({}).describe("when a pupil back after a long absence gets the routine's return questions"),
    paused: z.boolean().default(false).describe("while true, no new messages go out (e.g. during exam weeks); cases are still judged"),
    retentionDaysAfterClose: z
      .number()
      .int()
      .min(30)
      .max(3650)
      .default(365)
      .describe("days a closed case (with its answers) is kept; then it is deleted, and a pupil who has left with it"),
  })
  .strict();
export type Settings = z.infer<typeof SettingsSchema>;

/** What a school changes: parameters of the municipality's rules (by id), rules of its own, and numbers. */
export const SchoolOverrideSchema = z
  .object({
    rules: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
    addedRules: z.array(RuleSchema).default([]),
    minEnrolledSchoolDays: z.number().int().min(0).max(100).optional(),
    lessonsPerDay: z.number().int().min(1).max(12).optional(),
    cooldownSchoolDays: z.number().int().min(0).max(200).optional(),
    routine: z.record(z.string(), z.unknown()).optional(),
    returnToSchool: z.record(z.string(), z.unknown()).optional(),
    paused: z.boolean().optional(),
  })
  .strict();
export type SchoolOverride = z.infer<typeof SchoolOverrideSchema>;

export const SettingsDocumentSchema = z
  .object({
    municipality: SettingsSchema,
    schools: z.record(z.string(), SchoolOverrideSchema).default({}),
  })
  .strict();
export type SettingsDocument = z.infer<typeof SettingsDocumentSchema>;

/**
 * The `settings` of the organisation file: a preset to start from (default `standard`), optionally the
 * municipality's own rules and numbers, and per-school overrides.
 */
export const OrganisationSettingsSchema = z
  .object({
    preset: z.enum(PRESET_NAMES).default("standard"),
    rules: z.array(z.unknown()).optional(),
    minEnrolledSchoolDays: z.unknown().optional(),
    lessonsPerDay: z.unknown().optional(),
    cooldownSchoolDays: z.unknown().optional(),
    routine: z.unknown().optional(),
    returnToSchool: z.unknown().optional(),
    paused: z.unknown().optional(),
    retentionDaysAfterClose: z.unknown().optional(),
    schools: z.unknown().optional(),
  })
  .strict();

/** The settings document an organisation file asks for. Throws a ZodError that says what is wrong. */
export function settingsFromOrganisation(input: unknown): SettingsDocument {
  const { preset, schools, ...own } = OrganisationSettingsSchema.parse(input ?? {});
  const defined = Object.fromEntries(Object.entries(own).filter(([, value]) => value !== undefined));
  return SettingsDocumentSchema.parse({ municipality: { ...PRESETS[preset], ...defined }, schools: schools ?? {} });
}

export const DEFAULT_SETTINGS_DOCUMENT: SettingsDocument = settingsFromOrganisation({});

/** A rule of the municipality with one school's changes applied; the result is checked against the rule's schema. */
export function overrideRule(rule: Rule, changes: Record<string, unknown>): Rule {
  return schemaOfKind(rule.kind).parse({ ...rule, ...changes, id: rule.id, kind: rule.kind }) as Rule;
}

/** The settings in force at one school. */
export function settingsForSchool(document: SettingsDocument, schoolId: string): Settings {
  const override = document.schools[schoolId];
  if (!override) return document.municipality;
  const base = document.municipality;
  const rules = base.rules.map((rule) => {
    const changes = override.rules[rule.id];
    return changes ? overrideRule(rule, changes) : rule;
  });
  return {
    rules: [...rules, ...override.addedRules],
    minEnrolledSchoolDays: override.minEnrolledSchoolDays ?? base.minEnrolledSchoolDays,
    lessonsPerDay: override.lessonsPerDay ?? base.lessonsPerDay,
    cooldownSchoolDays: override.cooldownSchoolDays ?? base.cooldownSchoolDays,
    routine: RoutineSettingsSchema.parse({ ...base.routine, ...override.routine }),
    returnToSchool: ReturnToSchoolSchema.parse({ ...base.returnToSchool, ...override.returnToSchool }),
    paused: base.paused || (override.paused ?? false),
    retentionDaysAfterClose: base.retentionDaysAfterClose,
  };
}
