import type { AbsenceCase } from "../domain/cases";
import type { School } from "../domain/organisation";
import type { Pupil } from "../domain/roster";
import { FOLLOW_UP_STEP, type AnswerProblem, type Question } from "../domain/routine";
import { formatDate, formatDateTime, translator, type Locale, type MessageKey } from "../i18n";
import { explainWithRule } from "../i18n/explain";

/** An Adaptive Card as JSON; Teams renders version 1.5 on desktop and mobile. */
export type AdaptiveCard = Record<string, unknown> & { type: "AdaptiveCard" };

export const FOLLOW_UP_VERB = "followUp.answer";

/** Everything a card about a case may show; names come from the roster and go nowhere but the card. */
export interface CaseView {
  absenceCase: AbsenceCase;
  pupil: Pupil;
  school: School;
  timeZone: string;
  locale: Locale;
}

function card(body: unknown[], actions: unknown[] = []): AdaptiveCard {
  return {
    type: "AdaptiveCard",
    $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
    version: "1.5",
    body,
    ...(actions.length > 0 ? { actions } : {}),
  };
}

const text = (value: string, extra: Record<string, unknown> = {}) => ({ type: "TextBlock", text: value, wrap: true, ...extra });

/** Why the pupil is flagged: one line per rule reached, in numbers, with the rule behind it. */
function reasonBlocks(view: CaseView) {
  return view.absenceCase.findings.map((finding, index) =>
    text(explainWithRule(finding, view.locale), index === 0 ? {} : { spacing: "Small" }),
  );
}

function questionInput(question: Question, locale: Locale, value: string | undefined) {
  const t = translator(locale);
  const label = t(`question.${question.id}.label` as MessageKey);
  if (question.type === "choice") {
    return {
      type: "Input.ChoiceSet",
      id: question.id,
      label,
      style: "expanded",
      isRequired: question.required,
      errorMessage: t("problem.required"),
      choices: question.options.map((option) => ({ title: t(`option.${question.id}.${option}` as MessageKey), value: option })),
      ...(value ? { value } : {}),
    };
  }
  return { type: "Input.Date", id: question.id, label, ...(value ? { value } : {}) };
}

/** Step 1: why the pupil is flagged, in numbers, and the routine's first questions. */
export function followUpCard(view: CaseView, retry?: { problems: AnswerProblem[]; values: Record<string, unknown> }): AdaptiveCard {
  const t = translator(view.locale);
  const { absenceCase, pupil } = view;
  const body: unknown[] = [
    text(t("card.followUp.title", { name: pupil.name, group: pupil.group }), { weight: "Bolder", size: "Medium" }),
    text(t(absenceCase.history.length > 0 ? "card.step.advanced" : "card.step.current", { step: absenceCase.step }), { isSubtle: true, size: "Small", spacing: "None" }),
    ...reasonBlocks(view),
    text(t("card.followUp.intro")),
  ];
  if (retry) body.push(text(t("card.followUp.problems"), { color: "Attention", weight: "Bolder" }));
  for (const question of FOLLOW_UP_STEP.questions) {
    const value = retry?.values[question.id];
    body.push(questionInput(question, view.locale, typeof value === "string" ? value : undefined));
    const problem = retry?.problems.find((candidate) => candidate.questionId === question.id);
    if (problem) body.push(text(t(`problem.${problem.problem}`), { color: "Attention", size: "Small", spacing: "None" }));
  }
  body.push(text(t("card.followUp.due", { dueOn: formatDate(view.locale, absenceCase.dueOn) }), { isSubtle: true, size: "Small" }));
  return card(body, [
    {
      type: "Action.Execute",
      title: t("card.followUp.submit"),
      verb: FOLLOW_UP_VERB,
      data: { caseId: absenceCase.caseId, schoolId: absenceCase.schoolId },
      associatedInputs: "auto",
      style: "positive",
    },
  ]);
}

/** The read-only version once the step is answered: the answers and when, no buttons. */
export function answeredCard(view: CaseView): AdaptiveCard {
  const t = translator(view.locale);
  const { absenceCase, pupil } = view;
  const answers = absenceCase.answers ?? {};
  const facts = FOLLOW_UP_STEP.questions.map((question) => {
    const value = answers[question.id];
    let shown = t("card.answered.none");
    if (value !== undefined) {
      shown = question.type === "choice" ? t(`option.${question.id}.${value}` as MessageKey) : formatDate(view.locale, value);
    }
    return { title: t(`question.${question.id}.label` as MessageKey), value: shown };
  });
  return card([
    text(t("card.answered.title", { name: pupil.name, group: pupil.group }), { weight: "Bolder", size: "Medium", color: "Good" }),
    ...reasonBlocks(view),
    { type: "FactSet", facts },
    text(t("card.answered.meta", { at: formatDateTime(view.locale, absenceCase.answeredAt ?? absenceCase.openedAt, view.timeZone) }), { isSubtle: true, size: "Small" }),
  ]);
}

/** To each of the school's leaders when the contact teacher has not answered by the deadline. */
export function escalationCard(view: CaseView, schoolDaysSinceOpened: number): AdaptiveCard {
  const t = translator(view.locale);
  const { absenceCase, pupil, school } = view;
  return card([
    text(t("card.escalated.title", { name: pupil.name, group: pupil.group, school: school.name }), { weight: "Bolder", size: "Medium", color: "Attention" }),
    ...reasonBlocks(view),
    text(
      t("card.escalated.body", {
        dueOn: formatDate(view.locale, absenceCase.dueOn),
        openedOn: formatDate(view.locale, absenceCase.openedOn),
        days: schoolDaysSinceOpened,
      }),
    ),
    text(t("card.escalated.action")),
  ]);
}
