import type { AbsenceCase } from "../domain/cases";
import type { Store } from "./index";

/**
 * Writes a case's pending notices to the outbox, then clears them on the case. A crash in between leaves them
 * pending on the stored case; the next hand-over writes them again, and the outbox ignores what it already has.
 * Returns how many messages were added and the case's new version.
 */
export async function handOverNotices(store: Store, absenceCase: AbsenceCase, etag: string, now: Date): Promise<{ queued: number; etag: string }> {
  if (absenceCase.pendingNotices.length === 0) return { queued: 0, etag };
  let queued = 0;
  for (const notice of absenceCase.pendingNotices) {
    const added = await store.outbox.enqueue(
      { kind: notice.kind, subject: absenceCase.caseId, serial: notice.serial, schoolId: absenceCase.schoolId, recipientId: notice.recipientId, notBefore: notice.deliverFrom },
      now,
    );
    if (added) queued += 1;
  }
  const newEtag = await store.cases.update({ ...absenceCase, pendingNotices: [] }, etag);
  return { queued, etag: newEtag };
}
