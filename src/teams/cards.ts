import * as ACData from "adaptivecards-templating";
import type { TaskState } from "../domain/cases";
import { attendanceBars } from "../domain/measuresEffect";
import { calendarOf } from "../domain/organisation";
import { ROUTINE, SHORT_NOTE, type AnswerProblem, type Question } from "../domain/routine";
import { taskDeadlines } from "../domain/settings";
import { activeSnooze, latestSnoozeDay, SNOOZE_REASONS, whyNotSnoozable, type SnoozeProblem } from "../domain/snooze";
import type { IsoDate } from "../domain/dates";
import { formatDate, formatDateTime, formatNumber, translator, type Locale, type MessageKey } from "../i18n";
import { explainSeverity, explainWithRule } from "../i18n/explain";
import type { CaseView } from "./caseView";
import { inertCard } from "./inertText";
import answeredTemplate from "./templates/answered.json";
import listTemplate from "./templates/list.json";
import noticeTemplate from "./templates/notice.json";
import proposalTemplate from "./templates/proposal.json";
import snoozeTemplate from "./templates/snooze.json";
import taskTemplate from "./templates/task.json";

/** An Adaptive Card as JSON; Teams renders version 1.5 on desktop and mobile. */
export type AdaptiveCard = Record<string, unknown> & { type: "AdaptiveCard" };

/** The verb of every task card's button: the card's data says which case and which task. */
export const TASK_VERB = "task.answer";
/** Puts the current task off until a date (the snooze form's button). */
export const SNOOZE_VERB = "task.snooze";
/** Shows the current task's card again: its questions, or the form to put it off. Changes nothing. */
export const TASK_VIEW_VERB = "task.view";

/** The card layouts live in templates/*.json; the functions here only fill in the words and numbers. */
function expand(template: object, data: object): AdaptiveCard {
  return inertCard(new ACData.Template(template).expand({ $root: data }) as AdaptiveCard);
}

function header(view: CaseView, step: number, taskId: string) {
  const t = translator(view.locale);
  return {
    subtitle: t("card.subtitle", { step, task: t(`task.${taskId}` as MessageKey) }),
    reasons: [explainSeverity(view.severity, view.locale), ...view.absenceCase.findings.map((finding) => explainWithRule(finding, view.locale))],
  };
}

function questionModel(question: Question, view: CaseView, value: string, problem: AnswerProblem | undefined) {
  const t = translator(view.locale);
  const options = "options" in question ? question.options : [];
  let prefilled = value;
  if (!prefilled && question.type === "date" && question.prefill === "today") prefilled = view.today;
  // The evaluation comes about two weeks after the meeting; the date field starts there.
  if (!prefilled && question.type === "date" && question.prefill === "evaluation") {
    prefilled = calendarOf(view.school).addSchoolDays(view.today, view.settings.routine.evaluationAfterSchoolDays);
  }
  return {
    id: question.id,
    type: question.type,
    label: t(`question.${question.id}.label` as MessageKey),
    required: question.required,
    requiredMessage: t("problem.required"),
    choices: options.map((option) => ({ title: t(`option.${question.id}.${option}` as MessageKey), value: option })),
    value: prefilled,
    maxLength: question.type === "text" ? question.maxLength : SHORT_NOTE,
    hint: question.type === "text" ? t("hint.shortNote") : "",
    problem: problem ? t(`problem.${problem.problem}`) : "",
  };
}

export type TaskCardKind = "task" | "reminder" | "last-reminder" | "snooze-ended";

/** The numbers above the questions: the absence before a return, or attendance before and since the measures. */
function taskNumbers(view: CaseView): string {
  const t = translator(view.locale);
  const { absenceCase, measuresEffect: effect } = view;
  const returned = absenceCase.returned;
  if (absenceCase.current?.task === "return" && returned) {
    const { stretch } = returned;
    return t("card.return.stretch", {
      absent: stretch.schoolDaysAbsent,
      days: stretch.schoolDays,
      from: formatDate(view.locale, stretch.from),
      to: formatDate(view.locale, stretch.to),
      on: formatDate(view.locale, returned.on),
    });
  }
  if (!effect) return "";
  return t("card.evaluation.numbers", {
    before: formatNumber(view.locale, effect.before.absentPercent),
    beforeDays: effect.before.schoolDays,
    after: formatNumber(view.locale, effect.after.absentPercent),
    afterDays: effect.after.schoolDays,
    since: formatDate(view.locale, effect.since),
  });
}

