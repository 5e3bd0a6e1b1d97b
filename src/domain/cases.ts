import type { SchoolCalendar } from "./calendar";
import type { IsoDate } from "./dates";
import { highestStep, type Finding } from "./rules/finding";
import { severityOf } from "./severity";
import type { ReturnToSchool } from "./returnToSchool";
import { taskForStep, type AnswerProblem, type Answers, type TaskId } from "./routine";
import { activeSnooze, wakeSnooze, type Snooze } from "./snooze";

/** Waiting for an answer to the current task, watching (no task due), or closed. */
export type CaseStage = "awaiting-answer" | "monitoring" | "closed";

export type CloseReason = "improved" | "moved" | "other-follow-up" | "left-school" | "return-withdrawn";

/**
 * What the outbox must say, and to whom. The Teams edge decides how (which card) when it sends.
 * - task: the card asking the current task's questions;
 * - reminder / last-reminder: the same card, as a reminder at half the deadline and on the deadline day;
 * - escalation: to the school's leaders, when the deadline has passed unanswered;
 * - teacher-unreachable: to the leaders, when the contact teacher cannot be reached in Teams;
 * - referral: the case summary to the school's resource-team channel;
 * - snooze-ended: the same card again, on the day the contact teacher put the task off to.
 */
export type NoticeKind = "task" | "reminder" | "last-reminder" | "escalation" | "teacher-unreachable" | "referral" | "snooze-ended";

export interface Notice {
  kind: NoticeKind;
  recipientId: string;
  /** The task the notice is about (its serial number in the case). */
  serial: number;
  /** Not to be delivered before this instant (quiet hours, a future evaluation date). */
  deliverFrom?: string | undefined;
}

/**
 * A change of the case for the audit trail, decided with the change and stored on the case until it is written
 * (with the case's notices): a run stopped in between leaves it for the next one, and it is written once.
 */
export interface AuditNote {
  action: string;
  at: string;
  /** Entra object id of the person, or `system` for the nightly job. */
  actor: string;
  before?: unknown;
  after: unknown;
}

/** A task of the routine in a case: asked on one day, due on another, answered (or not). */
export interface TaskState {
  task: TaskId;
  step: number;
  /** Counts the tasks of the case: 1, 2, 3 ... A card carries it, so an answer to an outdated card is recognised. */
  serial: number;
  openedOn: IsoDate;
  dueOn: IsoDate;
  answers?: Answers | undefined;
  answeredBy?: string | undefined;
  answeredAt?: string | undefined;
  remindersSent: ("half" | "due")[];
  escalatedAt?: string | undefined;
  /** Set when the task was replaced by a higher step before it was answered. */
  supersededOn?: IsoDate | undefined;
}

/** A concern about one pupil, followed through the routine. One open case per pupil. */
export interface AbsenceCase {
  caseId: string;
  schoolId: string;
  pupilId: string;
  concern: string;
  stage: CaseStage;
  /** The step of the routine: the highest step any rule has started, or the resource team after a referral. */
  step: number;
  openedOn: IsoDate;
  openedAt: string;
  /** Why the case is at its step, in numbers. */
  findings: Finding[];
  /** The contact teachers asked to answer, as the roster said when the current task started. */
  teacherIds: string[];
  /** The task waiting for an answer, if any. */
  current?: TaskState | undefined;
  /**
   * Earlier tasks, oldest first: the latest HISTORY_KEPT, and the latest of each kind of task (the referral summary
   * needs the last meeting). Every answer is also in the audit trail, which keeps the whole history.
   */
  done: TaskState[];
  /** When the measures agreed in the meeting started, for the before/after numbers at the evaluation. */
  measuresStartedOn?: IsoDate | undefined;
  /** The pupil's latest return to school after a long absence; the case is not closed until attendance held. */
  returned?: ReturnToSchool | undefined;
  escalatedTo?: string[] | undefined;
  closedOn?: IsoDate | undefined;
  closeReason?: CloseReason | undefined;
  /** Notices decided on but not yet written to the outbox; cleared once they are (crash-safe hand-over). */
  pendingNotices: Notice[];
  /** Audit entries decided on but not yet written to the trail; cleared with the notices (absent on older cases). */
  pendingAudit?: AuditNote[] | undefined;
  /** The current task put off by the contact teacher ("remind me on ..."), or the last such, woken early. */
  snoozed?: Snooze | undefined;
}

