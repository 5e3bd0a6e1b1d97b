import { z } from "zod";
import { isIsoDate, type IsoDate } from "./dates";
import { SchoolIdSchema } from "./organisation";

/**
 * The absence routine as data: the tasks of its steps, who answers them, and their questions. Labels, options and
 * hints are looked up in the message catalogue by id, so the routine reads the same in bokmål, nynorsk and English.
 */
export type Question =
  | { id: string; type: "choice"; options: readonly string[]; required: boolean; requiredWhen?: Condition }
  | { id: string; type: "multi"; options: readonly string[]; required: boolean }
  | { id: string; type: "date"; required: boolean; requiredWhen?: Condition; notInFuture?: boolean; prefill?: "today" | "evaluation" }
  | { id: string; type: "text"; required: boolean; requiredWhen?: Condition; maxLength: number };

/** A question is required when another question has one of these answers. */
export interface Condition {
  questionId: string;
  oneOf: readonly string[];
}

export const TASK_IDS = ["follow-up", "meeting", "evaluation", "referral", "return"] as const;
export type TaskId = (typeof TASK_IDS)[number];

export interface RoutineTask {
  id: TaskId;
  /** The step of the routine the task belongs to. */
  step: number;
  actor: "contact-teacher";
  questions: readonly Question[];
}

/** Risk factors to consider (Ingul 2018), in three groups. */
export const RISK_FACTORS = {
  riskSchool: ["teacher-relation", "transitions", "school-climate", "bullying", "learning-difficulties"],
  riskFamily: ["parent-mental-health", "overprotective", "family-change", "interaction", "home-school"],
  riskYouth: ["anxiety", "low-mood", "emotion-regulation", "negative-thinking", "problem-solving", "somatic"],
} as const;

/** Short notes are short, and never a place for health details. */
export const SHORT_NOTE = 200;
export const MEASURES_NOTE = 300;

export const ROUTINE: Record<TaskId, RoutineTask> = {
  "follow-up": {
    id: "follow-up",
    step: 1,
    actor: "contact-teacher",
    questions: [
      { id: "guardiansContacted", type: "choice", options: ["yes", "no"], required: true },
      { id: "guardiansContactedOn", type: "date", required: false, requiredWhen: { questionId: "guardiansContacted", oneOf: ["yes"] }, notInFuture: true, prefill: "today" },
      { id: "guardiansResult", type: "choice", options: ["agreed", "concerned", "not-reached"], required: false, requiredWhen: { questionId: "guardiansContacted", oneOf: ["yes"] } },
      { id: "documented", type: "choice", options: ["yes", "partly", "no"], required: true },
      { id: "cause", type: "choice", options: ["known", "vague", "unknown"], required: true },
      { id: "pattern", type: "multi", options: ["weekday", "subject", "tests", "lateness", "none"], required: false },
      { id: "pupilHeard", type: "choice", options: ["yes", "no"], required: true },
      { id: "pupilSaid", type: "text", required: false, maxLength: SHORT_NOTE },
      { id: "nurseInformed", type: "choice", options: ["yes", "no", "not-relevant"], required: true },
    ],
  },
  meeting: {
    id: "meeting",
    step: 2,
    actor: "contact-teacher",
    questions: [
      { id: "meetingOn", type: "date", required: true, prefill: "today" },
      { id: "riskSchool", type: "multi", options: RISK_FACTORS.riskSchool, required: false },
      { id: "riskFamily", type: "multi", options: RISK_FACTORS.riskFamily, required: false },
      { id: "riskYouth", type: "multi", options: RISK_FACTORS.riskYouth, required: false },
      { id: "measures", type: "text", required: true, maxLength: MEASURES_NOTE },
      { id: "evaluationOn", type: "date", required: true, prefill: "evaluation" },
    ],
  },
  evaluation: {
    id: "evaluation",
    step: 2,
    actor: "contact-teacher",
    questions: [
      { id: "improved", type: "choice", options: ["yes", "partly", "no"], required: true },
      { id: "decision", type: "choice", options: ["continue", "change", "close", "refer"], required: true },
      { id: "newMeasures", type: "text", required: false, requiredWhen: { questionId: "decision", oneOf: ["change"] }, maxLength: MEASURES_NOTE },
      { id: "nextEvaluationOn", type: "date", required: false, requiredWhen: { questionId: "decision", oneOf: ["continue", "change"] }, prefill: "evaluation" },
    ],
  },
  referral: {
    id: "referral",
    step: 3,
    actor: "contact-teacher",
    questions: [
      { id: "consent", type: "choice", options: ["given", "asked", "refused"], required: true },
      { id: "referralSummary", type: "text", required: true, maxLength: 500 },
    ],
  },
  /** Back at school after a long absence: asked at the case's own step (a case opened by the return starts at 1). */
  return: {
    id: "return",
    step: 1,
    actor: "contact-teacher",
    questions: [
      { id: "welcomeTalk", type: "choice", options: ["yes", "planned", "no"], required: true },
      { id: "adjustedTimetable", type: "choice", options: ["yes", "no", "not-needed"], required: true },
      { id: "dailyCheckIn", type: "choice", options: ["contact-teacher", "other-adult", "school-nurse", "other"], required: true },
      { id: "dailyCheckInNote", type: "text", required: false, requiredWhen: { questionId: "dailyCheckIn", oneOf: ["other"] }, maxLength: SHORT_NOTE },
      { id: "evaluationOn", type: "date", required: true, prefill: "evaluation" },
    ],
  },
};