/** The card asking the current task's questions (also as a reminder), or again with what was missing. */
export function taskCard(view: CaseView, kind: TaskCardKind = "task", retry?: { problems: AnswerProblem[]; values: Record<string, unknown> }, note?: string): AdaptiveCard {
  const t = translator(view.locale);
  const { absenceCase, pupil } = view;
  const task = absenceCase.current;
  if (!task) return answeredCard(view, absenceCase.done[absenceCase.done.length - 1]);
  const data = { caseId: absenceCase.caseId, schoolId: absenceCase.schoolId, serial: task.serial, ...(view.backToList ? { fromBundle: true } : {}) };
  const dueOn = formatDate(view.locale, task.dueOn);
  const snoozed = absenceCase.snoozed?.serial === task.serial ? absenceCase.snoozed : undefined;
  const resting = activeSnooze(absenceCase, view.today);
  let banner = "";
  if (retry) banner = t("card.followUp.problems");
  else if (note) banner = note;
  else if (kind === "snooze-ended" && snoozed) banner = t("card.banner.snooze-ended", { reason: t(`snooze.reason.${snoozed.reason}`), dueOn });
  else if (kind === "reminder") banner = t("card.banner.reminder", { dueOn });
  else if (kind === "last-reminder") banner = t("card.banner.last-reminder");
  else if (resting) banner = t("card.banner.snoozed", { until: formatDate(view.locale, resting.until), reason: t(`snooze.reason.${resting.reason}`) });
  const snoozeData = { ...data, view: "snooze" };
  return expand(taskTemplate, {
    title: t(`card.title.${kind}`, { name: pupil.name, group: pupil.group }),
    ...header(view, task.step, task.task),
    numbers: taskNumbers(view),
    trend: view.measuresEffect && view.measuresEffect.weeks.length > 1 ? t("card.evaluation.weeks", { bars: attendanceBars(view.measuresEffect.weeks) }) : "",
    banner,
    bannerColor: resting && !retry && !note ? "Good" : "Attention",
    intro: task.task === "evaluation" && absenceCase.returned ? t("intro.evaluation.return", { on: formatDate(view.locale, absenceCase.returned.on) }) : t(`intro.${task.task}` as MessageKey),
    questions: ROUTINE[task.task].questions.map((question) => {
      const value = retry?.values[question.id];
      return questionModel(question, view, typeof value === "string" ? value : "", retry?.problems.find((problem) => problem.questionId === question.id));
    }),
    due: t("card.due", { dueOn }),
    submitTitle: t("card.followUp.submit"),
    verb: TASK_VERB,
    data,
    submitData: { ...data, verb: TASK_VERB },
    snoozable: whyNotSnoozable(absenceCase, view.today) === undefined,
    snoozeTitle: t("card.snooze.open"),
    snoozeVerb: TASK_VIEW_VERB,
    snoozeData,
    snoozeSubmitData: { ...snoozeData, verb: TASK_VIEW_VERB },
    ...backToList(view),
  });
}

/** The verb of the way back from a pupil's card to the teacher's list of pupils waiting for an answer. */
export const BUNDLE_VERB = "bundle.show";

/** The button back to the list, on a card opened from it. */
function backToList(view: CaseView) {
  const title = view.backToList ? translator(view.locale)("bundle.back") : "";
  return { backTitle: title, backVerb: BUNDLE_VERB, backData: {}, backSubmitData: { verb: BUNDLE_VERB } };
}

/** The first day and the last day a task can be put off to, today. */
export function snoozeWindow(view: CaseView): { earliest: IsoDate; latest: IsoDate } {
  const calendar = calendarOf(view.school);
  const latest = latestSnoozeDay(view.today, { calendar, deadlines: taskDeadlines(view.settings.routine), evaluationAfterSchoolDays: view.settings.routine.evaluationAfterSchoolDays });
  return { earliest: calendar.addSchoolDays(view.today, 1), latest };
}

