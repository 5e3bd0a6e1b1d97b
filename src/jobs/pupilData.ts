import type { Clock } from "../clock";
import type { PupilDay } from "../domain/absence";
import type { AbsenceCase } from "../domain/cases";
import { addDays, type IsoDate } from "../domain/dates";
import type { Pupil } from "../domain/roster";
import type { Store } from "../store";
import type { AuditEntry } from "../store/auditTrail";
import type { OutboxMessage } from "../store/outbox";

/** Everything stored about one pupil: what a guardian or the pupil gets when they ask for access. */
export interface PupilExport {
  exportedAt: string;
  pupil: Pupil;
  absenceDays: PupilDay[];
  cases: AbsenceCase[];
  messages: Pick<OutboxMessage, "kind" | "recipientId" | "status" | "createdAt">[];
  auditTrail: AuditEntry[];
}

async function findPupil(store: Store, pupilId: string, schoolIds: readonly string[]): Promise<Pupil | undefined> {
  for (const schoolId of schoolIds) {
    const pupil = await store.pupils.get(schoolId, pupilId);
    if (pupil) return pupil;
  }
  return undefined;
}

/** Everything stored about a pupil of one of the given schools, or undefined when there is no such pupil. */
export async function exportPupil(store: Store, clock: Clock, pupilId: string, schoolIds: readonly string[]): Promise<PupilExport | undefined> {
  const pupil = await findPupil(store, pupilId, schoolIds);
  if (!pupil) return undefined;
  const cases = (await store.cases.listSchool(pupil.schoolId)).map((stored) => stored.value).filter((value) => value.pupilId === pupilId);
  const caseIds = new Set(cases.map((value) => value.caseId));
  const messages = (await store.outbox.list())
    .filter((message) => [...caseIds].some((caseId) => message.subject === caseId || message.subject.includes(`:${caseId}`)))
    .map(({ kind, recipientId, status, createdAt }) => ({ kind, recipientId, status, createdAt }));
  const auditTrail = (await store.audit.list()).filter((entry) => caseIds.has(entry.subject) || entry.subject === `pupil:${pupilId}`);
  return { exportedAt: clock.now().toISOString(), pupil, absenceDays: await store.absence.listPupil(pupil.schoolId, pupilId), cases, messages, auditTrail };
}

export interface Erased {
  cases: number;
  absenceDays: number;
  messages: number;
}

/** Deletes cases, the messages about them, and what the audit trail copied of their answers; one pass each. */
async function eraseCases(store: Store, cases: readonly AbsenceCase[]): Promise<number> {
  const caseIds = new Set(cases.map((value) => value.caseId));
  const messages = await store.outbox.deleteSubjects(caseIds);
  await store.audit.eraseContentOf(caseIds);
  for (const absenceCase of cases) await store.cases.delete(absenceCase.schoolId, absenceCase.caseId);
  return messages;
}

/**
 * Erases a pupil (the right to erasure, or a pupil added by mistake): the pupil, every absence day, every case with
 * its answers and messages. The audit trail keeps that it happened and who did it, not what was erased.
 */
export async function erasePupil(store: Store, clock: Clock, pupil: Pupil, actor: string): Promise<Erased> {
  const cases = (await store.cases.listSchool(pupil.schoolId)).map((stored) => stored.value).filter((value) => value.pupilId === pupil.pupilId);
  const messages = await eraseCases(store, cases);
  const absenceDays = await store.absence.deletePupil(pupil.schoolId, pupil.pupilId);
  await store.pupils.delete(pupil.schoolId, pupil.pupilId);
  const erased = { cases: cases.length, absenceDays, messages };
  await store.audit.record({ at: clock.now().toISOString(), actor, action: "pupil.erase", subject: `pupil:${pupil.pupilId}`, after: erased, outcome: "done" });
  return erased;
}

/**
 * The retention period: a case closed more than `days` days ago is deleted with its answers and messages; a pupil
 * who has been off the roster for as long, and has no case left, is deleted with their absence. (A pupil missing
 * from one night's roster by mistake loses nothing.)
 */
export async function applyRetention(store: Store, clock: Clock, input: { today: IsoDate; days: number; schoolIds: readonly string[] }): Promise<{ casesDeleted: number; pupilsDeleted: number }> {
  const cutoff = addDays(input.today, -input.days);
  let casesDeleted = 0;
  let pupilsDeleted = 0;
  const longGone = await store.pupils.listLeftBefore(cutoff);
  for (const schoolId of input.schoolIds) {
    const cases = (await store.cases.listSchool(schoolId)).map((stored) => stored.value);
    const expired = cases.filter((value) => value.stage === "closed" && value.closedOn !== undefined && value.closedOn < cutoff);
    await eraseCases(store, expired);
    casesDeleted += expired.length;
    const kept = new Set(cases.filter((value) => !(value.stage === "closed" && value.closedOn !== undefined && value.closedOn < cutoff)).map((value) => value.pupilId));
    for (const pupil of longGone.filter((candidate) => candidate.schoolId === schoolId)) {
      if (kept.has(pupil.pupilId)) continue;
      await store.absence.deletePupil(schoolId, pupil.pupilId);
      await store.pupils.delete(schoolId, pupil.pupilId);
      pupilsDeleted += 1;
    }
  }
  if (casesDeleted + pupilsDeleted > 0) {
    await store.audit.record({ at: clock.now().toISOString(), actor: "system", action: "retention", subject: cutoff, after: { casesDeleted, pupilsDeleted }, outcome: "done" });
  }
  return { casesDeleted, pupilsDeleted };
}