/** The concern the absence rules raise; later concerns (return to school, ...) get their own. */
export const CONCERNING_ABSENCE = "concerning-absence";
/** The concern of a case opened because a pupil came back after a long absence. */
export const RETURN_TO_SCHOOL = "return-to-school";

/** The numbers of the routine that case transitions need. */
export interface RoutineClock {
  calendar: SchoolCalendar;
  /** School days to answer a task, by task. */
  deadlines: Record<TaskId, number>;
  /** School days from the meeting to the evaluation, when no date is given (about two weeks). */
  evaluationAfterSchoolDays: number;
}

/**
 * Earlier tasks a case keeps. A case is one stored entity (at most 1 MiB): a year of fortnightly evaluations is
 * about 20 tasks, and 60 of the longest possible answers stay far below the limit.
 */
export const HISTORY_KEPT = 60;

/** The latest HISTORY_KEPT tasks, and the latest of each kind of task, oldest first. */
function keepRecent(done: TaskState[]): TaskState[] {
  if (done.length <= HISTORY_KEPT) return done;
  const latestOfKind = new Map(done.map((task) => [task.task, task]));
  const kept = new Set([...done.slice(-HISTORY_KEPT), ...latestOfKind.values()]);
  return done.filter((task) => kept.has(task));
}

/** The serial of the case's next task: one more than any task it has had (older ones may no longer be kept). */
function nextSerial(absenceCase: AbsenceCase): number {
  return Math.max(0, absenceCase.current?.serial ?? 0, ...absenceCase.done.map((task) => task.serial)) + 1;
}

function startTask(absenceCase: AbsenceCase, task: TaskId, step: number, openedOn: IsoDate, routine: RoutineClock, deliverFrom?: string): AbsenceCase {
  const serial = nextSerial(absenceCase);
  const current: TaskState = {
    task,
    step,
    serial,
    openedOn,
    dueOn: routine.calendar.addSchoolDays(openedOn, routine.deadlines[task]),
    remindersSent: [],
  };
  return {
    ...absenceCase,
    stage: "awaiting-answer",
    current,
    pendingNotices: [
      ...absenceCase.pendingNotices,
      ...absenceCase.teacherIds.map((recipientId): Notice => ({ kind: "task", recipientId, serial, deliverFrom })),
    ],
  };
}

export function openCase(input: {
  caseId: string;
  schoolId: string;
  pupilId: string;
  findings: Finding[];
  teacherIds: string[];
  asOf: IsoDate;
  now: Date;
  routine: RoutineClock;
}): AbsenceCase {
  const step = highestStep(input.findings);
  const empty: AbsenceCase = {
    caseId: input.caseId,
    schoolId: input.schoolId,
    pupilId: input.pupilId,
    concern: CONCERNING_ABSENCE,
    stage: "monitoring",
    step,
    openedOn: input.asOf,
    openedAt: input.now.toISOString(),
    findings: input.findings,
    teacherIds: input.teacherIds,
    done: [],
    pendingNotices: [],
  };
  return startTask(empty, taskForStep(step), step, input.asOf, input.routine);
}

/**
 * The case with a change noted for the audit trail: what it was (`before`) and what it is now (`of`, by default the
 * case itself): stage, step, task, the rules that fired and who was told.
 */
export function noteChange(absenceCase: AbsenceCase, action: string, input: { at: string; actor: string; before?: unknown; of?: AbsenceCase }): AbsenceCase {
  const of = input.of ?? absenceCase;
  const after = { stage: of.stage, step: of.step, task: of.current?.task, rules: of.findings.map((finding) => finding.ruleId), escalatedTo: of.escalatedTo };
  return withAuditNote(absenceCase, { action, at: input.at, actor: input.actor, ...(input.before === undefined ? {} : { before: input.before }), after });
}

/** The case with an audit entry to write together with its next write (see `AuditNote`). */
export function withAuditNote(absenceCase: AbsenceCase, note: AuditNote): AbsenceCase {
  return { ...absenceCase, pendingAudit: [...(absenceCase.pendingAudit ?? []), note] };
}

/** Whether the case has notices or audit entries still to write. */
export function hasPendingWork(absenceCase: AbsenceCase): boolean {
  return absenceCase.pendingNotices.length > 0 || (absenceCase.pendingAudit?.length ?? 0) > 0;
}

export function isOpen(absenceCase: AbsenceCase): boolean {
  return absenceCase.stage !== "closed";
}

function retire(absenceCase: AbsenceCase, asOf: IsoDate): TaskState[] {
  return absenceCase.current ? keepRecent([...absenceCase.done, { ...absenceCase.current, supersededOn: asOf }]) : absenceCase.done;
}