/** What is wrong with a snooze, in the reader's words. */
export function snoozeProblemText(view: CaseView, problem: SnoozeProblem): string {
  const t = translator(view.locale);
  switch (problem.problem) {
    case "required":
    case "invalid-option":
    case "invalid-date":
      return t(`problem.${problem.problem}`);
    case "beyond-period":
      return t("snooze.problem.beyond-period", { latest: formatDate(view.locale, snoozeWindow(view).latest) });
    default:
      return t(`snooze.problem.${problem.problem}`);
  }
}

/** The form that puts the current task off: why, and the day to be reminded on; or again with what was wrong. */
export function snoozeCard(view: CaseView, retry?: { problems: SnoozeProblem[]; values: { snoozeReason?: string | undefined; snoozeUntil?: string | undefined } }): AdaptiveCard {
  const t = translator(view.locale);
  const { absenceCase, pupil } = view;
  const task = absenceCase.current;
  if (!task) return answeredCard(view, absenceCase.done[absenceCase.done.length - 1]);
  const data = { caseId: absenceCase.caseId, schoolId: absenceCase.schoolId, serial: task.serial };
  const backData = { ...data, view: "questions" };
  const { earliest, latest } = snoozeWindow(view);
  const problemOf = (field: SnoozeProblem["field"]) => {
    const problem = retry?.problems.find((candidate) => candidate.field === field);
    return problem ? snoozeProblemText(view, problem) : "";
  };
  return expand(snoozeTemplate, {
    title: t("card.snooze.title", { name: pupil.name, group: pupil.group }),
    subtitle: header(view, task.step, task.task).subtitle,
    banner: retry ? t("card.snooze.problems") : "",
    intro: t("card.snooze.intro"),
    reasonLabel: t("card.snooze.reason"),
    reasons: SNOOZE_REASONS.map((reason) => ({ title: t(`snooze.reason.${reason}`), value: reason })),
    reason: retry?.values.snoozeReason ?? "",
    reasonProblem: problemOf("snoozeReason"),
    untilLabel: t("card.snooze.until"),
    until: retry?.values.snoozeUntil ?? "",
    untilProblem: problemOf("snoozeUntil"),
    requiredMessage: t("problem.required"),
    earliest,
    latest,
    limit: t("card.snooze.latest", { latest: formatDate(view.locale, latest) }),
    submitTitle: t("card.snooze.submit"),
    verb: SNOOZE_VERB,
    data,
    submitData: { ...data, verb: SNOOZE_VERB },
    backTitle: t("card.snooze.answerNow"),
    backVerb: TASK_VIEW_VERB,
    backData,
    backSubmitData: { ...backData, verb: TASK_VIEW_VERB },
  });
}

function answerText(question: Question, value: string | undefined, locale: Locale): string {
  const t = translator(locale);
  if (value === undefined || value === "") return t("card.answered.none");
  if (question.type === "choice") return t(`option.${question.id}.${value}` as MessageKey);
  if (question.type === "multi") return value.split(",").map((option) => t(`option.${question.id}.${option}` as MessageKey)).join(", ");
  if (question.type === "date") return formatDate(locale, value);
  return value;
}

/** What happens next, in a line, after a task is answered. */
function nextStep(view: CaseView): string {
  const t = translator(view.locale);
  const { absenceCase } = view;
  if (absenceCase.stage === "closed") return t("next.closed");
  const current = absenceCase.current;
  if (current?.task === "evaluation") return t("next.evaluation", { date: formatDate(view.locale, current.openedOn) });
  if (current) return t("next.task", { task: t(`task.${current.task}` as MessageKey) });
  const last = absenceCase.done[absenceCase.done.length - 1];
  if (last?.task === "referral" && last.answers?.consent === "given") return t("next.referred");
  return t("next.monitoring");
}

