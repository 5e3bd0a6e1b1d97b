import { hasPendingWork, type AbsenceCase } from "../domain/cases";
import type { Store } from "./index";

/**
 * Writes a case's pending audit entries to the trail and its pending notices to the outbox, then clears both on the
 * case. A crash in between leaves them pending on the stored case; the next hand-over (the next night's run, or an
 * answer) writes them again, and the trail and the outbox ignore what they already have.
 * Returns how many messages were added and the case's new version.
 */
export async function handOverNotices(store: Store, absenceCase: AbsenceCase, etag: string, now: Date): Promise<{ queued: number; etag: string }> {
  if (!hasPendingWork(absenceCase)) return { queued: 0, etag };
  for (const note of absenceCase.pendingAudit ?? []) {
    await store.audit.record({ ...note, subject: absenceCase.caseId, outcome: "done", key: `${absenceCase.caseId}|${note.action}` });
  }
  let queued = 0;
  for (const notice of absenceCase.pendingNotices) {
    const added = await store.outbox.enqueue(
      { kind: notice.kind, subject: absenceCase.caseId, serial: notice.serial, schoolId: absenceCase.schoolId, recipientId: notice.recipientId, notBefore: notice.deliverFrom },
      now,
    );
    if (added) queued += 1;
  }
  const newEtag = await store.cases.update({ ...absenceCase, pendingNotices: [], pendingAudit: undefined }, etag);
  return { queued, etag: newEtag };
}