/** The task a step of the ladder starts. */
export function taskForStep(step: number): TaskId {
  if (step >= 3) return "referral";
  if (step === 2) return "meeting";
  return "follow-up";
}

export type Answers = Record<string, string>;

export type AnswerProblem = {
  questionId: string;
  problem: "required" | "invalid-option" | "invalid-date" | "future-date" | "too-long" | "past-date" | "attendance-not-held";
};

const text = (value: unknown) => (typeof value === "string" ? value.trim() : "");

/**
 * Checks a card's answers against the task's questions. Returns the answers that belong to the task (nothing else
 * is kept; multi-choice answers as comma-separated option ids) or the problems found.
 */
export function checkAnswers(
  task: RoutineTask,
  submitted: Record<string, unknown>,
  today: IsoDate,
): { ok: true; answers: Answers } | { ok: false; problems: AnswerProblem[] } {
  const answers: Answers = {};
  const problems: AnswerProblem[] = [];
  const conditionHolds = (condition: Condition | undefined) => condition !== undefined && condition.oneOf.includes(text(submitted[condition.questionId]));

  for (const question of task.questions) {
    const value = text(submitted[question.id]);
    if (value === "") {
      const required = question.required || ("requiredWhen" in question && conditionHolds(question.requiredWhen));
      if (required) problems.push({ questionId: question.id, problem: "required" });
      continue;
    }
    switch (question.type) {
      case "choice":
        if (!question.options.includes(value)) problems.push({ questionId: question.id, problem: "invalid-option" });
        else answers[question.id] = value;
        break;
      case "multi": {
        const chosen = value.split(",").map((option) => option.trim()).filter((option) => option !== "");
        if (chosen.some((option) => !question.options.includes(option))) problems.push({ questionId: question.id, problem: "invalid-option" });
        else answers[question.id] = [...new Set(chosen)].join(",");
        break;
      }
      case "date":
        if (!isIsoDate(value)) problems.push({ questionId: question.id, problem: "invalid-date" });
        else if (question.notInFuture && value > today) problems.push({ questionId: question.id, problem: "future-date" });
        else if (question.prefill === "evaluation" && value <= today) problems.push({ questionId: question.id, problem: "past-date" });
        else answers[question.id] = value;
        break;
      case "text":
        if (value.length > question.maxLength) problems.push({ questionId: question.id, problem: "too-long" });
        else answers[question.id] = value;
        break;
    }
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, answers };
}

/** What every card submit carries besides the answers: which case, and which task of it the card asked. */
export const CardSubmitSchema = z
  .object({
    caseId: z.string().uuid(),
    schoolId: SchoolIdSchema,
    serial: z.coerce.number().int().min(1).max(10_000),
  })
  .passthrough();
