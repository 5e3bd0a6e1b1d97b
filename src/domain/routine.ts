import { z } from "zod";
import { isIsoDate, type IsoDate } from "./dates";

/** A question of the routine; its label and options are looked up in the message catalogue by id. */
export type Question =
  | { id: string; type: "choice"; options: readonly string[]; required: boolean }
  | { id: string; type: "date"; required: boolean; requiredWhen?: { questionId: string; equals: string } };

export interface RoutineStep {
  step: number;
  id: string;
  actor: "contact-teacher" | "leaders" | "resource-team";
  questions: readonly Question[];
}

/** Step 1 of the routine: the contact teacher's first follow-up when a threshold is reached. */
export const FOLLOW_UP_STEP: RoutineStep = {
  step: 1,
  id: "follow-up",
  actor: "contact-teacher",
  questions: [
    { id: "guardiansContacted", type: "choice", options: ["yes", "no"], required: true },
    {
      id: "guardiansContactedOn",
      type: "date",
      required: false,
      requiredWhen: { questionId: "guardiansContacted", equals: "yes" },
    },
    { id: "cause", type: "choice", options: ["known", "vague", "unknown"], required: true },
    { id: "pupilHeard", type: "choice", options: ["yes", "no"], required: true },
  ],
};

export type Answers = Record<string, string>;

export type AnswerProblem = { questionId: string; problem: "required" | "invalid-option" | "invalid-date" | "future-date" };

/**
 * Checks a card's answers against the step's questions. Returns the answers that belong to the step (nothing
 * else is kept) or the problems found.
 */
export function checkAnswers(
  step: RoutineStep,
  submitted: Record<string, unknown>,
  today: IsoDate,
): { ok: true; answers: Answers } | { ok: false; problems: AnswerProblem[] } {
  const answers: Answers = {};
  const problems: AnswerProblem[] = [];
  const text = (value: unknown) => (typeof value === "string" ? value.trim() : "");

  for (const question of step.questions) {
    const value = text(submitted[question.id]);
    if (value === "") {
      const conditional =
        question.type === "date" &&
        question.requiredWhen !== undefined &&
        text(submitted[question.requiredWhen.questionId]) === question.requiredWhen.equals;
      if (question.required || conditional) problems.push({ questionId: question.id, problem: "required" });
      continue;
    }
    if (question.type === "choice" && !question.options.includes(value)) {
      problems.push({ questionId: question.id, problem: "invalid-option" });
    } else if (question.type === "date" && !isIsoDate(value)) {
      problems.push({ questionId: question.id, problem: "invalid-date" });
    } else if (question.type === "date" && value > today) {
      problems.push({ questionId: question.id, problem: "future-date" });
    } else {
      answers[question.id] = value;
    }
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, answers };
}

/** What a card submit must carry besides the answers: which case it is about. */
export const CardSubmitSchema = z
  .object({ caseId: z.string().uuid() })
  .passthrough();