/**
 * What tonight's findings do to an open case: a higher step climbs the ladder and starts that step's task (the
 * contact teacher is asked again); the same or a lower step does not nag.
 */
export function advance(absenceCase: AbsenceCase, input: { findings: Finding[]; teacherIds: string[]; asOf: IsoDate; routine: RoutineClock }): AbsenceCase {
  const step = highestStep(input.findings);
  if (step <= absenceCase.step) return absenceCase;
  // The absence before a return keeps the rules firing for weeks; the return plan is the next step, not a meeting.
  if (absenceCase.current?.task === "return") return { ...absenceCase, step, findings: input.findings, teacherIds: input.teacherIds };
  const climbed: AbsenceCase = { ...wakeSnooze(absenceCase, input.asOf, step), step, findings: input.findings, teacherIds: input.teacherIds, done: retire(absenceCase, input.asOf), current: undefined };
  return startTask(climbed, taskForStep(step), step, input.asOf, input.routine);
}

/** The day the gentle reminder is due: when half the deadline has passed. */
export function halfwayDay(task: TaskState, calendar: SchoolCalendar): IsoDate | undefined {
  const deadline = calendar.schoolDaysBetween(task.openedOn, task.dueOn);
  return deadline >= 2 ? calendar.addSchoolDays(task.openedOn, Math.floor(deadline / 2)) : undefined;
}

/**
 * Reminders and escalation for the current task, judged on `deliveryDay` (the next school day on which messages
 * may go out): a gentle reminder once half the deadline has passed, a last one on the deadline day, and once the
 * deadline day has ended unanswered, the leaders are told (once).
 */
export function remindOrEscalate(absenceCase: AbsenceCase, input: { asOf: IsoDate; deliveryDay: IsoDate; deliverFrom: string; leaderIds: string[]; now: Date; calendar: SchoolCalendar }): AbsenceCase {
  const task = absenceCase.current;
  if (absenceCase.stage !== "awaiting-answer" || !task || task.openedOn > input.asOf) return absenceCase;
  // Put off by the contact teacher: quiet until the day; the deadline already counts from it.
  if (activeSnooze(absenceCase, input.deliveryDay)) return absenceCase;
  const notice = (kind: NoticeKind, recipientId: string): Notice => ({ kind, recipientId, serial: task.serial, deliverFrom: input.deliverFrom });

  if (task.dueOn <= input.asOf) {
    if (task.escalatedAt) return absenceCase;
    const escalated: AbsenceCase = { ...absenceCase, escalatedTo: input.leaderIds, current: { ...task, escalatedAt: input.now.toISOString() } };
    // Only a case of high severity is told to the leaders at once; the others wait for the daily digest, ordered by severity.
    if (severityOf(escalated, { today: input.deliveryDay, calendar: input.calendar }).level !== "high") return escalated;
    return { ...escalated, pendingNotices: [...absenceCase.pendingNotices, ...input.leaderIds.map((leader) => notice("escalation", leader))] };
  }
  if (input.deliveryDay >= task.dueOn && !task.remindersSent.includes("due")) {
    return {
      ...absenceCase,
      current: { ...task, remindersSent: [...task.remindersSent, "due"] },
      pendingNotices: [...absenceCase.pendingNotices, ...absenceCase.teacherIds.map((teacher) => notice("last-reminder", teacher))],
    };
  }
  const halfway = halfwayDay(task, input.calendar);
  if (halfway && input.deliveryDay >= halfway && input.deliveryDay < task.dueOn && task.remindersSent.length === 0) {
    return {
      ...absenceCase,
      current: { ...task, remindersSent: ["half"] },
      pendingNotices: [...absenceCase.pendingNotices, ...absenceCase.teacherIds.map((teacher) => notice("reminder", teacher))],
    };
  }
  return absenceCase;
}

/**
 * The contact teacher's answer to the current task, and what the routine does next:
 * follow-up -> the meeting when the case is at step 2 or higher, else watching;
 * meeting -> the evaluation on the agreed date; return -> the evaluation on the agreed date, with the return as the
 * start of the measures; evaluation -> continue or change (another evaluation), close, or
 * refer to the resource team; referral -> the summary goes to the resource team when the guardians consented.
 */