/** The read-only version once a task is answered: the answers, who answered when, and what happens next. */
export function answeredCard(view: CaseView, task: TaskState | undefined): AdaptiveCard {
  const t = translator(view.locale);
  const { pupil } = view;
  const questions = task ? ROUTINE[task.task].questions : [];
  const card = expand(answeredTemplate, {
    title: t("card.answered.title", { name: pupil.name, group: pupil.group }),
    ...header(view, task?.step ?? view.absenceCase.step, task?.task ?? "follow-up"),
    facts: questions
      .filter((question) => task?.answers?.[question.id] !== undefined || question.required)
      .map((question) => ({ title: t(`question.${question.id}.label` as MessageKey), value: answerText(question, task?.answers?.[question.id], view.locale) })),
    meta: t("card.answered.meta", { at: task?.answeredAt ? formatDateTime(view.locale, task.answeredAt, view.timeZone) : "", next: nextStep(view) }),
    ...backToList(view),
  });
  // Read-only unless it leads back to the list: no empty action bar.
  if (Array.isArray(card.actions) && card.actions.length === 0) delete card.actions;
  return card;
}

function teachersText(view: CaseView): string {
  return view.teacherNames.length > 0 ? view.teacherNames.join(", ") : translator(view.locale)("teacher.unknown");
}

/** To each of the school's leaders when the deadline of a task has passed unanswered. */
export function escalationCard(view: CaseView, task: TaskState, schoolDaysSinceSent: number): AdaptiveCard {
  const t = translator(view.locale);
  const { pupil, school } = view;
  const waiting = t("card.escalated.waiting", {
    teachers: teachersText(view),
    task: t(`task.${task.task}` as MessageKey),
    dueOn: formatDate(view.locale, task.dueOn),
    openedOn: formatDate(view.locale, task.openedOn),
    days: schoolDaysSinceSent,
  });
  return expand(noticeTemplate, {
    title: t("card.escalated.title", { name: pupil.name, group: pupil.group, school: school.name }),
    color: "Attention",
    ...header(view, task.step, task.task),
    paragraphs: [waiting, t("card.escalated.action")],
    facts: [],
  });
}

/** To the school's leaders when the contact teacher cannot be reached in Teams: the case must not go nowhere. */
export function unreachableCard(view: CaseView): AdaptiveCard {
  const t = translator(view.locale);
  const { pupil, school, absenceCase } = view;
  const task = absenceCase.current?.task ?? "follow-up";
  return expand(noticeTemplate, {
    title: t("card.unreachable.title", { name: pupil.name, group: pupil.group, school: school.name }),
    color: "Attention",
    ...header(view, absenceCase.step, task),
    paragraphs: [t("card.unreachable.body", { teacher: teachersText(view), task: t(`task.${task}` as MessageKey) }), t("card.escalated.action")],
    facts: [],
  });
}

/** The case summary for the school's resource team, posted in its channel once the guardians consented. */
export function referralCard(view: CaseView): AdaptiveCard {
  const t = translator(view.locale);
  const { pupil, school, absenceCase } = view;
  const referral = [...absenceCase.done].reverse().find((task) => task.task === "referral");
  const meeting = [...absenceCase.done].reverse().find((task) => task.task === "meeting");
  const paragraphs = [t("card.referral.consent")];
  if (meeting?.answers?.measures && absenceCase.measuresStartedOn) {
    paragraphs.push(t("card.referral.measures", { measures: meeting.answers.measures, since: formatDate(view.locale, absenceCase.measuresStartedOn) }));
  }
  if (referral?.answers?.referralSummary) paragraphs.push(t("card.referral.summary", { summary: referral.answers.referralSummary }));
  const facts = absenceCase.done
    .filter((task) => task.answers)
    .flatMap((task) =>
      ROUTINE[task.task].questions
        .filter((question) => question.type !== "text" && task.answers?.[question.id])
        .map((question) => ({ title: t(`question.${question.id}.label` as MessageKey), value: answerText(question, task.answers?.[question.id], view.locale) })),
    );
  return expand(noticeTemplate, {
    title: t("card.referral.title", { name: pupil.name, group: pupil.group, school: school.name }),
    color: "Accent",
    ...header(view, 3, "referral"),
    paragraphs,
    facts,
  });
}

/** A list card: facts at the top, then sections of rows (used by digests and "my cases"). */
export interface ListModel {
  title: string;
  subtitle: string;
  facts: { title: string; value: string }[];
  sections: { heading: string; rows: { title: string; detail: string }[]; empty: string }[];
  footer: string;
}

