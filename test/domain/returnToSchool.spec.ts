import assert from "node:assert/strict";
import type { AbsenceEvent } from "../../src/domain/absence";
import { advance, answerTask, decideReturn, decisionProblems, openCase, withdrawReturn, type AbsenceCase } from "../../src/domain/cases";
import type { IsoDate } from "../../src/domain/dates";
import { detectReturn } from "../../src/domain/returnToSchool";
import { DEFAULT_SETTINGS_DOCUMENT, taskDeadlines } from "../../src/domain/settings";
import { calendar, rule } from "./rules/ruleKit";

const settings = DEFAULT_SETTINGS_DOCUMENT.municipality.returnToSchool;
const routine = { calendar, deadlines: taskDeadlines(DEFAULT_SETTINGS_DOCUMENT.municipality.routine), evaluationAfterSchoolDays: 10 };

function absentOn(dates: IsoDate[], extra: [IsoDate, AbsenceEvent[]][] = []): Map<IsoDate, AbsenceEvent[]> {
  return new Map([...dates.map((date): [IsoDate, AbsenceEvent[]] => [date, [{ kind: "day", documented: "no" }]]), ...extra]);
}

/** Ten school days absent in a row, Monday 9 to Friday 20 November 2026. */
const TEN_DAYS = calendar.schoolDaysIn("2026-11-09", "2026-11-20");