export function answerTask(absenceCase: AbsenceCase, input: { answers: Answers; answeredBy: string; now: Date; today: IsoDate; routine: RoutineClock; resourceTeamId?: string | undefined; evaluationDeliverFrom?: (date: IsoDate) => string }): AbsenceCase {
  const task = absenceCase.current;
  if (!task) return absenceCase;
  const answered: TaskState = { ...task, answers: input.answers, answeredBy: input.answeredBy, answeredAt: input.now.toISOString() };
  // An answer ends a snooze of the task.
  const snoozed = absenceCase.snoozed?.serial === task.serial ? undefined : absenceCase.snoozed;
  const base: AbsenceCase = { ...absenceCase, current: undefined, done: keepRecent([...absenceCase.done, answered]), stage: "monitoring", snoozed };
  const { answers, routine, today } = input;
  const evaluationOn = (date: string | undefined) => (date && date > today ? date : routine.calendar.addSchoolDays(today, routine.evaluationAfterSchoolDays));

  switch (task.task) {
    case "follow-up":
      return absenceCase.step >= 2 ? startTask(base, "meeting", absenceCase.step, today, routine) : base;
    case "meeting": {
      const on = evaluationOn(answers.evaluationOn);
      return startTask({ ...base, measuresStartedOn: answers.meetingOn ?? today }, "evaluation", task.step, on, routine, input.evaluationDeliverFrom?.(on));
    }
    case "evaluation": {
      const decision = answers.decision;
      if (decision === "close") return closeCase(base, "improved", today);
      if (decision === "refer") return startTask({ ...base, step: 3 }, "referral", 3, today, routine);
      const on = evaluationOn(answers.nextEvaluationOn);
      const restarted = decision === "change" ? { ...base, measuresStartedOn: today } : base;
      return startTask(restarted, "evaluation", task.step, on, routine, input.evaluationDeliverFrom?.(on));
    }
    case "return": {
      const on = evaluationOn(answers.evaluationOn);
      return startTask({ ...base, measuresStartedOn: absenceCase.returned?.on ?? today }, "evaluation", task.step, on, routine, input.evaluationDeliverFrom?.(on));
    }
    case "referral":
      if (answers.consent !== "given" || !input.resourceTeamId) return base;
      return { ...base, pendingNotices: [...base.pendingNotices, { kind: "referral", recipientId: input.resourceTeamId, serial: task.serial }] };
  }
}

/**
 * The roster names other contact teachers: the case goes with the pupil to them, and a task waiting for an answer
 * is sent to the new teachers too.
 */
export function reassign(absenceCase: AbsenceCase, teacherIds: string[]): AbsenceCase {
  const same = teacherIds.length === absenceCase.teacherIds.length && teacherIds.every((id) => absenceCase.teacherIds.includes(id));
  if (same) return absenceCase;
  const task = absenceCase.current;
  const newcomers = teacherIds.filter((id) => !absenceCase.teacherIds.includes(id));
  return {
    ...absenceCase,
    teacherIds,
    pendingNotices: [...absenceCase.pendingNotices, ...(task ? newcomers.map((recipientId): Notice => ({ kind: "task", recipientId, serial: task.serial })) : [])],
  };
}

export function closeCase(absenceCase: AbsenceCase, reason: CloseReason, closedOn: IsoDate): AbsenceCase {
  return { ...absenceCase, stage: "closed", current: undefined, closedOn, closeReason: reason };
}

/** The last day whose absence someone has followed up: undocumented absence after it is still news. */
export function followedUpThrough(absenceCase: AbsenceCase | undefined): IsoDate | undefined {
  if (!absenceCase) return undefined;
  const answered = absenceCase.done.map((task) => task.answeredAt?.slice(0, 10)).filter((date): date is string => date !== undefined);
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
    const advanced = advance(current, { findings, teacherIds: newCase.teacherIds, asOf: newCase.asOf, routine: newCase.routine });
    return advanced === current ? { action: "none" } : { action: "advance", absenceCase: advanced };
  }
  if (input.lastClosed?.closedOn && input.schoolDaysSinceClosed !== undefined && input.schoolDaysSinceClosed < input.cooldownSchoolDays) {
    return { action: "cooling-down", until: input.lastClosed.closedOn };
  }
  return { action: "open", absenceCase: openCase({ ...newCase, findings }) };
}

/**
 * A pupil came back after a long absence: the contact teacher is asked the return questions at the case's step, and
 * the current task is superseded (an unanswered return task stays; the newer return replaces the one it shows).
 * A return already known (its stretch began before the case's last return) changes nothing.
 */
