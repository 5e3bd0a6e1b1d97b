import { z } from "zod";

/**
 * How long a value read from a file may be, defined once: what Table storage can take (a key holds at most 1 KiB,
 * and an id is written percent-encoded, up to three characters a byte, next to another id in the outbox's keys),
 * and what a card can show. The roster, the absence feed and the organisation file are all checked against these.
 */
export const FIELD_LIMITS = {
  /** Pupil, school, leader, coordinator and contact-teacher ids: characters, and bytes in UTF-8 (æ, ø, å take two). */
  id: 100,
  /** A pupil's, school's or municipality's name, a holiday's name. */
  name: 200,
  /** A class or base group, e.g. 7B. */
  group: 50,
  /** Contact teachers of one pupil. */
  contactTeachers: 10,
  /** Leaders of one school: an escalated case is stored with every one of them and a notice for each. */
  leaders: 20,
} as const;

/** What is wrong with a field's value, said without quoting it (it may be a name, or free text from a shifted column). */
export type FieldFault = "idTooLong" | "idCharacter" | "tooLong" | "controlCharacter";

// Table storage refuses / \ # ? and control characters (U+0000-U+001F, U+007F-U+009F) in keys.
const KEY_FORBIDDEN = /[/\\#?\p{Cc}]/u;
const CONTROL = /\p{Cc}/u;

/** The length of a text in UTF-8 bytes, counted without encoding it. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff) {
      bytes += 4;
      index += 1;
    } else bytes += 3;
  }
  return bytes;
}

/** Why an id cannot be stored, or undefined when it can. */
export function idFault(id: string): FieldFault | undefined {
  if (id.length > FIELD_LIMITS.id || utf8Length(id) > FIELD_LIMITS.id) return "idTooLong";
  if (KEY_FORBIDDEN.test(id)) return "idCharacter";
  return undefined;
}

/** Why a name or other text cannot be stored and shown, or undefined when it can. */
export function textFault(text: string, max: number): FieldFault | undefined {
  if (text.length > max) return "tooLong";
  if (CONTROL.test(text)) return "controlCharacter";
  return undefined;
}

const FAULT_MESSAGES: Record<FieldFault, (max: number) => string> = {
  idTooLong: (max) => `must be at most ${max} characters (æ, ø and å count as two)`,
  idCharacter: () => "must not contain / \\ # ? or control characters",
  tooLong: (max) => `must be at most ${max} characters`,
  controlCharacter: () => "must not contain control characters (tabs, line breaks)",
};

/** An id as it may stand in a storage key. */
export const IdSchema = z
  .string()
  .trim()
  .min(1)
  .superRefine((id, ctx) => {
    const fault = idFault(id);
    if (fault) ctx.addIssue({ code: z.ZodIssueCode.custom, message: FAULT_MESSAGES[fault](FIELD_LIMITS.id) });
  });

/** A text of at most `max` characters without control characters. */
export function textSchema(max: number) {
  return z
    .string()
    .trim()
    .superRefine((text, ctx) => {
      const fault = textFault(text, max);
      if (fault) ctx.addIssue({ code: z.ZodIssueCode.custom, message: FAULT_MESSAGES[fault](max) });
    });
}
