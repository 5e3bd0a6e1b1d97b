import type { Clock } from "../clock";
import type { AbsenceCase } from "../domain/cases";
import { addDays, type IsoDate } from "../domain/dates";
import type { Store } from "../store";
import type { SchoolPupilDay } from "../store/absenceRepository";
import type { AuditEntry } from "../store/auditTrail";
import type { OutboxMessage } from "../store/outbox";
import type { StoredPupil } from "../store/pupilRepository";

/** Everything stored about one pupil, at every school they are or were stored under: what a guardian or the pupil gets when they ask for access. */
export interface PupilExport {
  exportedAt: string;
  pupilId: string;
  /** The pupil as the roster lists them now (or as it last did). */
  pupil: StoredPupil;
  /** The pupil's row at each school, the current first: a pupil who moved between schools has one at each. */
  schools: StoredPupil[];
  absenceDays: SchoolPupilDay[];
  cases: AbsenceCase[];
  messages: Pick<OutboxMessage, "kind" | "recipientId" | "status" | "createdAt">[];
  auditTrail: AuditEntry[];
}

/** Where a pupil is stored: their row at each school, and their cases at any school. */
export interface PupilRecord {
  pupilId: string;
  rows: StoredPupil[];
  cases: AbsenceCase[];
  /** Every school with a row or a case of the pupil. */
  schoolIds: string[];
}

/** The pupil's record across schools, or undefined when nothing is stored under this id. */
export async function findPupilRecord(store: Store, pupilId: string): Promise<PupilRecord | undefined> {
  const [rows, stored] = await Promise.all([store.pupils.listRows(pupilId), store.cases.listPupil(pupilId)]);
  const cases = stored.map((entry) => entry.value);
  if (rows.length === 0 && cases.length === 0) return undefined;
  return { pupilId, rows, cases, schoolIds: [...new Set([...rows.map((row) => row.schoolId), ...cases.map((value) => value.schoolId)])] };
}

/** The schools whose absence table may hold the pupil: theirs, and every school of the organisation. */
async function schoolsToSearch(store: Store, record: PupilRecord): Promise<string[]> {
  const organisation = await store.organisation.get();
  return [...new Set([...record.schoolIds, ...(organisation?.schools.map((school) => school.id) ?? [])])];
}

/** Everything stored about a pupil, at every school, or undefined when nothing is stored under this id. */
export async function exportPupil(store: Store, clock: Clock, pupilId: string): Promise<PupilExport | undefined> {
  const record = await findPupilRecord(store, pupilId);
  if (!record) return undefined;
  const caseIds = new Set(record.cases.map((value) => value.caseId));
  const messages = (await store.outbox.list())
    .filter((message) => [...caseIds].some((caseId) => message.subject === caseId || message.subject.includes(`:${caseId}`)))
    .map(({ kind, recipientId, status, createdAt }) => ({ kind, recipientId, status, createdAt }));
  const auditTrail = (await store.audit.list()).filter((entry) => caseIds.has(entry.subject) || entry.subject === `pupil:${pupilId}`);
  const absenceDays: SchoolPupilDay[] = [];
  for (const schoolId of await schoolsToSearch(store, record)) {
    for (const day of await store.absence.listPupil(schoolId, pupilId)) absenceDays.push({ ...day, schoolId });
  }
  absenceDays.sort((a, b) => a.date.localeCompare(b.date));
  const pupil = record.rows[0] ?? unknownRow(record);
  return { exportedAt: clock.now().toISOString(), pupilId, pupil, schools: record.rows, absenceDays, cases: record.cases, messages, auditTrail };
}

/** A pupil whose rows are gone but whose cases are not: known by id and school only. */
function unknownRow(record: PupilRecord): StoredPupil {
  return { pupilId: record.pupilId, name: record.pupilId, schoolId: record.schoolIds[0] ?? "", group: "", contactTeacherIds: [] };
}

export interface Erased {
  schools: number;
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
 * Erases a pupil (the right to erasure, or a pupil added by mistake) at every school they are or were stored
 * under: the pupil's rows, every absence day, every case with its answers and messages. The audit trail keeps that
 * it happened and who did it, not what was erased.
 */
export async function erasePupil(store: Store, clock: Clock, record: PupilRecord, actor: string): Promise<Erased> {
  const messages = await eraseCases(store, record.cases);
  let absenceDays = 0;
  for (const schoolId of await schoolsToSearch(store, record)) absenceDays += await store.absence.deletePupil(schoolId, record.pupilId);
  for (const row of record.rows) await store.pupils.delete(row.schoolId, row.pupilId);
  const erased = { schools: record.schoolIds.length, cases: record.cases.length, absenceDays, messages };
  await store.audit.record({ at: clock.now().toISOString(), actor, action: "pupil.erase", subject: `pupil:${record.pupilId}`, after: erased, outcome: "done" });
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