export function startReturn(absenceCase: AbsenceCase, input: { returned: ReturnToSchool; teacherIds: string[]; asOf: IsoDate; routine: RoutineClock }): AbsenceCase {
  if (!isNewReturn(absenceCase, input.returned)) return absenceCase;
  if (absenceCase.current?.task === "return") return { ...absenceCase, returned: input.returned };
  const retired = absenceCase.current?.serial;
  const returning: AbsenceCase = {
    ...absenceCase,
    returned: input.returned,
    teacherIds: input.teacherIds,
    done: retire(absenceCase, input.asOf),
    current: undefined,
    // A card for the superseded task that has not gone out yet would only be dropped at send time.
    pendingNotices: absenceCase.pendingNotices.filter((notice) => notice.serial !== retired),
  };
  return startTask(returning, "return", absenceCase.step, input.asOf, input.routine);
}

function isNewReturn(absenceCase: AbsenceCase | undefined, returned: ReturnToSchool): boolean {
  const known = absenceCase?.returned;
  return !known || returned.stretch.from > known.on;
}

/**
 * A correction shows the pupil absent on the day read as a return: the return was not one. An unanswered return task
 * is withdrawn and the case goes back to the task it superseded; a case opened for the return alone is closed.
 * A return already answered stays (its plan is under way); only the unanswered task is taken back.
 */
export function withdrawReturn(absenceCase: AbsenceCase, input: { absentOn: (date: IsoDate) => boolean; today: IsoDate }): AbsenceCase {
  const returned = absenceCase.returned;
  const task = absenceCase.current;
  if (!returned || task?.task !== "return" || !input.absentOn(returned.on)) return absenceCase;
  const pendingNotices = absenceCase.pendingNotices.filter((notice) => notice.serial !== task.serial);
  // The withdrawn task stays in the history, so that its number is never given to another task (its card is outdated).
  const withdrawn: TaskState = { ...task, supersededOn: input.today };
  const superseded = absenceCase.done[absenceCase.done.length - 1];
  if (!superseded || superseded.supersededOn !== task.openedOn || superseded.answeredAt) {
    return closeCase({ ...absenceCase, returned: undefined, done: keepRecent([...absenceCase.done, withdrawn]), pendingNotices }, "return-withdrawn", input.today);
  }
  return { ...absenceCase, returned: undefined, current: { ...superseded, supersededOn: undefined }, done: [...absenceCase.done.slice(0, -1), withdrawn], pendingNotices };
}

export type ReturnDecision = { action: "none" } | { action: "return"; absenceCase: AbsenceCase } | { action: "open"; absenceCase: AbsenceCase };

/**
 * What a return to school means for a pupil: the open case gets the return task, or a new case opens for it (one
 * open case per pupil; the cool-down after a closed case does not hold back a return, but a return already
 * followed up in the last case does not open another).
 */
export function decideReturn(input: {
  returned: ReturnToSchool | undefined;
  openCase: AbsenceCase | undefined;
  lastClosed: AbsenceCase | undefined;
  newCase: Omit<Parameters<typeof openCase>[0], "findings">;
}): ReturnDecision {
  const { returned, openCase: current, newCase } = input;
  if (!returned) return { action: "none" };
  if (current) {
    const changed = startReturn(current, { returned, teacherIds: newCase.teacherIds, asOf: newCase.asOf, routine: newCase.routine });
    return changed === current ? { action: "none" } : { action: "return", absenceCase: changed };
  }
  if (!isNewReturn(input.lastClosed, returned)) return { action: "none" };
  const empty: AbsenceCase = {
    caseId: newCase.caseId,
    schoolId: newCase.schoolId,
    pupilId: newCase.pupilId,
    concern: RETURN_TO_SCHOOL,
    stage: "monitoring",
    step: 1,
    openedOn: newCase.asOf,
    openedAt: newCase.now.toISOString(),
    findings: [],
    teacherIds: newCase.teacherIds,
    done: [],
    pendingNotices: [],
  };
  return { action: "open", absenceCase: startReturn(empty, { returned, teacherIds: newCase.teacherIds, asOf: newCase.asOf, routine: newCase.routine }) };
}

/**
 * What the routine refuses in an answer beyond the questions' own checks: a case with a return to school is not
 * closed at an evaluation unless attendance held (the absence went down).
 */
export function decisionProblems(absenceCase: AbsenceCase, answers: Answers): AnswerProblem[] {
  if (absenceCase.current?.task !== "evaluation" || !absenceCase.returned) return [];
  return answers.decision === "close" && answers.improved !== "yes" ? [{ questionId: "decision", problem: "attendance-not-held" }] : [];
}
