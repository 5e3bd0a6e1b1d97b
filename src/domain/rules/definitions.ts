import { z } from "zod";
import { ABSENCE_KINDS } from "../absence";

/**
 * Every kind of rule real routines use, defined once. The engine, the chat commands, the help text and the docs
 * (docs/rules.md, generated) all read these schemas; `describe()` is the text a coordinator sees.
 */

export const WindowSchema = z.discriminatedUnion("type", [
  z
    .object({
      type: z.literal("rolling"),
      schoolDays: z.number().int().min(1).max(200).describe("the last N school days up to the day judged"),
    })
    .strict(),
  z
    .object({
      type: z.literal("calendar"),
      period: z.enum(["month", "term", "school-year"]).describe("the calendar month, the term (half-year) or the school year so far"),
    })
    .strict(),
]);
export type Window = z.infer<typeof WindowSchema>;

const kinds = z.array(z.enum(ABSENCE_KINDS)).min(1);

const common = {
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{1,39}$/, "lower-case letters, digits and '-', 2 to 40 characters")
    .describe("the rule's short name, used in chat commands"),
  step: z.number().int().min(1).max(3).describe("the step of the routine the rule starts (1 contact teacher, 2 meeting, 3 resource team)"),
  enabled: z.boolean().default(true).describe("whether the rule is checked"),
  inclusive: z.boolean().default(true).describe("whether reaching the threshold exactly fires (true: at least; false: more than)"),
  documented: z
    .enum(["both", "documented", "undocumented"])
    .default("both")
    .describe("which absence counts: both, only documented (G) or only undocumented (IG)"),
};

export const PercentageRuleSchema = z
  .object({
    ...common,
    kind: z.literal("percentage"),
    unit: z.enum(["days", "lessons"]).default("days").describe("percentage of school days, or of lessons"),
    minPercent: z.number().gt(0).max(100).describe("the threshold, in per cent"),
    window: WindowSchema.default({ type: "rolling", schoolDays: 20 }).describe("which school days are judged"),
    kinds: kinds.default(["day"]).describe("which kinds of events count as absence"),
  })
  .strict();

export const CountRuleSchema = z
  .object({
    ...common,
    kind: z.literal("count"),
    kinds: kinds.describe("which kinds of events are counted: day, lesson, late, left_early ..."),
    min: z.number().int().min(1).max(500).describe("the threshold: how many"),
    window: WindowSchema.default({ type: "rolling", schoolDays: 20 }).describe("which school days are judged"),
  })
  .strict();

export const ConsecutiveRuleSchema = z
  .object({
    ...common,
    kind: z.literal("consecutive"),
    minDays: z.number().int().min(2).max(100).describe("the threshold: school days absent in a row"),
    window: WindowSchema.default({ type: "rolling", schoolDays: 20 }).describe("which school days are judged"),
    kinds: kinds.default(["day"]),
  })
  .strict();

export const WeekdayRuleSchema = z
  .object({
    ...common,
    kind: z.literal("weekday"),
    minTimes: z.number().int().min(2).max(50).describe("the threshold: absent on the same weekday this many times"),
    window: WindowSchema.default({ type: "rolling", schoolDays: 25 }).describe("which school days are judged"),
    kinds: kinds.default(["day"]),
  })
  .strict();

export const SubjectRuleSchema = z
  .object({
    ...common,
    kind: z.literal("subject"),
    minTimes: z.number().int().min(2).max(100).describe("the threshold: the same subject missed this many times"),
    window: WindowSchema.default({ type: "rolling", schoolDays: 20 }).describe("which school days are judged"),
    kinds: kinds.default(["lesson"]),
  })
  .strict();

export const UndocumentedRuleSchema = z
  .object({
    ...common,
    kind: z.literal("undocumented"),
    min: z.number().int().min(1).max(100).default(1).describe("the threshold: undocumented events not yet followed up"),
    window: WindowSchema.default({ type: "rolling", schoolDays: 5 }).describe("which school days are judged"),
    kinds: kinds.default(["day", "lesson", "left_early"]),
  })
  .strict();

export const TrendRuleSchema = z
  .object({
    ...common,
    kind: z.literal("trend"),
    schoolDays: z.number().int().min(3).max(100).default(10).describe("the length of each of the two windows compared"),
    factor: z.number().min(1).max(20).default(2).describe("this window's absence at least this many times the previous window's"),
    floorPercent: z.number().gt(0).max(100).default(10).describe("and at least this percentage of school days"),
    kinds: kinds.default(["day"]),
  })
  .strict();

export const RuleSchema = z.discriminatedUnion("kind", [
  PercentageRuleSchema,
  CountRuleSchema,
  ConsecutiveRuleSchema,
  WeekdayRuleSchema,
  SubjectRuleSchema,
  UndocumentedRuleSchema,
  TrendRuleSchema,
]);
export type Rule = z.infer<typeof RuleSchema>;
export type RuleKind = Rule["kind"];
export const RULE_KINDS: readonly RuleKind[] = ["percentage", "count", "consecutive", "weekday", "subject", "undocumented", "trend"];

/** The schema of one kind of rule, for the docs, the help text and checking a change of one parameter. */
export function schemaOfKind(kind: RuleKind) {
  return {
    percentage: PercentageRuleSchema,
    count: CountRuleSchema,
    consecutive: ConsecutiveRuleSchema,
    weekday: WeekdayRuleSchema,
    subject: SubjectRuleSchema,
    undocumented: UndocumentedRuleSchema,
    trend: TrendRuleSchema,
  }[kind];
}

