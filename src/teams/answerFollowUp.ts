import { z } from "zod";
import type { Clock } from "../clock";
import { recordAnswer } from "../domain/cases";
import { dateInZone } from "../domain/dates";
import { isContactTeacherOf } from "../domain/roster";
import { checkAnswers, FOLLOW_UP_STEP } from "../domain/routine";
import { translator, type Locale } from "../i18n";
import type { Logger } from "../log";
import type { Store } from "../store";
import { StaleCaseError } from "../store/caseRepository";
import { answeredCard, followUpCard, type AdaptiveCard } from "./cards";
import { loadCaseView } from "./caseView";

const FollowUpSubmitSchema = z.object({ caseId: z.string().uuid(), schoolId: z.string().min(1).max(100) }).passthrough();

/**
 * A contact teacher's answer to step 1. Returns the card that replaces the one answered, or a short message when
 * the answer is refused. Only the pupil's contact teacher may answer; an answer to a case already answered
 * changes nothing and shows the answered card again.
 */
export async function answerFollowUp(
  deps: { store: Store; clock: Clock; logger: Logger },
  input: { userId: string | undefined; data: unknown; locale: Locale },
): Promise<AdaptiveCard | string> {
  const { store, clock, logger } = deps;
  const t = translator(input.locale);
  const submit = FollowUpSubmitSchema.safeParse(input.data);
  if (!submit.success) return t("answer.invalid");
  const { caseId, schoolId } = submit.data;

  for (let attempt = 0; attempt < 3; attempt += 1) {
    const stored = await store.cases.get(schoolId, caseId);
    const view = stored && (await loadCaseView(store, stored, input.locale));
    if (!stored || !view) return t("answer.caseNotFound");

    if (!isContactTeacherOf(view.pupil, input.userId)) {
      await store.audit.record({ at: clock.now().toISOString(), actor: input.userId ?? "unknown", action: "case.answer", subject: caseId, outcome: "refused" });
      logger.warn({ caseId }, "answer refused: not the pupil's contact teacher");
      return t("answer.refused");
    }
    if (stored.value.stage !== "awaiting-answer") return answeredCard(view);

    const checked = checkAnswers(FOLLOW_UP_STEP, submit.data, dateInZone(clock.now(), view.timeZone));
    if (!checked.ok) return followUpCard(view, { problems: checked.problems, values: submit.data });

    const answered = recordAnswer(stored.value, checked.answers, input.userId as string, clock.now());
    try {
      await store.cases.update(answered, stored.etag);
    } catch (error) {
      if (error instanceof StaleCaseError) continue;
      throw error;
    }
    await store.audit.record({
      at: clock.now().toISOString(),
      actor: input.userId as string,
      action: "case.answer",
      subject: caseId,
      before: { stage: stored.value.stage },
      after: { stage: answered.stage, answers: answered.answers },
      outcome: "done",
    });
    logger.info({ caseId }, "case answered");
    return answeredCard({ ...view, absenceCase: answered });
  }
  return t("answer.invalid");
}
