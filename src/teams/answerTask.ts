import type { Clock } from "../clock";
import { answerTask as answerCaseTask, decisionProblems, withAuditNote, type AbsenceCase } from "../domain/cases";
import { localInstant, nextDeliveryTime } from "../domain/delivery";
import { calendarOf } from "../domain/organisation";
import { CardSubmitSchema, checkAnswers, ROUTINE } from "../domain/routine";
import { taskDeadlines } from "../domain/settings";
import { translator, type Locale } from "../i18n";
import type { Logger } from "../log";
import type { Store } from "../store";
import { handOverNotices } from "../store/caseNotices";
import { StaleCaseError } from "../store/caseRepository";
import { answeredCard, taskCard, type AdaptiveCard } from "./cards";
import { currentTaskFor } from "./currentTask";

/**
 * A contact teacher's answer to a task card. Returns the card that replaces the one answered, or a short message
 * when the answer is refused. Only the pupil's contact teacher may answer; a second click, or an answer to a
 * card of an earlier task, changes nothing.
 */
export async function answerTask(
  deps: { store: Store; clock: Clock; logger: Logger },
  input: { userId: string | undefined; data: unknown; locale: Locale },
): Promise<AdaptiveCard | string> {
  const { store, clock, logger } = deps;
  const t = translator(input.locale);
  const refuse = async (subject: string, why: string) => {
    await store.audit.record({ at: clock.now().toISOString(), actor: input.userId ?? "unknown", action: "case.answer", subject, after: { why }, outcome: "refused" });
  };
  const submit = CardSubmitSchema.safeParse(input.data);
  if (!submit.success) {
    await refuse("", "invalid submit");
    return t("answer.invalid");
  }
  const { caseId } = submit.data;

  for (let attempt = 0; attempt < 3; attempt += 1) {
    const found = await currentTaskFor(deps, input, submit.data, "case.answer");
    if ("reply" in found) return found.reply;
    const { stored, userId, current } = found;
    // Opened from the teacher's list of pupils: the answered card leads back to it.
    const view = { ...found.view, backToList: (input.data as { fromBundle?: unknown }).fromBundle === true };

    const checked = checkAnswers(ROUTINE[current.task], submit.data, view.today);
    if (!checked.ok) return taskCard(view, "task", { problems: checked.problems, values: submit.data });
    const refused = decisionProblems(stored.value, checked.answers);
    if (refused.length > 0) return taskCard(view, "task", { problems: refused, values: submit.data });

    const calendar = calendarOf(view.school);
    const hours = view.settings.routine.deliveryHours;
    const next: AbsenceCase = answerCaseTask(stored.value, {
      answers: checked.answers,
      answeredBy: userId,
      now: clock.now(),
      today: view.today,
      routine: { calendar, deadlines: taskDeadlines(view.settings.routine), evaluationAfterSchoolDays: view.settings.routine.evaluationAfterSchoolDays },
      resourceTeamId: view.school.resourceTeam?.channelId,
      evaluationDeliverFrom: (date) => nextDeliveryTime({ now: localInstant(date, "00:00", view.timeZone), calendar, timeZone: view.timeZone, hours }).toISOString(),
    });
    // The audit entry is written with the case's notices: a crash in between leaves it on the case for the next run.
    const answered = withAuditNote(next, {
      at: clock.now().toISOString(),
      actor: userId,
      action: `case.answer.${current.task}`,
      before: { stage: stored.value.stage, step: stored.value.step, task: current.task },
      after: { stage: next.stage, step: next.step, task: next.current?.task, answers: checked.answers },
    });
    let etag: string;
    try {
      etag = await store.cases.update(answered, stored.etag);
    } catch (error) {
      if (error instanceof StaleCaseError) continue;
      throw error;
    }
    await handOverNotices(store, answered, etag, clock.now());
    logger.info({ caseId, task: current.task }, "task answered");
    return answeredCard({ ...view, absenceCase: answered }, answered.done[answered.done.length - 1]);
  }
  return t("answer.invalid");
}
