import type { Clock } from "../clock";
import type { TaskState } from "../domain/cases";
import { isContactTeacherOf } from "../domain/roster";
import { translator, type Locale } from "../i18n";
import type { Logger } from "../log";
import type { Store } from "../store";
import type { StoredCase } from "../store/caseRepository";
import { answeredCard, type AdaptiveCard } from "./cards";
import { loadCaseView, type CaseView } from "./caseView";

export type CardDeps = { store: Store; clock: Clock; logger: Logger };
export type CardInput = { userId: string | undefined; data: unknown; locale: Locale };

/**
 * The case and card behind a submit, if the user may act on it: only the pupil's contact teacher, and only on the
 * card of the task waiting now. Anything else is the reply (a refusal, or the answered card of an earlier task).
 */
export async function currentTaskFor(
  deps: CardDeps,
  input: CardInput,
  submit: { caseId: string; schoolId: string; serial: number },
  action: string,
): Promise<{ stored: StoredCase; view: CaseView; userId: string; current: TaskState } | { reply: AdaptiveCard | string }> {
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
  return { stored, view, userId, current };
}

