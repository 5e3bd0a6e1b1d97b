import type { IsoDate } from "./dates";
import { highestStep, type Finding } from "./rules/finding";
import type { Answers } from "./routine";

/** Where a case stands in its current step: waiting for the contact teacher's answer, answered, or closed. */
export type CaseStage = "awaiting-answer" | "answered" | "closed";

export type CloseReason = "improved" | "moved" | "other-follow-up" | "left-school";

/** What the outbox must say about a case: the Teams edge decides how (which card) when it sends. */
export type NoticeKind = "case-opened" | "case-advanced" | "case-escalated";

export interface Notice {
  kind: NoticeKind;
  recipientId: string;
  step: number;
}

/** A step the case has been through, kept when the case climbs the ladder. */
export interface StepRecord {
  step: number;
  openedOn: IsoDate;
  dueOn: IsoDate;
  findings: Finding[];
  answers?: Answers | undefined;
  answeredBy?: string | undefined;
  answeredAt?: string | undefined;
  escalatedAt?: string | undefined;
}

/** A concern about one pupil, followed through the routine's steps. One open case per pupil. */
export interface AbsenceCase {
  caseId: string;
  schoolId: string;
  pupilId: string;
  concern: string;
  stage: CaseStage;
  /** The current step of the routine: the highest step any rule has started. */
  step: number;
  /** When the current step started, and its deadline. */
  openedOn: IsoDate;
  openedAt: string;
  dueOn: IsoDate;
  /** Why the current step started, in numbers. */
  findings: Finding[];
  /** The contact teachers asked to answer, as the roster said when the step started. */
  teacherIds: string[];
  answers?: Answers | undefined;
  answeredBy?: string | undefined;
  answeredAt?: string | undefined;
  escalatedAt?: string | undefined;
  escalatedTo?: string[] | undefined;
  /** Earlier steps of this case, oldest first. */
  history: StepRecord[];
  closedOn?: IsoDate | undefined;
  closeReason?: CloseReason | undefined;
  /** Notices decided on but not yet written to the outbox; cleared once they are (crash-safe hand-over). */
  pendingNotices: Notice[];
}

/** The concern the absence rules raise; later concerns (return to school, ...) get their own. */
export const CONCERNING_ABSENCE = "concerning-absence";

export function openCase(input: {
  caseId: string;
  schoolId: string;
  pupilId: string;
  findings: Finding[];
  teacherIds: string[];
  asOf: IsoDate;
  dueOn: IsoDate;
  now: Date;
}): AbsenceCase {
  const step = highestStep(input.findings);
  return {
    caseId: input.caseId,
    schoolId: input.schoolId,
    pupilId: input.pupilId,
    concern: CONCERNING_ABSENCE,
    stage: "awaiting-answer",
    step,
    openedOn: input.asOf,
    openedAt: input.now.toISOString(),
    dueOn: input.dueOn,
    findings: input.findings,
    teacherIds: input.teacherIds,
    history: [],
    pendingNotices: input.teacherIds.map((recipientId) => ({ kind: "case-opened", recipientId, step })),
  };
}

export function isOpen(absenceCase: AbsenceCase): boolean {
  return absenceCase.stage !== "closed";
}

/**
 * What tonight's findings do to an open case: a higher step climbs the ladder (the teacher is asked again, for
 * the new step); the same or a lower step does not nag.
 */
export function advance(absenceCase: AbsenceCase, input: { findings: Finding[]; teacherIds: string[]; asOf: IsoDate; dueOn: IsoDate }): AbsenceCase {
  const step = highestStep(input.findings);
  if (step <= absenceCase.step) return absenceCase;
  const previous: StepRecord = {
    step: absenceCase.step,
    openedOn: absenceCase.openedOn,
    dueOn: absenceCase.dueOn,
    findings: absenceCase.findings,
    answers: absenceCase.answers,
    answeredBy: absenceCase.answeredBy,
    answeredAt: absenceCase.answeredAt,
    escalatedAt: absenceCase.escalatedAt,
  };
  return {
    ...absenceCase,
    stage: "awaiting-answer",
    step,
    openedOn: input.asOf,
    dueOn: input.dueOn,
    findings: input.findings,
    teacherIds: input.teacherIds,
    answers: undefined,
    answeredBy: undefined,
    answeredAt: undefined,
    escalatedAt: undefined,
    escalatedTo: undefined,
    history: [...absenceCase.history, previous],
    pendingNotices: [...absenceCase.pendingNotices, ...input.teacherIds.map((recipientId): Notice => ({ kind: "case-advanced", recipientId, step }))],
  };
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
      ...leaderIds.map((recipientId): Notice => ({ kind: "case-escalated", recipientId, step: absenceCase.step })),
    ],
  };
}

export function recordAnswer(absenceCase: AbsenceCase, answers: Answers, answeredBy: string, now: Date): AbsenceCase {
  return { ...absenceCase, stage: "answered", answers, answeredBy, answeredAt: now.toISOString() };
}

export function closeCase(absenceCase: AbsenceCase, reason: CloseReason, closedOn: IsoDate): AbsenceCase {
  return { ...absenceCase, stage: "closed", closedOn, closeReason: reason };
}

/** The last day whose absence someone has followed up: undocumented absence after it is still news. */
export function followedUpThrough(absenceCase: AbsenceCase | undefined): IsoDate | undefined {
  if (!absenceCase) return undefined;
  const answered = [absenceCase, ...absenceCase.history].map((step) => step.answeredAt?.slice(0, 10)).filter((date): date is string => date !== undefined);
  return answered.sort().pop();
}

export type CaseDecision =
  | { action: "none" }
  | { action: "cooling-down"; until: IsoDate }
  | { action: "open"; absenceCase: AbsenceCase }
  | { action: "advance"; absenceCase: AbsenceCase };

/**
 * What tonight's findings mean for a pupil: open a case, climb the ladder of the open one, or nothing. After a
 * case is closed, a new one opens only when the cool-down has passed.
 */
export function decideCase(input: {
  findings: Finding[];
  openCase: AbsenceCase | undefined;
  lastClosed: AbsenceCase | undefined;
  schoolDaysSinceClosed: number | undefined;
  cooldownSchoolDays: number;
  newCase: Omit<Parameters<typeof openCase>[0], "findings">;
}): CaseDecision {
  const { findings, openCase: current, newCase } = input;
  if (findings.length === 0) return { action: "none" };
  if (current) {
    const advanced = advance(current, { findings, teacherIds: newCase.teacherIds, asOf: newCase.asOf, dueOn: newCase.dueOn });
    return advanced === current ? { action: "none" } : { action: "advance", absenceCase: advanced };
  }
  if (input.lastClosed?.closedOn && input.schoolDaysSinceClosed !== undefined && input.schoolDaysSinceClosed < input.cooldownSchoolDays) {
    return { action: "cooling-down", until: input.lastClosed.closedOn };
  }
  return { action: "open", absenceCase: openCase({ ...newCase, findings }) };
}
