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

export class FileRejected extends Error {
  constructor(readonly problem: Problem) {
    super(problem.key);
  }
}

/** The problem in the reader's language. */
export function describeProblem(problem: Problem, t: Translate): string {
  const params = { ...problem.params };
  if (typeof params.why === "string") params.why = t(`why.${params.why}` as MessageKey);
  return t(problem.key, params);
}
