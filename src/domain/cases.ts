import type { IsoDate } from "./dates";
import type { Finding } from "./rules/finding";
import type { Answers } from "./routine";

export type CaseStage = "awaiting-answer" | "answered" | "closed";

/** What the outbox must say about a case: the Teams edge decides how (which card) when it sends. */
export type NoticeKind = "case-opened" | "case-escalated";

export interface Notice {
  kind: NoticeKind;
  recipientId: string;
}

/** A concern about one pupil, followed through the routine. One open case per pupil and concern. */
export interface AbsenceCase {
  caseId: string;
  schoolId: string;
  pupilId: string;
  concern: string;
  stage: CaseStage;
  step: number;
  openedOn: IsoDate;
  openedAt: string;
  dueOn: IsoDate;
  finding: Finding;
  /** The contact teachers asked to answer, as the roster said when the case opened. */
  teacherIds: string[];
  answers?: Answers | undefined;
  answeredBy?: string | undefined;
  answeredAt?: string | undefined;
  escalatedAt?: string | undefined;
  escalatedTo?: string[] | undefined;
  /** Notices decided on but not yet written to the outbox; cleared once they are (crash-safe hand-over). */
  pendingNotices: Notice[];
}

/** The concern the absence rules raise; later concerns (return to school, ...) get their own. */
export const CONCERNING_ABSENCE = "concerning-absence";

export function openCase(input: {
  caseId: string;
  schoolId: string;
  pupilId: string;
  finding: Finding;
  teacherIds: string[];
  asOf: IsoDate;
  dueOn: IsoDate;
  now: Date;
}): AbsenceCase {
  return {
    caseId: input.caseId,
    schoolId: input.schoolId,
    pupilId: input.pupilId,
    concern: CONCERNING_ABSENCE,
    stage: "awaiting-answer",
    step: input.finding.step,
    openedOn: input.asOf,
    openedAt: input.now.toISOString(),
    dueOn: input.dueOn,
    finding: input.finding,
    teacherIds: input.teacherIds,
    pendingNotices: input.teacherIds.map((recipientId) => ({ kind: "case-opened", recipientId })),
  };
}

export function isOpen(absenceCase: AbsenceCase): boolean {
  return absenceCase.stage !== "closed";
}

/** Unanswered once the deadline day has ended, and not escalated before. */
export function needsEscalation(absenceCase: AbsenceCase, asOf: IsoDate): boolean {
  return absenceCase.stage === "awaiting-answer" && absenceCase.escalatedAt === undefined && absenceCase.dueOn <= asOf;
}

export function escalate(absenceCase: AbsenceCase, leaderIds: string[], now: Date): AbsenceCase {
  return {
    ...absenceCase,
    escalatedAt: now.toISOString(),
    escalatedTo: leaderIds,
    pendingNotices: [
      ...absenceCase.pendingNotices,
      ...leaderIds.map((recipientId): Notice => ({ kind: "case-escalated", recipientId })),
    ],
  };
}

export function recordAnswer(absenceCase: AbsenceCase, answers: Answers, answeredBy: string, now: Date): AbsenceCase {
  return { ...absenceCase, stage: "answered", answers, answeredBy, answeredAt: now.toISOString() };
}
