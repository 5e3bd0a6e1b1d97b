import { z } from "zod";
import type { Clock } from "../clock";
import { localInstant, nextDeliveryTime } from "../domain/delivery";
import { calendarOf } from "../domain/organisation";
import { isContactTeacherOf } from "../domain/roster";
import { CardSubmitSchema } from "../domain/routine";
import { taskDeadlines } from "../domain/settings";
import { snooze } from "../domain/snooze";
import { translator, type Locale } from "../i18n";
import type { Logger } from "../log";
import type { Store } from "../store";
import { handOverNotices } from "../store/caseNotices";
import { StaleCaseError, type StoredCase } from "../store/caseRepository";
import { answeredCard, snoozeCard, snoozeProblemText, taskCard, type AdaptiveCard } from "./cards";
import { loadCaseView, type CaseView } from "./caseView";

type Deps = { store: Store; clock: Clock; logger: Logger };
type Input = { userId: string | undefined; data: unknown; locale: Locale };

/** A field of a card that is not text counts as empty: the card comes back saying what is missing. */
const cardText = z.string().max(40).optional().catch(undefined);
const SnoozeSubmitSchema = CardSubmitSchema.extend({ snoozeReason: cardText, snoozeUntil: cardText });
const ViewSubmitSchema = CardSubmitSchema.extend({ view: z.enum(["questions", "snooze"]), fromBundle: z.boolean().optional().catch(undefined) });

/**
 * The case and card behind a submit, if the user may act on it: only the pupil's contact teacher, and only on the
 * card of the task waiting now. Anything else is the reply (a refusal, or the answered card of an earlier task).
 */
async function currentTaskFor(
  deps: Deps,
  input: Input,
  submit: { caseId: string; schoolId: string; serial: number },
  action: string,
): Promise<{ stored: StoredCase; view: CaseView; userId: string } | { reply: AdaptiveCard | string }> {
  const { store, clock, logger } = deps;
  const t = translator(input.locale);
  const refuse = async (why: string) => {
    await store.audit.record({ at: clock.now().toISOString(), actor: input.userId ?? "unknown", action, subject: submit.caseId, after: { why }, outcome: "refused" });
  };
  const stored = await store.cases.get(submit.schoolId, submit.caseId);
  const view = stored && (await loadCaseView(store, stored, input.locale, clock.now()));
  if (!stored || !view) {
    await refuse("no such case");
    return { reply: t("answer.caseNotFound") };
  }
  const userId = input.userId;
  if (!userId || !isContactTeacherOf(view.pupil, userId)) {
    await refuse("not the pupil's contact teacher");
    logger.warn({ caseId: submit.caseId }, `${action} refused: not the pupil's contact teacher`);
    return { reply: t("answer.refused") };
  }
  const current = stored.value.current;
  if (!current || current.serial !== submit.serial) {
    const earlier = stored.value.done.find((task) => task.serial === submit.serial && task.answeredAt);
    return { reply: earlier ? answeredCard(view, earlier) : t("answer.outdated") };
  }
  return { stored, view, userId };
}

/** "Remind me later ..." and "Answer now instead": the current task's snooze form, or its questions. */
export async function showTask(deps: Deps, input: Input): Promise<AdaptiveCard | string> {
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
export async function snoozeTask(deps: Deps, input: Input): Promise<AdaptiveCard | string> {
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
    const snoozed = result.absenceCase;
    let etag: string;
    try {
      etag = await store.cases.update(snoozed, stored.etag);
    } catch (error) {
      if (error instanceof StaleCaseError) continue;
      throw error;
    }
    await store.audit.record({
      at: clock.now().toISOString(),
      actor: userId,
      action: "case.snoozed",
      subject: stored.value.caseId,
      before: { task: stored.value.current?.task, dueOn: stored.value.current?.dueOn },
      after: { task: snoozed.current?.task, dueOn: snoozed.current?.dueOn, until: snoozed.snoozed?.until, reason: snoozed.snoozed?.reason },
      outcome: "done",
    });
    await handOverNotices(store, snoozed, etag, clock.now());
    logger.info({ caseId: snoozed.caseId, until: snoozed.snoozed?.until }, "task snoozed");
    return taskCard({ ...view, absenceCase: { ...snoozed, pendingNotices: [] } });
  }
  return translator(input.locale)("answer.invalid");
}