/** A list as one card; `pager` are the buttons to other pages of it, if any. */
export function listCard(model: ListModel, pager: { title: string; verb: string; data: object; submitData: object }[] = []): AdaptiveCard {
  const card = expand(listTemplate, { ...model, pager });
  if (Array.isArray(card.actions) && card.actions.length === 0) delete card.actions;
  return card;
}

/** Teams refuses messages over about 80 KB (28 KB through some clients); a page stays well below, and below a length a phone can scroll. */
export const PAGE_BYTES = 24_000;
const PAGE_ROWS = 40;

/** The sections of a long list spread over pages that each fit in a Teams message, rows in the list's order. */
function listPages(model: ListModel): ListModel["sections"][] {
  const rows = model.sections.flatMap((section) => [{ heading: section.heading, empty: section.empty, row: undefined as ListModel["sections"][number]["rows"][number] | undefined }, ...section.rows.map((row) => ({ heading: section.heading, empty: "", row }))]);
  const pages: ListModel["sections"][] = [];
  let page: ListModel["sections"] = [];
  // The facts and the title come on the first page; the buttons on every page.
  let size = Buffer.byteLength(JSON.stringify(model.facts)) + 2_000;
  let count = 0;
  for (const item of rows) {
    const itemSize = Buffer.byteLength(JSON.stringify(item)) + 200;
    if (item.row && (size + itemSize > PAGE_BYTES || count >= PAGE_ROWS)) {
      pages.push(page);
      page = [];
      size = 2_000;
      count = 0;
    }
    let section = page[page.length - 1];
    if (!section || section.heading !== item.heading) {
      section = { heading: item.heading, rows: [], empty: "" };
      page.push(section);
    }
    if (item.row) {
      section.rows.push(item.row);
      count += 1;
    } else if (item.empty && (model.sections.find((candidate) => candidate.heading === item.heading)?.rows.length ?? 0) === 0) {
      section.empty = item.empty;
    }
    size += itemSize;
  }
  pages.push(page);
  return pages;
}

/** The verb of a list's page buttons («Vis flere», «Forrige side»): the data says which list and which page. */
export const LIST_PAGE_VERB = "list.page";

/**
 * One page of a long list as one message, with buttons to the next and the previous page (the card is replaced,
 * not added to). A page past the end shows the last page. A list that fits on one page has no buttons.
 */
export function browsableListCard(model: ListModel, input: { page: number; locale: Locale; data: (page: number) => object }): AdaptiveCard {
  const t = translator(input.locale);
  const pages = listPages(model);
  const page = Math.min(Math.max(1, Math.floor(input.page)), pages.length);
  const button = (title: string, target: number) => ({ title, verb: LIST_PAGE_VERB, data: input.data(target), submitData: { ...input.data(target), verb: LIST_PAGE_VERB } });
  const pager = [...(page > 1 ? [button(t("list.previous"), page - 1)] : []), ...(page < pages.length ? [button(t("list.more"), page + 1)] : [])];
  const card = listCard(
    {
      ...model,
      subtitle: pages.length > 1 ? [model.subtitle, t("list.page", { page, pages: pages.length })].filter(Boolean).join(" · ") : model.subtitle,
      facts: page === 1 ? model.facts : [],
      sections: pages[page - 1] ?? [],
    },
    pager,
  );
  return card;
}

/** An alert for the coordinators, e.g. a teacher who cannot be reached. */
export function alertCard(title: string, body: string): AdaptiveCard {
  return expand(noticeTemplate, { title, color: "Warning", subtitle: "", reasons: [], paragraphs: [body], facts: [] });
}


/** A proposed change of the settings with what it would do, and Confirm / Cancel. */
export function proposalCard(model: { title: string; lines: string[]; note: string; confirm: string; cancel: string; data: object; confirmVerb: string; cancelVerb: string }): AdaptiveCard {
  return expand(proposalTemplate, { ...model, confirmData: { ...model.data, verb: model.confirmVerb }, cancelData: { ...model.data, verb: model.cancelVerb } });
}

/** A short text as a card, e.g. the answer to a confirmation that replaces the proposal. */
export function textCard(title: string, lines: string[] = []): AdaptiveCard {
  return expand(noticeTemplate, { title, color: "Default", subtitle: "", reasons: [], paragraphs: lines, facts: [] });
}