describe("a return to school after a long absence", () => {
  it("is a pupil present on the day judged after ten whole school days absent in a row, with the stretch", () => {
    const returned = detectReturn({ calendar, asOf: "2026-11-23", days: absentOn(TEN_DAYS), settings });
    assert.deepEqual(returned, { on: "2026-11-23", stretch: { from: "2026-11-09", to: "2026-11-20", schoolDaysAbsent: 10, schoolDays: 10 } });
  });

  it("is not a pupil still absent, nor one back after nine days, nor one whose absence ended before the day before", () => {
    assert.equal(detectReturn({ calendar, asOf: "2026-11-23", days: absentOn([...TEN_DAYS, "2026-11-23"]), settings }), undefined, "still absent");
    assert.equal(detectReturn({ calendar, asOf: "2026-11-23", days: absentOn(TEN_DAYS.slice(1)), settings }), undefined, "nine days in a row, 45 % of four weeks");
    assert.equal(detectReturn({ calendar, asOf: "2026-11-24", days: absentOn(TEN_DAYS), settings }), undefined, "back the day before: already a return then");
  });

  it("counts a lesson missed or a late arrival on the day back as present, and closed days do not break the row", () => {
    const late: [IsoDate, AbsenceEvent[]] = ["2026-11-23", [{ kind: "late", documented: "no", minutes: 10 }]];
    assert.equal(detectReturn({ calendar, asOf: "2026-11-23", days: absentOn(TEN_DAYS, [late]), settings })?.on, "2026-11-23");
    // Five days before the autumn break (5-9 October) and five after it.
    const aroundTheBreak = calendar.schoolDaysIn("2026-09-28", "2026-10-16");
    assert.equal(aroundTheBreak.length, 10);
    assert.deepEqual(detectReturn({ calendar, asOf: "2026-10-19", days: absentOn(aroundTheBreak), settings })?.stretch, { from: "2026-09-28", to: "2026-10-16", schoolDaysAbsent: 10, schoolDays: 10 });
  });

  it("is also half of the last 20 school days absent, the last of them the day before", () => {
    const everyOtherDay = calendar.schoolDaysIn("2026-10-26", "2026-11-20").filter((_, index) => index % 2 === 1);
    assert.equal(everyOtherDay.length, 10);
    assert.deepEqual(detectReturn({ calendar, asOf: "2026-11-23", days: absentOn(everyOtherDay), settings })?.stretch, { from: "2026-10-27", to: "2026-11-20", schoolDaysAbsent: 10, schoolDays: 19 });
    assert.equal(detectReturn({ calendar, asOf: "2026-11-23", days: absentOn(everyOtherDay), settings: { ...settings, percentOverFourWeeks: 60 } }), undefined);
  });

  it("gives the open case the return task in place of the current one, once", () => {
    const open = { ...openCase({ caseId: "00000000-0000-4000-8000-000000000001", schoolId: "S1", pupilId: "P1", findings: [], teacherIds: ["T1"], asOf: "2026-11-13", now: new Date("2026-11-14T04:00:00Z"), routine }), pendingNotices: [] };
    const returned = detectReturn({ calendar, asOf: "2026-11-23", days: absentOn(TEN_DAYS), settings });
    const newCase = { caseId: "00000000-0000-4000-8000-000000000002", schoolId: "S1", pupilId: "P1", teacherIds: ["T1"], asOf: "2026-11-23", now: new Date("2026-11-24T04:00:00Z"), routine };
    const decision = decideReturn({ returned, openCase: open, lastClosed: undefined, newCase });
    assert.equal(decision.action, "return");
    const after = (decision as { absenceCase: AbsenceCase }).absenceCase;
    assert.equal(after.current?.task, "return");
    assert.equal(after.current?.dueOn, "2026-11-26", "three school days");
    assert.deepEqual(after.done.map((task) => [task.task, task.supersededOn]), [["follow-up", "2026-11-23"]]);
    assert.deepEqual(after.pendingNotices, [{ kind: "task", recipientId: "T1", serial: 2, deliverFrom: undefined }]);
    assert.equal(decideReturn({ returned, openCase: after, lastClosed: undefined, newCase: { ...newCase, asOf: "2026-11-24" } }).action, "none", "the same return the next night");
  });

  it("opens a case of its own for a pupil without one; its evaluation cannot close until attendance held", () => {
    const returned = detectReturn({ calendar, asOf: "2026-11-23", days: absentOn(TEN_DAYS), settings });
    const newCase = { caseId: "00000000-0000-4000-8000-000000000002", schoolId: "S1", pupilId: "P1", teacherIds: ["T1"], asOf: "2026-11-23", now: new Date("2026-11-24T04:00:00Z"), routine };
    const decision = decideReturn({ returned, openCase: undefined, lastClosed: undefined, newCase });
    assert.equal(decision.action, "open");
    const opened = (decision as { absenceCase: AbsenceCase }).absenceCase;
    assert.equal(opened.concern, "return-to-school");
    assert.equal(opened.current?.task, "return");

    const plan = { welcomeTalk: "yes", adjustedTimetable: "not-needed", dailyCheckIn: "contact-teacher", evaluationOn: "2026-12-07" };
    const evaluating = answerTask(opened, { answers: plan, answeredBy: "T1", now: new Date("2026-11-24T09:00:00Z"), today: "2026-11-24", routine });
    assert.equal(evaluating.current?.task, "evaluation");
    assert.equal(evaluating.current?.openedOn, "2026-12-07");
    assert.equal(evaluating.measuresStartedOn, "2026-11-23", "the measures count from the day back");
    assert.deepEqual(decisionProblems(evaluating, { improved: "partly", decision: "close" }), [{ questionId: "decision", problem: "attendance-not-held" }]);
    assert.deepEqual(decisionProblems(evaluating, { improved: "yes", decision: "close" }), []);
    assert.deepEqual(decisionProblems(evaluating, { improved: "no", decision: "continue" }), []);
  });

  it("keeps the return task when the absence before it makes a rule climb the ladder", () => {
    const returned = detectReturn({ calendar, asOf: "2026-11-23", days: absentOn(TEN_DAYS), settings });
    const newCase = { caseId: "00000000-0000-4000-8000-000000000002", schoolId: "S1", pupilId: "P1", teacherIds: ["T1"], asOf: "2026-11-23", now: new Date("2026-11-24T04:00:00Z"), routine };
    const opened = (decideReturn({ returned, openCase: undefined, lastClosed: undefined, newCase }) as { absenceCase: AbsenceCase }).absenceCase;
    const step2 = { ruleId: "high", kind: "percentage" as const, step: 2, from: "2026-10-27", to: "2026-11-24", value: 50, threshold: 25, inclusive: true, count: 10, unit: "days" as const, kinds: ["day" as const], rule: rule({ id: "high", kind: "percentage", minPercent: 25, step: 2 }) };
    const climbed = advance(opened, { findings: [step2], teacherIds: ["T1"], asOf: "2026-11-24", routine });
    assert.equal(climbed.step, 2);
    assert.equal(climbed.current?.task, "return");
  });

  it("is seen only on days a feed covered: a return on a day the feed does not reach is unknown, and shows when a later feed covers it", () => {
    assert.equal(detectReturn({ calendar, asOf: "2026-11-20", days: absentOn(TEN_DAYS), settings }), undefined, "the feed ends on Friday: Monday is not judged");
    const late = detectReturn({ calendar, asOf: "2026-11-24", judgedThrough: "2026-11-20", days: absentOn(TEN_DAYS), settings });
    assert.equal(late?.on, "2026-11-23", "Tuesday's feed covers Monday and Tuesday: back on Monday");
    assert.equal(detectReturn({ calendar, asOf: "2026-11-24", judgedThrough: "2026-11-23", days: absentOn(TEN_DAYS), settings }), undefined, "Monday was judged already");
  });

  it("is taken back when a correction shows the pupil absent on the day back: the case returns to the task the return superseded", () => {
    const open = { ...openCase({ caseId: "00000000-0000-4000-8000-000000000001", schoolId: "S1", pupilId: "P1", findings: [], teacherIds: ["T1"], asOf: "2026-11-13", now: new Date("2026-11-14T04:00:00Z"), routine }), pendingNotices: [] };
    const returned = detectReturn({ calendar, asOf: "2026-11-23", days: absentOn(TEN_DAYS), settings });
    const newCase = { caseId: "00000000-0000-4000-8000-000000000002", schoolId: "S1", pupilId: "P1", teacherIds: ["T1"], asOf: "2026-11-23", now: new Date("2026-11-24T04:00:00Z"), routine };
    const returning = (decideReturn({ returned, openCase: open, lastClosed: undefined, newCase }) as { absenceCase: AbsenceCase }).absenceCase;
    const corrected = absentOn([...TEN_DAYS, "2026-11-23"]);
    const absent = (date: IsoDate) => corrected.has(date);

    assert.equal(withdrawReturn(returning, { absentOn: (date) => absentOn(TEN_DAYS).has(date), today: "2026-11-24" }), returning, "no correction: the return stays");
    const withdrawn = withdrawReturn(returning, { absentOn: absent, today: "2026-11-24" });
    assert.equal(withdrawn.returned, undefined);
    assert.deepEqual([withdrawn.current?.task, withdrawn.current?.serial, withdrawn.current?.supersededOn], ["follow-up", 1, undefined], "the follow-up, with the card already sent");
    assert.deepEqual(withdrawn.done.map((task) => [task.task, task.serial, task.supersededOn]), [["return", 2, "2026-11-24"]], "the return's number is not given to another task");
    assert.deepEqual(withdrawn.pendingNotices, [], "the return card not yet sent is not sent");

    const ownCase = (decideReturn({ returned, openCase: undefined, lastClosed: undefined, newCase }) as { absenceCase: AbsenceCase }).absenceCase;
    const closed = withdrawReturn(ownCase, { absentOn: absent, today: "2026-11-24" });
    assert.deepEqual([closed.stage, closed.closeReason, closed.closedOn], ["closed", "return-withdrawn", "2026-11-24"], "a case opened for the return alone is closed");
  });
});
