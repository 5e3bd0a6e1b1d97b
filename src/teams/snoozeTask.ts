import { z } from "zod";
import { withAuditNote } from "../domain/cases";
import { localInstant, nextDeliveryTime } from "../domain/delivery";
import { calendarOf } from "../domain/organisation";
import { CardSubmitSchema } from "../domain/routine";
import { taskDeadlines } from "../domain/settings";
import { snooze } from "../domain/snooze";
import { translator } from "../i18n";
import { handOverNotices } from "../store/caseNotices";
import { StaleCaseError } from "../store/caseRepository";
import { snoozeCard, snoozeProblemText, taskCard, type AdaptiveCard } from "./cards";
import { currentTaskFor, type CardInput, type CardDeps } from "./currentTask";


/** A field of a card that is not text counts as empty: the card comes back saying what is missing. */
const cardText = z.string().max(40).optional().catch(undefined);
const SnoozeSubmitSchema = CardSubmitSchema.extend({ snoozeReason: cardText, snoozeUntil: cardText });
const ViewSubmitSchema = CardSubmitSchema.extend({ view: z.enum(["questions", "snooze"]), fromBundle: z.boolean().optional().catch(undefined) });

/** "Remind me later ..." and "Answer now instead": the current task's snooze form, or its questions. */
export async function showTask(deps: CardDeps, input: CardInput): Promise<AdaptiveCard | string> {
  const submit = ViewSubmitSchema.safeParse(input.data);
  if (!submit.success) {
    await deps.store.audit.record({ at: deps.clock.now().toISOString(), actor: input.userId ?? "unknown", action: "case.view", subject: "", after: { why: "invalid submit" }, outcome: "refused" });
    return translator(input.locale)("answer.invalid");
  }
  const found = await currentTaskFor(deps, input, submit.data, "case.view");
  if ("reply" in found) return found.reply;
  const view = { ...found.view, backToList: submit.data.fromBundle === true };
  return submit.data.view === "snooze" ? snoozeCard(view) : taskCard(view);
}

/**
 * A contact teacher puts the current task off until a date ("I am already following this up"). Returns the task
 * card with the snooze on it (the teacher can still answer now), the form again with what was wrong, or a short
 * message when the snooze is refused.
 */
export async function snoozeTask(deps: CardDeps, input: CardInput): Promise<AdaptiveCard | string> {
  const { store, clock, logger } = deps;
  const submit = SnoozeSubmitSchema.safeParse(input.data);
  if (!submit.success) {
    await store.audit.record({ at: clock.now().toISOString(), actor: input.userId ?? "unknown", action: "case.snooze", subject: "", after: { why: "invalid submit" }, outcome: "refused" });
    return translator(input.locale)("answer.invalid");
  }
  const values = { snoozeReason: submit.data.snoozeReason, snoozeUntil: submit.data.snoozeUntil };

  for (let attempt = 0; attempt < 3; attempt += 1) {
    const found = await currentTaskFor(deps, input, submit.data, "case.snooze");
    if ("reply" in found) return found.reply;
    const { stored, view, userId } = found;
    const calendar = calendarOf(view.school);
    const { routine: settings } = view.settings;
    const result = snooze(stored.value, {
      until: values.snoozeUntil ?? "",
      reason: values.snoozeReason ?? "",
      by: userId,
      now: clock.now(),
      today: view.today,
      routine: { calendar, deadlines: taskDeadlines(settings), evaluationAfterSchoolDays: settings.evaluationAfterSchoolDays },
      deliverFrom: (date) => nextDeliveryTime({ now: localInstant(date, "00:00", view.timeZone), calendar, timeZone: view.timeZone, hours: settings.deliveryHours }).toISOString(),
    });
    if (!result.ok) {
      const taskProblem = result.problems.find((problem) => problem.field === "task");
      return taskProblem ? taskCard(view, "task", undefined, snoozeProblemText(view, taskProblem)) : snoozeCard(view, { problems: result.problems, values });
    }
    // The audit entry is written with the case's notices: a crash in between leaves it on the case for the next run.
    const snoozed = withAuditNote(result.absenceCase, {
      at: clock.now().toISOString(),
      actor: userId,
      action: "case.snoozed",
      before: { task: stored.value.current?.task, dueOn: stored.value.current?.dueOn },
      after: { task: result.absenceCase.current?.task, dueOn: result.absenceCase.current?.dueOn, until: result.absenceCase.snoozed?.until, reason: result.absenceCase.snoozed?.reason },
    });
    let etag: string;
    try {
      etag = await store.cases.update(snoozed, stored.etag);
    } catch (error) {
      if (error instanceof StaleCaseError) continue;
      throw error;
    }
    await handOverNotices(store, snoozed, etag, clock.now());
    logger.info({ caseId: snoozed.caseId, until: snoozed.snoozed?.until }, "task snoozed");
    return taskCard({ ...view, absenceCase: { ...snoozed, pendingNotices: [], pendingAudit: undefined } });
  }
  return translator(input.locale)("answer.invalid");
}
