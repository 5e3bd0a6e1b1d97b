import { z } from "zod";
import { isIsoDate, isValidTimeZone } from "./dates";
import { SchoolCalendar } from "./calendar";
import { FIELD_LIMITS, IdSchema, textSchema } from "./fieldLimits";

const isoDate = z.string().trim().refine(isIsoDate, { message: "must be a date written YYYY-MM-DD" });
const entraId = IdSchema;
const name = textSchema(FIELD_LIMITS.name);

const DateRangeSchema = z
  .object({ from: isoDate, to: isoDate })
  .refine((range) => range.from <= range.to, { message: "'from' must not be after 'to'" });

/** A school's id as it may stand in a storage key: Azure Tables refuse / \ # ? and control characters there. */
export const SchoolIdSchema = IdSchema;

export const SchoolSchema = z.object({
  id: SchoolIdSchema,
  name: name.pipe(z.string().min(1)),
  leaders: z.array(entraId).max(FIELD_LIMITS.leaders).default([]),
  /** Coordinators of this school only; the municipality's coordinators are at the top level. */
  coordinators: z.array(entraId).default([]),
  resourceTeam: z.object({ teamId: textSchema(FIELD_LIMITS.name).pipe(z.string().min(1)), channelId: textSchema(FIELD_LIMITS.name).pipe(z.string().min(1)) }).optional(),
  calendar: z.object({
    schoolYear: DateRangeSchema,
    closed: z
      .array(z.object({ from: isoDate, to: isoDate, name: name.optional() }))
      .default([]),
  }),
});

/** The organisation file: the municipality, its schools with their leaders and calendars, and its coordinators. */
export const OrganisationSchema = z
  .object({
    municipality: name.pipe(z.string().min(1)),
    timeZone: z
      .string()
      .default("Europe/Oslo")
      .refine(isValidTimeZone, { message: "must be an IANA time zone such as Europe/Oslo" }),
    schools: z.array(SchoolSchema).min(1),
    coordinators: z.array(entraId).default([]),
    settings: z.unknown().optional(),
    /** The column-mapping setting of the absence feed (checked by the feed reader). */
    feedMapping: z.unknown().optional(),
  })
  .superRefine((organisation, ctx) => {
    const seen = new Set<string>();
    organisation.schools.forEach((school, index) => {
      if (seen.has(school.id)) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["schools", index, "id"], message: `school id '${school.id}' is used twice` });
      }
      seen.add(school.id);
    });
  });

export type Organisation = z.infer<typeof OrganisationSchema>;
export type School = z.infer<typeof SchoolSchema>;

export function findSchool(organisation: Organisation, schoolId: string): School | undefined {
  return organisation.schools.find((school) => school.id === schoolId);
}

export function calendarOf(school: School): SchoolCalendar {
  return new SchoolCalendar(school.calendar);
}
