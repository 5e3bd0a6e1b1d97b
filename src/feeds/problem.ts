import type { FieldFault } from "../domain/fieldLimits";
import type { MessageKey } from "../i18n/nb";
import type { Translate } from "../i18n";

/** Something wrong with an input, as a catalogue key so that it can be said in the reader's language. */
export interface Problem {
  key: MessageKey;
  params?: Record<string, string | number>;
}

/** A row that was not imported, with its line as a text editor shows it (the header is line 1). */
export interface RowRejection {
  line: number;
  problem: Problem;
}

/** A file of bad rows is summarised, not kept whole: memory and the run summary stay bounded however many are wrong. */
export const REJECTED_KEPT = 200;

/** The first rejected rows of a file (at most REJECTED_KEPT), and how many there were in all. */
export interface Rejections {
  rejected: RowRejection[];
  rejectedTotal: number;
}

export function keepRejection(list: Rejections, rejection: RowRejection): void {
  list.rejectedTotal += 1;
  if (list.rejected.length < REJECTED_KEPT) list.rejected.push(rejection);
}

/** A field over its limit or with characters storage refuses: the column and the limit are named, never the value. */
export function fieldProblem(column: string, fault: FieldFault, max: number): Problem {
  return { key: `field.${fault}`, params: { column, max } };
}

/**
 * How a value must look to be quoted back in a run summary, which is stored and sent to the coordinators: anything
 * else may be a name or free text from a shifted column or a note (a `kind` of "Sara sier at ...").
 */
export type ValueShape = "date" | "code" | "id";

/** A value longer than this is never quoted. */
export const QUOTABLE_LENGTH = 20;

const SHAPES: Record<ValueShape, RegExp> = {
  // Digits with date separators: 31.02.2026, 2026-13-01, 1/2/26.
  date: /^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}$/,
  // A short code of letters, digits, _ and -: D, IG, sykdom, left-early.
  code: /^[A-Za-z0-9_\-æøåÆØÅ]+$/,
  // An id has a digit, or is all capitals (FJS): never a capitalised word, which may be a name (Sara).
  id: /^(?=.*\d)[A-Za-z0-9_-]+$|^[A-ZÆØÅ0-9_-]+$/,
};

/** Whether a value read from a file may be quoted in what is stored and sent. */
export function quotable(value: string, shape: ValueShape): boolean {
  return value.length <= QUOTABLE_LENGTH && SHAPES[shape].test(value);
}

/** The problems that quote the value they found, and how each is said without it. */
const WITHHELD = {
  "feed.invalidDate": "feed.invalidDate.withheld",
  "feed.invalidKind": "feed.invalidKind.withheld",
  "feed.invalidDocumented": "feed.invalidDocumented.withheld",
  "roster.unknownSchool": "roster.unknownSchool.withheld",
} as const satisfies Record<string, MessageKey>;

/** A bad value: quoted when it is short and shaped like its field; otherwise only the column is named. */
export function badValue(key: keyof typeof WITHHELD, column: string, value: string, shape: ValueShape): Problem {
  return quotable(value, shape) ? { key, params: { value, column } } : { key: WITHHELD[key], params: { column } };
}

export class FileRejected extends Error {
  constructor(readonly problem: Problem) {
    super(problem.key);
  }
}

/** A reason is cut here in what is stored and sent: a detail from a parser or schema could be long. */
export const REASON_CHARACTERS = 500;

/** The problem in the reader's language, at most REASON_CHARACTERS long. */
export function describeProblem(problem: Problem, t: Translate): string {
  const params = { ...problem.params };
  if (typeof params.why === "string") params.why = t(`why.${params.why}` as MessageKey);
  const text = t(problem.key, params);
  return text.length > REASON_CHARACTERS ? `${text.slice(0, REASON_CHARACTERS - 1)}…` : text;
}
